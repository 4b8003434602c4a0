"""Accounts: registration, passwords, device tokens and the member's own profile."""

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from flask import current_app
from sqlalchemy import delete, select

from models import ApiToken, Device, User, db
from models.base import utcnow
from services.errors import Conflict, NotAuthenticated

# A token's last use is written at most this often, so that reads do not each cost a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _hasher() -> PasswordHasher:
    # Argon2id; the test configuration lowers the cost, production keeps the library's defaults.
    return PasswordHasher(**current_app.config["ARGON2_PARAMETERS"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def register(email: str, password: str, display_name: str, locale: str = "fr") -> User:
    email = normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("An account already exists with this e-mail address.")
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=display_name.strip(),
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


def log_in(email: str, password: str, device_name: str) -> tuple[User, str]:
    """Check the credentials and return the user with a new bearer token for this device.

    An unknown e-mail and a wrong password fail alike, after the same hashing work.
    """
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    hasher = _hasher()
    try:
        if user is None:
            hasher.verify(_dummy_hash(hasher), password)
            raise VerificationError
        hasher.verify(user.password_hash, password)
    except VerificationError:
        raise NotAuthenticated("Wrong e-mail or password.") from None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user, issue_token(user, device_name)


_dummy_hashes: dict[tuple, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(secrets.token_hex(16))
    return _dummy_hashes[key]


def issue_token(user: User, device_name: str) -> str:
    """Create the device's bearer token, replacing the one that device had before."""
    device_name = device_name.strip()
    now = utcnow()
    previous = db.session.scalars(
        select(ApiToken).where(
            ApiToken.user_id == user.id,
            ApiToken.device_name == device_name,
            ApiToken.revoked_at.is_(None),
        )
    )
    for token in previous:
        token.revoked_at = now
    db.session.flush()
    secret = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user=user, device_name=device_name, token_hash=_digest(secret), last_used_at=now)
    )
    db.session.flush()
    return secret


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token behind a bearer secret, or None; records when it was last used."""
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _digest(secret), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.flush()
    return token


def revoke_token(token: ApiToken) -> None:
    """Sign a device out: its token stops working and the phone stops receiving notifications."""
    token.revoked_at = utcnow()
    db.session.execute(delete(Device).where(Device.api_token_id == token.id))
    db.session.flush()


def update_profile(user: User, changes: dict) -> User:
    if "display_name" in changes:
        user.display_name = changes["display_name"].strip()
    if "locale" in changes:
        user.locale = changes["locale"]
    db.session.flush()
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
