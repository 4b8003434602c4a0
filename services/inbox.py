"""The member's inbox in the app: every notification written for them, whether or not push
delivered it (no phone, a category switched off, quiet hours), newest first.

The rows are the outbox's (notifications/outbox.py): titles and bodies were written in the
member's language when the notification was made. Reading one in the inbox marks it read;
one read before push sends it (held by quiet hours, say) is no longer sent.
"""

from sqlalchemy import func, select, update

from models import Notification, User, db
from models.base import utcnow
from services.errors import NotFound
from services.pagination import Page, paginate


def list_notifications(user: User, cursor: str | None, limit: int | None) -> Page:
    query = select(Notification).where(Notification.recipient_id == user.id)
    return paginate(query, [Notification.id], cursor, limit, descending=True)


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Notification.recipient_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the member's notifications read (again: nothing changes); 404 for another's."""
    notification = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.recipient_id == user.id
        )
    )
    if notification is None:
        raise NotFound("This notification does not exist.")
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the member read; returns how many."""
    return db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
