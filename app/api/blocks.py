"""Members a member blocks: neither sees nor reaches the other; the blocked member is not told."""

from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.blocks import BlockPageSchema, BlockSchema
from app.schemas.common import PageArgs
from services import blocks

blp = ApiBlueprint(
    "blocks",
    __name__,
    description="Blocking a member: neither sees the other's content nor can message, lend "
    "to, borrow from or answer the other. The blocked member is not told.",
)


@blp.route("/me/blocks", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, BlockPageSchema)
def list_blocks(args):
    """List the members I block

    Newest block first, with each member's name.
    """
    return blocks.list_blocks(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/me/blocks/<int:user_id>", methods=["PUT"])
@blp.allowed_while_suspended
@login_required
@blp.response(200, BlockSchema)
@blp.errors(422)
def block_member(user_id):
    """Block a member

    A neighbour I can see, or the staff of my landlord (404 for anyone else; 422 for myself).
    From then on, neither of us sees the other's posts, comments, listings or profile, and
    neither can message, lend to, borrow from or answer the other; a loan or an exchange
    under way can still be ended (declined, cancelled, returned, completed). The landlord's
    announcements and alerts still reach everyone. The member is not told. Blocking again
    changes nothing.
    """
    return blocks.block_member(signed_in_user(), user_id)


@blp.route("/me/blocks/<int:user_id>", methods=["DELETE"])
@blp.allowed_while_suspended
@login_required
@blp.response(204)
def unblock_member(user_id):
    """Unblock a member

    Everything blocked comes back; 404 when I did not block this member.
    """
    blocks.unblock_member(signed_in_user(), user_id)
