"""Loans of objects between neighbours."""

from marshmallow import fields

from app.schemas.common import (
    ApiSchema,
    AuthorSchema,
    Day,
    PageArgs,
    ResponseSchema,
    at_most,
    enum_of,
    one_of,
    page_of,
)
from app.schemas.listings import ListingSummarySchema
from models import LoanStatus


class LoanRequestSchema(ApiSchema):
    starts_on = Day(required=True, metadata={"description": "First day (local)"})
    due_on = Day(required=True, metadata={"description": "Day of return, included"})
    message = fields.String(load_default="", validate=at_most(1000))


class LoanSchema(ResponseSchema):
    id = fields.Integer()
    listing = fields.Nested(ListingSummarySchema)
    owner = fields.Nested(AuthorSchema)
    borrower = fields.Nested(AuthorSchema)
    starts_on = fields.Date()
    due_on = fields.Date()
    status = enum_of(LoanStatus)
    overdue = fields.Method(
        "is_overdue",
        metadata={"type": "boolean", "description": "Handed over and past its due day."},
    )
    message = fields.String()
    status_changed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()

    def is_overdue(self, loan):
        return loan.overdue_since is not None and loan.status == LoanStatus.HANDED_OVER


LoanPageSchema = page_of(LoanSchema, "LoanPage")


class LoanListArgs(PageArgs):
    role = fields.String(validate=one_of(["owner", "borrower"]))
    status = fields.String(validate=one_of([s.value for s in LoanStatus]))
