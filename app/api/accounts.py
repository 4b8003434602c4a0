"""Accounts: register, sign in and out with a device token, and the member's own profile."""

from flask import g
from flask_login import login_required
from flask_smorest import Blueprint

from app.api import rate_limits
from app.auth import signed_in_user
from app.schemas.accounts import (
    LoginSchema,
    ProfileUpdateSchema,
    RegisterSchema,
    TokenSchema,
    UserSchema,
)
from services import accounts

blp = Blueprint("auth", __name__, description="Accounts and sign-in")


@blp.route("/auth/register", methods=["POST"])
@rate_limits.register_per_ip
@rate_limits.register_per_account
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
def register(data):
    """Create an account (then sign in to get a token)."""
    return accounts.register(**data)


@blp.route("/auth/login", methods=["POST"])
@rate_limits.login_per_ip
@rate_limits.login_per_account
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
def login(data):
    """Sign in from a device: returns a bearer token for that device."""
    user, token = accounts.log_in(data["email"], data["password"], data["device_name"])
    return {"token": token, "user": user}


@blp.route("/auth/logout", methods=["POST"])
@login_required
@blp.response(204)
def logout():
    """Revoke the token this request was made with."""
    accounts.revoke_token(g.api_token)


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, UserSchema)
def get_me():
    return signed_in_user()


@blp.route("/me", methods=["PATCH"])
@login_required
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, UserSchema)
def update_me(changes):
    return accounts.update_profile(signed_in_user(), changes)
