"""Bookings of shared spaces, recurring bookings and calendar feeds."""

from flask import Response, url_for
from flask_login import login_required
from flask_smorest import Blueprint

from app.auth import signed_in_user
from app.schemas.bookings import (
    BookingPageSchema,
    BookingRequestSchema,
    BookingSchema,
    CalendarFeedPageSchema,
    CalendarFeedSchema,
    DecisionSchema,
    DeclineSchema,
    SeriesRequestSchema,
    SeriesSchema,
    SpaceBookingArgs,
)
from app.schemas.common import PageArgs
from services import bookings, calendars

blp = Blueprint("bookings", __name__, description="Bookings of shared spaces")


@blp.route("/spaces/<int:space_id>/bookings", methods=["POST"])
@login_required
@blp.arguments(BookingRequestSchema)
@blp.response(201, BookingSchema)
def book_space(data, space_id):
    """Book [starts_at, ends_at): confirmed at once, or pending if the space needs approval."""
    return bookings.book_space(signed_in_user(), space_id, **data)


@blp.route("/spaces/<int:space_id>/bookings", methods=["GET"])
@login_required
@blp.arguments(SpaceBookingArgs, location="query")
@blp.response(200, BookingPageSchema)
def list_space_bookings(args, space_id):
    """Staff and solidaires: the space's bookings, with who booked (`status=pending` to approve)."""
    return bookings.list_space_bookings(
        signed_in_user(), space_id, args.get("status"), args.get("cursor"), args["limit"]
    )


@blp.route("/bookings", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, BookingPageSchema)
def list_my_bookings(args):
    return bookings.list_my_bookings(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/bookings/<int:booking_id>", methods=["GET"])
@login_required
@blp.response(200, BookingSchema)
def get_booking(booking_id):
    return bookings.get_booking(signed_in_user(), booking_id)


@blp.route("/bookings/<int:booking_id>/approve", methods=["POST"])
@login_required
@blp.response(200, BookingSchema)
def approve_booking(booking_id):
    return bookings.approve_booking(signed_in_user(), booking_id)


@blp.route("/bookings/<int:booking_id>/decline", methods=["POST"])
@login_required
@blp.arguments(DeclineSchema)
@blp.response(200, BookingSchema)
def decline_booking(data, booking_id):
    return bookings.decline_booking(signed_in_user(), booking_id, data["reason"])


@blp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@login_required
@blp.arguments(DecisionSchema)
@blp.response(200, BookingSchema)
def cancel_booking(data, booking_id):
    """The member, until the space's deadline; staff at any time, with a reason."""
    return bookings.cancel_booking(signed_in_user(), booking_id, data.get("reason"))


@blp.route("/spaces/<int:space_id>/booking-series", methods=["POST"])
@login_required
@blp.arguments(SeriesRequestSchema)
@blp.response(201, SeriesSchema)
def book_series(data, space_id):
    """Staff: every week on the same day and hours until a date. All or nothing, unless
    `skip_conflicts`: then the dates that clash are skipped and listed."""
    series, created, skipped = bookings.book_series(signed_in_user(), space_id, **data)
    return {"series_id": series.id, "bookings": created, "skipped_dates": skipped}


@blp.route("/me/calendar-feeds", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, CalendarFeedPageSchema)
def list_my_calendar_feeds(args):
    """My calendar addresses that are not revoked (revoke one with DELETE)."""
    return calendars.list_feeds(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/me/calendar-feeds", methods=["POST"])
@login_required
@blp.response(201, CalendarFeedSchema)
def create_my_calendar_feed():
    """Members: a secret address of my bookings for a calendar app. It stops answering when
    I am no longer an active member of any residence."""
    return _feed_answer(*calendars.create_member_feed(signed_in_user()))


@blp.route("/spaces/<int:space_id>/calendar-feeds", methods=["POST"])
@login_required
@blp.response(201, CalendarFeedSchema)
def create_space_calendar_feed(space_id):
    """Staff and solidaires of the residence: a secret address of all the space's bookings,
    with who booked. It stops answering as soon as I no longer moderate the residence."""
    return _feed_answer(*calendars.create_space_feed(signed_in_user(), space_id))


@blp.route("/calendar-feeds/<int:feed_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def revoke_calendar_feed(feed_id):
    calendars.revoke_feed(signed_in_user(), feed_id)


@blp.route("/calendars/<string:secret>.ics", methods=["GET"])
@blp.doc(security=[], responses={200: {"content": {"text/calendar": {}}}})
def calendar_feed(secret):
    """The feed itself, for calendar apps: the secret in the address is the only key."""
    return Response(calendars.render_feed(secret), mimetype="text/calendar")


def _feed_answer(feed, secret):
    return {"id": feed.id, "url": url_for("bookings.calendar_feed", secret=secret, _external=True)}
