"""The private thread of a loan or an exchange, and the thank-yous that close it.

Only the two members of the loan or exchange read and write its thread (a moderator acting on a
report will be the one exception, with moderation). Each side may thank the other once, after
the loan was returned or the exchange done.

Between two members who block one another (either way), the thread takes no more messages nor
thanks, and each reads only their own messages in it; the loan or exchange itself stays, so
that it can still be ended.
"""

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models import (
    ExchangeStatus,
    HelpExchange,
    Loan,
    LoanStatus,
    Message,
    TargetKind,
    Thanks,
    User,
    Visibility,
    db,
)
from models.base import utcnow
from notifications import outbox
from services import blocks, exchanges, loans, scoping
from services.errors import Conflict, Forbidden, NotFound
from services.moderation import cases
from services.pagination import Page, paginate

LOAN, EXCHANGE = "loan", "exchange"
ENDED_WELL = {LOAN: LoanStatus.RETURNED, EXCHANGE: ExchangeStatus.DONE}


def list_messages(user: User, deal_kind: str, deal_id: int, cursor, limit) -> Page:
    """Oldest first, so that the newest message is last, as in any chat. Deleted messages stay
    in their place, as tombstones (the API shows no text)."""
    deal, _ = _deal(user, deal_kind, deal_id)
    column = _deal_column(Message, deal_kind)
    query = (
        select(Message)
        .where(
            column == deal.id,
            (Message.visibility == Visibility.VISIBLE) | (Message.author_id == user.id),
            Message.author_id.not_in(scoping.blocked_either_way(user)),
        )
        .options(selectinload(Message.author))
    )
    return paginate(query, [Message.id], cursor, limit)


def post_message(user: User, deal_kind: str, deal_id: int, body: str) -> Message:
    deal, other = _deal(user, deal_kind, deal_id)
    blocks.refuse_if_blocked(user, other.id)
    message = Message(author=user, body=body.strip(), **{f"{deal_kind}_id": deal.id})
    db.session.add(message)
    db.session.flush()
    outbox.enqueue(
        [other],
        "message",
        # Who wrote, never what: the text stays out of push services and logs; the app fetches it.
        {"author": user.display_name},
        key=f"message:{message.id}",
        link=f"palier://{deal_kind}s/{deal.id}/messages",
    )
    db.session.flush()
    return message


def edit_own_message(
    user: User, message_id: int, body: str, now: datetime | None = None
) -> Message:
    """The author changes the text of a message; marked edited when it changed. The other side
    is not told again."""
    message = _own_message(user, message_id)
    body = body.strip()
    if body != message.body:
        cases.refuse_changes_under_review(TargetKind.MESSAGE, message.id)
        message.body = body
        message.edited_at = now or utcnow()
        db.session.flush()
    return message


def delete_own_message(user: User, message_id: int) -> None:
    """The author deletes a message: 404 unless the user takes part in its thread (or if it is
    already deleted), 403 for the other side."""
    delete_message(_own_message(user, message_id))


def delete_message(message: Message, now: datetime | None = None) -> None:
    """Delete a message, whoever asks (its author, or a moderator: the caller checks). It stays
    in its thread as a tombstone. 404 if already deleted."""
    if message.deleted_at is not None:
        raise NotFound("This message does not exist.")
    message.deleted_at = now or utcnow()
    db.session.flush()


def thank(user: User, deal_kind: str, deal_id: int, text: str) -> Thanks:
    deal, other = _deal(user, deal_kind, deal_id)
    blocks.refuse_if_blocked(user, other.id)
    if deal.status != ENDED_WELL[deal_kind]:
        raise Conflict(
            "You can say thank you once it has ended well.",
            extra={"current_status": deal.status.value},
        )
    thanks = Thanks(
        author=user, recipient_id=other.id, text=text.strip(), **{f"{deal_kind}_id": deal.id}
    )
    try:
        with db.session.begin_nested():
            db.session.add(thanks)
    except IntegrityError:
        raise Conflict("You have already said thank you for this.") from None
    outbox.enqueue(
        [other],
        "thanks",
        {"author": user.display_name},
        key=f"thanks:{thanks.id}",
        link=f"palier://{deal_kind}s/{deal.id}",
    )
    db.session.flush()
    return thanks


def _own_message(user: User, message_id: int) -> Message:
    """A message of a thread the user takes part in, that the user may read and that is not
    deleted (404 otherwise), written by the user (403 otherwise)."""
    loans_of_user = select(Loan.id).where(
        or_(Loan.owner_id == user.id, Loan.borrower_id == user.id)
    )
    exchanges_of_user = select(HelpExchange.id).where(
        or_(HelpExchange.owner_id == user.id, HelpExchange.member_id == user.id)
    )
    message = db.session.scalar(
        select(Message).where(
            Message.id == message_id,
            Message.deleted_at.is_(None),
            or_(Message.visibility == Visibility.VISIBLE, Message.author_id == user.id),
            or_(Message.loan_id.in_(loans_of_user), Message.exchange_id.in_(exchanges_of_user)),
        )
    )
    if message is None:
        raise NotFound("This message does not exist.")
    if message.author_id != user.id:
        raise Forbidden("Only the author of this message can change it.")
    return message


def _deal(user: User, deal_kind: str, deal_id: int):
    """The loan or exchange (404 unless the user takes part) and the member on the other side."""
    if deal_kind == LOAN:
        deal = loans.get_loan(user, deal_id)
        return deal, deal.borrower if deal.owner_id == user.id else deal.owner
    deal = exchanges.get_exchange(user, deal_id)
    return deal, deal.member if deal.owner_id == user.id else deal.owner


def _deal_column(model, deal_kind: str):
    return model.loan_id if deal_kind == LOAN else model.exchange_id
