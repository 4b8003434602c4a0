"""Monthly engagement reports of a residence and of a landlord."""

from flask import Response
from flask_babel import get_locale
from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.reports import (
    MonthlyReportSchema,
    ReportSettingsRequestSchema,
    ReportSettingsSchema,
)
from services.reports import documents, recipients, snapshots

blp = ApiBlueprint(
    "reports",
    __name__,
    description="Monthly engagement reports: what the network did for each residence and for "
    "the landlord, month by month, built on the 1st.",
)


@blp.route("/residences/<int:residence_id>/reports/<string:month>", methods=["GET"])
@login_required
@blp.response(200, MonthlyReportSchema)
@blp.errors(403)
def get_residence_report(residence_id, month):
    """Read a residence's monthly report

    The figures of a month (`yyyy-mm`) for the residence: its landlord's staff and its
    solidaires. 404 when the month has no report yet (reports are built on the 1st).
    """
    return snapshots.residence_report(signed_in_user(), residence_id, month)


@blp.route("/landlords/<int:landlord_id>/reports/<string:month>", methods=["GET"])
@login_required
@blp.response(200, MonthlyReportSchema)
@blp.errors(403)
def get_landlord_report(landlord_id, month):
    """Read the landlord's monthly report

    The figures of a month (`yyyy-mm`) for all the landlord's residences: its staff.
    """
    return snapshots.landlord_report(signed_in_user(), landlord_id, month)


_BINARY = {"type": "string", "format": "binary"}


def _file(media_type: str, what: str):
    return blp.doc(
        responses={200: {"description": what, "content": {media_type: {"schema": _BINARY}}}}
    )


def _download(report, kind: str) -> Response:
    """The report as a file, in the caller's language."""
    body, media_type, name = documents.report_file(report.figures, kind, str(get_locale()))
    return Response(
        body,
        mimetype=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blp.route("/residences/<int:residence_id>/reports/<string:month>.csv", methods=["GET"])
@login_required
@_file("text/csv", "The figures, one per row (RFC 4180), labelled in my language.")
@blp.errors(403)
def export_residence_report(residence_id, month):
    """Download a residence's monthly report as CSV

    Section, figure, label, value and change of each figure, for a spreadsheet.
    """
    return _download(snapshots.residence_report(signed_in_user(), residence_id, month), "csv")


@blp.route("/residences/<int:residence_id>/reports/<string:month>.pdf", methods=["GET"])
@login_required
@_file("application/pdf", "The report with its charts, A4, in my language.")
@blp.errors(403)
def get_residence_report_pdf(residence_id, month):
    """Download a residence's monthly report as PDF

    The report to print or forward: headline figures, charts of the last 12 months, tables.
    """
    return _download(snapshots.residence_report(signed_in_user(), residence_id, month), "pdf")


@blp.route("/landlords/<int:landlord_id>/reports/<string:month>.csv", methods=["GET"])
@login_required
@_file("text/csv", "The figures, one per row (RFC 4180), labelled in my language.")
@blp.errors(403)
def export_landlord_report(landlord_id, month):
    """Download the landlord's monthly report as CSV

    Section, figure, label, value and change of each figure, for a spreadsheet.
    """
    return _download(snapshots.landlord_report(signed_in_user(), landlord_id, month), "csv")


@blp.route("/landlords/<int:landlord_id>/reports/<string:month>.pdf", methods=["GET"])
@login_required
@_file("application/pdf", "The report with its charts, A4, in my language.")
@blp.errors(403)
def get_landlord_report_pdf(landlord_id, month):
    """Download the landlord's monthly report as PDF

    The report to print or forward: headline figures, charts of the last 12 months, tables.
    """
    return _download(snapshots.landlord_report(signed_in_user(), landlord_id, month), "pdf")


@blp.route("/landlords/<int:landlord_id>/reports/<string:month>", methods=["POST"])
@login_required
@blp.response(201, MonthlyReportSchema)
@blp.errors(403, 422)
def regenerate_landlord_report(landlord_id, month):
    """Build a month's reports again

    A new version of the landlord's and its residences' reports for a past month (`yyyy-mm`),
    from the data as it is now; earlier versions stay. For the landlord's staff.
    """
    return snapshots.regenerate(signed_in_user(), landlord_id, month)


@blp.route("/landlords/<int:landlord_id>/report-settings", methods=["GET"])
@login_required
@blp.response(200, ReportSettingsSchema)
@blp.errors(403)
def get_report_settings(landlord_id):
    """Read who receives the monthly report

    The addresses the landlord's report is e-mailed to on the 1st, and its language.
    """
    return recipients.report_settings(signed_in_user(), landlord_id)


@blp.route("/landlords/<int:landlord_id>/report-settings", methods=["PUT"])
@login_required
@blp.arguments(ReportSettingsRequestSchema)
@blp.response(200, ReportSettingsSchema)
@blp.errors(403)
def set_report_settings(data, landlord_id):
    """Choose who receives the monthly report

    Replaces the addresses (at most 20) and the language of the landlord's monthly e-mail.
    """
    return recipients.set_report_settings(signed_in_user(), landlord_id, **data)
