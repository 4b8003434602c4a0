"""Every console page and form, for every role, in its own residence and in others.

A console route without rows here fails `test_every_console_route_is_in_the_matrix`.
Nobody signed in (and residents, who cannot sign in to the console) is sent to the sign-in
page (302); a residence one does not see answers 404; one seen but not looked after, 403.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from models import db
from services.reports import snapshots
from tests.console import console_as
from tests.world import ROLES, World


@dataclass
class Row:
    method: str
    rule: str
    path: Callable[[World], str]
    expected: dict[str, int]
    form: Callable[[World], dict] | None = None


def statuses(anonymous, resident, other_resident, solidaire, staff, other_staff, admin):
    return dict(
        zip(
            ROLES,
            (anonymous, resident, other_resident, solidaire, staff, other_staff, admin),
            strict=True,
        )
    )


OPEN = statuses(200, 200, 200, 302, 302, 302, 302)  # the signed-in are sent on to their home
# Home residence pages: solidaires and staff of `home` look after it.
MODERATORS_OF_HOME = statuses(302, 302, 302, 200, 200, 404, 200)
STAFF_OF_HOME = statuses(302, 302, 302, 403, 200, 404, 200)
# The neighbouring residence (same landlord): the solidaire of `home` does not see it.
MODERATORS_OF_NEIGHBOUR = statuses(302, 302, 302, 404, 200, 404, 200)
# The residence of the other landlord.
MODERATORS_OF_FAR = statuses(302, 302, 302, 404, 404, 200, 200)


def residence_page(suffix: str = "", residence: str = "home") -> Callable[[World], str]:
    return lambda w: f"/console/residences/{getattr(w, residence).id}{suffix}"


def space_page(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/console/residences/{w.home.id}/spaces/{w.room.id}{suffix}"


# A form that did its work, sent on to the next page; refused to solidaires, unseen by others.
STAFF_DID_IT = statuses(302, 302, 302, 403, 302, 404, 302)
MODERATORS_DID_IT = statuses(302, 302, 302, 302, 302, 404, 302)
SPACE_FORM = {
    "name": "Laverie",
    "capacity": "6",
    **{field: "60" for field in ("min_duration_min", "max_duration_min", "slot_min")},
    **{field: "" for field in ("max_future_bookings", "max_hours_per_week")},
    "min_notice_min": "0",
    "max_advance_days": "30",
    "buffer_min": "0",
    "cancellation_deadline_min": "0",
    "hours-0-0-opens": "08:00",
    "hours-0-0-closes": "20:00",
}


MATRIX = [
    Row("GET", "/", lambda w: "/", statuses(302, 302, 302, 302, 302, 302, 302)),
    Row("GET", "/console/sign-in", lambda w: "/console/sign-in", OPEN),
    Row(
        "POST",
        "/console/sign-in",
        lambda w: "/console/sign-in",
        # Wrong credentials, whoever asks; the signed-in are sent to their home.
        statuses(401, 401, 401, 302, 302, 302, 302),
        lambda w: {"email": "nobody@test.palier", "password": "wrong"},
    ),
    Row("POST", "/console/sign-out", lambda w: "/console/sign-out", statuses(*[302] * 7)),
    Row(
        "POST",
        "/console/language",
        lambda w: "/console/language",
        statuses(*[302] * 7),
        lambda w: {"locale": "en"},
    ),
    # Staff of one landlord with two residences see a list; those with one go straight to it.
    Row("GET", "/console/", lambda w: "/console/", statuses(302, 302, 302, 302, 200, 302, 200)),
    Row("GET", "/console/residences/<int:residence_id>", residence_page(), MODERATORS_OF_HOME),
    Row(
        "GET",
        "/console/residences/<int:residence_id>",
        residence_page(residence="neighbour"),
        MODERATORS_OF_NEIGHBOUR,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>",
        residence_page(residence="far"),
        MODERATORS_OF_FAR,
    ),
    Row(
        "GET",
        "/console/static/<path:filename>",
        lambda w: "/console/static/console.css",
        statuses(*[200] * 7),
    ),
    Row(
        "GET",
        "/assets/<name>/<path:filename>",
        lambda w: "/assets/leaflet/leaflet.js",
        statuses(*[200] * 7),
    ),
    # Spaces and bookings: staff manage the spaces (solidaires too where the residence lets
    # them: not in this world); staff and solidaires see a space's week and decide bookings.
    Row(
        "GET",
        "/console/residences/<int:residence_id>/spaces",
        residence_page("/spaces"),
        STAFF_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/spaces",
        residence_page("/spaces", residence="neighbour"),
        MODERATORS_OF_NEIGHBOUR,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/spaces",
        residence_page("/spaces", residence="far"),
        MODERATORS_OF_FAR,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/spaces/new",
        residence_page("/spaces/new"),
        STAFF_OF_HOME,
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/spaces/new",
        residence_page("/spaces/new"),
        STAFF_DID_IT,
        lambda w: SPACE_FORM,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/spaces/<int:space_id>",
        space_page(),
        STAFF_OF_HOME,
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/spaces/<int:space_id>",
        space_page(),
        STAFF_DID_IT,
        lambda w: SPACE_FORM,
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/spaces/<int:space_id>/closures",
        space_page("/closures"),
        STAFF_DID_IT,
        lambda w: {"starts_on": "2099-01-01", "ends_on": "2099-01-02", "reason": "Travaux"},
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/spaces/<int:space_id>/closures/<int:closure_id>"
        "/remove",
        lambda w: space_page(f"/closures/{w.closure.id}/remove")(w),
        STAFF_DID_IT,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/spaces/<int:space_id>/week",
        space_page("/week"),
        MODERATORS_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/bookings-to-approve",
        residence_page("/bookings-to-approve"),
        MODERATORS_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/bookings-to-approve",
        residence_page("/bookings-to-approve", residence="far"),
        MODERATORS_OF_FAR,
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/bookings/<int:booking_id>/approve",
        lambda w: residence_page(f"/bookings/{w.pending.id}/approve")(w),
        MODERATORS_DID_IT,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/bookings/<int:booking_id>/decline",
        lambda w: residence_page(f"/bookings/{w.pending.id}/decline")(w),
        MODERATORS_OF_HOME,
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/bookings/<int:booking_id>/decline",
        lambda w: residence_page(f"/bookings/{w.pending.id}/decline")(w),
        MODERATORS_DID_IT,
        lambda w: {"reason": "Salle prise par l’AG"},
    ),
    # Invite codes: the landlord's staff.
    Row(
        "GET",
        "/console/residences/<int:residence_id>/invite-codes",
        residence_page("/invite-codes"),
        STAFF_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/invite-codes",
        residence_page("/invite-codes", residence="far"),
        MODERATORS_OF_FAR,
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/invite-codes",
        residence_page("/invite-codes"),
        STAFF_DID_IT,
        lambda w: {"max_uses": "10"},
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/invite-codes/<int:invite_id>/revoke",
        lambda w: residence_page(f"/invite-codes/{w.invite.id}/revoke")(w),
        STAFF_DID_IT,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/invite-codes/<int:invite_id>/poster.pdf",
        lambda w: residence_page(f"/invite-codes/{w.invite.id}/poster.pdf")(w),
        STAFF_OF_HOME,
    ),
]


def last_month(world: World) -> str:
    """Last month, its reports built (as the scheduler does on the 1st)."""
    first_day = snapshots.last_complete_month()
    snapshots.build_month(world.landlord, first_day)
    db.session.commit()
    return first_day.strftime("%Y-%m")


def report_page(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/console/residences/{w.home.id}/reports/{last_month(w)}{suffix}"


def resident_membership(world: World) -> str:
    return f"/console/residences/{world.home.id}/members/{world.membership('resident').id}"


MATRIX += [
    Row(
        "GET",
        "/console/residences/<int:residence_id>/moderation",
        residence_page("/moderation"),
        MODERATORS_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/moderation",
        residence_page("/moderation", residence="far"),
        MODERATORS_OF_FAR,
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/moderation",
        residence_page("/moderation"),
        # Warning the resident needs no report: the moderators of home may.
        statuses(302, 302, 302, 302, 302, 404, 302),
        lambda w: {
            "action": "warn",
            "target_kind": "member",
            "target_id": w.users["resident"].id,
            "reason": "Rappel des règles",
            "message": "Merci de rester courtois.",
        },
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/members",
        residence_page("/members"),
        STAFF_OF_HOME,
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/members/<int:membership_id>",
        resident_membership,
        statuses(302, 302, 302, 403, 302, 404, 302),
        lambda w: {"role": "solidaire", "reason": "Volontaire"},
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/new-members",
        residence_page("/new-members"),
        MODERATORS_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/audit-log",
        residence_page("/audit-log"),
        STAFF_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/audit-log.csv",
        residence_page("/audit-log.csv"),
        STAFF_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/reports",
        residence_page("/reports"),
        # Moderators are sent on to the newest month (none yet: a page saying so).
        statuses(302, 302, 302, 200, 200, 404, 200),
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/reports/<string:month>",
        report_page(),
        MODERATORS_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/reports/<string:month>.<any(csv, pdf):kind>",
        report_page(".pdf"),
        MODERATORS_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/reports/<string:month>.<any(csv, pdf):kind>",
        report_page(".csv"),
        MODERATORS_OF_HOME,
    ),
]


def test_every_console_route_is_in_the_matrix(app):
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule == "/" or rule.rule.startswith(("/console", "/assets"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(row.method, row.rule) for row in MATRIX}
    assert served - listed == set(), "console routes missing from the matrix"
    assert listed - served == set(), "matrix rows for routes that do not exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.method} {row.rule}")
def test_access(client, world, row, role):
    browser = console_as(client, world, role)
    path = row.path(world)
    if row.method == "GET":
        response = browser.get(path)
    else:
        response = browser.post(path, row.form(world) if row.form else {})
    response.close()
    assert response.status_code == row.expected[role], response.get_data(as_text=True)[:2000]
    if response.status_code >= 400:
        assert response.mimetype == "text/html"


ANNOUNCEMENT = {"kind": "announcement", "body": "Coupure d'eau jeudi", "target": "residence"}
MATRIX += [
    Row(
        "GET",
        "/console/residences/<int:residence_id>/announcements",
        residence_page("/announcements"),
        STAFF_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/announcements",
        residence_page("/announcements", residence="neighbour"),
        statuses(302, 302, 302, 404, 200, 404, 200),
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/announcements",
        residence_page("/announcements", residence="far"),
        statuses(302, 302, 302, 404, 404, 200, 200),
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/announcements/new",
        residence_page("/announcements/new"),
        STAFF_OF_HOME,
    ),
    Row(
        "GET",
        "/console/residences/<int:residence_id>/announcements/new",
        residence_page("/announcements/new", residence="far"),
        statuses(302, 302, 302, 404, 404, 200, 200),
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/announcements/new",
        residence_page("/announcements/new"),
        statuses(302, 302, 302, 403, 302, 404, 302),
        lambda w: {**ANNOUNCEMENT, "action": "send"},
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/announcements/new",
        residence_page("/announcements/new"),
        # A preview answers with the form and its figures.
        statuses(302, 302, 302, 403, 200, 404, 200),
        lambda w: {**ANNOUNCEMENT, "action": "preview"},
    ),
    Row(
        "POST",
        "/console/residences/<int:residence_id>/announcements/new",
        residence_page("/announcements/new", residence="far"),
        statuses(302, 302, 302, 404, 404, 302, 302),
        lambda w: {**ANNOUNCEMENT, "action": "send"},
    ),
]
