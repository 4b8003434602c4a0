"""What the residence's moderators see of its bookings: a space's week, day by day in the
residence's time zone, and the bookings awaiting approval, oldest request first.

Who booked is shown to the residence's staff and solidaires only: the same rule as the list of
a space's bookings (services/bookings.py).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Booking, BookingStatus, Space, User, db
from services.bookings import HOLDING
from services.dashboards import moderated_residence
from services.errors import NotFound
from services.local_time import format_clock, wall_clock
from services.pagination import Page, paginate
from services.residences import local_today
from services.spaces import get_space

WEEK = timedelta(days=7)


@dataclass
class LocalBooking:
    booking: Booking
    starts: datetime  # local, in the residence's time zone
    ends: datetime

    @property
    def pending(self) -> bool:
        return self.booking.status == BookingStatus.PENDING


@dataclass
class SpaceDay:
    day: date
    opening: list[tuple[str, str]]  # ("08:00", "22:00") ranges of the weekday
    closure: str | None  # the reason, when the space is closed that day
    bookings: list[LocalBooking]


@dataclass
class SpaceWeek:
    space: Space
    monday: date
    days: list[SpaceDay]

    @property
    def previous_monday(self) -> date:
        return self.monday - WEEK

    @property
    def next_monday(self) -> date:
        return self.monday + WEEK


def space_week(user: User, residence_id: int, space_id: int, day: date | None) -> SpaceWeek:
    """The week (Monday to Sunday) that holds `day`, this week by default: each day's opening
    hours, closure, and the pending and confirmed bookings that start on it, by start."""
    space = _moderated_space(user, residence_id, space_id)
    zone = space.residence.zone
    day = day or local_today(space.residence)
    monday = day - timedelta(days=day.weekday())
    start, end = wall_clock(monday, 0, zone), wall_clock(monday + WEEK, 0, zone)
    bookings = db.session.scalars(
        select(Booking)
        .where(
            Booking.space_id == space.id,
            Booking.status.in_(HOLDING),
            Booking.starts_at < end,
            Booking.ends_at > start,
        )
        .order_by(Booking.starts_at, Booking.id)
        .options(selectinload(Booking.member))
    ).all()
    by_day: dict[date, list[LocalBooking]] = {}
    for booking in bookings:
        local = local_times(booking)
        by_day.setdefault(local.starts.date(), []).append(local)
    days = []
    for offset in range(7):
        current = monday + timedelta(days=offset)
        days.append(
            SpaceDay(
                day=current,
                opening=[
                    (format_clock(hours.opens_min), format_clock(hours.closes_min))
                    for hours in space.opening_hours
                    if hours.weekday == current.weekday()
                ],
                closure=next(
                    (c.reason for c in space.closures if c.starts_on <= current <= c.ends_on), None
                ),
                bookings=by_day.get(current, []),
            )
        )
    return SpaceWeek(space=space, monday=monday, days=days)


def awaiting_approval(user: User, residence_id: int, cursor: str | None, limit: int | None) -> Page:
    """The residence's pending bookings, the oldest request first."""
    residence = moderated_residence(user, residence_id)
    query = (
        select(Booking)
        .where(Booking.residence_id == residence.id, Booking.status == BookingStatus.PENDING)
        .options(selectinload(Booking.member), selectinload(Booking.space))
    )
    return paginate(query, [Booking.created_at, Booking.id], cursor, limit)


def local_times(booking: Booking) -> LocalBooking:
    zone = booking.space.residence.zone
    return LocalBooking(
        booking, booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
    )


def booking_of_residence(user: User, residence_id: int, booking_id: int) -> Booking:
    """A booking of a residence the user moderates, as its moderators see it; 404 otherwise."""
    residence = moderated_residence(user, residence_id)
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.residence_id != residence.id:
        raise NotFound("This booking does not exist.")
    return booking


def _moderated_space(user: User, residence_id: int, space_id: int) -> Space:
    residence = moderated_residence(user, residence_id)
    space = get_space(user, space_id)
    if space.residence_id != residence.id:
        raise NotFound("This space does not exist or is out of reach.")
    return space
