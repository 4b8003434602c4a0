"""Invite codes of a residence, for its staff: the list, a new code, revoking one, and the
poster to print for the hall (services/invite_posters)."""

from datetime import timedelta

import marshmallow as ma
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from app.console.form_errors import schema_errors, service_errors
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
    return _page(residence, {}, {})


@bp.route("/residences/<int:residence_id>/invite-codes", methods=["POST"])
def create_invite_code(residence_id: int):
    user = signed_in_user()
    residence = scoping.get_managed_residence(user, residence_id)
    show_residence(residence)
    try:
        data = _code_data(residence, request.form)
        invite = invitations.create_invite_code(user, residence.id, **data)
    except _Refused as refused:
        return _page(residence, request.form, refused.errors)
    except InvalidInput as error:
        return _page(residence, request.form, _on_form(service_errors(error)))
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


class _Refused(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors


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
            raise _Refused(schema_errors({"last_day": error.messages})) from None
        data["expires_at"] = wall_clock(day + timedelta(days=1), 0, residence.zone).isoformat()
    try:
        return InviteCodeRequestSchema().load(data)
    except ma.ValidationError as error:
        raise _Refused(_on_form(schema_errors(error.messages))) from None


def _on_form(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The API's field names, as the form names them."""
    return {
        "last_day" if field == "expires_at" else field: found for field, found in errors.items()
    }


def _page(residence: Residence, values, errors: dict):
    page = invitations.list_invite_codes(
        signed_in_user(), residence.id, request.args.get("cursor"), PAGE_SIZE
    )
    return render_template(
        "console/invite_codes.html",
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
        errors=errors,
    ), (422 if errors else 200)
