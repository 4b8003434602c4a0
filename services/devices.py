"""Members' phones and their notification preferences."""

from sqlalchemy import select

from models import ApiToken, Device, NotificationPreferences, User, db
from models.base import utcnow
from notifications import dispatcher
from notifications.preferences import CATEGORIES, DEFAULT_QUIET
from services import scoping
from services.errors import Forbidden, NotFound, field_error
from services.local_time import format_clock, parse_clock


def register_device(user: User, api_token: ApiToken | None, data: dict) -> Device:
    """Register or refresh a registration token. A token registered by another account (the
    same phone, someone else signed in) moves to this one."""
    device = db.session.scalar(select(Device).where(Device.token == data["token"]))
    if device is None:
        device = Device(token=data["token"])
        db.session.add(device)
    device.user_id = user.id
    device.api_token_id = api_token.id if api_token else None
    device.platform = data["platform"]
    device.app_version = data.get("app_version")
    device.locale = data.get("locale")
    device.last_seen_at = utcnow()
    db.session.flush()
    return device


def remove_device(user: User, device_id: int) -> None:
    device = db.session.scalar(
        select(Device).where(Device.id == device_id, Device.user_id == user.id)
    )
    if device is None:
        raise NotFound("This device does not exist.")
    db.session.delete(device)
    db.session.flush()


def get_preferences(user: User) -> dict:
    row = db.session.get(NotificationPreferences, user.id)
    start, end = (row.quiet_start_min, row.quiet_end_min) if row else DEFAULT_QUIET
    chosen = row.categories if row else {}
    return {
        "categories": {name: chosen.get(name, True) is not False for name in CATEGORIES},
        "quiet_hours": row.quiet_hours if row else True,
        "quiet_start": format_clock(start),
        "quiet_end": format_clock(end),
    }


def set_preferences(user: User, data: dict) -> dict:
    row = db.session.get(NotificationPreferences, user.id)
    if row is None:
        row = NotificationPreferences(user_id=user.id, categories={})
        db.session.add(row)
    unknown = set(data.get("categories", {})) - set(CATEGORIES)
    if unknown:
        raise field_error(
            "categories", "Unknown category: %(names)s.", names=", ".join(sorted(unknown))
        )
    if "categories" in data:
        row.categories = {**(row.categories or {}), **data["categories"]}
    if "quiet_hours" in data:
        row.quiet_hours = data["quiet_hours"]
    for field, column in (("quiet_start", "quiet_start_min"), ("quiet_end", "quiet_end_min")):
        if field in data:
            try:
                minutes = parse_clock(data[field])
            except ValueError:
                minutes = 1440
            if minutes >= 1440:
                raise field_error(field, "Hours are written HH:MM, from 00:00 to 24:00.")
            setattr(row, column, minutes)
    db.session.flush()
    return get_preferences(user)


def notification_stats(user: User) -> dict:
    """Delivery figures: a landlord's staff see those of their residences' members only;
    platform admins see the whole platform's."""
    if user.is_platform_admin:
        return dispatcher.notification_stats()
    landlord_ids = scoping.staffed_landlord_ids(user)
    if not landlord_ids:
        raise Forbidden("Only the landlord's staff can do this.")
    return dispatcher.notification_stats(landlord_ids=landlord_ids)
