"""Bad input answers a clear 4xx in application/problem+json, in the caller's language."""

from sqlalchemy import func, select

from models import User, db


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def test_malformed_json(client):
    response = client.post(
        "/api/v1/auth/register", data="{not json", content_type="application/json"
    )
    body = assert_problem(response, 400)
    assert body["detail"] == "Le corps de la requête n’est pas du JSON valide."


def test_unknown_fields_and_wrong_types_are_named(client):
    response = client.post(
        "/api/v1/auth/register",
        json={"email": 42, "password": ["x"], "display_name": "Nadia", "role": "staff"},
    )
    body = assert_problem(response, 422)
    assert body["errors"]["role"] == ["Champ inconnu."]
    assert body["errors"]["email"] == ["Ce n’est pas une adresse e-mail valide."]
    assert body["errors"]["password"] == ["Ce n’est pas un texte valide."]
    assert set(body["errors"]) == {"email", "password", "role"}


def test_a_json_array_instead_of_an_object(client):
    body = assert_problem(client.post("/api/v1/auth/login", json=[1, 2]), 422)
    assert body["errors"]


def test_english_on_request(client):
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "nadia@example.org"},
        headers={"Accept-Language": "en-GB,en;q=0.8"},
    )
    body = assert_problem(response, 422)
    assert body["title"] == "Invalid input"
    assert body["errors"]["password"] == ["Missing data for required field."]


def test_french_by_default_and_for_unknown_languages(client):
    for headers in ({}, {"Accept-Language": "de-DE"}):
        response = client.post("/api/v1/auth/register", json={}, headers=headers)
        body = assert_problem(response, 422)
        assert body["title"] == "Données invalides"
        assert body["errors"]["password"] == ["Ce champ est obligatoire."]


def test_oversized_body(client, app):
    padding = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "nadia@example.org", "password": padding, "display_name": "N"},
    )
    assert_problem(response, 413)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_unknown_address_and_method(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert_problem(client.delete("/api/v1/auth/login"), 405)


def test_wrong_query_parameter_types(client, world):
    response = client.get(
        f"/api/v1/residences/{world.home.id}/nearby?radius_m=far", headers=world.headers("resident")
    )
    body = assert_problem(response, 422)
    assert "radius_m" in body["errors"]


def test_a_bad_cursor_is_a_422(client, world):
    # Not base64, a string where an id goes, a key of the wrong length, an object, an id
    # beyond PostgreSQL's integer ([4209509249]).
    for cursor in ("garbage!", "WyJhIl0", "WzEsMl0", "eyJhIjoxfQ", "WzQyMDk1MDkyNDld"):
        response = client.get(
            f"/api/v1/residences?cursor={cursor}", headers=world.headers("resident")
        )
        body = assert_problem(response, 422)
        assert "cursor" in body["errors"]


def test_ids_beyond_postgresql_integers_in_addresses_are_not_found(client, world):
    # Like any id that names nothing, for every method of the address: not a 500 from the
    # database, nor a 405 from the routes of the address's other methods.
    headers = world.headers("resident")
    for too_big in (2**31, 4209509249, 10**30):
        for method, url in (
            ("GET", f"/api/v1/spaces/{too_big}"),
            ("PATCH", f"/api/v1/spaces/{too_big}"),
            ("GET", f"/api/v1/listings/{too_big}"),
            ("PATCH", f"/api/v1/residences/{world.home.id}/members/{too_big}"),
            ("DELETE", f"/api/v1/spaces/{world.room.id}/closures/{too_big}"),
        ):
            assert_problem(client.open(url, method=method, json={}, headers=headers), 404)
    assert_problem(client.get(f"/api/v1/spaces/{2**31 - 1}", headers=headers), 404)


def test_ids_beyond_postgresql_integers_in_bodies_and_queries_are_invalid(client, world):
    headers = {**world.headers("staff"), "Accept-Language": "en"}
    for too_big in (2**31, -(2**31) - 1, 4209509249):
        listing = {"residence_id": too_big, "kind": "give", "category": "tools", "title": "Pot"}
        body = assert_problem(client.post("/api/v1/listings", json=listing, headers=headers), 422)
        assert body["errors"] == {"residence_id": ["Must be between 1 and 2147483647."]}
        post = {
            "residence_id": world.home.id,
            "kind": "post",
            "body": "Bonjour",
            "scope": "building",
            "building_ids": [world.building.id, too_big],
            "space_id": too_big,
        }
        body = assert_problem(client.post("/api/v1/posts", json=post, headers=headers), 422)
        assert set(body["errors"]) == {"building_ids", "space_id"}
        assert "1" in body["errors"]["building_ids"]
        vote = client.put(
            f"/api/v1/posts/{world.poll.id}/vote", json={"option_id": too_big}, headers=headers
        )
        assert "option_id" in assert_problem(vote, 422)["errors"]
        search = client.get(f"/api/v1/listings?near_residence_id={too_big}", headers=headers)
        assert "near_residence_id" in assert_problem(search, 422)["errors"]


NUL = "May not contain the NUL character (U+0000)."


def test_a_nul_character_in_any_text_is_invalid(client, world):
    headers = {**world.headers("staff"), "Accept-Language": "en"}
    search = client.get("/api/v1/listings?q=a%00b", headers=headers)
    assert assert_problem(search, 422)["errors"] == {"q": [NUL]}
    register = {"email": "n@example.org", "password": "a long password", "display_name": "N\0"}
    body = assert_problem(client.post("/api/v1/auth/register", json=register), 422)
    assert body["errors"] == {"display_name": ["Ne peut pas contenir le caractère NUL (U+0000)."]}
    listing = {"residence_id": world.home.id, "kind": "give", "category": "tools"}
    for field, fields in (
        ("title", {"title": "Pot\0"}),
        ("description", {"title": "Pot", "description": "\0"}),
    ):
        answer = client.post("/api/v1/listings", json={**listing, **fields}, headers=headers)
        assert assert_problem(answer, 422)["errors"] == {field: [NUL]}
    # In a list, in a nested object, in a key: named where it is.
    poll = {"residence_id": world.home.id, "kind": "poll", "body": "?", "options": ["a", "b\0"]}
    body = assert_problem(client.post("/api/v1/posts", json=poll, headers=headers), 422)
    assert body["errors"] == {"options": {"1": [NUL]}}
    hours = [{"weekday": 0, "opens": "08:00", "closes": "2\x002:00"}]
    space = client.patch(
        f"/api/v1/spaces/{world.room.id}", json={"opening_hours": hours}, headers=headers
    )
    assert assert_problem(space, 422)["errors"] == {"opening_hours": {"0": {"closes": [NUL]}}}
    preferences = {"categories": {"bookings\0": True}}
    answer = client.put("/api/v1/me/notification-preferences", json=preferences, headers=headers)
    assert assert_problem(answer, 422)["errors"] == {"categories": {"bookings\0": [NUL]}}


def test_half_of_a_utf16_pair_in_any_text_is_invalid(client, world):
    # JSON can escape a lone surrogate, which no text encoding stores: PostgreSQL would refuse it.
    headers = {**world.headers("resident"), "Accept-Language": "en"}
    lone = "Contains a character that is not text (a lone surrogate)."
    for url, method, raw, field in (
        ("/api/v1/me", "PATCH", '{"display_name": "Nadia \\ud800"}', "display_name"),
        (
            "/api/v1/reports",
            "POST",
            '{"target_kind": "post", "target_id": 1, "reason": "other", "text": "\\udfff"}',
            "text",
        ),
    ):
        answer = client.open(
            url, method=method, data=raw, content_type="application/json", headers=headers
        )
        assert assert_problem(answer, 422)["errors"] == {field: [lone]}
    assert world.users["resident"].display_name != "Nadia \ud800"


def test_dates_beyond_the_years_of_the_app_are_invalid(client, world):
    # Year 280 in Paris is 9 min 21 s ahead of UTC (not an offset RFC 3339 can write); years
    # 1 and 9999 overflow on the way to UTC and back.
    staff = {**world.headers("staff"), "Accept-Language": "en"}
    years = ["Must be between the years 2000 and 2100."]
    for first, last in (("0280-06-15", "0280-06-15"), ("9999-12-31", "9999-12-31")):
        url = f"/api/v1/spaces/{world.room.id}/availability?from={first}&to={last}"
        assert assert_problem(client.get(url, headers=staff), 422)["errors"] == {
            "from": years,
            "to": years,
        }
    post = {"residence_id": world.home.id, "kind": "announcement", "body": "Ascenseur"}
    for moment in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        for field in ("publish_at", "pinned_until"):
            answer = client.post("/api/v1/posts", json={**post, field: moment}, headers=staff)
            assert assert_problem(answer, 422)["errors"] == {field: years}
        invite = client.post(
            f"/api/v1/residences/{world.home.id}/invite-codes",
            json={"expires_at": moment},
            headers=staff,
        )
        assert assert_problem(invite, 422)["errors"] == {"expires_at": years}
    french = client.get(
        f"/api/v1/spaces/{world.room.id}/availability?from=2026-01-01&to=9999-12-31",
        headers=world.headers("resident"),
    )
    assert assert_problem(french, 422)["errors"]["to"] == [
        "Doit être entre les années 2000 et 2100."
    ]
