"""Moderation: members report, moderators work through their residence's queue and act, staff
read the audit log."""

from flask import Response
from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.common import PageArgs
from app.schemas.moderation import (
    AuditEntrySchema,
    AuditPageSchema,
    ModerationActionRequestSchema,
    QueuePageSchema,
    ReportPageSchema,
    ReportRequestSchema,
    ReportSchema,
)
from services.moderation import actions, audit, cases, queue

blp = ApiBlueprint(
    "moderation",
    __name__,
    description="Reports (signalements), the moderation queue of a residence, moderators' "
    "actions and the audit log.",
)


@blp.route("/reports", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.arguments(ReportRequestSchema)
@blp.response(201, ReportSchema)
@blp.errors(404, 409)
def report_content(data):
    """Report content or a member

    A post, comment, listing, message (of my own threads) or member that I can see, with a
    reason; 404 for anything out of my reach. One open report per member and target (409).
    When enough neighbours report the same content (the residence's threshold, 3 by default),
    it is hidden until a moderator decides.
    """
    return cases.report(signed_in_user(), **data)


@blp.route("/me/reports", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, ReportPageSchema)
def list_my_reports(args):
    """List my reports

    What I reported, newest first, and what moderators decided.
    """
    return cases.my_reports(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/residences/<int:residence_id>/moderation-queue", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, QueuePageSchema)
@blp.errors(403)
def list_moderation_queue(args, residence_id):
    """Read the moderation queue

    The open cases of the residence that I may act on, oldest first: the content and its
    context, the reports' reasons (never who made them), and earlier actions on its author. For
    the residence's solidaires and its landlord's staff.
    """
    return queue.moderation_queue(signed_in_user(), residence_id, args.get("cursor"), args["limit"])


@blp.route("/residences/<int:residence_id>/moderation-actions", methods=["POST"])
@login_required
@blp.arguments(ModerationActionRequestSchema)
@blp.response(201, AuditEntrySchema)
@blp.errors(403, 409)
def take_moderation_action(data, residence_id):
    """Act on content or a member

    Dismiss the reports, hide, restore or delete content, warn its author, suspend them for some
    days or lift a suspension, or (staff) remove them from the residence; always with a reason,
    kept in the audit log. Closes the target's open case; the author and the reporters are told
    the outcome in their language. Solidaires act neither on staff nor on other solidaires.
    """
    return actions.take_action(signed_in_user(), residence_id, **data)


@blp.route("/residences/<int:residence_id>/audit-log", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, AuditPageSchema)
@blp.errors(403)
def list_audit_log(args, residence_id):
    """Read the audit log

    Every moderation action, role change, membership change and suspension in the residence,
    newest first; nobody can alter or delete an entry. For the landlord's staff.
    """
    return audit.audit_log(signed_in_user(), residence_id, args.get("cursor"), args["limit"])


@blp.route("/residences/<int:residence_id>/audit-log.csv", methods=["GET"])
@login_required
@blp.doc(
    responses={
        200: {
            "description": "The residence's audit log, oldest first, as CSV (RFC 4180).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
@blp.errors(403)
def export_audit_log(residence_id):
    """Export the audit log

    The whole log of the residence as a CSV file, for a spreadsheet. For the landlord's staff.
    """
    csv = audit.audit_log_csv(signed_in_user(), residence_id)
    return Response(
        csv,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{residence_id}.csv"'},
    )
