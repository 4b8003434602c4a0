"""Phones that receive notifications, members' notification preferences, delivery figures."""

from flask import g
from flask_login import login_required
from flask_smorest import Blueprint

from app.auth import signed_in_user
from app.schemas.devices import DeviceSchema, PreferencesSchema, StatsSchema
from services import devices

blp = Blueprint("devices", __name__, description="Push notifications")


@blp.route("/devices", methods=["POST"])
@login_required
@blp.arguments(DeviceSchema)
@blp.response(201, DeviceSchema)
def register_device(data):
    """Register or refresh this phone's FCM token (it moves here from another account)."""
    return devices.register_device(signed_in_user(), g.get("api_token"), data)


@blp.route("/devices/<int:device_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def remove_device(device_id):
    devices.remove_device(signed_in_user(), device_id)


@blp.route("/me/notification-preferences", methods=["GET"])
@login_required
@blp.response(200, PreferencesSchema)
def get_preferences():
    return devices.get_preferences(signed_in_user())


@blp.route("/me/notification-preferences", methods=["PUT"])
@login_required
@blp.arguments(PreferencesSchema)
@blp.response(200, PreferencesSchema)
def set_preferences(data):
    """Categories on or off; quiet hours (21:00-08:00 by default, in the residence's time)."""
    return devices.set_preferences(signed_in_user(), data)


@blp.route("/notifications/stats", methods=["GET"])
@login_required
@blp.response(200, StatsSchema)
def notification_stats():
    """Staff: notifications to their residences' members by status over the last 24 hours,
    and the oldest pending one (platform admins: the whole platform's)."""
    return devices.notification_stats(signed_in_user())
