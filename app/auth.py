"""Who is calling: bearer tokens for the mobile app (Flask-Login's request_loader)."""

from flask import Flask, g
from flask_login import current_user

from app.extensions import login_manager
from app.problems import problem
from models import User, db
from services import accounts


def init_app(app: Flask) -> None:
    login_manager.request_loader(_user_from_bearer_token)
    login_manager.user_loader(_user_from_session)
    login_manager.unauthorized_handler(_unauthorized)


def signed_in_user() -> User:
    """The signed-in user as a plain model object, for services."""
    return current_user._get_current_object()


def _user_from_bearer_token(request):
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    token = accounts.token_for_secret(secret.strip())
    if token is None:
        return None
    g.api_token = token
    return token.user


def _user_from_session(user_id: str):
    return db.session.get(User, int(user_id))


def _unauthorized():
    return problem(401, headers={"WWW-Authenticate": "Bearer"})
