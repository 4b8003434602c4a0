"""Help exchanges and gifts, from an answer to a listing to done."""

from flask_login import login_required
from flask_smorest import Blueprint

from app.api.deals import add_thread_routes, add_transition_routes
from app.auth import signed_in_user
from app.schemas.lending import (
    ExchangeListArgs,
    ExchangePageSchema,
    ExchangeProposalSchema,
    ExchangeSchema,
)
from services import conversations, exchanges

blp = Blueprint("exchanges", __name__, description="Lending, gifts and mutual help: exchanges")


@blp.route("/listings/<int:listing_id>/exchanges", methods=["POST"])
@login_required
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


add_transition_routes(
    blp,
    "exchanges",
    ExchangeSchema,
    {
        "accept": (exchanges.accept_exchange, "The author accepts (a gift is then reserved)"),
        "decline": (exchanges.decline_exchange, "The author declines"),
        "cancel": (exchanges.cancel_exchange, "The member who answered withdraws"),
        "complete": (exchanges.complete_exchange, "Done (a gift: given)"),
    },
)
add_thread_routes(blp, "exchanges", conversations.EXCHANGE)
