from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import JSONDocument, Timestamped, UTCDateTime, db, utcnow


class Device(Timestamped, db.Model):
    """A phone (or browser) of a member: its Firebase Cloud Messaging registration token."""

    __tablename__ = "devices"
    __table_args__ = (sa.CheckConstraint("platform IN ('android', 'ios', 'web')", name="platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The bearer token of the session that registered it: signing out there drops the device.
    api_token_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("api_tokens.id", ondelete="SET NULL"), index=True
    )
    token: Mapped[str] = mapped_column(sa.String(4096), unique=True)
    platform: Mapped[str] = mapped_column(sa.String(10))
    app_version: Mapped[str | None] = mapped_column(sa.String(40))
    locale: Mapped[str | None] = mapped_column(sa.String(2))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")


class NotificationPreferences(db.Model):
    """A member's choices: categories on or off, and quiet hours in their residence's time."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        sa.CheckConstraint(
            "quiet_start_min BETWEEN 0 AND 1439 AND quiet_end_min BETWEEN 0 AND 1439",
            name="quiet_hours",
        ),
    )

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # {"loans_and_help": true, "bookings": false, ...}; a category not listed is on.
    categories: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    quiet_hours: Mapped[bool] = mapped_column(default=True)
    quiet_start_min: Mapped[int] = mapped_column(default=21 * 60)
    quiet_end_min: Mapped[int] = mapped_column(default=8 * 60)


class Delivery(db.Model):
    """What happened to one notification on one device, attempt by attempt."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(sa.String(20))  # sent, retry, failed, token_removed
    error_code: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
