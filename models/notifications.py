import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import JSONDocument, UTCDateTime, db, enum_column, utcnow


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"


class Notification(db.Model):
    """An outbox row: one message for one member, written with the change that causes it."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_pending", "status", "not_before"),
        # The member's inbox, newest first, and its unread count.
        sa.Index("ix_notifications_inbox", "recipient_id", "id"),
        sa.Index(
            "ix_notifications_unread",
            "recipient_id",
            postgresql_where=sa.text("read_at IS NULL"),
            sqlite_where=sa.text("read_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(50))
    # Title and body already in the recipient's language, plus the app's deep link and data.
    payload: Mapped[dict] = mapped_column(JSONDocument)
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[NotificationStatus] = mapped_column(
        enum_column(NotificationStatus, name="notification_status"),
        default=NotificationStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the member read it in the app's inbox (push delivery does not count).
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient = relationship("User")
