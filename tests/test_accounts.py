import hashlib

from sqlalchemy import func, select

from models import ApiToken, User, db
from tests.world import PASSWORD


def register(client, email="nadia@example.org", **overrides):
    body = {"email": email, "password": PASSWORD, "display_name": "Nadia", **overrides}
    return client.post("/api/v1/auth/register", json=body)


def login(client, email="nadia@example.org", password=PASSWORD, device="Pixel", **headers):
    body = {"email": email, "password": password, "device_name": device}
    return client.post("/api/v1/auth/login", json=body, headers=headers)


def user_count():
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_login_me_logout(client):
    created = register(client, locale="en")
    assert created.status_code == 201
    assert created.json["email"] == "nadia@example.org"
    assert "password" not in created.json and "password_hash" not in created.json

    token = login(client).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=auth)
    assert me.status_code == 200
    assert me.json["display_name"] == "Nadia" and me.json["locale"] == "en"

    changed = client.patch(
        "/api/v1/me", json={"display_name": "  Nadia B. ", "locale": "fr"}, headers=auth
    )
    assert changed.json["display_name"] == "Nadia B." and changed.json["locale"] == "fr"

    assert client.post("/api/v1/auth/logout", headers=auth).status_code == 204
    assert client.get("/api/v1/me", headers=auth).status_code == 401


def test_password_is_hashed_with_argon2id_and_token_stored_hashed(client):
    register(client)
    token = login(client).json["token"]
    user = db.session.scalar(select(User).where(User.email == "nadia@example.org"))
    assert user.password_hash.startswith("$argon2id$")
    stored = db.session.scalar(select(ApiToken.token_hash).where(ApiToken.user_id == user.id))
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored


def test_email_is_unique_whatever_its_case(client):
    register(client, email="Nadia@Example.org")
    again = register(client, email="nadia@EXAMPLE.org ")
    assert again.status_code == 409
    assert user_count() == 1
    assert login(client, email="NADIA@example.ORG").status_code == 200


def test_wrong_email_and_wrong_password_answer_the_same(client):
    register(client)
    wrong_password = login(client, password="not the password")
    unknown_email = login(client, email="nobody@example.org")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json == unknown_email.json
    assert wrong_password.json["detail"] == "Adresse e-mail ou mot de passe incorrect."


def test_one_live_token_per_device(client):
    register(client)
    first = login(client, device="Pixel").json["token"]
    second = login(client, device="Pixel").json["token"]
    tablet = login(client, device="Tablette").json["token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    for token in (second, tablet):
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )


def test_garbage_tokens_are_refused(client):
    for header in ("Bearer", "Bearer ", "Bearer nope", "Basic abc", "nope"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_login_is_rate_limited_per_account(client, app):
    register(client)
    limit = int(app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(limit):
        assert login(client, password="wrong password").status_code == 401
    blocked = login(client)  # even the right password waits
    assert blocked.status_code == 429
    assert blocked.mimetype == "application/problem+json"
    assert "Retry-After" in blocked.headers
    # Another account from the same address is not blocked by this one's limit.
    register(client, email="jeanne@example.org")
    assert login(client, email="jeanne@example.org").status_code == 200


def test_login_is_rate_limited_per_address(client, app):
    limit = int(app.config["LOGIN_RATE_LIMIT_PER_IP"].split()[0])
    for number in range(limit):
        assert login(client, email=f"user{number}@example.org").status_code == 401
    assert login(client, email="someone-else@example.org").status_code == 429


def test_register_is_rate_limited_per_address(client, app):
    limit = int(app.config["REGISTER_RATE_LIMIT_PER_IP"].split()[0])
    for number in range(limit):
        assert register(client, email=f"user{number}@example.org").status_code == 201
    assert register(client, email="one-more@example.org").status_code == 429
    assert user_count() == limit


def test_register_is_rate_limited_per_account(client, app):
    limit = int(app.config["REGISTER_RATE_LIMIT_PER_ACCOUNT"].split()[0])
    answers = [register(client, email="Same@Example.org").status_code for _ in range(limit + 1)]
    assert answers == [201] + [409] * (limit - 1) + [429]
    assert register(client, email="other@example.org").status_code == 201


def test_bad_registrations_write_nothing(client):
    cases = [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"locale": "de"}, "locale"),
        ({"is_platform_admin": True}, "is_platform_admin"),
    ]
    for number, (overrides, field) in enumerate(cases):
        response = register(client, **{"email": f"bad{number}@example.org", **overrides})
        assert response.status_code == 422, overrides
        assert field in response.json["errors"], response.json
    assert user_count() == 0
