"""Rate limits per account and per address: each answers 429, as problem+json with Retry-After,
at the count its setting says (the limiter's counters are reset before each test)."""

import io
from datetime import timedelta

import pytest

from app.config import MIN_SECRET_KEY_LENGTH, ProductionConfig
from models import db
from services import accounts
from tests.photos import png_bytes
from tests.world import today, user


def allowed(app, setting: str) -> int:
    return int(app.config[setting].split()[0])


def assert_too_many(response):
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 429
    assert int(response.headers["Retry-After"]) > 0


def bearer(person) -> dict:
    token = accounts.issue_token(person, "phone")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_every_write_is_limited_per_account(client, world, app):
    limit = allowed(app, "WRITE_RATE_LIMIT_PER_ACCOUNT")
    assert limit == 60
    url = f"/api/v1/posts/{world.event.id}/reaction"
    headers = world.headers("resident")
    for number in range(limit):
        response = client.put(url, json={"kind": "like"}, headers=headers)
        assert response.status_code == 204, number
    assert_too_many(client.delete(url, headers=headers))
    assert_too_many(client.post("/api/v1/me/calendar-feeds", headers=headers))
    # Reading goes on; other accounts, from the same address, write on.
    assert client.get(f"/api/v1/posts/{world.event.id}", headers=headers).status_code == 200
    other = client.put(url, json={"kind": "love"}, headers=world.headers("solidaire"))
    assert other.status_code == 204


def test_joining_is_limited_per_account(client, world, app):
    limit = allowed(app, "JOIN_RATE_LIMIT_PER_ACCOUNT")
    headers = world.headers("other_staff")
    for number in range(limit):
        guess = client.post("/api/v1/memberships", json={"code": f"GUESS{number}"}, headers=headers)
        assert guess.status_code == 422
    # Even the right code waits now.
    assert_too_many(client.post("/api/v1/memberships", json={"code": "HOMECODE"}, headers=headers))
    another = client.post(
        "/api/v1/memberships", json={"code": "HOMECODE"}, headers=world.headers("other_resident")
    )
    assert another.status_code == 201


def test_joining_is_limited_per_address(client, world, app):
    limit = allowed(app, "JOIN_RATE_LIMIT_PER_IP")
    per_account = allowed(app, "JOIN_RATE_LIMIT_PER_ACCOUNT")
    guessers = [
        bearer(user(f"guesser{n}@test.palier", f"Guesser {n}"))
        for n in range(-(-limit // per_account) + 1)
    ]
    for number in range(limit):
        headers = guessers[number // per_account]
        guess = client.post("/api/v1/memberships", json={"code": f"GUESS{number}"}, headers=headers)
        assert guess.status_code == 422, number
    fresh = guessers[-1]
    assert_too_many(client.post("/api/v1/memberships", json={"code": "HOMECODE"}, headers=fresh))
    elsewhere = client.post(
        "/api/v1/memberships",
        json={"code": "HOMECODE"},
        headers=fresh,
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert elsewhere.status_code == 201


def test_photo_uploads_are_limited_per_account(client, world, app):
    limit = allowed(app, "PHOTO_RATE_LIMIT_PER_ACCOUNT")
    headers = world.headers("resident")

    def upload(url):
        return client.post(
            url,
            data={"photo": (io.BytesIO(png_bytes()), "photo.png")},
            content_type="multipart/form-data",
            headers=headers,
        )

    for _ in range(limit):
        # Past the listing's photo limit the answer is a refusal, which counts as well.
        assert upload(f"/api/v1/listings/{world.lend.id}/photos").status_code < 429
    assert_too_many(upload(f"/api/v1/listings/{world.lend.id}/photos"))
    # One count for every kind of photo.
    assert_too_many(upload(f"/api/v1/posts/{world.event.id}/photos"))


def test_loan_and_exchange_requests_are_limited_per_account(client, world, app):
    limit = allowed(app, "LOAN_EXCHANGE_RATE_LIMIT_PER_ACCOUNT")
    headers = world.headers("solidaire")
    day = today() + timedelta(days=10)
    for number in range(limit):
        starts = day + timedelta(days=3 * number)
        response = client.post(
            f"/api/v1/listings/{world.lend.id}/loans",
            json={"starts_on": str(starts), "due_on": str(starts + timedelta(days=1))},
            headers=headers,
        )
        assert response.status_code < 429, number
    assert_too_many(
        client.post(
            f"/api/v1/listings/{world.help.id}/exchanges",
            json={"message": "Je peux aider"},
            headers=headers,
        )
    )


@pytest.fixture
def production_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://palier@db/palier")
    for name in ("REDIS_URL", "RATELIMIT_ALLOW_MEMORY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_needs_shared_rate_limit_counters(production_environment):
    production = type(
        "ProductionWithKey", (ProductionConfig,), {"SECRET_KEY": "k" * MIN_SECRET_KEY_LENGTH}
    )
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        production.check()
    production_environment.setenv("RATELIMIT_ALLOW_MEMORY", "0")
    with pytest.raises(RuntimeError, match="RATELIMIT_ALLOW_MEMORY"):
        production.check()
    production_environment.setenv("RATELIMIT_ALLOW_MEMORY", "1")
    production.check()
    production_environment.delenv("RATELIMIT_ALLOW_MEMORY")
    production_environment.setenv("REDIS_URL", "redis://cache:6379/0")
    production.check()
