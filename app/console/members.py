"""Members and roles (staff), and the new members a residence's solidaires welcome."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from app.console.forms import form_again, form_data
from app.schemas.residences import MembershipUpdateSchema
from services import dashboards, memberships, scoping
from services.errors import InvalidInput

# The changes the page offers: a resident becomes a solidaire or back; staff approve or
# remove a member (the statuses of the API, in words).
ROLE_CHOICES = ("resident", "solidaire")
STATUS_CHOICES = ("active", "suspended", "left")


@bp.route("/residences/<int:residence_id>/members")
def members(residence_id: int):
    return _members_page(residence_id)


@bp.route("/residences/<int:residence_id>/members/<int:membership_id>", methods=["POST"])
def change_membership(residence_id: int, membership_id: int):
    try:
        changes = form_data(MembershipUpdateSchema(), request.form)
        memberships.update_membership(signed_in_user(), residence_id, membership_id, changes)
    except InvalidInput as refusal:
        return _members_page(residence_id, refusal=refusal, changed=membership_id)
    flash(gettext("The membership has been changed."), "success")
    return redirect(url_for("console.members", residence_id=residence_id))


def _members_page(residence_id: int, refusal: InvalidInput | None = None, changed=None):
    user = signed_in_user()
    residence = scoping.get_managed_residence(user, residence_id)
    show_residence(residence)
    status = request.args.get("status") or None
    if status not in (None, "pending", "active", "suspended", "left"):
        status = None
    page, _ = memberships.list_members(
        user, residence.id, request.args.get("cursor"), 100, status=status
    )
    context = dict(
        page=page,
        status=status,
        role_choices=ROLE_CHOICES,
        status_choices=STATUS_CHOICES,
        form=request.form,
        changed=changed,
    )
    if refusal is not None:
        return form_again("console/members.html", refusal, **context)
    return render_template("console/members.html", errors={}, error=None, **context)


@bp.route("/residences/<int:residence_id>/new-members")
def new_members(residence_id: int):
    user = signed_in_user()
    show_residence(dashboards.moderated_residence(user, residence_id))
    joined, waiting = memberships.new_members(user, residence_id)
    return render_template("console/new_members.html", joined=joined, waiting=waiting)
