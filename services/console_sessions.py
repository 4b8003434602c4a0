"""Sign-ins to the staff console.

The console's cookie holds a random secret; only its SHA-256 is stored, in `console_sessions`,
so a session ends for good when it is revoked (sign-out, a new password) or left idle, whatever
the cookie says. Who may sign in: the landlord's staff, the habitants solidaires and the
platform's admins; residents use the app.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, or_, select

from models import ConsoleSession, LandlordStaff, Membership, MembershipRole, User, db
from models.base import utcnow
from models.memberships import MembershipStatus
from services import accounts
from services.errors import Forbidden

# Seen again within this long, a session's last use is not written again.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def sign_in_to_console(email: str, password: str) -> tuple[User, str]:
    """Check the credentials and open a console session: the user and the cookie's secret."""
    user = accounts.check_credentials(email, password)
    if not may_use_console(user):
        raise Forbidden(
            "The console is for the landlord's staff and the habitants solidaires. "
            "Residents use the Palier app on their phone."
        )
    secret = secrets.token_urlsafe(32)
    db.session.add(ConsoleSession(user=user, secret_hash=_digest(secret)))
    db.session.flush()
    return user, secret


def may_use_console(user: User) -> bool:
    if user.is_platform_admin:
        return True
    staff = select(LandlordStaff.id).where(
        LandlordStaff.user_id == user.id, LandlordStaff.active.is_(True)
    )
    moderator = select(Membership.id).where(
        Membership.user_id == user.id,
        Membership.status == MembershipStatus.ACTIVE,
        Membership.role.in_([MembershipRole.SOLIDAIRE, MembershipRole.STAFF]),
    )
    return bool(db.session.scalar(select(or_(exists(staff), exists(moderator)))))


def console_user(secret: str | None, user_id: str) -> User | None:
    """The user of a live console session, or None (unknown, revoked, idle too long, or a
    cookie whose user id does not match its secret)."""
    if not secret or not user_id.isdigit():
        return None
    now = utcnow()
    session = db.session.scalar(
        select(ConsoleSession).where(
            ConsoleSession.secret_hash == _digest(secret),
            ConsoleSession.revoked_at.is_(None),
            ConsoleSession.last_seen_at > now - _idle_limit(),
        )
    )
    if session is None or session.user_id != int(user_id) or not may_use_console(session.user):
        return None
    if now - session.last_seen_at > LAST_SEEN_RESOLUTION:
        session.last_seen_at = now
        db.session.flush()
    return session.user


def sign_out_of_console(secret: str | None) -> None:
    if not secret:
        return
    session = db.session.scalar(
        select(ConsoleSession).where(ConsoleSession.secret_hash == _digest(secret))
    )
    if session is not None and session.revoked_at is None:
        session.revoked_at = utcnow()
        db.session.flush()


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["CONSOLE_SESSION_IDLE_MINUTES"])


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
