"""Phones that receive notifications, members' notification preferences, delivery figures."""

from flask import g
from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.devices import (
    DeviceRequestSchema,
    DeviceSchema,
    PreferencesRequestSchema,
    PreferencesSchema,
    StatsSchema,
)
from services import devices

blp = ApiBlueprint(
    "devices",
    __name__,
    description="Push notifications: the phones that receive them, what each member wants to "
    "receive and when, and delivery figures for staff.",
)


@blp.route("/devices", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.arguments(DeviceRequestSchema)
@blp.response(201, DeviceSchema)
def register_device(data):
    """Register this phone

    Register or refresh this phone's FCM token (it moves here from another account); signing
    out of this session removes it.
    """
    return devices.register_device(signed_in_user(), g.get("api_token"), data)


@blp.route("/devices/<int:device_id>", methods=["DELETE"])
@blp.allowed_while_suspended
@login_required
@blp.response(204)
def remove_device(device_id):
    """Remove a phone

    The phone stops receiving notifications.
    """
    devices.remove_device(signed_in_user(), device_id)


@blp.route("/me/notification-preferences", methods=["GET"])
@login_required
@blp.response(200, PreferencesSchema)
def get_notification_preferences():
    """Get my notification preferences

    Which categories I receive, and my quiet hours (in my residence's time).
    """
    return devices.get_preferences(signed_in_user())


@blp.route("/me/notification-preferences", methods=["PUT"])
@blp.allowed_while_suspended
@login_required
@blp.arguments(PreferencesRequestSchema)
@blp.response(200, PreferencesSchema)
def set_notification_preferences(data):
    """Set my notification preferences

    Categories on or off; quiet hours (21:00-08:00 by default, in the residence's time).
    Urgent alerts from the landlord come even in quiet hours.
    """
    return devices.set_preferences(signed_in_user(), data)


@blp.route("/notifications/stats", methods=["GET"])
@login_required
@blp.response(200, StatsSchema)
@blp.errors(403)
def get_notification_stats():
    """Get delivery figures

    Staff: notifications to their residences' members by status over the last 24 hours, and
    the age of the oldest one still waiting (platform admins: the whole platform's).
    """
    return devices.notification_stats(signed_in_user())
