"""Help exchanges and gifts: a member answers an offer or a request of help, or asks for a gift.

`proposed -> accepted -> done`, or `declined` (by the listing's owner) or `cancelled` (by the
member who answered). Accepting a gift reserves it for that one member (the listing is paused);
`done` means it was given (the listing is closed).
"""

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from models import ExchangeStatus, HelpExchange, ListingKind, ListingStatus, User, db
from models.base import utcnow
from notifications import outbox
from services import blocks, listings, scoping
from services.errors import Conflict, Forbidden
from services.pagination import Page, paginate
from services.reports import definitions
from services.reports.definitions import HELP_KINDS
from services.transitions import EITHER, Transition, apply_transition

OWNER, MEMBER = "owner", "member"
OPEN_STATES = (ExchangeStatus.PROPOSED, ExchangeStatus.ACCEPTED)

TRANSITIONS = {
    "accept": Transition(OWNER, (ExchangeStatus.PROPOSED,), ExchangeStatus.ACCEPTED),
    "decline": Transition(OWNER, OPEN_STATES, ExchangeStatus.DECLINED),
    "cancel": Transition(MEMBER, OPEN_STATES, ExchangeStatus.CANCELLED),
    "complete": Transition(EITHER, (ExchangeStatus.ACCEPTED,), ExchangeStatus.DONE),
}
REFUSALS = {
    OWNER: "Only the author of the listing can do this.",
    MEMBER: "Only the member who answered can do this.",
}
# What two members who block one another may no longer do together; ending an exchange
# (declining, cancelling, completing) stays possible.
BLOCKED_ACTIONS = ("accept",)
NOTICES = {
    "accept": (MEMBER, "exchange_accepted"),
    "decline": (MEMBER, "exchange_declined"),
    "cancel": (OWNER, "exchange_cancelled"),
}


def propose_exchange(user: User, listing_id: int, message: str = "") -> HelpExchange:
    listing = listings.get_listing(user, listing_id)
    if listing.kind == ListingKind.LEND:
        raise Conflict("To borrow an object, ask for a loan with its dates.")
    if listing.owner_id == user.id:
        raise Forbidden("You cannot answer your own listing.")
    if not scoping.is_resident_somewhere(user):
        raise Forbidden("Only members of a residence can do this.")
    if listing.status != ListingStatus.OPEN:
        raise Conflict(
            "This listing is not open at the moment.", extra={"listing_status": listing.status}
        )
    already = db.session.scalar(
        select(HelpExchange.id).where(
            HelpExchange.listing_id == listing.id,
            HelpExchange.member_id == user.id,
            HelpExchange.status.in_(OPEN_STATES),
        )
    )
    if already:
        raise Conflict("You have already answered this listing.", extra={"exchange_id": already})
    exchange = HelpExchange(
        listing=listing,
        residence_id=listing.residence_id,
        owner_id=listing.owner_id,
        member=user,
        exclusive=listing.kind == ListingKind.GIVE,
        message=message.strip(),
        status_changed_at=utcnow(),
    )
    db.session.add(exchange)
    db.session.flush()
    _notify(exchange, listing.owner, "exchange_proposed")
    db.session.flush()
    return exchange


def get_exchange(user: User, exchange_id: int) -> HelpExchange:
    return scoping.get_participated(
        HelpExchange,
        user,
        exchange_id,
        "This exchange does not exist.",
        HelpExchange.owner_id,
        HelpExchange.member_id,
    )


def list_my_exchanges(user: User, status: str | None, cursor, limit) -> Page:
    query = select(HelpExchange).where(
        or_(HelpExchange.owner_id == user.id, HelpExchange.member_id == user.id)
    )
    if status:
        query = query.where(HelpExchange.status == status)
    return paginate(query, [HelpExchange.id], cursor, limit, descending=True)


def accept_exchange(user: User, exchange_id: int) -> HelpExchange:
    return _transition(user, exchange_id, "accept")


def decline_exchange(user: User, exchange_id: int) -> HelpExchange:
    return _transition(user, exchange_id, "decline")


def cancel_exchange(user: User, exchange_id: int) -> HelpExchange:
    return _transition(user, exchange_id, "cancel")


def complete_exchange(user: User, exchange_id: int, hours: float | None = None) -> HelpExchange:
    """The help was given (or the gift handed over): how long it took is kept for the monthly
    reports, as said here or the category's usual time (services/reports/definitions.py)."""
    exchange = _transition(user, exchange_id, "complete")
    exchange.completed_at = exchange.status_changed_at
    if exchange.listing.kind in HELP_KINDS:
        minutes = round(hours * 60) if hours is not None else None
        exchange.help_minutes = minutes or definitions.help_minutes(exchange.listing.category)
    db.session.flush()
    return exchange


def _transition(user: User, exchange_id: int, action: str) -> HelpExchange:
    exchange = get_exchange(user, exchange_id)
    side = OWNER if exchange.owner_id == user.id else MEMBER
    other_id = exchange.member_id if side == OWNER else exchange.owner_id
    if action in BLOCKED_ACTIONS:
        blocks.refuse_if_blocked(user, other_id)
    was_reserved = exchange.status == ExchangeStatus.ACCEPTED
    transition = TRANSITIONS[action]
    reserving = exchange.exclusive and transition.target == ExchangeStatus.ACCEPTED
    guard = _check_gift_free if reserving else None
    try:
        with db.session.begin_nested():
            apply_transition(exchange, side, transition, REFUSALS, guard)
    except IntegrityError:
        # The unique index on gifts: another reservation committed first.
        raise Conflict("This gift is already reserved for someone else.") from None
    if exchange.exclusive:
        _follow_gift(exchange, was_reserved)
    # Nobody hears of a member they block, or who blocks them.
    if action in NOTICES and not blocks.is_blocked(user, other_id):
        side_told, kind = NOTICES[action]
        _notify(exchange, exchange.member if side_told == MEMBER else exchange.owner, kind)
    db.session.flush()
    return exchange


def _check_gift_free(exchange: HelpExchange) -> None:
    taken = db.session.scalar(
        select(HelpExchange.id).where(
            HelpExchange.listing_id == exchange.listing_id,
            HelpExchange.id != exchange.id,
            HelpExchange.exclusive,
            HelpExchange.status.in_((ExchangeStatus.ACCEPTED, ExchangeStatus.DONE)),
        )
    )
    if taken:
        raise Conflict("This gift is already reserved for someone else.")


def _follow_gift(exchange: HelpExchange, was_reserved: bool) -> None:
    """A gift's listing follows its reservation: paused while reserved, closed once given."""
    listing = exchange.listing
    if exchange.status == ExchangeStatus.ACCEPTED:
        listing.status = ListingStatus.PAUSED
    elif exchange.status == ExchangeStatus.DONE:
        listing.status = ListingStatus.CLOSED
    elif was_reserved:
        listing.status = ListingStatus.OPEN


def _notify(exchange: HelpExchange, recipient: User, kind: str) -> None:
    outbox.enqueue(
        [recipient],
        kind,
        {"listing": exchange.listing.title},
        key=f"{kind}:exchange:{exchange.id}:{exchange.status.value}",
        link=f"palier://exchanges/{exchange.id}",
    )
