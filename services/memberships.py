"""Members of a residence: who they are, and staff changing their role or status."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import (
    AuditAction,
    Membership,
    MembershipChange,
    MembershipEvent,
    MembershipRole,
    MembershipStatus,
    TargetKind,
    User,
    db,
)
from models.base import utcnow
from services import scoping
from services.errors import Conflict, Forbidden
from services.moderation import audit
from services.pagination import Page, paginate


def list_members(
    user: User, residence_id: int, cursor: str | None, limit: int | None, status=None
) -> tuple[Page, bool]:
    """Members of a residence, and whether the caller may see their e-mails and every status.

    Residents see their active neighbours, save those they block or who block them; staff see
    everybody, filtered by status if asked.
    """
    residence = scoping.get_residence(user, residence_id)
    staff_view = scoping.can_manage(user, residence.id)
    query = (
        select(Membership)
        .where(Membership.residence_id == residence.id)
        .options(selectinload(Membership.user), selectinload(Membership.building))
    )
    if not staff_view:
        query = query.where(
            Membership.status == MembershipStatus.ACTIVE,
            Membership.user_id.not_in(scoping.blocked_either_way(user)),
        )
    elif status is not None:
        query = query.where(Membership.status == status)
    return paginate(query, [Membership.id], cursor, limit), staff_view


NEW_MEMBER_DAYS = 30


def new_members(user: User, residence_id: int) -> tuple[list[Membership], list[Membership]]:
    """For the residence's solidaires and staff: who joined in the last 30 days (to welcome
    them), newest first, and who waits for the staff's approval."""
    residence = scoping.get_residence(user, residence_id)
    if not scoping.can_moderate(user, residence.id):
        raise Forbidden("Only the residence's habitants solidaires and staff can do this.")
    query = (
        select(Membership)
        .where(Membership.residence_id == residence.id)
        .options(selectinload(Membership.user), selectinload(Membership.building))
        .order_by(Membership.joined_at.desc(), Membership.id.desc())
    )
    joined = db.session.scalars(
        query.where(
            Membership.status == MembershipStatus.ACTIVE,
            Membership.joined_at >= utcnow() - timedelta(days=NEW_MEMBER_DAYS),
        )
    ).all()
    waiting = db.session.scalars(query.where(Membership.status == MembershipStatus.PENDING)).all()
    return list(joined), list(waiting)


def update_membership(
    user: User, residence_id: int, membership_id: int, changes: dict
) -> Membership:
    residence = scoping.get_managed_residence(user, residence_id)
    membership = scoping.get_in_residence(
        Membership,
        membership_id,
        residence,
        not_found="This member does not exist in this residence.",
    )
    if membership.user_id == user.id and changes.get("role", membership.role) != membership.role:
        raise Conflict("You cannot change your own role.")
    reason = changes.get("reason", "").strip()
    for field, action in (
        ("role", AuditAction.ROLE_CHANGE),
        ("status", AuditAction.MEMBERSHIP_CHANGE),
    ):
        if field not in changes or changes[field] == getattr(membership, field):
            continue
        before = getattr(membership, field)
        if field == "status":
            set_status(membership, MembershipStatus(changes["status"]), reason="staff")
        else:
            membership.role = MembershipRole(changes["role"])
        audit.record(
            action,
            actor=user,
            residence_id=residence.id,
            reason=reason,
            target_kind=TargetKind.MEMBER,
            target_id=membership.user_id,
            subject_id=membership.user_id,
            details={field: {"from": before.value, "to": changes[field]}},
        )
    db.session.flush()
    return membership


def set_status(membership: Membership, status: MembershipStatus, *, reason: str) -> None:
    """Change a membership's status, keeping its history: entering or leaving the active state
    is a `joined` or `left` event (the monthly reports count members from them)."""
    was_active = membership.status == MembershipStatus.ACTIVE
    membership.status = status
    is_active = status == MembershipStatus.ACTIVE
    if was_active != is_active:
        db.session.flush()  # a new membership needs its residence and user ids
        db.session.add(
            MembershipEvent(
                residence_id=membership.residence_id,
                user_id=membership.user_id,
                change=MembershipChange.JOINED if is_active else MembershipChange.LEFT,
                reason=reason,
            )
        )
