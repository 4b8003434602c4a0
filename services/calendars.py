"""iCalendar feeds: a member's bookings, or a space's, at a secret address calendar apps poll.

The address holds a random secret (only its hash is stored) and can be revoked; it carries no
other right than reading that one feed. It lasts only as long as the right that made it: each
read checks its owner again, so that a feed stops answering (404) as soon as they leave, are
suspended, or lose the role:

- a member's feed: their own bookings, in the residences where they are still an active member
  (no other name than theirs); gone when they are an active member nowhere;
- a space's feed: every booking of the space, with who booked and why, for the residence's
  moderators (solidaires and staff: the same rule as the list of the space's bookings); gone
  when the owner no longer moderates that residence.
"""

import hashlib
import secrets
from datetime import timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Booking, BookingStatus, CalendarFeed, Residence, Space, User, db
from models.base import utcnow
from services import scoping
from services.errors import Forbidden, NotFound
from services.pagination import Page, paginate
from services.profiles import public_name
from services.spaces import get_space

HISTORY = timedelta(days=30)


GONE = "This calendar address does not exist or was revoked."


def create_member_feed(user: User) -> tuple[CalendarFeed, str]:
    if not scoping.is_resident_somewhere(user):
        raise Forbidden("Only members of a residence have bookings to follow.")
    return _create(CalendarFeed(user_id=user.id))


def create_space_feed(user: User, space_id: int) -> tuple[CalendarFeed, str]:
    space = get_space(user, space_id)
    if not scoping.can_moderate(user, space.residence_id):
        raise Forbidden("Only the residence's staff and solidaires see who booked.")
    return _create(CalendarFeed(user_id=user.id, space_id=space.id))


def list_feeds(user: User, cursor: str | None, limit: int | None) -> Page:
    """The member's calendar addresses not revoked yet (the secret itself is never shown again)."""
    query = (
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .options(selectinload(CalendarFeed.space))
    )
    return paginate(query, [CalendarFeed.id], cursor, limit)


def revoke_feed(user: User, feed_id: int) -> None:
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.id == feed_id, CalendarFeed.user_id == user.id)
    )
    if feed is None:
        raise NotFound(GONE)
    feed.revoked_at = feed.revoked_at or utcnow()
    db.session.flush()


def render_feed(secret: str) -> bytes:
    feed = db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == _digest(secret), CalendarFeed.revoked_at.is_(None)
        )
    )
    if feed is None:
        raise NotFound(GONE)
    owner = db.session.get(User, feed.user_id)
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
        if not scoping.is_resident_somewhere(owner):
            raise NotFound(GONE)
        query = query.where(
            Booking.member_id == owner.id,
            Booking.residence_id.in_(
                select(Residence.id).where(scoping.member_residences_clause(owner))
            ),
        )
        name = "Palier"
    else:
        space = db.session.get(Space, feed.space_id)
        if not scoping.can_moderate(owner, space.residence_id):
            raise NotFound(GONE)
        query = query.where(Booking.space_id == space.id)
        name = f"Palier – {space.name}"
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
            summary += f" ({public_name(booking.member)})"
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
