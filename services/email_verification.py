"""Checking members' e-mail addresses: a link at registration, a grace period, one reminder.

An account works for EMAIL_VERIFICATION_GRACE_DAYS after registration without a confirmed
address; EMAIL_VERIFICATION_REMINDER_DAYS after it, an unconfirmed member is reminded once
with a new link (a scheduled job); after the grace period, signing in answers 403 until the
member opens a link, which they can ask for again at any time.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from models import LinkPurpose, User, db
from models.accounts import normalize_email
from models.base import utcnow
from services import account_links
from services.account_mail import send_account_mail
from services.errors import Forbidden


def grace_ends_at(user: User) -> datetime | None:
    """Until when the account works without a confirmed address; None once confirmed."""
    if user.email_verified_at is not None:
        return None
    return user.created_at + timedelta(days=current_app.config["EMAIL_VERIFICATION_GRACE_DAYS"])


def refuse_if_grace_over(user: User, now: datetime | None = None) -> None:
    """A 403 for a member whose grace period ended before they confirmed their address."""
    ends = grace_ends_at(user)
    if ends is not None and ends <= (now or utcnow()):
        raise Forbidden(
            "Confirm your e-mail address to sign in: open the link we e-mailed you. To get a "
            "new one, ask for it from the app (POST /api/v1/auth/verify-email/resend).",
            extra={"email_verification_required": True},
        )


def send_link(user: User, kind: str = "verify_email", now: datetime | None = None) -> None:
    """E-mail the member a new link that confirms their current address."""
    token = account_links.issue(user, LinkPurpose.VERIFY_EMAIL, user.email, now)
    send_account_mail(
        user,
        kind,
        link=account_links.url(LinkPurpose.VERIFY_EMAIL, token),
        until=grace_ends_at(user),
    )


def resend_link(email: str) -> None:
    """A new link for an unconfirmed address; nothing for a confirmed or unknown one (the
    caller answers alike)."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is not None and user.email_verified_at is None:
        send_link(user)


def verify_email(token: str) -> User:
    """Confirm the address a link was sent to, if it is still the member's."""
    link = account_links.consume_at_current_address(token, LinkPurpose.VERIFY_EMAIL)
    user = link.user
    if user.email_verified_at is None:
        user.email_verified_at = link.used_at
    db.session.flush()
    return user


def remind_unverified(now: datetime | None = None) -> int:
    """Remind, once, the members still unconfirmed EMAIL_VERIFICATION_REMINDER_DAYS after
    registering (a scheduled job); returns how many were reminded. A member whose e-mail the
    SMTP server refused is tried again at the next run."""
    now = now or utcnow()
    config = current_app.config
    due = db.session.scalars(
        select(User)
        .where(
            User.email_verified_at.is_(None),
            User.erased_at.is_(None),
            User.verification_reminded_at.is_(None),
            User.created_at <= now - timedelta(days=config["EMAIL_VERIFICATION_REMINDER_DAYS"]),
            User.created_at > now - timedelta(days=config["EMAIL_VERIFICATION_GRACE_DAYS"]),
        )
        .order_by(User.id)
        .with_for_update(skip_locked=True)
    ).all()
    reminded = 0
    for user in due:
        token = account_links.issue(user, LinkPurpose.VERIFY_EMAIL, user.email, now)
        sent = send_account_mail(
            user,
            "verify_email_reminder",
            link=account_links.url(LinkPurpose.VERIFY_EMAIL, token),
            until=grace_ends_at(user),
        )
        if sent:
            user.verification_reminded_at = now
            reminded += 1
    db.session.flush()
    return reminded
