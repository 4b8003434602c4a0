"""The outbox: services enqueue notifications in the same transaction as the change behind them.

Nothing is sent here. Because the rows commit (or roll back) with the change, a notification is
never lost after a change, nor sent for a change that did not happen. An alert to a residence
writes thousands of rows: one bulk INSERT, and the texts rendered once per language.
"""

from sqlalchemy import insert, select

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
) -> int:
    """Add one pending notification per recipient; a key already enqueued is not added again,
    and a member who erased their account gets none (a neighbour may still thank them).
    Returns how many were added."""
    recipients = [user for user in recipients if user.erased_at is None]
    keys = {user.id: f"{key}:{user.id}" for user in recipients}
    existing = set(
        db.session.scalars(
            select(Notification.idempotency_key).where(
                Notification.idempotency_key.in_(keys.values())
            )
        )
    )
    texts = {}
    rows = []
    for user in recipients:
        if keys[user.id] in existing:
            continue
        existing.add(keys[user.id])  # a member listed twice gets one
        if user.locale not in texts:
            texts[user.locale] = render(kind, user.locale, params)
        title, body = texts[user.locale]
        rows.append(
            {
                "recipient_id": user.id,
                "kind": kind,
                "payload": {"title": title, "body": body, "link": link},
                "idempotency_key": keys[user.id],
                "urgent": urgent,
            }
        )
    if rows:
        # One statement for all (psycopg pipelines it): no ORM object per row, nothing
        # read back (reading each row back cost seven times as much).
        db.session.execute(insert(Notification), rows)
    return len(rows)
