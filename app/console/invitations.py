"""Invite codes of a residence, for its staff: the list, a new code, revoking one, and the
poster to print for the hall (services/invite_posters)."""

from datetime import timedelta

import marshmallow as ma
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from app.console.forms import form_again
from app.schemas.common import Day
from app.schemas.residences import InviteCodeRequestSchema
from models import Residence
from services import invitations, scoping
from services.errors import InvalidInput
from services.invite_posters import invite_poster
from services.local_time import wall_clock

PAGE_SIZE = 50


@bp.route("/residences/<int:residence_id>/invite-codes")
def invite_codes(residence_id: int):
    residence = scoping.get_managed_residence(signed_in_user(), residence_id)
    show_residence(residence)
    return _page(residence, {})


@bp.route("/residences/<int:residence_id>/invite-codes", methods=["POST"])
def create_invite_code(residence_id: int):
    user = signed_in_user()
    residence = scoping.get_managed_residence(user, residence_id)
    show_residence(residence)
    try:
        data = _code_data(residence, request.form)
        invite = invitations.create_invite_code(user, residence.id, **data)
    except InvalidInput as refusal:
        return _page(residence, request.form, _on_form(refusal))
    flash(gettext("New invite code: %(code)s.", code=invite.code))
    return redirect(url_for("console.invite_codes", residence_id=residence.id))


@bp.route("/residences/<int:residence_id>/invite-codes/<int:invite_id>/revoke", methods=["POST"])
def revoke_invite_code(residence_id: int, invite_id: int):
    invite = invitations.revoke_invite_code(signed_in_user(), residence_id, invite_id)
    flash(gettext("The code %(code)s is revoked: nobody can join with it now.", code=invite.code))
    return redirect(url_for("console.invite_codes", residence_id=residence_id))


@bp.route("/residences/<int:residence_id>/invite-codes/<int:invite_id>/poster.pdf")
def invite_code_poster(residence_id: int, invite_id: int):
    """The A4 poster of a code for the hall, as PDF (always in French, English below)."""
    invite, pdf = invite_poster(signed_in_user(), residence_id, invite_id)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="palier-{invite.code}.pdf"'},
    )


def _code_data(residence: Residence, form) -> dict:
    """The form as the API's request: the last valid day becomes the end of that day in the
    residence's time zone; a blank number of uses, no limit."""
    never = "never_expires" in form
    data = {"never_expires": never, "max_uses": form.get("max_uses", "").strip() or None}
    building = form.get("building_id", "")
    data["building_id"] = building or None
    last_day = form.get("last_day", "").strip()
    if last_day:
        try:
            day = Day().deserialize(last_day)
        except ma.ValidationError as error:
            raise _refused({"last_day": error.messages}) from None
        data["expires_at"] = wall_clock(day + timedelta(days=1), 0, residence.zone).isoformat()
    try:
        return InviteCodeRequestSchema().load(data)
    except ma.ValidationError as error:
        raise _refused(error.messages) from None


def _refused(field_errors: dict) -> InvalidInput:
    return InvalidInput("Some fields need your attention.", field_errors=field_errors)


def _on_form(refusal: InvalidInput) -> InvalidInput:
    """The refusal with the API's field names as the form names them (its expiry is a day)."""
    field_errors = {
        "last_day" if field == "expires_at" else field: found
        for field, found in (refusal.field_errors or {}).items()
    }
    return InvalidInput(refusal.detail, field_errors=field_errors, **refusal.params)


def _page(residence: Residence, values, refusal: InvalidInput | None = None):
    page = invitations.list_invite_codes(
        signed_in_user(), residence.id, request.args.get("cursor"), PAGE_SIZE
    )
    context = dict(
        residence=residence,
        codes=[
            {
                "invite": invite,
                "last_day": invitations.last_valid_day(invite),
                "usable": invitations.usable(invite),
            }
            for invite in page.items
        ],
        next_cursor=page.next_cursor,
        values=values,
    )
    if refusal is not None:
        return form_again("console/invite_codes.html", refusal, **context)
    return render_template("console/invite_codes.html", errors={}, error=None, **context)
