"""When a space is free: opening hours, less closures, less confirmed bookings and their
cleaning buffers. The booking service refuses exactly what this shows as not free."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import Booking, BookingStatus, Space, User, db
from services.errors import field_error
from services.local_time import wall_clock
from services.spaces import get_space

MAX_DAYS = 62


@dataclass
class Interval:
    start: datetime
    end: datetime


@dataclass
class Availability:
    space: Space
    free: list[Interval]
    busy: list[Interval]


def space_availability(user: User, space_id: int, first_day: date, last_day: date) -> Availability:
    """Free and busy intervals from `first_day` to `last_day` (local days, both included)."""
    if last_day < first_day:
        raise field_error("to", "The last day must be on or after the first day.")
    if (last_day - first_day).days >= MAX_DAYS:
        raise field_error("to", "Ask for at most %(days)s days at once.", days=MAX_DAYS)
    space = get_space(user, space_id)
    zone = space.residence.zone
    opening = opening_intervals(space, first_day, last_day, zone)
    window_start = wall_clock(first_day, 0, zone)
    window_end = wall_clock(last_day, 1440, zone)
    busy = blocked_intervals(space, window_start, window_end)

    def local(interval: Interval) -> Interval:
        return Interval(interval.start.astimezone(zone), interval.end.astimezone(zone))

    return Availability(
        space, [local(i) for i in subtract(opening, busy)], [local(i) for i in busy]
    )


def opening_intervals(
    space: Space, first_day: date, last_day: date, zone: ZoneInfo
) -> list[Interval]:
    closed = set()
    for closure in space.closures:
        day = max(closure.starts_on, first_day)
        while day <= min(closure.ends_on, last_day):
            closed.add(day)
            day += timedelta(days=1)
    intervals = []
    day = first_day
    while day <= last_day:
        if day not in closed:
            for hours in space.opening_hours:
                if hours.weekday == day.weekday():
                    start = wall_clock(day, hours.opens_min, zone)
                    end = wall_clock(day, hours.closes_min, zone)
                    intervals.append(Interval(start, end))
        day += timedelta(days=1)
    return _merge(intervals)


def blocked_intervals(space: Space, start: datetime, end: datetime) -> list[Interval]:
    """Confirmed bookings with the cleaning time around them: a new booking must end a buffer
    before the next one starts, and start once the previous one's buffer is over."""
    buffer = timedelta(minutes=space.buffer_min)
    bookings = db.session.scalars(
        select(Booking).where(
            Booking.space_id == space.id,
            Booking.status == BookingStatus.CONFIRMED,
            Booking.starts_at < end + buffer,
            Booking.blocked_until > start,
        )
    )
    return _merge([Interval(b.starts_at - buffer, b.blocked_until) for b in bookings])


def subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    result = []
    for interval in intervals:
        pieces = [interval]
        for hole in holes:
            pieces = [
                piece
                for part in pieces
                for piece in (
                    Interval(part.start, min(part.end, hole.start)),
                    Interval(max(part.start, hole.end), part.end),
                )
                if piece.start < piece.end
            ]
        result.extend(pieces)
    return result


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals, key=lambda i: i.start):
        if merged and interval.start <= merged[-1].end:
            merged[-1].end = max(merged[-1].end, interval.end)
        else:
            merged.append(Interval(interval.start, interval.end))
    return merged
