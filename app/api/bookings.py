"""Bookings of shared spaces: booking, approval, cancellation, weekly series."""

from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.bookings import (
    BookingPageSchema,
    BookingRequestSchema,
    BookingSchema,
    DecisionSchema,
    DeclineSchema,
    SeriesRequestSchema,
    SeriesSchema,
    SpaceBookingArgs,
)
from app.schemas.common import PageArgs
from services import bookings

blp = ApiBlueprint(
    "bookings",
    __name__,
    description="Booking a shared space: fair rules, approval where needed, never two "
    "confirmed bookings at once.",
)


@blp.route("/spaces/<int:space_id>/bookings", methods=["POST"])
@login_required
@blp.arguments(BookingRequestSchema)
@blp.response(201, BookingSchema)
@blp.errors(403, 409)
def book_space(data, space_id):
    """Book a space

    Book [starts_at, ends_at): confirmed at once, or pending if the space needs approval.
    A broken rule is a 422 naming it (`rule`); a time already taken is a 409 naming it
    (`conflicting_interval`, cleaning included).
    """
    return bookings.book_space(signed_in_user(), space_id, **data)


@blp.route("/spaces/<int:space_id>/bookings", methods=["GET"])
@login_required
@blp.arguments(SpaceBookingArgs, location="query")
@blp.response(200, BookingPageSchema)
@blp.errors(403)
def list_space_bookings(args, space_id):
    """List a space's bookings

    Staff and solidaires: the space's bookings with who booked, by start; `status=pending`
    lists those awaiting approval.
    """
    return bookings.list_space_bookings(
        signed_in_user(), space_id, args.get("status"), args.get("cursor"), args["limit"]
    )


@blp.route("/bookings", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, BookingPageSchema)
def list_my_bookings(args):
    """List my bookings

    My bookings of every space, by start.
    """
    return bookings.list_my_bookings(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/bookings/<int:booking_id>", methods=["GET"])
@login_required
@blp.response(200, BookingSchema)
def get_booking(booking_id):
    """Get a booking

    My own booking, or any booking of a residence I moderate; 404 otherwise.
    """
    return bookings.get_booking(signed_in_user(), booking_id)


@blp.route("/bookings/<int:booking_id>/approve", methods=["POST"])
@login_required
@blp.response(200, BookingSchema)
@blp.errors(403, 409)
def approve_booking(booking_id):
    """Approve a booking

    Staff and solidaires confirm a pending booking; 409 if another booking took the time.
    """
    return bookings.approve_booking(signed_in_user(), booking_id)


@blp.route("/bookings/<int:booking_id>/decline", methods=["POST"])
@login_required
@blp.arguments(DeclineSchema)
@blp.response(200, BookingSchema)
@blp.errors(403, 409)
def decline_booking(data, booking_id):
    """Decline a booking

    Staff and solidaires refuse a pending booking, saying why; the member is told.
    """
    return bookings.decline_booking(signed_in_user(), booking_id, data["reason"])


@blp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@login_required
@blp.arguments(DecisionSchema)
@blp.response(200, BookingSchema)
@blp.errors(403, 409)
def cancel_booking(data, booking_id):
    """Cancel a booking

    The member, until the space's cancellation deadline; those who manage the spaces at any
    time, with a reason the member is told.
    """
    return bookings.cancel_booking(signed_in_user(), booking_id, data.get("reason"))


@blp.route("/spaces/<int:space_id>/booking-series", methods=["POST"])
@login_required
@blp.arguments(SeriesRequestSchema)
@blp.response(201, SeriesSchema)
@blp.errors(403, 409)
def book_series(data, space_id):
    """Book every week

    Staff: every week on the same day and hours until a date. All or nothing (409 with
    `conflicting_dates`), unless `skip_conflicts`: then the dates that clash are skipped and
    listed.
    """
    series, created, skipped = bookings.book_series(signed_in_user(), space_id, **data)
    return {"series_id": series.id, "bookings": created, "skipped_dates": skipped}
