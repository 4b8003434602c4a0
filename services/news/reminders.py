"""Scheduled news work: reminders of events, and the results of polls that closed."""

from datetime import datetime, timedelta

from sqlalchemy import select

from models import EventRsvp, Post, PostKind, Rsvp, User, Vote, db
from models.base import utcnow
from services.news.publishing import notify_readers

EVENT_REMINDER_AHEAD = timedelta(days=1)


def send_event_reminders(now: datetime | None = None) -> int:
    """Remind members going (or maybe going) to an event starting within a day; once."""
    now = now or utcnow()
    events = db.session.scalars(
        select(Post).where(
            Post.kind == PostKind.EVENT,
            Post.published_at.is_not(None),
            Post.reminder_sent_at.is_(None),
            Post.deleted_at.is_(None),
            Post.starts_at > now,
            Post.starts_at <= now + EVENT_REMINDER_AHEAD,
        )
    ).all()
    for event in events:
        event.reminder_sent_at = now
        members = db.session.scalars(
            select(User)
            .join(EventRsvp, EventRsvp.user_id == User.id)
            .where(EventRsvp.post_id == event.id, EventRsvp.answer.in_((Rsvp.GOING, Rsvp.MAYBE)))
        ).all()
        notify_readers(
            members, event, "event_reminder", when=event.starts_at.astimezone(event.residence.zone)
        )
    db.session.flush()
    return len(events)


def tell_closed_polls(now: datetime | None = None) -> int:
    """Tell a poll's author and voters that it closed and its results are out; once."""
    now = now or utcnow()
    polls = db.session.scalars(
        select(Post).where(
            Post.kind == PostKind.POLL,
            Post.closes_at <= now,
            Post.closing_told_at.is_(None),
            Post.deleted_at.is_(None),
        )
    ).all()
    for poll in polls:
        poll.closing_told_at = now
        voters = db.session.scalars(
            select(User).join(Vote, Vote.user_id == User.id).where(Vote.post_id == poll.id)
        ).all()
        notify_readers({poll.author, *voters}, poll, "poll_closed")
    db.session.flush()
    return len(polls)
