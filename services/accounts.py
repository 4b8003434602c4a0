"""Accounts: registration, passwords, device tokens (sessions) and the member's own profile."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from flask import current_app
from sqlalchemy import and_, bindparam, delete, func, not_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from models import ApiToken, ConsoleSession, Device, User, db
from models.accounts import normalize_email
from models.base import utcnow
from services import email_verification
from services.account_mail import send_account_mail
from services.errors import NotAuthenticated, NotFound, field_error
from services.pagination import Page, paginate

# A token's last use is written at most this often, so that reads do not each cost a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _hasher() -> PasswordHasher:
    # Argon2id; the test configuration lowers the cost, production keeps the library's defaults.
    return PasswordHasher(**current_app.config["ARGON2_PARAMETERS"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def register(email: str, password: str, display_name: str, locale: str = "fr") -> None:
    """Create an account for this address unless it already has one, and tell nobody which.

    The caller gets the same answer either way, after the same costly work (the password is
    hashed, an e-mail sent), so that registering does not reveal who has an account. A new
    account gets a link that confirms its address; an existing account is left untouched,
    and its owner is told that someone tried.
    """
    email = normalize_email(email)
    password_hash = hash_password(password)
    owner = db.session.scalar(select(User).where(User.email == email))
    if owner is not None:
        send_account_mail(owner, "registration_attempt")
        return
    user = User(
        email=email, password_hash=password_hash, display_name=display_name.strip(), locale=locale
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        return  # registered by a simultaneous request: the same answer
    email_verification.send_link(user)


def log_in(email: str, password: str, device_name: str) -> tuple[User, str]:
    """Check the credentials and return the user with a new bearer token for this device."""
    user = check_credentials(email, password)
    return user, issue_token(user, device_name)


def check_credentials(email: str, password: str) -> User:
    """The user with this e-mail and password. An unknown e-mail and a wrong password fail
    alike, after the same hashing work. A member whose grace period ended before they
    confirmed their address is refused (403)."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    hasher = _hasher()
    try:
        if user is None or user.erased_at is not None:
            hasher.verify(_dummy_hash(hasher), password)
            raise VerificationError
        hasher.verify(user.password_hash, password)
    except VerificationError:
        raise NotAuthenticated("Wrong e-mail or password.") from None
    email_verification.refuse_if_grace_over(user)
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


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
    # Sign-ins of one member wait for one another: two at once from the same device would
    # each find no live token and both add one, against the unique index of live devices.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
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


def _token_limits() -> tuple[timedelta, timedelta]:
    """How long a token lives unused, and at most."""
    config = current_app.config
    return timedelta(days=config["TOKEN_IDLE_DAYS"]), timedelta(days=config["TOKEN_LIFETIME_DAYS"])


def _live(now: datetime):
    """SQL: the token is neither revoked nor expired."""
    return _live_since(**_live_bounds(now))


def _live_bounds(now: datetime) -> dict:
    idle, lifetime = _token_limits()
    return {"created_after": now - lifetime, "used_after": now - idle}


def _live_since(created_after, used_after):
    return and_(
        ApiToken.revoked_at.is_(None),
        ApiToken.created_at > created_after,
        func.coalesce(ApiToken.last_used_at, ApiToken.created_at) > used_after,
    )


# Every API request looks its bearer token up: the statement is built once, bound each time.
TOKEN_BY_HASH = (
    select(ApiToken)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        _live_since(bindparam("created_after"), bindparam("used_after")),
    )
    # Its user with it: every request needs both, in one round trip.
    .options(joinedload(ApiToken.user, innerjoin=True))
)


def token_expires_at(token: ApiToken) -> datetime:
    """When the token ends if it is not used before: the idle timeout or its lifetime."""
    idle, lifetime = _token_limits()
    return min((token.last_used_at or token.created_at) + idle, token.created_at + lifetime)


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token behind a bearer secret, or None (unknown, revoked or expired); records
    when it was last used."""
    now = utcnow()
    token = db.session.scalar(TOKEN_BY_HASH, {"token_hash": _digest(secret), **_live_bounds(now)})
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.flush()
    return token


def revoke_token(token: ApiToken) -> None:
    """Sign a device out: its token stops working and the phone stops receiving notifications."""
    token.revoked_at = utcnow()
    db.session.execute(delete(Device).where(Device.api_token_id == token.id))
    db.session.flush()


@dataclass
class SignedInDevice:
    """One of a member's sessions: a live token, the phones registered under it."""

    id: int
    device_name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    current: bool
    devices: list[Device]


def list_sessions(
    user: User, current: ApiToken | None, cursor: str | None, limit: int | None
) -> Page:
    """The member's live sessions, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == user.id, _live(utcnow()))
    page = paginate(query, [ApiToken.id], cursor, limit, descending=True)
    devices: dict[int, list[Device]] = {token.id: [] for token in page.items}
    if devices:
        for device in db.session.scalars(
            select(Device).where(Device.api_token_id.in_(devices)).order_by(Device.id)
        ):
            devices[device.api_token_id].append(device)
    page.items = [
        SignedInDevice(
            id=token.id,
            device_name=token.device_name,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            expires_at=token_expires_at(token),
            current=current is not None and token.id == current.id,
            devices=devices[token.id],
        )
        for token in page.items
    ]
    return page


def revoke_session(user: User, token_id: int) -> None:
    """Sign one of the member's sessions out (the current one too, like signing out)."""
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id, ApiToken.user_id == user.id, _live(utcnow())
        )
    )
    if token is None:
        raise NotFound("This session does not exist.")
    revoke_token(token)


def revoke_other_sessions(user: User, current: ApiToken | None) -> int:
    """Sign out everywhere but here: every other token of the member ends (expired ones too,
    so that their phones stop receiving notifications). Returns how many were live or expired."""
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if current is not None:
        query = query.where(ApiToken.id != current.id)
    tokens = list(db.session.scalars(query))
    for token in tokens:
        revoke_token(token)
    return len(tokens)


def check_current_password(user: User, password: str, field: str = "current_password") -> None:
    """A 422 on `field` unless `password` is the member's (asked again before a change of
    password or an erasure)."""
    try:
        _hasher().verify(user.password_hash, password)
    except VerificationError:
        raise field_error(field, "This is not your current password.") from None


def change_password(
    user: User, current: ApiToken | None, current_password: str, new_password: str
) -> None:
    """Change the password, given the current one, and sign every other session out."""
    check_current_password(user, current_password)
    set_password(user, new_password, keep=current)


def set_password(user: User, new_password: str, keep: ApiToken | None = None) -> None:
    """A new password: every session but `keep` (every one, without it) is signed out."""
    user.password_hash = hash_password(new_password)
    revoke_other_sessions(user, keep)
    revoke_console_sessions(user)
    db.session.flush()


def revoke_console_sessions(user: User) -> None:
    """End every console sign-in of the member (a new password, say)."""
    db.session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.user_id == user.id, ConsoleSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_expired_sessions() -> int:
    """Revoke the tokens that have expired, dropping their phones (a scheduled job)."""
    tokens = list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.revoked_at.is_(None), not_(_live(utcnow())))
        )
    )
    for token in tokens:
        revoke_token(token)
    return len(tokens)


def update_profile(user: User, changes: dict) -> User:
    if "display_name" in changes:
        user.display_name = changes["display_name"].strip()
    if "locale" in changes:
        user.locale = changes["locale"]
    db.session.flush()
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
