import hashlib
from datetime import timedelta

import argon2
from flask_login.utils import encode_cookie
from sqlalchemy import func, select, update

from app.extensions import limiter
from models import ApiToken, Device, User, db
from models.base import utcnow
from services import accounts
from tests.world import PASSWORD

REGISTERED = "Si cette adresse peut être utilisée, son compte est prêt : connectez-vous."


def register(client, email="nadia@example.org", **overrides):
    body = {"email": email, "password": PASSWORD, "display_name": "Nadia", **overrides}
    return client.post("/api/v1/auth/register", json=body)


def login(client, email="nadia@example.org", password=PASSWORD, device="Pixel", **headers):
    body = {"email": email, "password": password, "device_name": device}
    return client.post("/api/v1/auth/login", json=body, headers=headers)


def user_count():
    return db.session.scalar(select(func.count()).select_from(User))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def me_status(client, token: str) -> int:
    return client.get("/api/v1/me", headers=bearer(token)).status_code


def test_register_login_me_logout(client):
    created = register(client, locale="en")
    assert created.status_code == 202
    assert created.json == {"detail": REGISTERED}

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
    again = register(
        client, email="nadia@EXAMPLE.org ", password="another password", display_name="Intrus"
    )
    assert again.status_code == 202
    assert user_count() == 1
    # The existing account is left as it was: its password, its name.
    assert login(client, email="nadia@example.org", password="another password").status_code == 401
    signed_in = login(client, email="NADIA@example.ORG")
    assert signed_in.status_code == 200 and signed_in.json["user"]["display_name"] == "Nadia"


def test_registration_answers_alike_whether_or_not_the_address_is_taken(client, world):
    def answer(email):
        limiter.reset()  # both start with the same rate-limit counters, as two first tries do
        response = register(client, email=email, password="a password of mine")
        headers = {
            name: value
            for name, value in response.headers.items()
            # A request id is random for every request: it tells nothing about the address. The
            # window's reset, and the seconds until it, move with the clock between two calls.
            if name not in ("Date", "X-RateLimit-Reset", "X-Request-ID", "Retry-After")
        }
        wait = int(response.headers["Retry-After"])
        return response.status_code, headers, response.get_data(), wait

    *taken, taken_wait = answer("resident@test.palier")  # an account of the world
    *free, free_wait = answer("newcomer@test.palier")
    assert taken == free
    assert abs(taken_wait - free_wait) <= 1
    assert taken[0] == 202
    # Only the free address got an account; the taken one kept its password.
    assert (
        login(client, email="newcomer@test.palier", password="a password of mine").status_code
        == 200
    )
    assert login(client, email="resident@test.palier").status_code == 200


def test_registration_hashes_the_password_whether_or_not_the_address_is_taken(
    client, world, monkeypatch
):
    """Hashing is the costly part: doing it either way keeps both answers equally slow."""
    hashed = []
    original = argon2.PasswordHasher.hash

    def counting_hash(self, password, **kwargs):
        hashed.append(password)
        return original(self, password, **kwargs)

    monkeypatch.setattr(argon2.PasswordHasher, "hash", counting_hash)
    register(client, email="resident@test.palier", password="taken address")
    register(client, email="newcomer@test.palier", password="free address!")
    assert hashed == ["taken address", "free address!"]


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
        assert register(client, email=f"user{number}@example.org").status_code == 202
    assert register(client, email="one-more@example.org").status_code == 429
    assert user_count() == limit


def test_register_is_rate_limited_per_account(client, app):
    limit = int(app.config["REGISTER_RATE_LIMIT_PER_ACCOUNT"].split()[0])
    answers = [register(client, email="Same@Example.org").status_code for _ in range(limit + 1)]
    assert answers == [202] * limit + [429]
    assert register(client, email="other@example.org").status_code == 202


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


# Cookies: the API reads bearer tokens only.


def forged_session_cookie(app, user_id: int) -> str:
    """What anyone holding SECRET_KEY can make: Flask's own signed session, naming a user."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": str(user_id), "_fresh": True, "_id": "x"})


def forged_remember_cookie(app, user_id: int) -> str:
    with app.test_request_context():
        return encode_cookie(str(user_id))


def test_a_forged_session_cookie_signs_nobody_in(client, app, world):
    client.set_cookie(
        app.config["SESSION_COOKIE_NAME"], forged_session_cookie(app, world.users["admin"].id)
    )
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_forged_remember_cookie_signs_nobody_in(client, app, world):
    client.set_cookie("remember_token", forged_remember_cookie(app, world.users["admin"].id))
    assert client.get("/api/v1/me").status_code == 401


def test_cookies_change_nothing_to_who_a_bearer_token_is(client, app, world):
    admin = world.users["admin"].id
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], forged_session_cookie(app, admin))
    client.set_cookie("remember_token", forged_remember_cookie(app, admin))
    response = client.get("/api/v1/me", headers=world.headers("resident"))
    assert response.status_code == 200
    assert response.json["id"] == world.users["resident"].id
    assert "Set-Cookie" not in response.headers


# Tokens that end.


def age_token(secret: str, *, created_days_ago: float = 0, unused_days: float = 0) -> None:
    now = utcnow()
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == hashlib.sha256(secret.encode()).hexdigest())
        .values(
            created_at=now - timedelta(days=created_days_ago),
            last_used_at=now - timedelta(days=unused_days),
        )
    )
    db.session.flush()


def test_a_token_unused_for_the_idle_timeout_expires(client, app, world):
    idle = app.config["TOKEN_IDLE_DAYS"]
    assert idle == 60
    resident, solidaire = world.tokens["resident"], world.tokens["solidaire"]
    age_token(resident, created_days_ago=idle + 10, unused_days=idle - 0.1)
    age_token(solidaire, created_days_ago=idle + 10, unused_days=idle + 0.1)
    assert me_status(client, resident) == 200  # using it starts the idle time again
    age_token(resident, created_days_ago=idle + 10, unused_days=idle - 0.1)
    expired = client.get("/api/v1/me", headers=bearer(solidaire))
    assert expired.status_code == 401
    assert expired.mimetype == "application/problem+json"
    assert expired.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_in_use_still_ends_after_its_lifetime(client, app, world):
    lifetime = app.config["TOKEN_LIFETIME_DAYS"]
    assert lifetime == 365
    age_token(world.tokens["resident"], created_days_ago=lifetime - 0.1)
    age_token(world.tokens["solidaire"], created_days_ago=lifetime + 0.1)
    assert me_status(client, world.tokens["resident"]) == 200
    assert me_status(client, world.tokens["solidaire"]) == 401


def test_token_limits_are_settings(client, app, world, monkeypatch):
    monkeypatch.setitem(app.config, "TOKEN_IDLE_DAYS", 2)
    monkeypatch.setitem(app.config, "TOKEN_LIFETIME_DAYS", 10)
    age_token(world.tokens["resident"], created_days_ago=5, unused_days=3)
    age_token(world.tokens["solidaire"], created_days_ago=11, unused_days=1)
    age_token(world.tokens["staff"], created_days_ago=9, unused_days=1)
    assert me_status(client, world.tokens["resident"]) == 401
    assert me_status(client, world.tokens["solidaire"]) == 401
    assert me_status(client, world.tokens["staff"]) == 200


def test_expired_sessions_are_ended_with_their_phones(client, app, world):
    """The hourly job revokes expired tokens, so that their phones stop getting notifications."""
    expired = token_id(world.tokens["resident"])
    world.device.api_token_id = expired
    db.session.flush()
    age_token(world.tokens["resident"], created_days_ago=400)
    assert accounts.end_expired_sessions() == 1
    assert db.session.get(Device, world.device.id) is None
    revoked = db.session.scalars(select(ApiToken.id).where(ApiToken.revoked_at.isnot(None)))
    assert revoked.all() == [expired]
    assert me_status(client, world.tokens["solidaire"]) == 200
    assert accounts.end_expired_sessions() == 0


def token_id(secret: str) -> int:
    return db.session.scalar(
        select(ApiToken.id).where(
            ApiToken.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        )
    )


# Sessions: where the member is signed in.


def add_phone(client, token: str, fcm: str):
    response = client.post(
        "/api/v1/devices", json={"token": fcm, "platform": "ios"}, headers=bearer(token)
    )
    assert response.status_code == 201
    return response.json["id"]


DEVICES = ("Pixel", "iPad", "Web")


def signed_in_three_times(client):
    register(client)
    return {
        device: login(client, device=device).json["token"] for device in ("Pixel", "iPad", "Web")
    }


def test_sessions_list_where_the_member_is_signed_in(client, app, world):
    tokens = signed_in_three_times(client)
    phone = add_phone(client, tokens["iPad"], "fcm-ipad")
    response = client.get("/api/v1/me/sessions", headers=bearer(tokens["Pixel"]))
    assert response.status_code == 200
    sessions = response.json["items"]
    assert [s["device_name"] for s in sessions] == ["Web", "iPad", "Pixel"]  # newest first
    assert [s["current"] for s in sessions] == [False, False, True]
    assert [s["id"] for s in sessions] == [token_id(tokens[d]) for d in ("Web", "iPad", "Pixel")]
    ipad = sessions[1]
    assert [d["id"] for d in ipad["devices"]] == [phone]
    assert ipad["devices"][0]["platform"] == "ios" and "token" not in ipad["devices"][0]
    assert sessions[0]["devices"] == [] and sessions[2]["devices"] == []
    token = db.session.get(ApiToken, ipad["id"])
    expected = token.last_used_at + timedelta(days=app.config["TOKEN_IDLE_DAYS"])
    assert ipad["expires_at"] == expected.isoformat()
    assert ipad["created_at"] == token.created_at.isoformat()
    # The world's members are signed in elsewhere: none of theirs is listed.
    assert len(sessions) == 3

    first = client.get("/api/v1/me/sessions?limit=2", headers=bearer(tokens["Pixel"])).json
    assert [s["device_name"] for s in first["items"]] == ["Web", "iPad"]
    rest = client.get(
        f"/api/v1/me/sessions?limit=2&cursor={first['next_cursor']}",
        headers=bearer(tokens["Pixel"]),
    ).json
    assert [s["device_name"] for s in rest["items"]] == ["Pixel"] and rest["next_cursor"] is None


def test_sessions_list_leaves_out_ended_ones(client, app, world):
    tokens = signed_in_three_times(client)
    client.post("/api/v1/auth/logout", headers=bearer(tokens["Web"]))
    age_token(tokens["iPad"], unused_days=app.config["TOKEN_IDLE_DAYS"] + 1)
    sessions = client.get("/api/v1/me/sessions", headers=bearer(tokens["Pixel"])).json["items"]
    assert [s["device_name"] for s in sessions] == ["Pixel"]


def test_revoking_a_session_signs_it_out_and_drops_its_phones(client, world):
    tokens = signed_in_three_times(client)
    phone = add_phone(client, tokens["iPad"], "fcm-ipad")
    kept = add_phone(client, tokens["Web"], "fcm-web")
    url = f"/api/v1/me/sessions/{token_id(tokens['iPad'])}"
    assert client.delete(url, headers=bearer(tokens["Pixel"])).status_code == 204
    assert me_status(client, tokens["iPad"]) == 401
    assert db.session.get(Device, phone) is None
    assert db.session.get(Device, kept) is not None
    assert me_status(client, tokens["Pixel"]) == me_status(client, tokens["Web"]) == 200
    again = client.delete(url, headers=bearer(tokens["Pixel"]))
    assert again.status_code == 404
    assert again.json["detail"] == "Cette session n’existe pas."


def test_another_members_session_is_not_found(client, world):
    url = f"/api/v1/me/sessions/{token_id(world.tokens['solidaire'])}"
    response = client.delete(url, headers=world.headers("resident"))
    assert response.status_code == 404
    assert me_status(client, world.tokens["solidaire"]) == 200


def test_signing_out_everywhere_else_keeps_this_session(client, world):
    tokens = signed_in_three_times(client)
    phones = [add_phone(client, tokens[d], f"fcm-{d}") for d in ("Pixel", "iPad", "Web")]
    response = client.post("/api/v1/me/sessions/revoke-others", headers=bearer(tokens["Pixel"]))
    assert response.status_code == 200 and response.json == {"revoked": 2}
    assert me_status(client, tokens["Pixel"]) == 200
    assert me_status(client, tokens["iPad"]) == me_status(client, tokens["Web"]) == 401
    assert [db.session.get(Device, phone) is not None for phone in phones] == [True, False, False]
    # Other members are not signed out.
    assert me_status(client, world.tokens["resident"]) == 200


# Changing the password.


def change_password(client, token, current=PASSWORD, new="a brand new password"):
    return client.post(
        "/api/v1/me/password",
        json={"current_password": current, "new_password": new},
        headers=bearer(token),
    )


def test_changing_the_password_signs_out_every_other_session(client, world):
    tokens = signed_in_three_times(client)
    phone = add_phone(client, tokens["iPad"], "fcm-ipad")
    assert change_password(client, tokens["Pixel"]).status_code == 204
    assert me_status(client, tokens["Pixel"]) == 200
    assert me_status(client, tokens["iPad"]) == me_status(client, tokens["Web"]) == 401
    assert db.session.get(Device, phone) is None
    assert login(client, device="Other").status_code == 401
    assert login(client, password="a brand new password", device="Other").status_code == 200
    user = db.session.scalar(select(User).where(User.email == "nadia@example.org"))
    assert user.password_hash.startswith("$argon2id$")


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(client, world):
    tokens = signed_in_three_times(client)
    wrong = change_password(client, tokens["Pixel"], current="not my password")
    assert wrong.status_code == 422
    assert wrong.json["errors"] == {"current_password": ["Ce n’est pas votre mot de passe actuel."]}
    weak = change_password(client, tokens["Pixel"], new="short")
    assert weak.status_code == 422 and set(weak.json["errors"]) == {"new_password"}
    missing = client.post(
        "/api/v1/me/password", json={"new_password": "long enough!"}, headers=bearer(tokens["Web"])
    )
    assert missing.status_code == 422 and set(missing.json["errors"]) == {"current_password"}
    assert all(me_status(client, token) == 200 for token in tokens.values())
    assert login(client, device="Other").status_code == 200


def test_password_changes_are_rate_limited_per_member(client, app, world):
    limit = int(app.config["PASSWORD_CHANGE_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        assert change_password(client, world.tokens["resident"], current="guess").status_code == 422
    blocked = change_password(client, world.tokens["resident"])
    assert blocked.status_code == 429
    # Another member is not blocked by this one's attempts.
    assert change_password(client, world.tokens["solidaire"]).status_code == 204
