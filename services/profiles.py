"""A member's profile as neighbours see it: a name and what they have shared, never a rating."""

from dataclasses import dataclass

from flask_babel import lazy_gettext
from sqlalchemy import func, or_, select

from models import (
    ExchangeStatus,
    HelpExchange,
    Loan,
    LoanStatus,
    Membership,
    MembershipStatus,
    Residence,
    Thanks,
    User,
    db,
)
from services import scoping
from services.errors import NotFound

# How a member who erased their account is named to everyone (services/erasure.py).
FORMER_NEIGHBOUR = lazy_gettext("Former neighbour")


def public_name(user: User) -> str:
    """The name a member shows their neighbours, in the reader's language once erased."""
    return shown_name(user.display_name, user.erased_at)


def shown_name(display_name: str, erased_at) -> str:
    """`public_name` from the two columns, for reads that select columns, not members."""
    return str(FORMER_NEIGHBOUR) if erased_at is not None else display_name


@dataclass
class Profile:
    user: User
    loans: int
    helps: int
    thanks: int


def member_profile(viewer: User, user_id: int) -> Profile:
    """Visible to members of a residence the member belongs to, and to its staff; not to a
    member blocked either way (404, as for a stranger)."""
    user = viewer if user_id == viewer.id else neighbour(viewer, user_id)
    loans = select(func.count()).where(
        Loan.status == LoanStatus.RETURNED,
        or_(Loan.owner_id == user.id, Loan.borrower_id == user.id),
    )
    helps = select(func.count()).where(
        HelpExchange.status == ExchangeStatus.DONE,
        or_(HelpExchange.owner_id == user.id, HelpExchange.member_id == user.id),
    )
    thanks = select(func.count()).where(Thanks.recipient_id == user.id)
    counts = db.session.execute(
        select(loans.scalar_subquery(), helps.scalar_subquery(), thanks.scalar_subquery())
    ).one()
    return Profile(user, *counts)


def neighbour(viewer: User, user_id: int, *, despite_blocks: bool = False) -> User:
    """The member `user_id`, if they are active in a residence the viewer sees; 404 otherwise,
    and for a member blocked either way unless `despite_blocks` (to block them too, which
    must not tell anyone that they blocked first)."""
    shares_a_residence = (
        select(Membership.id)
        .join(Residence, Residence.id == Membership.residence_id)
        .where(
            Membership.user_id == user_id,
            Membership.status == MembershipStatus.ACTIVE,
            scoping.visible_residences_clause(viewer),
        )
        .exists()
    )
    query = select(User).where(User.id == user_id, shares_a_residence)
    if not despite_blocks:
        query = query.where(User.id.not_in(scoping.blocked_either_way(viewer)))
    user = db.session.scalar(query)
    if user is None:
        raise NotFound("This member does not exist or is not your neighbour.")
    return user
