"""Calendar addresses: secret iCalendar feeds of bookings for calendar apps."""

from flask import Response, url_for
from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.bookings import CalendarFeedSchema
from services import calendars

blp = ApiBlueprint(
    "calendars",
    __name__,
    description="Secret addresses that calendar apps subscribe to: my bookings, or a space's.",
)


@blp.route("/me/calendar-feeds", methods=["POST"])
@login_required
@blp.response(201, CalendarFeedSchema)
def create_my_calendar_feed():
    """Create my calendar address

    A secret address of my bookings for a calendar app. Anyone with the address reads it:
    revoke it when in doubt.
    """
    return _feed_answer(*calendars.create_member_feed(signed_in_user()))


@blp.route("/spaces/<int:space_id>/calendar-feeds", methods=["POST"])
@login_required
@blp.response(201, CalendarFeedSchema)
@blp.errors(403)
def create_space_calendar_feed(space_id):
    """Create a space's calendar address

    Staff: a secret address of all the space's bookings.
    """
    return _feed_answer(*calendars.create_space_feed(signed_in_user(), space_id))


@blp.route("/calendar-feeds/<int:feed_id>", methods=["DELETE"])
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
