"""The messages of loans' and exchanges' conversations, which their authors change or delete.

The threads themselves are read and written under their loan or exchange (app/api/loans.py,
app/api/exchanges.py); a message, once written, is reached by its own id.
"""

from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.conversations import MessageRequestSchema, MessageSchema
from services import conversations

blp = ApiBlueprint(
    "conversations",
    __name__,
    description="The private messages of a loan or an exchange, changed or deleted by their "
    "authors.",
)


@blp.route("/messages/<int:message_id>", methods=["PATCH"])
@login_required
@blp.arguments(MessageRequestSchema)
@blp.response(200, MessageSchema)
@blp.errors(403)
def edit_message(data, message_id):
    """Change a message

    The author changes its text; the message shows when it was last edited (`edited_at`).
    The other side gets 403; anyone else 404.
    """
    return conversations.edit_own_message(signed_in_user(), message_id, data["body"])


@blp.route("/messages/<int:message_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.errors(403)
def delete_message(message_id):
    """Delete a message

    The author deletes it: it stays in the conversation as `deleted`, without its text. The
    other side gets 403; anyone else 404.
    """
    conversations.delete_own_message(signed_in_user(), message_id)
