"""Calendar addresses: secret iCalendar feeds of bookings for calendar apps."""

from flask import Response, url_for
from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.bookings import CalendarFeedPageSchema, CalendarFeedSchema
from app.schemas.common import PageArgs
from services import calendars

blp = ApiBlueprint(
    "calendars",
    __name__,
    description="Secret addresses that calendar apps subscribe to: my bookings, or a space's.",
)


@blp.route("/me/calendar-feeds", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, CalendarFeedPageSchema)
def list_my_calendar_feeds(args):
    """List my calendar addresses

    My calendar addresses that are not revoked, without their secret (revoke one with
    DELETE).
    """
    return calendars.list_feeds(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/me/calendar-feeds", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.response(201, CalendarFeedSchema)
@blp.errors(403)
def create_my_calendar_feed():
    """Create my calendar address

    Members: a secret address of my bookings for a calendar app. Anyone with the address
    reads it: revoke it when in doubt. It stops answering when I am no longer an active
    member of any residence.
    """
    return _feed_answer(*calendars.create_member_feed(signed_in_user()))


@blp.route("/spaces/<int:space_id>/calendar-feeds", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.response(201, CalendarFeedSchema)
@blp.errors(403)
def create_space_calendar_feed(space_id):
    """Create a space's calendar address

    Staff and solidaires of the residence: a secret address of all the space's bookings, with
    who booked. It stops answering as soon as I no longer moderate the residence.
    """
    return _feed_answer(*calendars.create_space_feed(signed_in_user(), space_id))


@blp.route("/calendar-feeds/<int:feed_id>", methods=["DELETE"])
@blp.allowed_while_suspended
@login_required
@blp.response(204)
def revoke_calendar_feed(feed_id):
    """Revoke a calendar address

    The address stops answering at once.
    """
    calendars.revoke_feed(signed_in_user(), feed_id)


@blp.route("/calendars/<string:secret>.ics", methods=["GET"])
@blp.doc(
    security=[],
    responses={
        200: {
            "description": "The bookings, as an iCalendar file (RFC 5545).",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    },
)
def get_calendar_file(secret):
    """Read a calendar address

    The feed itself, for calendar apps: the secret in the address is the only key.
    """
    return Response(calendars.render_feed(secret), mimetype="text/calendar")


def _feed_answer(feed, secret):
    url = url_for("calendars.get_calendar_file", secret=secret, _external=True)
    return {"id": feed.id, "url": url}
