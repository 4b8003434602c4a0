"""A residence's monthly reports: the same page as the PDF (figures, charts), and downloads."""

from flask import Response, redirect, render_template, url_for
from flask_babel import get_locale

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from services import dashboards
from services.reports import documents, snapshots


@bp.route("/residences/<int:residence_id>/reports")
def reports(residence_id: int):
    """The newest month's report, or a page saying there is none yet."""
    user = signed_in_user()
    months = snapshots.residence_report_months(user, residence_id)
    if months:
        return redirect(url_for("console.report", residence_id=residence_id, month=months[0]))
    show_residence(dashboards.moderated_residence(user, residence_id))
    return render_template("console/report.html", months=[], page=None, month=None)


@bp.route("/residences/<int:residence_id>/reports/<string:month>")
def report(residence_id: int, month: str):
    user = signed_in_user()
    snapshot = snapshots.residence_report(user, residence_id, month)
    show_residence(dashboards.moderated_residence(user, residence_id))
    return render_template(
        "console/report.html",
        months=snapshots.residence_report_months(user, residence_id),
        month=month,
        page=documents.report_page(snapshot.figures, str(get_locale())),
    )


@bp.route("/residences/<int:residence_id>/reports/<string:month>.<any(csv, pdf):kind>")
def report_file(residence_id: int, month: str, kind: str):
    snapshot = snapshots.residence_report(signed_in_user(), residence_id, month)
    body, media_type, name = documents.report_file(snapshot.figures, kind, str(get_locale()))
    return Response(
        body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
