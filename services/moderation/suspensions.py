"""Suspensions: a suspended member reads, receives alerts and manages their account, but writes
nothing that neighbours see (posts, comments, listings, loans, help, bookings, messages)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from models import Residence, Suspension, User, db
from models.base import utcnow
from services.errors import Forbidden

MAX_SUSPENSION_DAYS = 365


def suspended_until(user: User) -> datetime | None:
    """When the member's current suspension ends (the latest, if several), or None."""
    now = utcnow()
    return db.session.scalar(
        select(func.max(Suspension.ends_at)).where(
            Suspension.user_id == user.id,
            Suspension.lifted_at.is_(None),
            Suspension.starts_at <= now,
            Suspension.ends_at > now,
        )
    )


def refuse_if_suspended(user: User) -> None:
    """403 for a write by a suspended member, saying until when (in the residence's time)."""
    until = suspended_until(user)
    if until is None:
        return
    zone = db.session.scalar(
        select(Residence.time_zone)
        .join(Suspension, Suspension.residence_id == Residence.id)
        .where(Suspension.user_id == user.id, Suspension.ends_at == until)
        .limit(1)
    )
    local = until.astimezone(ZoneInfo(zone or "Europe/Paris"))
    raise Forbidden(
        "Your account is suspended until %(until)s: you can still read, receive alerts and "
        "manage your account.",
        until=local,
        extra={"suspended_until": until.isoformat()},
    )


def suspend(member: User, residence: Residence, by: User, days: int) -> Suspension:
    suspension = Suspension(
        user_id=member.id,
        residence_id=residence.id,
        suspended_by_id=by.id,
        starts_at=utcnow(),
        ends_at=utcnow() + timedelta(days=days),
    )
    db.session.add(suspension)
    db.session.flush()
    return suspension


def lift(member: User, residence: Residence) -> list[Suspension]:
    """End the member's current suspensions in this residence now; those it ended."""
    now = utcnow()
    current = list(
        db.session.scalars(
            select(Suspension)
            .where(
                Suspension.user_id == member.id,
                Suspension.residence_id == residence.id,
                Suspension.lifted_at.is_(None),
                Suspension.ends_at > now,
            )
            .with_for_update()
        )
    )
    for suspension in current:
        suspension.lifted_at = now
    db.session.flush()
    return current
