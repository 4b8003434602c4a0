"""Rate limits, each a setting of app/config.py: sign-in and registration per client address
and per e-mail; links by e-mail (address checks, password resets) per address and per client
address, and opening them per client address; password and e-mail changes per member; joining
with an invite code per account and per address; photo uploads and requests to neighbours
(loans, help exchanges) per account. Every write of the API is limited per account as well
(app/extensions.py). A refused request answers 429 with Retry-After.
"""

from flask import current_app, request
from werkzeug.exceptions import HTTPException

from app.extensions import account_key, limiter
from models.accounts import normalize_email


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

join_per_ip = limiter.limit(_setting("JOIN_RATE_LIMIT_PER_IP"), scope="join-ip")
join_per_account = limiter.limit(
    _setting("JOIN_RATE_LIMIT_PER_ACCOUNT"), key_func=account_key, scope="join-account"
)
# Shared by the three photo endpoints (listings, spaces, posts): one count per account.
photo_uploads = limiter.shared_limit(
    _setting("PHOTO_RATE_LIMIT_PER_ACCOUNT"), scope="photos", key_func=account_key
)
# Shared by loan requests and help exchanges: each one notifies a neighbour.
neighbour_requests = limiter.shared_limit(
    _setting("LOAN_EXCHANGE_RATE_LIMIT_PER_ACCOUNT"), scope="requests", key_func=account_key
)
password_change_per_member = limiter.limit(
    _setting("PASSWORD_CHANGE_RATE_LIMIT"), key_func=account_key, scope="password-member"
)
# Links by e-mail (address checks, password resets): each request may send an e-mail.
email_link_per_ip = limiter.limit(_setting("EMAIL_LINK_RATE_LIMIT_PER_IP"), scope="email-link-ip")
email_link_per_address = limiter.limit(
    _setting("EMAIL_LINK_RATE_LIMIT_PER_ADDRESS"), key_func=_account_key, scope="email-link-address"
)
link_use_per_ip = limiter.limit(_setting("LINK_USE_RATE_LIMIT_PER_IP"), scope="link-use-ip")
email_change_per_member = limiter.limit(
    _setting("EMAIL_CHANGE_RATE_LIMIT"), key_func=account_key, scope="email-change-member"
)
