"""The outbox: services enqueue notifications in the same transaction as the change behind them.

Nothing is sent here. Because the rows commit (or roll back) with the change, a notification is
never lost after a change, nor sent for a change that did not happen.
"""

from sqlalchemy import select

from models import Notification, User, db
from notifications.texts import render


def enqueue(
    recipients: list[User],
    kind: str,
    params: dict,
    *,
    key: str,
    link: str,
    urgent: bool = False,
) -> list[Notification]:
    """Add one pending notification per recipient; a key already enqueued is not added again,
    and a member who erased their account gets none (a neighbour may still thank them)."""
    recipients = [user for user in recipients if user.erased_at is None]
    keys = {user.id: f"{key}:{user.id}" for user in recipients}
    existing = set(
        db.session.scalars(
            select(Notification.idempotency_key).where(
                Notification.idempotency_key.in_(keys.values())
            )
        )
    )
    added = []
    for user in recipients:
        if keys[user.id] in existing:
            continue
        title, body = render(kind, user.locale, params)
        notification = Notification(
            recipient=user,
            kind=kind,
            payload={"title": title, "body": body, "link": link},
            idempotency_key=keys[user.id],
            urgent=urgent,
        )
        db.session.add(notification)
        added.append(notification)
    return added
