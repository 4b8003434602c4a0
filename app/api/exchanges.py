"""Help exchanges and gifts, from an answer to a listing to done, with their conversation."""

from flask_login import login_required

from app.api import rate_limits
from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.common import PageArgs
from app.schemas.conversations import (
    MessagePageSchema,
    MessageRequestSchema,
    MessageSchema,
    ThanksRequestSchema,
    ThanksSchema,
)
from app.schemas.exchanges import (
    CompletionSchema,
    ExchangeListArgs,
    ExchangePageSchema,
    ExchangeProposalSchema,
    ExchangeSchema,
)
from services import conversations, exchanges

blp = ApiBlueprint(
    "exchanges",
    __name__,
    description="Help given or received between neighbours, and gifts: from an answer to done.",
)


@blp.route("/listings/<int:listing_id>/exchanges", methods=["POST"])
@login_required
@rate_limits.neighbour_requests
@blp.arguments(ExchangeProposalSchema)
@blp.response(201, ExchangeSchema)
@blp.errors(403, 409)
def propose_exchange(data, listing_id):
    """Answer a listing

    Answer an offer or a request of help, or ask for a gift; the author is told. 409 when the
    listing is an object to borrow (ask for a loan), is not open, or was already answered
    (`exchange_id` names that exchange).
    """
    return exchanges.propose_exchange(signed_in_user(), listing_id, data["message"])


@blp.route("/exchanges", methods=["GET"])
@login_required
@blp.arguments(ExchangeListArgs, location="query")
@blp.response(200, ExchangePageSchema)
def list_exchanges(args):
    """List my exchanges

    The exchanges I take part in, as the listing's author or as the member who answered,
    newest first.
    """
    return exchanges.list_my_exchanges(
        signed_in_user(), args.get("status"), args.get("cursor"), args["limit"]
    )


@blp.route("/exchanges/<int:exchange_id>", methods=["GET"])
@login_required
@blp.response(200, ExchangeSchema)
def get_exchange(exchange_id):
    """Get an exchange

    Only its two members see an exchange; anyone else gets 404.
    """
    return exchanges.get_exchange(signed_in_user(), exchange_id)


@blp.route("/exchanges/<int:exchange_id>/accept", methods=["POST"])
@login_required
@blp.response(200, ExchangeSchema)
@blp.errors(403, 409)
def accept_exchange(exchange_id):
    """Accept an answer

    The listing's author accepts; a gift is then reserved for that member (409 if it already
    is for someone else). 403 when either of the two blocks the other.
    """
    return exchanges.accept_exchange(signed_in_user(), exchange_id)


@blp.route("/exchanges/<int:exchange_id>/decline", methods=["POST"])
@login_required
@blp.response(200, ExchangeSchema)
@blp.errors(403, 409)
def decline_exchange(exchange_id):
    """Decline an answer

    The listing's author says no; the member is told.
    """
    return exchanges.decline_exchange(signed_in_user(), exchange_id)


@blp.route("/exchanges/<int:exchange_id>/cancel", methods=["POST"])
@login_required
@blp.response(200, ExchangeSchema)
@blp.errors(403, 409)
def cancel_exchange(exchange_id):
    """Withdraw an answer

    The member who answered withdraws, before the exchange is done.
    """
    return exchanges.cancel_exchange(signed_in_user(), exchange_id)


@blp.route("/exchanges/<int:exchange_id>/complete", methods=["POST"])
@login_required
@blp.arguments(CompletionSchema, required=False)
@blp.response(200, ExchangeSchema)
@blp.errors(403, 409)
def complete_exchange(data, exchange_id):
    """Mark an exchange done

    The help was given, or the gift handed over; both sides may then say thank you. For help,
    `hours` says how long it took (the landlord's monthly report counts the hours of help);
    without it, the usual time for the category is counted.
    """
    return exchanges.complete_exchange(signed_in_user(), exchange_id, **data)


@blp.route("/exchanges/<int:exchange_id>/messages", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, MessagePageSchema)
def list_exchange_messages(args, exchange_id):
    """Read an exchange's conversation

    The private messages between the two members, oldest first.
    """
    return conversations.list_messages(
        signed_in_user(), conversations.EXCHANGE, exchange_id, args.get("cursor"), args["limit"]
    )


@blp.route("/exchanges/<int:exchange_id>/messages", methods=["POST"])
@login_required
@blp.arguments(MessageRequestSchema)
@blp.response(201, MessageSchema)
@blp.errors(403)
def post_exchange_message(data, exchange_id):
    """Write in an exchange's conversation

    The other member gets a notification that says who wrote, never what. 403 when either of
    the two blocks the other.
    """
    return conversations.post_message(
        signed_in_user(), conversations.EXCHANGE, exchange_id, data["body"]
    )


@blp.route("/exchanges/<int:exchange_id>/thanks", methods=["POST"])
@login_required
@blp.arguments(ThanksRequestSchema)
@blp.response(201, ThanksSchema)
@blp.errors(403, 409)
def thank_for_exchange(data, exchange_id):
    """Say thank you for an exchange

    Once per side, after the exchange is done (409 before, or a second time); not between
    members who block one another (403).
    """
    return conversations.thank(signed_in_user(), conversations.EXCHANGE, exchange_id, data["text"])
