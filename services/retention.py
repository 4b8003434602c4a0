"""How long personal data is kept, in one table, and the purges that apply it (scheduled jobs,
app/jobs.py). The README's "Personal data" section repeats the table: change both together.

Each purge does one batch of at most BATCH rows and says how many it did: the job calls it again,
each batch in its own unit of work, so no statement holds locks for long, and a run stopped half
way is finished by the next (every purge is idempotent: it picks what is still due).

What the monthly reports read is kept whole or emptied in place, never deleted, with one
exception, the outbox: the reports are snapshots built on the 1st (and tried again hourly), well
within the 90 days; a month rebuilt after its notifications were purged would show no
notification sent and no delivery rate (services/reports/figures.py reads both tables).
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update

from models import (
    AccountLink,
    ApiToken,
    Delivery,
    ExchangeStatus,
    HelpExchange,
    InviteCode,
    Loan,
    Message,
    Notification,
    NotificationStatus,
    db,
)
from models.base import utcnow
from models.loans import FINAL_STATES

BATCH = 1000

RETENTION_DAYS = {
    # Notifications sent (or given up) and their deliveries to phones: the inbox's history.
    "notifications": 90,
    # Sessions signed out or expired: kept a while to answer "where was I signed in?".
    "revoked_sessions": 30,
    # Invite codes past their end (expired or revoked): nobody can join with them any more.
    "expired_invite_codes": 30,
    # A member's export archive (from when it is ready), then its request (from its end).
    "export_archives": 7,
    "export_requests": 7,
    # The texts of thread messages, from the end of their loan or exchange: long enough for a
    # dispute about an object lent or a service (a late return, damage) to be raised and
    # looked into; the messages stay as "message deleted", so threads and counts keep their
    # shape.
    "closed_deal_messages": 365,
    # Accounts whose address was never confirmed, from registration (services/erasure.py;
    # never before the grace period of EMAIL_VERIFICATION_GRACE_DAYS ends).
    "unconfirmed_accounts": 30,
    # E-mailed account links (address checks, password resets), from their end (used or
    # expired): they hold the address they were sent to.
    "account_links": 7,
}

EXCHANGES_ENDED = (ExchangeStatus.DONE, ExchangeStatus.DECLINED, ExchangeStatus.CANCELLED)
NOTIFICATIONS_ENDED = (
    NotificationStatus.SENT,
    NotificationStatus.FAILED,
    NotificationStatus.DROPPED,
)


def period(name: str) -> timedelta:
    return timedelta(days=RETENTION_DAYS[name])


def cutoff(name: str, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - period(name)


def delete_batch(model, *conditions) -> int:
    ids = list(
        db.session.scalars(select(model.id).where(*conditions).order_by(model.id).limit(BATCH))
    )
    if ids:
        db.session.execute(
            delete(model).where(model.id.in_(ids)), execution_options={"synchronize_session": False}
        )
    return len(ids)


def purge_notifications(now: datetime | None = None) -> int:
    """Deliveries older than the period, then notifications ended before it (their remaining
    deliveries with them); pending ones are never purged."""
    before = cutoff("notifications", now)
    deleted = delete_batch(Delivery, Delivery.created_at < before)
    if deleted:
        return deleted
    ended = select(Notification.id).where(
        Notification.status.in_(NOTIFICATIONS_ENDED), Notification.created_at < before
    )
    ids = list(db.session.scalars(ended.order_by(Notification.id).limit(BATCH)))
    if ids:
        db.session.execute(delete(Delivery).where(Delivery.notification_id.in_(ids)))
        db.session.execute(
            delete(Notification).where(Notification.id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
    return len(ids)


def purge_revoked_sessions(now: datetime | None = None) -> int:
    """Tokens revoked before the period (the hourly job revokes expired ones)."""
    return delete_batch(ApiToken, ApiToken.revoked_at < cutoff("revoked_sessions", now))


def purge_expired_invite_codes(now: datetime | None = None) -> int:
    before = cutoff("expired_invite_codes", now)
    return delete_batch(
        InviteCode, or_(InviteCode.expires_at < before, InviteCode.revoked_at < before)
    )


def purge_account_links(now: datetime | None = None) -> int:
    before = cutoff("account_links", now)
    return delete_batch(
        AccountLink, or_(AccountLink.expires_at < before, AccountLink.used_at < before)
    )


def purge_closed_deal_messages(now: datetime | None = None) -> int:
    """Empty the texts of messages whose loan or exchange ended before the period."""
    before = cutoff("closed_deal_messages", now)
    ended_at = func.coalesce(Loan.status_changed_at, Loan.updated_at)
    old_loans = select(Loan.id).where(Loan.status.in_(FINAL_STATES), ended_at < before)
    exchange_ended_at = func.coalesce(HelpExchange.status_changed_at, HelpExchange.updated_at)
    old_exchanges = select(HelpExchange.id).where(
        HelpExchange.status.in_(EXCHANGES_ENDED), exchange_ended_at < before
    )
    ids = list(
        db.session.scalars(
            select(Message.id)
            .where(
                or_(Message.loan_id.in_(old_loans), Message.exchange_id.in_(old_exchanges)),
                or_(Message.body != "", Message.deleted_at.is_(None)),
            )
            .order_by(Message.id)
            .limit(BATCH)
        )
    )
    if ids:
        stamp = now or utcnow()
        db.session.execute(
            update(Message)
            .where(Message.id.in_(ids))
            .values(body="", deleted_at=func.coalesce(Message.deleted_at, stamp)),
            execution_options={"synchronize_session": False},
        )
    return len(ids)
