"""Help exchanges and gifts."""

from marshmallow import fields

from app.schemas.common import (
    ApiSchema,
    AuthorSchema,
    PageArgs,
    ResponseSchema,
    at_most,
    between,
    enum_of,
    one_of,
    page_of,
)
from app.schemas.listings import ListingSummarySchema
from models import ExchangeStatus


class ExchangeProposalSchema(ApiSchema):
    message = fields.String(load_default="", validate=at_most(1000))


class CompletionSchema(ApiSchema):
    hours = fields.Float(
        validate=between(0.25, 24),
        metadata={"description": "How long the help took, in hours (a quarter to 24)."},
    )


class ExchangeSchema(ResponseSchema):
    id = fields.Integer()
    listing = fields.Nested(ListingSummarySchema)
    owner = fields.Nested(AuthorSchema)
    member = fields.Nested(AuthorSchema, metadata={"description": "Who answered the listing"})
    status = enum_of(ExchangeStatus)
    message = fields.String()
    status_changed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


ExchangePageSchema = page_of(ExchangeSchema, "ExchangePage")


class ExchangeListArgs(PageArgs):
    status = fields.String(validate=one_of([s.value for s in ExchangeStatus]))
