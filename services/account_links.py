"""Single-use links e-mailed to members: checking an address, choosing a new password,
confirming a new address.

A link carries a random secret (256 bits) signed with SECRET_KEY for its purpose: a token
made up, cut short or meant for another purpose is refused before any lookup, and a new
SECRET_KEY voids every link out. Only the secret's SHA-256 is stored, with whom and which
address it is for, when it expires and when it was used. Opening a link's page (GET) only
reads it (`find`): mail scanners fetch links before members do. Using it (`consume`) marks it
used in one conditional UPDATE, so two requests at once cannot both use it.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask import current_app
from itsdangerous import BadSignature, Signer
from sqlalchemy import select, update

from models import AccountLink, LinkPurpose, User, db
from models.base import utcnow
from services.errors import field_error

LIFETIMES = {
    LinkPurpose.VERIFY_EMAIL: timedelta(days=7),
    LinkPurpose.RESET_PASSWORD: timedelta(hours=1),
    LinkPurpose.CHANGE_EMAIL: timedelta(hours=24),
}
# The pages (app/account_pages.py) that each link opens.
PAGES = {
    LinkPurpose.VERIFY_EMAIL: "/account/verify-email",
    LinkPurpose.RESET_PASSWORD: "/account/reset-password",
    LinkPurpose.CHANGE_EMAIL: "/account/confirm-email",
}
# A token is at most this long: a 43-character secret, a dot and a 27-character signature.
MAX_TOKEN_LENGTH = 200


def issue(user: User, purpose: LinkPurpose, email: str, now: datetime | None = None) -> str:
    """A new link's token for `user`, sent to `email`."""
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    db.session.add(
        AccountLink(
            user=user,
            purpose=purpose,
            email=email,
            token_hash=_digest(secret),
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    db.session.flush()
    return _signer(purpose).sign(secret).decode()


def url(purpose: LinkPurpose, token: str) -> str:
    """The address of the page that opens the link."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return f"{base}{PAGES[purpose]}?{urlencode({'token': token})}"


def find(token: str, purpose: LinkPurpose, now: datetime | None = None) -> AccountLink:
    """The link behind a token, still usable; a 422 on `token` otherwise. Uses nothing."""
    link = db.session.scalar(
        select(AccountLink).where(
            AccountLink.token_hash == _digest(_secret(token, purpose)),
            AccountLink.purpose == purpose,
        )
    )
    _check_usable(link, now or utcnow())
    return link


def consume(token: str, purpose: LinkPurpose, now: datetime | None = None) -> AccountLink:
    """Use the link behind a token, once; a 422 on `token` if it is unknown, used or expired."""
    now = now or utcnow()
    link = find(token, purpose, now)
    used = db.session.execute(
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=now)
        .returning(AccountLink.id)
    ).scalar()
    if used is None:  # used by a simultaneous request
        raise _used()
    db.session.refresh(link)
    return link


def consume_at_current_address(
    token: str, purpose: LinkPurpose, now: datetime | None = None
) -> AccountLink:
    """`consume`, for a link that proves the member owns their address: refused when it was
    sent to an address the account has since left."""
    link = consume(token, purpose, now)
    if link.email != link.user.email:
        raise field_error(
            "token", "This link was sent to an address that is no longer the account's."
        )
    return link


def void_unused(user: User, purpose: LinkPurpose, now: datetime | None = None) -> None:
    """End the member's unused links of a purpose (a new one replaces them, or they are moot)."""
    db.session.execute(
        update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
        )
        .values(used_at=now or utcnow())
    )


def _check_usable(link: AccountLink | None, now: datetime) -> None:
    if link is None:
        raise _unknown()
    if link.used_at is not None:
        raise _used()
    if link.expires_at <= now:
        raise field_error("token", "This link has expired. Ask for a new one.")


def _secret(token: str, purpose: LinkPurpose) -> str:
    if len(token) > MAX_TOKEN_LENGTH or "\x00" in token:
        raise _unknown()
    try:
        return _signer(purpose).unsign(token).decode()
    except (BadSignature, UnicodeError):
        raise _unknown() from None


def _unknown():
    return field_error(
        "token",
        "This link is not valid. Copy the whole link from the e-mail, or ask for a new one.",
    )


def _used():
    return field_error("token", "This link has already been used. Ask for a new one if needed.")


def _signer(purpose: LinkPurpose) -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=f"palier-account-link-{purpose.value}")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
