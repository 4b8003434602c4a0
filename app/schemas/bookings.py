"""Bookings of shared spaces, weekly series and calendar addresses."""

from marshmallow import fields

from app.schemas.common import (
    ApiSchema,
    AuthorSchema,
    Day,
    Moment,
    PageArgs,
    ResponseSchema,
    at_most,
    between,
    enum_of,
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


class BookingSchema(ResponseSchema):
    id = fields.Integer()
    space_id = fields.Integer()
    space = fields.String(attribute="space.name", metadata={"description": "The space's name"})
    member = fields.Nested(AuthorSchema)
    starts_at = fields.Method(
        "local_start",
        metadata={"type": "string", "format": "date-time", "description": "Local time"},
    )
    ends_at = fields.Method(
        "local_end", metadata={"type": "string", "format": "date-time", "description": "Local"}
    )
    purpose = fields.String()
    people = fields.Integer()
    status = enum_of(BookingStatus)
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


class SeriesSchema(ResponseSchema):
    series_id = fields.Integer()
    bookings = fields.List(fields.Nested(BookingSchema))
    skipped_dates = fields.List(Day())


class CalendarFeedSchema(ResponseSchema):
    id = fields.Integer()
    url = fields.String(metadata={"description": "Secret address to add to a calendar app"})


class FeedSpaceSchema(ResponseSchema):
    id = fields.Integer()
    name = fields.String()


class CalendarFeedSummarySchema(ResponseSchema):
    """A calendar address, without its secret (shown once, when it was made)."""

    id = fields.Integer()
    space = fields.Nested(
        FeedSpaceSchema,
        allow_none=True,
        metadata={"description": "The space whose bookings it shows; null for my own bookings"},
    )
    created_at = fields.DateTime()


CalendarFeedPageSchema = page_of(CalendarFeedSummarySchema, "CalendarFeedPage")
