"""Loans of objects between neighbours."""

from marshmallow import fields

from app.schemas.common import ApiSchema, AuthorSchema, Day, PageArgs, at_most, one_of, page_of
from app.schemas.listings import ListingSummarySchema
from models import LoanStatus


class LoanRequestSchema(ApiSchema):
    starts_on = Day(required=True)
    due_on = Day(required=True)
    message = fields.String(load_default="", validate=at_most(1000))


class LoanSchema(ApiSchema):
    id = fields.Integer()
    listing = fields.Nested(ListingSummarySchema)
    owner = fields.Nested(AuthorSchema)
    borrower = fields.Nested(AuthorSchema)
    starts_on = Day()
    due_on = Day()
    status = fields.String()
    overdue = fields.Method("is_overdue")
    message = fields.String()
    status_changed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()

    def is_overdue(self, loan):
        return loan.overdue_since is not None and loan.status == LoanStatus.HANDED_OVER


LoanPageSchema = page_of(LoanSchema, "LoanPage")


class LoanListArgs(PageArgs):
    role = fields.String(validate=one_of(["owner", "borrower"]))
    status = fields.String(validate=one_of([s.value for s in LoanStatus]))
