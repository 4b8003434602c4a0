"""Limits on sign-in and registration, per client address and per account."""

from flask import current_app, request
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
