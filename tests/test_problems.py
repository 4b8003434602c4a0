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
    # Not base64, a string where an id goes, a key of the wrong length, an object.
    for cursor in ("garbage!", "WyJhIl0", "WzEsMl0", "eyJhIjoxfQ"):
        response = client.get(
            f"/api/v1/residences?cursor={cursor}", headers=world.headers("resident")
        )
        body = assert_problem(response, 422)
        assert "cursor" in body["errors"]
