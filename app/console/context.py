"""What every console page shows around its content: the residences one looks after, the
pages of the residence on screen (those the member may open), the language."""

from dataclasses import dataclass

from flask import current_app, g, request, url_for
from flask_babel import get_locale, lazy_gettext
from flask_login import current_user

from app.console import bp, labels
from models import Residence
from services import dashboards, scoping

# (endpoint, label, who may open it): a page appears in the menu once its module exists.
RESIDENCE_PAGES = (
    ("console.dashboard", lazy_gettext("Dashboard"), "moderators"),
    ("console.announcements", lazy_gettext("Announcements"), "staff"),
    ("console.spaces", lazy_gettext("Spaces and bookings"), "staff"),
    ("console.bookings_to_approve", lazy_gettext("Bookings to approve"), "moderators"),
    ("console.moderation_queue", lazy_gettext("Moderation"), "moderators"),
    ("console.new_members", lazy_gettext("New members"), "moderators"),
    ("console.members", lazy_gettext("Members and roles"), "staff"),
    ("console.invite_codes", lazy_gettext("Invite codes"), "staff"),
    ("console.audit_log", lazy_gettext("Audit log"), "staff"),
    ("console.reports", lazy_gettext("Monthly reports"), "moderators"),
)


@dataclass
class MenuItem:
    url: str
    label: str
    current: bool


def show_residence(residence: Residence) -> None:
    """The page is about this residence: its menu is shown."""
    g.console_residence = residence


@bp.app_context_processor
def _console_context() -> dict:
    if not request.path.startswith("/console"):
        return {}
    if g.get("database_unreachable"):
        # The page that says so must not ask the database for the menu.
        return {"locale": str(get_locale())}
    residence = g.get("console_residence")
    signed_in = current_user.is_authenticated
    return {
        "locale": str(get_locale()),
        "labels": labels,
        "console_residences": dashboards.console_residences(current_user) if signed_in else [],
        "current_residence": residence,
        "residence_menu": _menu(residence) if residence is not None and signed_in else [],
        "map_tiles": {
            "url": current_app.config["MAP_TILE_URL"],
            "attribution": current_app.config["MAP_TILE_ATTRIBUTION"],
        },
    }


def _menu(residence: Residence) -> list[MenuItem]:
    staff = scoping.can_manage(current_user, residence.id)
    return [
        MenuItem(
            url=url_for(endpoint, residence_id=residence.id),
            label=str(label),
            current=request.endpoint == endpoint,
        )
        for endpoint, label, audience in RESIDENCE_PAGES
        if endpoint in current_app.view_functions and (staff or audience == "moderators")
    ]
