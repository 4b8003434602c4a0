"""Limits on sign-in, registration and password changes, per client address and per account."""

from flask import current_app, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from app.extensions import limiter
from services.accounts import normalize_email


def _account_key() -> str:
    try:
        body = request.get_json(silent=True)
    except HTTPException:  # too large a body: the request is refused anyway
        body = None
    email = body.get("email") if isinstance(body, dict) else None
    return normalize_email(email) if isinstance(email, str) else request.remote_addr or ""


def _member_key() -> str:
    if current_user.is_authenticated:
        return f"member-{current_user.get_id()}"
    return request.remote_addr or ""


def _setting(name: str):
    return lambda: current_app.config[name]


login_per_ip = limiter.limit(_setting("LOGIN_RATE_LIMIT_PER_IP"))
login_per_account = limiter.limit(
    _setting("LOGIN_RATE_LIMIT_PER_ACCOUNT"), key_func=_account_key, scope="login-account"
)
register_per_ip = limiter.limit(_setting("REGISTER_RATE_LIMIT_PER_IP"))
register_per_account = limiter.limit(
    _setting("REGISTER_RATE_LIMIT_PER_ACCOUNT"), key_func=_account_key, scope="register-account"
)
password_change_per_member = limiter.limit(
    _setting("PASSWORD_CHANGE_RATE_LIMIT"), key_func=_member_key, scope="password-member"
)
