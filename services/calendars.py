"""iCalendar feeds: a member's bookings, or a space's, at a secret address calendar apps poll.

The address holds a random secret (only its hash is stored) and can be revoked; it carries no
other right than reading that one feed.
"""

import hashlib
import secrets
from datetime import timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Booking, BookingStatus, CalendarFeed, Space, User, db
from models.base import utcnow
from services.errors import NotFound
from services.spaces import managed_space

HISTORY = timedelta(days=30)


def create_member_feed(user: User) -> tuple[CalendarFeed, str]:
    return _create(CalendarFeed(user_id=user.id))


def create_space_feed(user: User, space_id: int) -> tuple[CalendarFeed, str]:
    space = managed_space(user, space_id)
    return _create(CalendarFeed(user_id=user.id, space_id=space.id))


def revoke_feed(user: User, feed_id: int) -> None:
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.id == feed_id, CalendarFeed.user_id == user.id)
    )
    if feed is None:
        raise NotFound("This calendar address does not exist or was revoked.")
    feed.revoked_at = feed.revoked_at or utcnow()
    db.session.flush()


def render_feed(secret: str) -> bytes:
    feed = db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == _digest(secret), CalendarFeed.revoked_at.is_(None)
        )
    )
    if feed is None:
        raise NotFound("This calendar address does not exist or was revoked.")
    query = (
        select(Booking)
        .where(Booking.status.in_((BookingStatus.PENDING, BookingStatus.CONFIRMED)))
        .where(Booking.ends_at > utcnow() - HISTORY)
        .options(
            selectinload(Booking.space).selectinload(Space.residence), selectinload(Booking.member)
        )
        .order_by(Booking.starts_at)
    )
    if feed.space_id is None:
        query = query.where(Booking.member_id == feed.user_id)
        name = "Palier"
    else:
        query = query.where(Booking.space_id == feed.space_id)
        name = f"Palier – {db.session.get(Space, feed.space_id).name}"
    return _calendar(name, db.session.scalars(query), with_members=feed.space_id is not None)


def _calendar(name: str, bookings, with_members: bool) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Palier//Réservations//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for booking in bookings:
        zone = booking.space.residence.zone
        event = Event()
        event.add("uid", f"booking-{booking.id}@palier")
        event.add("dtstamp", booking.updated_at)
        event.add("dtstart", booking.starts_at.astimezone(zone))
        event.add("dtend", booking.ends_at.astimezone(zone))
        summary = f"{booking.space.name} – {booking.purpose}"
        if with_members:
            summary += f" ({booking.member.display_name})"
        event.add("summary", summary)
        event.add("location", f"{booking.space.name}, {booking.space.residence.name}")
        event.add(
            "status", "CONFIRMED" if booking.status == BookingStatus.CONFIRMED else "TENTATIVE"
        )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _create(feed: CalendarFeed) -> tuple[CalendarFeed, str]:
    secret = secrets.token_urlsafe(24)
    feed.token_hash = _digest(secret)
    db.session.add(feed)
    db.session.flush()
    return feed, secret


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
