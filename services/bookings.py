"""Bookings of shared spaces: fair rules, and never two confirmed bookings at once.

A booking is confirmed at once, or pending when the space needs approval. Every rule broken is
a 422 naming the rule and the limit; an overlap (cleaning buffer included) is a 409 naming the
interval already taken. PostgreSQL's exclusion constraint settles races between connections.
"""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import (
    Booking,
    BookingSeries,
    BookingStatus,
    Membership,
    MembershipStatus,
    Space,
    User,
    db,
)
from models.base import utcnow
from notifications import outbox
from services import scoping
from services.errors import Conflict, Forbidden, InvalidInput, NotFound, field_error
from services.local_time import format_duration, minutes_of_day, parse_clock, wall_clock
from services.pagination import Page, paginate
from services.spaces import can_manage_spaces, get_space, managed_space
from services.transitions import Transition, apply_transition

EXCLUSION_VIOLATION = "23P01"
HOLDING = (BookingStatus.PENDING, BookingStatus.CONFIRMED)
# The member who booked; the residence's staff and solidaires, who approve; those who manage
# its spaces, who may cancel anyone's booking, saying why.
MEMBER, MODERATOR, MANAGER = "member", "moderator", "manager"
TRANSITIONS = {
    "approve": Transition(MODERATOR, (BookingStatus.PENDING,), BookingStatus.CONFIRMED),
    "decline": Transition(MODERATOR, (BookingStatus.PENDING,), BookingStatus.DECLINED),
    "cancel": Transition(MEMBER, HOLDING, BookingStatus.CANCELLED),
    "cancel_for_member": Transition(MANAGER, HOLDING, BookingStatus.CANCELLED),
}
REFUSALS = {
    MODERATOR: "Only the residence's staff and solidaires can approve bookings.",
    MANAGER: "Only those who manage this residence's spaces can do this.",
}
REMINDER_AHEAD = timedelta(hours=3)
MAX_SERIES_OCCURRENCES = 60


def book_space(
    user: User,
    space_id: int,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    people: int = 1,
    now: datetime | None = None,
) -> Booking:
    space = get_space(user, space_id)
    scoping.active_membership(user, space.residence_id)
    now = now or utcnow()
    _check_shape(space, starts_at, ends_at, people)
    _check_member_rules(space, user, starts_at, ends_at, now)
    status = BookingStatus.PENDING if space.approval_required else BookingStatus.CONFIRMED
    booking = new_booking(space, user, starts_at, ends_at, purpose, people, status)
    _check_free(booking)
    with _savepoint_or_conflict(booking):
        db.session.add(booking)
    if booking.status == BookingStatus.CONFIRMED:
        _notify([user], booking, "booking_confirmed")
    else:
        _notify([user], booking, "booking_pending")
        _notify(_approvers(space), booking, "booking_to_approve")
    db.session.flush()
    return booking


def new_booking(
    space: Space,
    member: User,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    people: int,
    status: BookingStatus,
) -> Booking:
    """A booking row, blocking the space until its end plus the space's cleaning time.

    It is neither checked nor added to the session: callers do both."""
    return Booking(
        space=space,
        residence_id=space.residence_id,
        member=member,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + timedelta(minutes=space.buffer_min),
        purpose=purpose.strip(),
        people=people,
        status=status,
    )


def get_booking(user: User, booking_id: int) -> Booking:
    """One's own booking, or any booking of a residence one moderates; 404 otherwise."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not (
        booking.member_id == user.id or scoping.can_moderate(user, booking.residence_id)
    ):
        raise NotFound("This booking does not exist.")
    return booking


def list_my_bookings(user: User, cursor, limit) -> Page:
    query = select(Booking).where(Booking.member_id == user.id)
    return paginate(query, [Booking.starts_at, Booking.id], cursor, limit, descending=True)


def list_space_bookings(user: User, space_id: int, status: str | None, cursor, limit) -> Page:
    """For moderators: every booking of the space, with who booked (the approval queue)."""
    space = get_space(user, space_id)
    if not scoping.can_moderate(user, space.residence_id):
        raise Forbidden("Only the residence's staff and solidaires see who booked.")
    query = select(Booking).where(Booking.space_id == space.id)
    if status:
        query = query.where(Booking.status == status)
    return paginate(query, [Booking.starts_at, Booking.id], cursor, limit)


def approve_booking(user: User, booking_id: int) -> Booking:
    booking = get_booking(user, booking_id)
    with _savepoint_or_conflict(booking):
        _transition(booking, user, "approve", guard=_check_free)
        _decided(booking, user, None)
    _notify([booking.member], booking, "booking_approved")
    db.session.flush()
    return booking


def decline_booking(user: User, booking_id: int, reason: str) -> Booking:
    booking = get_booking(user, booking_id)
    _transition(booking, user, "decline")
    _decided(booking, user, reason)
    _notify([booking.member], booking, "booking_declined", reason=reason)
    db.session.flush()
    return booking


def cancel_booking(
    user: User, booking_id: int, reason: str | None, now: datetime | None = None
) -> Booking:
    """The member cancels until the deadline; those who manage spaces, any time, saying why."""
    booking = get_booking(user, booking_id)
    if booking.member_id == user.id:
        _transition(booking, user, "cancel", guard=lambda b: _check_deadline(b, now))
        db.session.flush()
        return booking
    reason = (reason or "").strip()

    def _reason_given(_booking):
        if not reason:
            raise field_error("reason", "Say why you cancel: the member will be told.")

    _transition(booking, user, "cancel_for_member", guard=_reason_given)
    _decided(booking, user, reason)
    _notify([booking.member], booking, "booking_cancelled_by_staff", reason=reason)
    db.session.flush()
    return booking


def book_series(
    user: User,
    space_id: int,
    *,
    weekday: int,
    starts: str,
    ends: str,
    until: date,
    purpose: str,
    people: int = 1,
    skip_conflicts: bool = False,
    now: datetime | None = None,
) -> tuple[BookingSeries, list[Booking], list[date]]:
    """Weekly bookings for staff, all or nothing; with `skip_conflicts`, the dates that clash
    are left out and listed."""
    space = managed_space(user, space_id)
    zone = space.residence.zone
    now = now or utcnow()
    start_min, end_min = _clock("starts", starts), _clock("ends", ends)
    day = now.astimezone(zone).date()
    day += timedelta(days=(weekday - day.weekday()) % 7)
    if until < day:
        raise field_error("until", "The last day must be on or after the first occurrence.")
    planned, conflicts = [], []
    while day <= until:
        starts_at, ends_at = wall_clock(day, start_min, zone), wall_clock(day, end_min, zone)
        booking = new_booking(
            space, user, starts_at, ends_at, purpose, people, BookingStatus.CONFIRMED
        )
        try:
            _check_shape(space, starts_at, ends_at, people, check_duration=False)
            _check_free(booking)
        except (InvalidInput, Conflict):
            conflicts.append(day)
        else:
            planned.append(booking)
        day += timedelta(days=7)
        if len(planned) + len(conflicts) > MAX_SERIES_OCCURRENCES:
            raise field_error(
                "until", "At most %(count)s weeks at once.", count=MAX_SERIES_OCCURRENCES
            )
    if conflicts and not skip_conflicts:
        raise Conflict(
            "Some dates are not free: choose to skip them, or change the series.",
            extra={"conflicting_dates": [d.isoformat() for d in conflicts]},
        )
    series = BookingSeries(space=space, created_by_id=user.id, purpose=purpose.strip())
    with _savepoint_or_conflict(planned[0] if planned else None):
        db.session.add(series)
        for booking in planned:
            booking.series = series
            db.session.add(booking)
    db.session.flush()
    return series, planned, conflicts


def _clock(field: str, text: str) -> int:
    try:
        return parse_clock(text)
    except ValueError:
        raise field_error(field, "Hours are written HH:MM, from 00:00 to 24:00.") from None


def send_booking_reminders(now: datetime | None = None) -> int:
    """Remind members of a confirmed booking that starts within the next hours; each once."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Booking).where(
            Booking.status == BookingStatus.CONFIRMED,
            Booking.reminder_sent_at.is_(None),
            Booking.starts_at > now,
            Booking.starts_at <= now + REMINDER_AHEAD,
        )
    ).all()
    for booking in due:
        booking.reminder_sent_at = now
        _notify([booking.member], booking, "booking_reminder")
    db.session.flush()
    return len(due)


def _check_shape(
    space: Space, starts_at: datetime, ends_at: datetime, people: int, check_duration=True
) -> None:
    """Rules of the space itself: length, slots, opening hours, closures, capacity."""
    zone = space.residence.zone
    if ends_at <= starts_at:
        raise _broken("ends_at", "order", "The end must come after the start.")
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if check_duration and minutes < space.min_duration_min:
        raise _broken(
            "ends_at",
            "min_duration",
            "A booking lasts at least %(limit)s.",
            limit=format_duration(space.min_duration_min),
        )
    if check_duration and minutes > space.max_duration_min:
        raise _broken(
            "ends_at",
            "max_duration",
            "A booking lasts at most %(limit)s.",
            limit=format_duration(space.max_duration_min),
        )
    start_day, start_min = minutes_of_day(starts_at, zone)
    end_day, end_min = minutes_of_day(ends_at, zone)
    if end_day == start_day + timedelta(days=1) and end_min == 0:
        end_day, end_min = start_day, 1440
    if start_min % space.slot_min or end_min % space.slot_min:
        raise _broken(
            "starts_at",
            "slot",
            "Bookings start and end on slots of %(limit)s.",
            limit=format_duration(space.slot_min),
        )
    fits = end_day == start_day and any(
        hours.weekday == start_day.weekday()
        and hours.opens_min <= start_min
        and end_min <= hours.closes_min
        for hours in space.opening_hours
    )
    if not fits:
        raise _broken("starts_at", "opening_hours", "The space is not open for all of this time.")
    for closure in space.closures:
        if closure.starts_on <= start_day <= closure.ends_on:
            raise _broken(
                "starts_at",
                "closure",
                "The space is closed that day: %(reason)s.",
                reason=closure.reason,
            )
    if people > space.capacity:
        raise _broken(
            "people", "capacity", "At most %(limit)s people in this space.", limit=space.capacity
        )


def _check_member_rules(
    space: Space, user: User, starts_at: datetime, ends_at: datetime, now: datetime
) -> None:
    """Rules of fairness between members: notice, horizon, number and hours of bookings."""
    if starts_at < now + timedelta(minutes=space.min_notice_min):
        raise _broken(
            "starts_at",
            "min_notice",
            "Book at least %(limit)s ahead.",
            limit=format_duration(space.min_notice_min),
        )
    if starts_at > now + timedelta(days=space.max_advance_days):
        raise _broken(
            "starts_at",
            "max_advance",
            "Book at most %(limit)s days ahead.",
            limit=space.max_advance_days,
        )
    mine = select(Booking).where(
        Booking.space_id == space.id, Booking.member_id == user.id, Booking.status.in_(HOLDING)
    )
    if space.max_future_bookings is not None:
        upcoming = db.session.scalar(
            select(func.count()).select_from(mine.where(Booking.starts_at > now).subquery())
        )
        if upcoming >= space.max_future_bookings:
            raise _broken(
                "starts_at",
                "max_future_bookings",
                "At most %(limit)s bookings to come per member; you have %(count)s.",
                limit=space.max_future_bookings,
                count=upcoming,
            )
    if space.max_hours_per_week is not None:
        zone = space.residence.zone
        local_start = starts_at.astimezone(zone)
        monday = datetime.combine(
            local_start.date() - timedelta(days=local_start.weekday()), time(0), zone
        )
        week = mine.where(
            Booking.starts_at >= monday, Booking.starts_at < monday + timedelta(days=7)
        )
        booked = sum(
            int((b.ends_at - b.starts_at).total_seconds() // 60) for b in db.session.scalars(week)
        )
        wanted = int((ends_at - starts_at).total_seconds() // 60)
        if booked + wanted > space.max_hours_per_week * 60:
            raise _broken(
                "ends_at",
                "max_hours_per_week",
                "At most %(limit)s per week; you have %(booked)s booked.",
                limit=format_duration(space.max_hours_per_week * 60),
                booked=format_duration(booked),
            )


def _check_free(booking: Booking) -> None:
    """409 naming the taken interval if a confirmed booking is in the way. Both sides carry
    their cleaning buffer in `blocked_until`, as the exclusion constraint sees them."""
    with db.session.no_autoflush:
        taken = db.session.scalar(_overlapping(booking))
    if taken is not None:
        raise _taken(taken)


def _overlapping(booking: Booking):
    query = select(Booking).where(
        Booking.space_id == booking.space.id,
        Booking.status == BookingStatus.CONFIRMED,
        Booking.starts_at < booking.blocked_until,
        Booking.blocked_until > booking.starts_at,
    )
    if booking.id is not None:
        query = query.where(Booking.id != booking.id)
    return query.limit(1)


def _taken(taken: Booking) -> Conflict:
    zone = taken.space.residence.zone
    start, end = taken.starts_at.astimezone(zone), taken.blocked_until.astimezone(zone)
    return Conflict(
        "This time is already booked, from %(start)s to %(end)s (cleaning included).",
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        extra={"conflicting_interval": {"start": start.isoformat(), "end": end.isoformat()}},
    )


@contextmanager
def _savepoint_or_conflict(booking: Booking | None):
    """Write in a savepoint; if a confirmed booking committed meanwhile holds the time (the
    exclusion constraint), only this step is undone and a 409 names the booking in the way."""
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) != EXCLUSION_VIOLATION or booking is None:
            raise
        # Another confirmed booking committed first: name it.
        taken = db.session.scalar(_overlapping(booking))
        raise (_taken(taken) if taken else Conflict("This time has just been booked.")) from None


def _transition(booking: Booking, user: User, action: str, guard=None) -> None:
    """Move the booking along TRANSITIONS[action], acting as the side the user is on."""
    if booking.member_id == user.id and action == "cancel":
        side = MEMBER
    elif action == "cancel_for_member":
        side = MANAGER if can_manage_spaces(user, booking.space.residence) else None
    else:
        side = MODERATOR if scoping.can_moderate(user, booking.residence_id) else None
    apply_transition(booking, side, TRANSITIONS[action], REFUSALS, guard)


def _check_deadline(booking: Booking, now: datetime | None) -> None:
    deadline = booking.starts_at - timedelta(minutes=booking.space.cancellation_deadline_min)
    if (now or utcnow()) > deadline:
        raise Conflict(
            "Too late to cancel: cancel at the latest %(delay)s before the start.",
            delay=format_duration(booking.space.cancellation_deadline_min),
            extra={"rule": "cancellation_deadline"},
        )


def _decided(booking: Booking, user: User, reason: str | None) -> None:
    booking.decided_by_id = user.id
    booking.decision_reason = reason


def _approvers(space: Space) -> list[User]:
    """Solidaires and staff members of the residence, who approve bookings."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.residence_id == space.residence_id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role.in_(scoping.MODERATOR_ROLES),
            )
        )
    )


def _broken(field: str, rule: str, message: str, **params) -> InvalidInput:
    error = field_error(field, message, **params)
    error.extra = {"rule": rule}
    return error


def _notify(recipients: list[User], booking: Booking, kind: str, **params) -> None:
    zone = booking.space.residence.zone
    outbox.enqueue(
        recipients,
        kind,
        {"space": booking.space.name, "when": booking.starts_at.astimezone(zone), **params},
        key=f"{kind}:booking:{booking.id}:{booking.status.value}",
        link=f"palier://bookings/{booking.id}",
    )
