import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, UTCDateTime, db, enum_column, utcnow
from models.photo import PhotoColumns


class Space(Timestamped, db.Model):
    """A shared room of a residence (salle commune, laverie, jardin) and its booking rules."""

    __tablename__ = "spaces"
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "min_duration_min > 0 AND max_duration_min >= min_duration_min", name="durations"
        ),
        sa.CheckConstraint("slot_min > 0 AND slot_min <= 1440", name="slot"),
        sa.CheckConstraint(
            "min_notice_min >= 0 AND max_advance_days > 0 AND buffer_min >= 0 "
            "AND cancellation_deadline_min >= 0",
            name="delays_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    residence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residences.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    capacity: Mapped[int]
    min_duration_min: Mapped[int] = mapped_column(default=30)
    max_duration_min: Mapped[int] = mapped_column(default=240)
    slot_min: Mapped[int] = mapped_column(default=30)
    min_notice_min: Mapped[int] = mapped_column(default=60)
    max_advance_days: Mapped[int] = mapped_column(default=60)
    max_future_bookings: Mapped[int | None] = mapped_column(default=3)
    max_hours_per_week: Mapped[int | None] = mapped_column(default=None)
    buffer_min: Mapped[int] = mapped_column(default=0)
    approval_required: Mapped[bool] = mapped_column(default=False)
    cancellation_deadline_min: Mapped[int] = mapped_column(default=120)

    residence = relationship("Residence")
    opening_hours = relationship(
        "OpeningHours",
        order_by="(OpeningHours.weekday, OpeningHours.opens_min)",
        cascade="all, delete-orphan",
    )
    closures = relationship("Closure", order_by="Closure.starts_on", cascade="all, delete-orphan")
    photos = relationship(
        "SpacePhoto", order_by="SpacePhoto.position", cascade="all, delete-orphan"
    )


class OpeningHours(db.Model):
    """One opening range of a weekday, in minutes from local midnight (1440 = midnight after)."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint(
            "opens_min >= 0 AND closes_min <= 1440 AND opens_min < closes_min", name="range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spaces.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]  # Monday is 0, as in Python
    opens_min: Mapped[int]
    closes_min: Mapped[int]


class Closure(db.Model):
    """Days a space is closed, both included (maintenance, holidays)."""

    __tablename__ = "closures"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spaces.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(200))

    space = relationship("Space", back_populates="closures")


class SpacePhoto(PhotoColumns, db.Model):
    __tablename__ = "space_photos"
    __table_args__ = (sa.UniqueConstraint("space_id", "position"),)

    space_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spaces.id", ondelete="CASCADE"), index=True
    )

    space = relationship("Space", back_populates="photos")


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
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
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
