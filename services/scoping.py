"""Who may see and act in which residence: the one place that decides it.

- a resident or solidaire sees the residences where their membership is active;
- staff see every residence of the landlords they work for (and residences where they hold
  an active staff membership);
- a platform admin sees everything.
Anything outside a user's scope is answered as if it did not exist (404), never 403, so that
nobody learns what lies in another residence.
"""

from sqlalchemy import Select, or_, select, true

from models import (
    LandlordStaff,
    Membership,
    MembershipRole,
    MembershipStatus,
    Residence,
    User,
    db,
)
from services.errors import Forbidden, NotFound


def _active_memberships(user: User, roles=None):
    query = select(Membership.residence_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )
    if roles is not None:
        query = query.where(Membership.role.in_(roles))
    return query


def _staffed_landlords(user: User):
    return select(LandlordStaff.landlord_id).where(
        LandlordStaff.user_id == user.id, LandlordStaff.active.is_(True)
    )


def visible_residences_clause(user: User):
    """A WHERE clause on Residence: the residences this user may see."""
    if user.is_platform_admin:
        return true()
    return or_(
        Residence.id.in_(_active_memberships(user)),
        Residence.landlord_id.in_(_staffed_landlords(user)),
    )


def managed_residences_clause(user: User):
    """A WHERE clause on Residence: the residences this user administers as staff."""
    if user.is_platform_admin:
        return true()
    return or_(
        Residence.id.in_(_active_memberships(user, roles=[MembershipRole.STAFF])),
        Residence.landlord_id.in_(_staffed_landlords(user)),
    )


def visible_residences(user: User) -> Select:
    return select(Residence).where(visible_residences_clause(user))


def get_residence(user: User, residence_id: int) -> Residence:
    """The residence if the user may see it; 404 otherwise, exactly as if it did not exist."""
    residence = db.session.scalar(visible_residences(user).where(Residence.id == residence_id))
    if residence is None:
        raise NotFound("This residence does not exist or is not yours.")
    return residence


def can_manage(user: User, residence_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(Residence.id).where(
                Residence.id == residence_id, managed_residences_clause(user)
            )
        )
    )


def get_managed_residence(user: User, residence_id: int) -> Residence:
    """The residence if the user administers it; 404 if unseen, 403 if seen but not managed."""
    residence = get_residence(user, residence_id)
    if not can_manage(user, residence.id):
        raise Forbidden("Only the landlord's staff can do this.")
    return residence


def get_in_residence(model, row_id: int, residence: Residence, not_found: str):
    """A row of `model` that belongs to `residence`; 404 with `not_found` for any other id."""
    row = db.session.scalar(
        select(model).where(model.id == row_id, model.residence_id == residence.id)
    )
    if row is None:
        raise NotFound(not_found)
    return row


def staffed_landlord_ids(user: User) -> list[int]:
    return list(db.session.scalars(_staffed_landlords(user)))
