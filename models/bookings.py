import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, enum_column, utcnow


class BookingStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class Booking(Timestamped, db.Model):
    """A member's booking of a space over [starts_at, ends_at).

    `blocked_until` is the end plus the space's cleaning buffer at the time of booking: two
    confirmed bookings of one space never overlap over [starts_at, blocked_until), which
    PostgreSQL holds itself; SQLite relies on the service's check inside the transaction.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at AND blocked_until >= ends_at", name="ordered"),
        sa.CheckConstraint("people > 0", name="people_positive"),
        postgresql.ExcludeConstraint(
            ("space_id", "="),
            (sa.func.tstzrange(sa.column("starts_at"), sa.column("blocked_until")), "&&"),
            where=sa.text("status = 'confirmed'"),
            using="gist",
            name="ex_bookings_no_overlap",
        ),
        sa.Index("ix_bookings_space_starts", "space_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id", ondelete="CASCADE"))
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("booking_series.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus, name="booking_status"))
    purpose: Mapped[str] = mapped_column(sa.String(200))
    people: Mapped[int] = mapped_column(default=1)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decision_reason: Mapped[str | None] = mapped_column(sa.String(300))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    space = relationship("Space")
    member = relationship("User", foreign_keys=[member_id])
    series = relationship("BookingSeries")


class BookingSeries(db.Model):
    """A weekly booking made by staff (a residents' association, a homework club)."""

    __tablename__ = "booking_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spaces.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    purpose: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    space = relationship("Space")


class CalendarFeed(db.Model):
    """A secret, revocable iCalendar address: a member's bookings, or all bookings of a space."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("spaces.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    space = relationship("Space")
