"""The member's inbox: the notifications written for them, read or not."""

from marshmallow import fields

from app.schemas.common import ResponseSchema, page_of
from notifications.texts import TEXTS


class InboxNotificationSchema(ResponseSchema):
    """A notification as the member received it (or would have, by push)."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": sorted(TEXTS)})
    title = fields.String(
        required=True,
        attribute="payload.title",
        metadata={"description": "In the member's language when it was written"},
    )
    body = fields.String(required=True, attribute="payload.body")
    link = fields.String(
        required=True,
        attribute="payload.link",
        metadata={"description": "Where the app opens it", "example": "palier://loans/12"},
    )
    urgent = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    read = fields.Function(
        lambda notification: notification.read_at is not None,
        required=True,
        metadata={"type": "boolean"},
    )
    read_at = fields.DateTime(required=True, allow_none=True)


class InboxPageSchema(page_of(InboxNotificationSchema, "InboxNotificationPage")):
    unread_count = fields.Integer(
        required=True, metadata={"description": "Unread notifications in the whole inbox"}
    )


class NotificationsReadSchema(ResponseSchema):
    marked = fields.Integer(
        required=True, metadata={"description": "How many notifications were unread"}
    )
