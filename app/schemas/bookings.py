"""Bookings of shared spaces, weekly series and calendar addresses."""

from marshmallow import fields

from app.schemas.common import (
    ApiSchema,
    AuthorSchema,
    Day,
    Moment,
    PageArgs,
    at_most,
    between,
    one_of,
    page_of,
    text,
)
from app.schemas.spaces import CLOCK
from models import BookingStatus


class BookingRequestSchema(ApiSchema):
    starts_at = Moment(required=True, metadata={"example": "2026-12-12T14:00:00+01:00"})
    ends_at = Moment(required=True)
    purpose = text(200, required=True, metadata={"example": "Anniversaire de Lina"})
    people = fields.Integer(load_default=1, validate=between(1, 500))


class BookingSchema(ApiSchema):
    id = fields.Integer()
    space_id = fields.Integer()
    space = fields.String(attribute="space.name")
    member = fields.Nested(AuthorSchema)
    starts_at = fields.Method("local_start")
    ends_at = fields.Method("local_end")
    purpose = fields.String()
    people = fields.Integer()
    status = fields.String()
    decision_reason = fields.String(allow_none=True)
    series_id = fields.Integer(allow_none=True)

    def local_start(self, booking):
        return _local(booking, booking.starts_at)

    def local_end(self, booking):
        return _local(booking, booking.ends_at)


def _local(booking, moment):
    return moment.astimezone(booking.space.residence.zone).isoformat()


BookingPageSchema = page_of(BookingSchema, "BookingPage")


class SpaceBookingArgs(PageArgs):
    status = fields.String(validate=one_of([s.value for s in BookingStatus]))


class DecisionSchema(ApiSchema):
    reason = fields.String(
        validate=at_most(300), metadata={"description": "Required when staff cancel or decline"}
    )


class DeclineSchema(ApiSchema):
    reason = text(300, required=True)


class SeriesRequestSchema(ApiSchema):
    weekday = fields.Integer(required=True, validate=between(0, 6))
    starts = fields.String(required=True, validate=CLOCK, metadata={"example": "17:00"})
    ends = fields.String(required=True, validate=CLOCK, metadata={"example": "19:00"})
    until = Day(required=True)
    purpose = text(200, required=True, metadata={"example": "Aide aux devoirs"})
    people = fields.Integer(load_default=1, validate=between(1, 500))
    skip_conflicts = fields.Boolean(load_default=False)


class SeriesSchema(ApiSchema):
    series_id = fields.Integer()
    bookings = fields.List(fields.Nested(BookingSchema))
    skipped_dates = fields.List(Day())


class CalendarFeedSchema(ApiSchema):
    id = fields.Integer()
    url = fields.String(metadata={"description": "Secret address to add to a calendar app"})
