from marshmallow import fields, validate

from app.schemas.bookings import CLOCK
from app.schemas.common import ApiSchema, at_most, one_of
from models.accounts import LOCALES
from notifications.preferences import CATEGORIES


class DeviceSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=4096))
    platform = fields.String(required=True, validate=one_of(["android", "ios", "web"]))
    app_version = fields.String(allow_none=True, validate=at_most(40))
    locale = fields.String(allow_none=True, validate=one_of(LOCALES))
    last_seen_at = fields.DateTime(dump_only=True)


class PreferencesSchema(ApiSchema):
    categories = fields.Dict(
        keys=fields.String(validate=one_of(list(CATEGORIES))),
        values=fields.Boolean(),
        metadata={"description": "Each category on (true) or off (false)"},
    )
    quiet_hours = fields.Boolean()
    quiet_start = fields.String(validate=CLOCK, metadata={"example": "21:00"})
    quiet_end = fields.String(validate=CLOCK, metadata={"example": "08:00"})


class StatsSchema(ApiSchema):
    last_24_hours = fields.Dict(keys=fields.String(), values=fields.Integer())
    oldest_pending_seconds = fields.Integer(allow_none=True)
