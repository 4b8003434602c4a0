"""A residence's audit log (staff), on screen and as CSV."""

from flask import Response, render_template, request

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from services import scoping
from services.moderation import audit


@bp.route("/residences/<int:residence_id>/audit-log")
def audit_log(residence_id: int):
    user = signed_in_user()
    show_residence(scoping.get_managed_residence(user, residence_id))
    page = audit.audit_log(user, residence_id, request.args.get("cursor"), 50)
    return render_template("console/audit_log.html", page=page)


@bp.route("/residences/<int:residence_id>/audit-log.csv")
def audit_log_csv(residence_id: int):
    body = audit.audit_log_csv(signed_in_user(), residence_id)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="palier-audit-{residence_id}.csv"'},
    )
