"""Phones that receive notifications, and members' notification preferences."""

from marshmallow import fields, validate

from app.schemas.common import ApiSchema, Language, ResponseSchema, at_most, one_of
from app.schemas.spaces import CLOCK
from notifications.preferences import CATEGORIES

PLATFORMS = ["android", "ios", "web"]


class DeviceRequestSchema(ApiSchema):
    token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=4096),
        metadata={"description": "The phone's Firebase Cloud Messaging registration token"},
    )
    platform = fields.String(required=True, validate=one_of(PLATFORMS))
    app_version = fields.String(validate=at_most(40))
    locale = Language()


class DeviceSchema(ResponseSchema):
    """A registered phone; its token is never sent back (nor the language it told, which
    the notifications do not follow: they are written in the member's language)."""

    id = fields.Integer()
    platform = fields.String(metadata={"enum": PLATFORMS})
    app_version = fields.String(allow_none=True)
    last_seen_at = fields.DateTime()


class PreferencesRequestSchema(ApiSchema):
    categories = fields.Dict(
        keys=fields.String(validate=one_of(list(CATEGORIES))),
        values=fields.Boolean(),
        metadata={"description": "Each category on (true) or off (false)"},
    )
    quiet_hours = fields.Boolean()
    quiet_start = fields.String(validate=CLOCK, metadata={"example": "21:00"})
    quiet_end = fields.String(validate=CLOCK, metadata={"example": "08:00"})


class PreferencesSchema(ResponseSchema):
    categories = fields.Dict(
        keys=fields.String(),
        values=fields.Boolean(),
        metadata={"description": f"Each category ({', '.join(CATEGORIES)}): on or off"},
    )
    quiet_hours = fields.Boolean()
    quiet_start = fields.String(metadata={"example": "21:00"})
    quiet_end = fields.String(metadata={"example": "08:00"})


class StatsSchema(ResponseSchema):
    last_24_hours = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Notifications by status: pending, sent, failed, dropped"},
    )
    oldest_pending_seconds = fields.Integer(allow_none=True)
