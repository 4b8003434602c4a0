"""Monthly reports and the landlord's report settings."""

from marshmallow import fields, validate

from app.schemas.common import ApiSchema, EmailAddress, Language, ResponseSchema

MAX_RECIPIENTS = 20


class MonthlyReportSchema(ResponseSchema):
    """A month's figures, as the snapshot stored them (definitions in the README)."""

    month = fields.Function(lambda report: report.month.strftime("%Y-%m"))
    residence_id = fields.Integer(allow_none=True, metadata={"description": "null: landlord."})
    landlord_id = fields.Integer()
    version = fields.Integer(metadata={"description": "A regenerated month is a new version."})
    definitions_version = fields.Integer()
    generated_at = fields.DateTime()
    figures = fields.Dict(
        metadata={
            "description": "members, lending, spaces, news, push and moderation figures, "
            "their month-over-month `changes` and 12-month `trend`: see the README."
        }
    )


class ReportSettingsSchema(ResponseSchema):
    recipients = fields.List(fields.String(), attribute="report_recipients")
    locale = Language(attribute="report_locale")


class ReportSettingsRequestSchema(ApiSchema):
    recipients = fields.List(
        EmailAddress(),
        required=True,
        validate=validate.Length(max=MAX_RECIPIENTS),
        metadata={"description": "Who receives the monthly report by e-mail."},
    )
    locale = Language(required=True)
