"""Bookings awaiting approval, and approving or declining one: the residence's staff and
habitants solidaires (services/bookings.py: the residence's moderators approve). The member
who booked is told by the service either way."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from app.console.forms import form_again, form_data
from app.schemas.bookings import DeclineSchema
from models import Booking
from services import booking_overview, bookings
from services.dashboards import moderated_residence
from services.errors import InvalidInput

PAGE_SIZE = 50


@bp.route("/residences/<int:residence_id>/bookings-to-approve")
def bookings_to_approve(residence_id: int):
    user = signed_in_user()
    residence = moderated_residence(user, residence_id)
    show_residence(residence)
    page = booking_overview.awaiting_approval(
        user, residence.id, request.args.get("cursor"), PAGE_SIZE
    )
    return render_template(
        "console/bookings_to_approve.html",
        residence=residence,
        items=[booking_overview.local_times(booking) for booking in page.items],
        next_cursor=page.next_cursor,
        back=request.full_path.rstrip("?"),
    )


@bp.route("/residences/<int:residence_id>/bookings/<int:booking_id>/approve", methods=["POST"])
def approve_booking(residence_id: int, booking_id: int):
    user = signed_in_user()
    booking = booking_overview.booking_of_residence(user, residence_id, booking_id)
    bookings.approve_booking(user, booking.id)
    flash(_decided_message(booking, approved=True))
    return redirect(_back(residence_id, request.form.get("back")))


@bp.route(
    "/residences/<int:residence_id>/bookings/<int:booking_id>/decline", methods=["GET", "POST"]
)
def decline_booking(residence_id: int, booking_id: int):
    """Declining says why: the member reads the reason in the notification."""
    user = signed_in_user()
    booking = booking_overview.booking_of_residence(user, residence_id, booking_id)
    show_residence(booking.space.residence)
    back = _back(residence_id, request.values.get("back"))
    if request.method == "GET":
        return _decline_form(booking, back, {})
    try:
        data = form_data(DeclineSchema(), MultiDict({"reason": request.form.get("reason", "")}))
    except InvalidInput as refusal:
        return _decline_form(booking, back, request.form, refusal)
    bookings.decline_booking(user, booking.id, data["reason"])
    flash(_decided_message(booking, approved=False))
    return redirect(back)


def _decline_form(booking: Booking, back: str, values, refusal: InvalidInput | None = None):
    context = dict(
        residence=booking.space.residence,
        item=booking_overview.local_times(booking),
        back=back,
        values=values,
    )
    if refusal is not None:
        return form_again("console/decline_booking.html", refusal, **context)
    return render_template("console/decline_booking.html", errors={}, error=None, **context)


def _decided_message(booking: Booking, approved: bool) -> str:
    item = booking_overview.local_times(booking)
    params = {
        "member": booking.member.display_name,
        "space": booking.space.name,
        "day": item.starts.strftime("%d/%m"),
        "time": item.starts.strftime("%H:%M"),
    }
    if approved:
        return gettext(
            "Booking approved: %(member)s, %(space)s, %(day)s at %(time)s. They are told.",
            **params,
        )
    return gettext(
        "Booking declined: %(member)s, %(space)s, %(day)s at %(time)s. They are told why.",
        **params,
    )


def _back(residence_id: int, target: str | None) -> str:
    """Back to the page the decision was taken on, if it is one of this residence's pages;
    the list of bookings to approve otherwise."""
    if target:
        parts = urlsplit(target)
        prefix = url_for("console.dashboard", residence_id=residence_id) + "/"
        if not parts.scheme and not parts.netloc and parts.path.startswith(prefix):
            return target
    return url_for("console.bookings_to_approve", residence_id=residence_id)
