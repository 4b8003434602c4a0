"""The inbox: every notification of the member, in the app, whatever push did with it."""

from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.common import PageArgs
from app.schemas.inbox import InboxNotificationSchema, InboxPageSchema, NotificationsReadSchema
from services import inbox

blp = ApiBlueprint(
    "inbox",
    __name__,
    description="My notifications in the app: every one written for me, including those push "
    "did not bring (no phone, a category switched off, quiet hours), read or not.",
)


@blp.route("/me/notifications", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, InboxPageSchema)
def list_my_notifications(args):
    """List my notifications

    Newest first, read or not, with the number of unread ones in the whole inbox. Titles and
    bodies are in the language I had when each was written.
    """
    user = signed_in_user()
    page = inbox.list_notifications(user, args.get("cursor"), args["limit"])
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "unread_count": inbox.unread_count(user),
    }


@blp.route("/me/notifications/<int:notification_id>/read", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.response(200, InboxNotificationSchema)
def mark_notification_read(notification_id):
    """Mark a notification read

    Marking it again changes nothing. One not yet pushed (held by quiet hours) is then no
    longer sent to my phones.
    """
    return inbox.mark_read(signed_in_user(), notification_id)


@blp.route("/me/notifications/read-all", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.response(200, NotificationsReadSchema)
def mark_all_notifications_read():
    """Mark all my notifications read

    Every unread notification of my inbox.
    """
    return {"marked": inbox.mark_all_read(signed_in_user())}
