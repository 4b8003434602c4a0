"""The console's residence dashboard: what needs doing today and how the residence is doing.

A handful of counts, each one aggregate query, whatever the residence's size.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from models import (
    Booking,
    BookingStatus,
    Loan,
    Membership,
    MembershipRole,
    MembershipStatus,
    ModerationCase,
    Post,
    Residence,
    User,
    db,
)
from models.reports import MonthlyReport
from services import local_time, scoping
from services.errors import Forbidden
from services.residences import local_today


@dataclass
class Dashboard:
    residence: Residence
    members_by_role: dict[str, int]
    pending_members: int
    pending_bookings: int
    open_cases: int
    # Since the first of this month, in the residence's time zone.
    month: date
    posts_this_month: int
    loans_this_month: int
    bookings_this_month: int
    last_report: MonthlyReport | None


def moderated_residence(user: User, residence_id: int) -> Residence:
    """The residence if the user looks after it (its solidaires, its landlord's staff); 404
    if they do not see it, 403 if they see it without looking after it."""
    residence = scoping.get_residence(user, residence_id)
    if not scoping.can_moderate(user, residence.id):
        raise Forbidden("Only the residence's habitants solidaires and staff can do this.")
    return residence


def console_residences(user: User) -> list[Residence]:
    """The residences a member of the console looks after, by name."""
    return list(
        db.session.scalars(
            select(Residence)
            .where(scoping.moderated_residences_clause(user))
            .order_by(Residence.name, Residence.id)
        )
    )


def residence_dashboard(user: User, residence_id: int) -> Dashboard:
    residence = moderated_residence(user, residence_id)
    month = local_today(residence).replace(day=1)
    since = local_time.wall_clock(month, 0, residence.zone)

    def count(model, *conditions) -> int:
        return db.session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.residence_id == residence.id, *conditions)
        )

    members_by_role = dict(
        db.session.execute(
            select(Membership.role, func.count())
            .where(
                Membership.residence_id == residence.id,
                Membership.status == MembershipStatus.ACTIVE,
            )
            .group_by(Membership.role)
        ).all()
    )
    return Dashboard(
        residence=residence,
        members_by_role={role.value: members_by_role.get(role, 0) for role in MembershipRole},
        pending_members=count(Membership, Membership.status == MembershipStatus.PENDING),
        pending_bookings=count(Booking, Booking.status == BookingStatus.PENDING),
        open_cases=count(ModerationCase, ModerationCase.closed_at.is_(None)),
        month=month,
        posts_this_month=count(Post, Post.published_at >= since, Post.deleted_at.is_(None)),
        loans_this_month=count(Loan, Loan.created_at >= since),
        bookings_this_month=count(
            Booking, Booking.starts_at >= since, Booking.status == BookingStatus.CONFIRMED
        ),
        last_report=db.session.scalar(
            select(MonthlyReport)
            .where(MonthlyReport.residence_id == residence.id)
            .order_by(MonthlyReport.month.desc(), MonthlyReport.version.desc())
            .limit(1)
        ),
    )
