"""Help exchanges and gifts, from an answer to a listing to done."""

from flask_login import login_required
from flask_smorest import Blueprint

from app.api import rate_limits
from app.auth import signed_in_user
from app.schemas.common import PageArgs
from app.schemas.conversations import MessagePageSchema, MessageSchema, ThanksSchema
from app.schemas.exchanges import (
    ExchangeListArgs,
    ExchangePageSchema,
    ExchangeProposalSchema,
    ExchangeSchema,
)
from services import conversations, exchanges

blp = Blueprint("exchanges", __name__, description="Lending, gifts and mutual help: exchanges")


@blp.route("/listings/<int:listing_id>/exchanges", methods=["POST"])
@login_required
@rate_limits.neighbour_requests
@blp.arguments(ExchangeProposalSchema)
@blp.response(201, ExchangeSchema)
def propose_exchange(data, listing_id):
    """Answer an offer or a request of help, or ask for a gift."""
    return exchanges.propose_exchange(signed_in_user(), listing_id, data["message"])


@blp.route("/exchanges", methods=["GET"])
@login_required
@blp.arguments(ExchangeListArgs, location="query")
@blp.response(200, ExchangePageSchema)
def list_exchanges(args):
    return exchanges.list_my_exchanges(
        signed_in_user(), args.get("status"), args.get("cursor"), args["limit"]
    )


@blp.route("/exchanges/<int:exchange_id>", methods=["GET"])
@login_required
@blp.response(200, ExchangeSchema)
def get_exchange(exchange_id):
    return exchanges.get_exchange(signed_in_user(), exchange_id)


@blp.route("/exchanges/<int:deal_id>/accept", methods=["POST"])
@login_required
@blp.response(200, ExchangeSchema)
@blp.doc(summary="The author accepts (a gift is then reserved)")
def accept_exchange(deal_id):
    return exchanges.accept_exchange(signed_in_user(), deal_id)


@blp.route("/exchanges/<int:deal_id>/decline", methods=["POST"])
@login_required
@blp.response(200, ExchangeSchema)
@blp.doc(summary="The author declines")
def decline_exchange(deal_id):
    return exchanges.decline_exchange(signed_in_user(), deal_id)


@blp.route("/exchanges/<int:deal_id>/cancel", methods=["POST"])
@login_required
@blp.response(200, ExchangeSchema)
@blp.doc(summary="The member who answered withdraws")
def cancel_exchange(deal_id):
    return exchanges.cancel_exchange(signed_in_user(), deal_id)


@blp.route("/exchanges/<int:deal_id>/complete", methods=["POST"])
@login_required
@blp.response(200, ExchangeSchema)
@blp.doc(summary="Done (a gift: given)")
def complete_exchange(deal_id):
    return exchanges.complete_exchange(signed_in_user(), deal_id)


@blp.route("/exchanges/<int:deal_id>/messages", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, MessagePageSchema)
@blp.doc(summary="The conversation between the two members, oldest first")
def list_exchange_messages(args, deal_id):
    return conversations.list_messages(
        signed_in_user(), conversations.EXCHANGE, deal_id, args.get("cursor"), args["limit"]
    )


@blp.route("/exchanges/<int:deal_id>/messages", methods=["POST"])
@login_required
@blp.arguments(MessageSchema)
@blp.response(201, MessageSchema)
@blp.doc(summary="Write to the other member")
def post_exchange_message(data, deal_id):
    return conversations.post_message(
        signed_in_user(), conversations.EXCHANGE, deal_id, data["body"]
    )


@blp.route("/exchanges/<int:deal_id>/thanks", methods=["POST"])
@login_required
@blp.arguments(ThanksSchema)
@blp.response(201, ThanksSchema)
@blp.doc(summary="Say thank you, once, after it ended well")
def thank_for_exchange(data, deal_id):
    return conversations.thank(signed_in_user(), conversations.EXCHANGE, deal_id, data["text"])
