"""Shared spaces: rules, opening hours, closures, photos and availability."""

from flask_babel import lazy_gettext
from marshmallow import fields, validate

from app.schemas.common import (
    ApiSchema,
    Day,
    PhotoSchema,
    ResponseSchema,
    at_most,
    between,
    text,
)
from services.local_time import format_clock

CLOCK = validate.Regexp(r"^\d{2}:\d{2}$", error=lazy_gettext("Write the time as HH:MM."))


class OpeningHoursRequestSchema(ApiSchema):
    weekday = fields.Integer(
        required=True, validate=between(0, 6), metadata={"description": "0 is Monday"}
    )
    opens = fields.String(required=True, validate=CLOCK, metadata={"example": "08:00"})
    closes = fields.String(required=True, validate=CLOCK, metadata={"example": "22:00"})


class OpeningHoursSchema(ResponseSchema):
    weekday = fields.Integer(metadata={"description": "0 is Monday"})
    opens = fields.Method("opens_at", metadata={"type": "string", "example": "08:00"})
    closes = fields.Method("closes_at", metadata={"type": "string", "example": "22:00"})

    def opens_at(self, hours):
        return format_clock(hours.opens_min)

    def closes_at(self, hours):
        return format_clock(hours.closes_min)


class ClosureRequestSchema(ApiSchema):
    starts_on = Day(required=True)
    ends_on = Day(required=True)
    reason = text(200, required=True, metadata={"example": "Travaux de peinture"})


class ClosureSchema(ResponseSchema):
    id = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    reason = fields.String()


class SpaceRequestSchema(ApiSchema):
    name = text(100, required=True, metadata={"example": "Salle commune"})
    description = fields.String(load_default="", validate=at_most(2000))
    capacity = fields.Integer(required=True, validate=between(1, 500))
    min_duration_min = fields.Integer(validate=between(5, 1440))
    max_duration_min = fields.Integer(validate=between(5, 1440))
    slot_min = fields.Integer(validate=between(5, 1440))
    min_notice_min = fields.Integer(validate=between(0, 60 * 24 * 30))
    max_advance_days = fields.Integer(validate=between(1, 365))
    max_future_bookings = fields.Integer(allow_none=True, validate=between(1, 100))
    max_hours_per_week = fields.Integer(allow_none=True, validate=between(1, 168))
    buffer_min = fields.Integer(validate=between(0, 240))
    approval_required = fields.Boolean()
    cancellation_deadline_min = fields.Integer(validate=between(0, 60 * 24 * 14))
    opening_hours = fields.List(
        fields.Nested(OpeningHoursRequestSchema), validate=validate.Length(max=50)
    )


class SpaceChangesSchema(SpaceRequestSchema):
    """Any of a space's fields; the ones left out keep their value."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class SpaceSchema(ResponseSchema):
    id = fields.Integer()
    residence_id = fields.Integer()
    name = fields.String()
    description = fields.String()
    capacity = fields.Integer()
    min_duration_min = fields.Integer()
    max_duration_min = fields.Integer()
    slot_min = fields.Integer()
    min_notice_min = fields.Integer()
    max_advance_days = fields.Integer()
    max_future_bookings = fields.Integer(allow_none=True)
    max_hours_per_week = fields.Integer(allow_none=True)
    buffer_min = fields.Integer()
    approval_required = fields.Boolean()
    cancellation_deadline_min = fields.Integer()
    opening_hours = fields.List(fields.Nested(OpeningHoursSchema))
    closures = fields.List(fields.Nested(ClosureSchema))
    photos = fields.List(fields.Nested(PhotoSchema))


class SpaceListSchema(ResponseSchema):
    items = fields.List(fields.Nested(SpaceSchema))


class AvailabilityArgs(ApiSchema):
    from_ = Day(required=True, data_key="from", metadata={"description": "First local day"})
    to = Day(required=True, metadata={"description": "Last local day (included)"})


class IntervalSchema(ResponseSchema):
    start = fields.DateTime(metadata={"description": "Local time, with its offset"})
    end = fields.DateTime()


class AvailabilitySchema(ResponseSchema):
    time_zone = fields.String(attribute="space.residence.time_zone")
    free = fields.List(fields.Nested(IntervalSchema))
    busy = fields.List(fields.Nested(IntervalSchema), metadata={"description": "Cleaning included"})
