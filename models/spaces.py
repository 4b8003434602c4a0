from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Timestamped, db
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
