"""Every API endpoint, for every role: the status each one gets.

A new endpoint without rows here fails `test_every_endpoint_is_in_the_matrix`.
Out-of-scope residences answer 404 (as if they did not exist); in scope but not allowed, 403.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.world import PASSWORD, ROLES, World


@dataclass
class Row:
    method: str
    rule: str
    path: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[[World], dict] | None = None


def statuses(anonymous, resident, other_resident, solidaire, staff, other_staff, admin):
    return dict(
        zip(
            ROLES,
            (anonymous, resident, other_resident, solidaire, staff, other_staff, admin),
            strict=True,
        )
    )


EVERYONE_OK = statuses(200, 200, 200, 200, 200, 200, 200)
SIGNED_IN_OK = statuses(401, 200, 200, 200, 200, 200, 200)
IN_HOME = statuses(401, 200, 404, 200, 200, 404, 200)
STAFF_OF_HOME = statuses(401, 403, 404, 403, 200, 404, 200)
STAFF_OF_HOME_CREATES = statuses(401, 403, 404, 403, 201, 404, 201)

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[4.90, 45.76], [4.901, 45.76], [4.901, 45.761], [4.90, 45.761], [4.90, 45.76]]
    ],
}

MATRIX = [
    Row("GET", "/api/v1/openapi.json", lambda w: "/api/v1/openapi.json", EVERYONE_OK),
    Row("GET", "/api/docs", lambda w: "/api/docs", EVERYONE_OK),
    Row(
        "POST",
        "/api/v1/auth/register",
        lambda w: "/api/v1/auth/register",
        statuses(201, 201, 201, 201, 201, 201, 201),
        lambda w: {"email": "new@test.palier", "password": PASSWORD, "display_name": "Nouveau"},
    ),
    Row(
        "POST",
        "/api/v1/auth/login",
        lambda w: "/api/v1/auth/login",
        EVERYONE_OK,
        lambda w: {"email": "resident@test.palier", "password": PASSWORD, "device_name": "tablet"},
    ),
    Row(
        "POST",
        "/api/v1/auth/logout",
        lambda w: "/api/v1/auth/logout",
        statuses(401, 204, 204, 204, 204, 204, 204),
    ),
    Row("GET", "/api/v1/me", lambda w: "/api/v1/me", SIGNED_IN_OK),
    Row("PATCH", "/api/v1/me", lambda w: "/api/v1/me", SIGNED_IN_OK, lambda w: {"locale": "en"}),
    Row("GET", "/api/v1/residences", lambda w: "/api/v1/residences", SIGNED_IN_OK),
    Row(
        "POST",
        "/api/v1/residences",
        lambda w: "/api/v1/residences",
        statuses(401, 403, 403, 403, 201, 403, 201),
        lambda w: {
            "landlord_id": w.landlord.id,
            "name": "Nouvelle résidence",
            "address": "1 rue Neuve",
            "footprint": SQUARE,
        },
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>",
        lambda w: f"/api/v1/residences/{w.home.id}",
        IN_HOME,
    ),
    Row(
        "POST",
        "/api/v1/residences/<int:residence_id>/buildings",
        lambda w: f"/api/v1/residences/{w.home.id}/buildings",
        STAFF_OF_HOME_CREATES,
        lambda w: {
            "name": "Bâtiment C",
            "location": {"type": "Point", "coordinates": [4.88, 45.7686]},
        },
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/nearby",
        lambda w: f"/api/v1/residences/{w.home.id}/nearby",
        IN_HOME,
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/members",
        lambda w: f"/api/v1/residences/{w.home.id}/members",
        IN_HOME,
    ),
    Row(
        "PATCH",
        "/api/v1/residences/<int:residence_id>/members/<int:membership_id>",
        lambda w: f"/api/v1/residences/{w.home.id}/members/{w.membership('resident').id}",
        STAFF_OF_HOME,
        lambda w: {"role": "solidaire"},
    ),
    Row(
        "GET",
        "/api/v1/residences/<int:residence_id>/invite-codes",
        lambda w: f"/api/v1/residences/{w.home.id}/invite-codes",
        STAFF_OF_HOME,
    ),
    Row(
        "POST",
        "/api/v1/residences/<int:residence_id>/invite-codes",
        lambda w: f"/api/v1/residences/{w.home.id}/invite-codes",
        STAFF_OF_HOME_CREATES,
        lambda w: {"max_uses": 30},
    ),
    Row(
        "DELETE",
        "/api/v1/residences/<int:residence_id>/invite-codes/<int:invite_id>",
        lambda w: f"/api/v1/residences/{w.home.id}/invite-codes/{w.invite.id}",
        STAFF_OF_HOME,
    ),
    Row(
        "POST",
        "/api/v1/memberships",
        lambda w: "/api/v1/memberships",
        # Members already there are told so (409); anyone else joins with the code.
        statuses(401, 409, 201, 409, 201, 201, 201),
        lambda w: {"code": w.invite.code},
    ),
]


def test_every_endpoint_is_in_the_matrix(app):
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(row.method, row.rule) for row in MATRIX}
    assert served - listed == set(), "endpoints missing from the access matrix"
    assert listed - served == set(), "matrix rows for endpoints that do not exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.method} {row.rule}")
def test_access(client, world, row, role):
    response = client.open(
        row.path(world),
        method=row.method,
        headers=world.headers(role),
        json=row.body(world) if row.body else None,
    )
    assert response.status_code == row.expected[role], response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
