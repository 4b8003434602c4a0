"""Loans of objects between neighbours: request, accept, hand over, return (or decline, cancel).

Every transition checks who acts and the loan's current state; a wrong one answers 409 with
the current state. An object is never promised over overlapping days: checked here for a clear
answer, and held by PostgreSQL's exclusion constraint when two acceptances race.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from models import ListingKind, ListingStatus, Loan, LoanStatus, Residence, User, db
from models.base import utcnow
from models.loans import HOLDING_STATES
from notifications import outbox
from services import blocks, listings, scoping
from services.errors import Conflict, Forbidden, field_error
from services.pagination import Page, paginate
from services.residences import local_today
from services.transitions import Transition, apply_transition

MAX_LOAN_DAYS = 90
EXCLUSION_VIOLATION = "23P01"  # PostgreSQL's SQLSTATE
OWNER, BORROWER = "owner", "borrower"

PROMISED = (LoanStatus.REQUESTED, LoanStatus.ACCEPTED)
TRANSITIONS = {
    "accept": Transition(OWNER, (LoanStatus.REQUESTED,), LoanStatus.ACCEPTED),
    "decline": Transition(OWNER, PROMISED, LoanStatus.DECLINED),
    "cancel": Transition(BORROWER, PROMISED, LoanStatus.CANCELLED),
    "hand_over": Transition(OWNER, (LoanStatus.ACCEPTED,), LoanStatus.HANDED_OVER),
    "mark_returned": Transition(OWNER, (LoanStatus.HANDED_OVER,), LoanStatus.RETURNED),
}
REFUSALS = {OWNER: "Only the owner can do this.", BORROWER: "Only the borrower can do this."}
# What two members who block one another may no longer do together; ending a loan (declining,
# cancelling, marking the object returned) stays possible, so that nobody's drill is trapped.
BLOCKED_ACTIONS = ("accept", "hand_over")
# Who hears about each transition, and what they are told.
NOTICES = {
    "accept": (BORROWER, "loan_accepted"),
    "decline": (BORROWER, "loan_declined"),
    "cancel": (OWNER, "loan_cancelled"),
}


def request_loan(
    user: User, listing_id: int, starts_on: date, due_on: date, message: str = ""
) -> Loan:
    listing = listings.get_listing(user, listing_id)
    if listing.kind != ListingKind.LEND:
        raise field_error("listing", "Only objects offered for lending can be borrowed.")
    if listing.owner_id == user.id:
        raise Forbidden("You cannot borrow your own object.")
    _require_neighbour(user)
    if listing.status != ListingStatus.OPEN:
        raise Conflict(
            "This listing is not open at the moment.", extra={"listing_status": listing.status}
        )
    _check_period(listing.residence, starts_on, due_on)
    loan = Loan(
        listing=listing,
        residence_id=listing.residence_id,
        owner_id=listing.owner_id,
        borrower=user,
        starts_on=starts_on,
        due_on=due_on,
        message=message.strip(),
        status_changed_at=utcnow(),
    )
    db.session.add(loan)
    db.session.flush()
    _notify(loan, listing.owner, "loan_requested")
    db.session.flush()
    return loan


def get_loan(user: User, loan_id: int) -> Loan:
    return scoping.get_participated(
        Loan, user, loan_id, "This loan does not exist.", Loan.owner_id, Loan.borrower_id
    )


def list_my_loans(user: User, role: str | None, status: str | None, cursor, limit) -> Page:
    query = select(Loan).where(or_(Loan.owner_id == user.id, Loan.borrower_id == user.id))
    if role == OWNER:
        query = query.where(Loan.owner_id == user.id)
    elif role == BORROWER:
        query = query.where(Loan.borrower_id == user.id)
    if status:
        query = query.where(Loan.status == status)
    return paginate(query, [Loan.id], cursor, limit, descending=True)


def accept_loan(user: User, loan_id: int) -> Loan:
    return _transition(user, loan_id, "accept")


def decline_loan(user: User, loan_id: int) -> Loan:
    return _transition(user, loan_id, "decline")


def cancel_loan(user: User, loan_id: int) -> Loan:
    return _transition(user, loan_id, "cancel")


def hand_over_loan(user: User, loan_id: int) -> Loan:
    return _transition(user, loan_id, "hand_over")


def mark_loan_returned(user: User, loan_id: int) -> Loan:
    return _transition(user, loan_id, "mark_returned")


def send_due_reminders(now: datetime | None = None) -> int:
    """Remind borrowers the day before a loan is due; each loan once. Returns how many."""
    count = 0
    for loan, residence in _loans_in(HOLDING_STATES, Loan.due_reminder_sent_at.is_(None)):
        if loan.due_on == local_today(residence, now) + timedelta(days=1):
            loan.due_reminder_sent_at = utcnow()
            _notify(loan, loan.borrower, "loan_due_tomorrow")
            count += 1
    db.session.flush()
    return count


def mark_overdue_loans(now: datetime | None = None) -> int:
    """Mark loans past their due day and not returned; tell both sides once. Returns how many."""
    count = 0
    for loan, residence in _loans_in((LoanStatus.HANDED_OVER,), Loan.overdue_since.is_(None)):
        if loan.due_on < local_today(residence, now):
            loan.overdue_since = loan.due_on + timedelta(days=1)
            _notify(loan, loan.borrower, "loan_overdue_borrower")
            _notify(loan, loan.owner, "loan_overdue_owner")
            count += 1
    db.session.flush()
    return count


def _transition(user: User, loan_id: int, action: str) -> Loan:
    loan = get_loan(user, loan_id)
    side = OWNER if loan.owner_id == user.id else BORROWER
    other_id = loan.borrower_id if side == OWNER else loan.owner_id
    if action in BLOCKED_ACTIONS:
        blocks.refuse_if_blocked(user, other_id)
    transition = TRANSITIONS[action]
    guard = _check_free if transition.target == LoanStatus.ACCEPTED else None
    try:
        # A savepoint: losing a race to another acceptance undoes this step only.
        with db.session.begin_nested():
            apply_transition(loan, side, transition, REFUSALS, guard)
    except IntegrityError as error:
        # Another acceptance of overlapping days committed first (PostgreSQL's exclusion).
        if getattr(error.orig, "sqlstate", None) != EXCLUSION_VIOLATION:
            raise
        _check_free(loan)
        raise
    # When the object changed hands, for the monthly reports.
    if loan.status == LoanStatus.HANDED_OVER:
        loan.handed_over_at = loan.status_changed_at
    elif loan.status == LoanStatus.RETURNED:
        loan.returned_at = loan.status_changed_at
    # Nobody hears of a member they block, or who blocks them.
    if action in NOTICES and not blocks.is_blocked(user, other_id):
        side, kind = NOTICES[action]
        _notify(loan, loan.borrower if side == BORROWER else loan.owner, kind)
    db.session.flush()
    return loan


def _check_free(loan: Loan) -> None:
    """409 naming the days already promised, if another loan holds part of this period."""
    overlapping = db.session.scalar(
        select(Loan).where(
            Loan.listing_id == loan.listing_id,
            Loan.id != loan.id,
            Loan.status.in_(HOLDING_STATES),
            Loan.starts_on <= loan.due_on,
            Loan.due_on >= loan.starts_on,
        )
    )
    if overlapping is not None:
        raise Conflict(
            "This object is already lent from %(starts_on)s to %(due_on)s.",
            starts_on=overlapping.starts_on.isoformat(),
            due_on=overlapping.due_on.isoformat(),
            extra={
                "conflicting_period": {
                    "starts_on": overlapping.starts_on.isoformat(),
                    "due_on": overlapping.due_on.isoformat(),
                }
            },
        )


def _check_period(residence: Residence, starts_on: date, due_on: date) -> None:
    if starts_on < local_today(residence):
        raise field_error("starts_on", "A loan cannot start in the past.")
    if due_on < starts_on:
        raise field_error("due_on", "The return day must be on or after the first day.")
    if (due_on - starts_on).days >= MAX_LOAN_DAYS:
        raise field_error("due_on", "A loan lasts at most %(days)s days.", days=MAX_LOAN_DAYS)


def _require_neighbour(user: User) -> None:
    if not scoping.is_resident_somewhere(user):
        raise Forbidden("Only members of a residence can do this.")


def _loans_in(states, condition):
    return db.session.execute(
        select(Loan, Residence)
        .join(Residence, Residence.id == Loan.residence_id)
        .where(Loan.status.in_(states), condition)
    ).all()


def _notify(loan: Loan, recipient: User, kind: str) -> None:
    outbox.enqueue(
        [recipient],
        kind,
        {"object": loan.listing.title},
        key=f"{kind}:loan:{loan.id}:{loan.status.value}",
        link=f"palier://loans/{loan.id}",
    )
