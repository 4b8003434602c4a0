"""The moderation queue of a residence and the moderators' actions on it."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from app.console.forms import form_again, form_data
from app.schemas.moderation import ModerationActionRequestSchema
from services import dashboards
from services.errors import InvalidInput
from services.moderation import actions, queue

# The actions offered on content and on a member (remove_member: staff, checked by the service).
CONTENT_ACTIONS = ("dismiss", "hide", "restore", "delete", "warn", "suspend")
MEMBER_ACTIONS = ("dismiss", "warn", "suspend", "lift_suspension", "remove_member")


@bp.route("/residences/<int:residence_id>/moderation")
def moderation_queue(residence_id: int):
    return _queue_page(residence_id)


@bp.route("/residences/<int:residence_id>/moderation", methods=["POST"])
def take_moderation_action(residence_id: int):
    user = signed_in_user()
    try:
        data = form_data(ModerationActionRequestSchema(), request.form)
        actions.take_action(user, residence_id, **data)
    except InvalidInput as refusal:
        return _queue_page(residence_id, refusal=refusal)
    flash(gettext("Done: the member and the reporters have been told."), "success")
    return redirect(url_for("console.moderation_queue", residence_id=residence_id))


def _queue_page(residence_id: int, refusal: InvalidInput | None = None):
    user = signed_in_user()
    residence = dashboards.moderated_residence(user, residence_id)
    show_residence(residence)
    page = queue.moderation_queue(user, residence.id, request.args.get("cursor"), None)
    context = dict(
        page=page,
        content_actions=CONTENT_ACTIONS,
        member_actions=MEMBER_ACTIONS,
        form=request.form,
    )
    if refusal is not None:
        return form_again("console/moderation.html", refusal, **context)
    return render_template("console/moderation.html", errors={}, error=None, **context)
