"""What loans and exchanges have alike over HTTP: their state transitions and their thread."""

from flask_login import login_required

from app.auth import signed_in_user
from app.schemas.common import PageArgs
from app.schemas.lending import MessagePageSchema, MessageSchema, ThanksSchema
from services import conversations


def add_transition_routes(blp, collection: str, schema, actions: dict) -> None:
    """POST /<collection>/<id>/<action> for each action: (service function, summary)."""
    for action, (service, summary) in actions.items():
        _add_transition_route(blp, collection, schema, action, service, summary)


def _add_transition_route(blp, collection, schema, action, service, summary):
    endpoint = f"{action.replace('-', '_')}_{collection.rstrip('s')}"

    @blp.route(f"/{collection}/<int:deal_id>/{action}", methods=["POST"], endpoint=endpoint)
    @login_required
    @blp.response(200, schema)
    @blp.doc(summary=summary)
    def transition(deal_id):
        return service(signed_in_user(), deal_id)


def add_thread_routes(blp, collection: str, deal_kind: str) -> None:
    """The private conversation of a deal, and thanks once it ended well."""
    noun = collection.rstrip("s")

    @blp.route(
        f"/{collection}/<int:deal_id>/messages", methods=["GET"], endpoint=f"list_{noun}_messages"
    )
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, MessagePageSchema)
    @blp.doc(summary="The conversation between the two members, oldest first")
    def list_messages(args, deal_id):
        return conversations.list_messages(
            signed_in_user(), deal_kind, deal_id, args.get("cursor"), args["limit"]
        )

    @blp.route(
        f"/{collection}/<int:deal_id>/messages", methods=["POST"], endpoint=f"post_{noun}_message"
    )
    @login_required
    @blp.arguments(MessageSchema)
    @blp.response(201, MessageSchema)
    @blp.doc(summary="Write to the other member")
    def post_message(data, deal_id):
        return conversations.post_message(signed_in_user(), deal_kind, deal_id, data["body"])

    @blp.route(
        f"/{collection}/<int:deal_id>/thanks", methods=["POST"], endpoint=f"thank_for_{noun}"
    )
    @login_required
    @blp.arguments(ThanksSchema)
    @blp.response(201, ThanksSchema)
    @blp.doc(summary="Say thank you, once, after it ended well")
    def thank(data, deal_id):
        return conversations.thank(signed_in_user(), deal_kind, deal_id, data["text"])
