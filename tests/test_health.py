"""Health probes: /health/live answers while the process does; /health/ready checks the
database, the migrations and Redis (when configured), and says 503 when one is down."""

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from app import create_app
from app.config import TestingConfig
from app.health import script_heads
from models import db
from tests.servers import NO_PERSISTENCE, free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens."""
    port = free_port()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    return port


@pytest.fixture
def app_with():
    """Builds second apps of the same process, by the factory from a config object; closes
    their connections at the end."""
    built = []

    def build(**settings):
        built.append(create_app(type("HealthConfig", (TestingConfig,), settings)))
        return built[-1]

    yield build
    for app in built:
        with app.app_context():
            db.engine.dispose()
        client = app.extensions.get("palier_health_redis")
        if client is not None:
            client.close()


@pytest.fixture
def redis_url():
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_listening(port, server)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


def test_live_answers_without_credentials_and_is_never_cached(client):
    answer = client.get("/health/live")
    assert answer.status_code == 200
    assert answer.json == {"status": "live"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_ready_checks_the_database_and_the_migrations(client):
    answer = client.get("/health/ready")
    assert answer.status_code == 200, answer.json
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json["status"] == "ready"
    checks = answer.json["checks"]
    # No REDIS_URL in the tests' configuration: no Redis check.
    assert set(checks) == {"database", "migrations"}
    for check in checks.values():
        assert check["status"] == "up"
        assert isinstance(check["latency_ms"], float) and check["latency_ms"] >= 0


def test_probes_are_not_rate_limited(client):
    statuses = {client.get(path).status_code for path in ["/health/live", "/health/ready"] * 40}
    assert statuses == {200}


def test_not_ready_when_the_database_is_unreachable_but_still_live(app_with):
    app = app_with(
        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://palier@127.0.0.1:{closed_port()}/palier"
    )
    client = app.test_client()
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json["status"] == "not ready"
    assert answer.json["checks"]["database"]["status"] == "down"
    assert answer.json["checks"]["migrations"] == {"status": "down", "latency_ms": None}
    # The reason is logged, not answered.
    assert "127.0.0.1" not in answer.get_data(as_text=True)
    # Live touches no database.
    assert client.get("/health/live").status_code == 200


def test_not_ready_when_the_database_is_behind_the_code(app, client, tmp_path, monkeypatch):
    """A newer revision shipped with the code, not yet applied: the database is behind."""
    migrations = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", migrations)
    (head,) = script_heads(str(ROOT / "migrations"))
    (migrations / "versions" / "ffff_next.py").write_text(
        f'revision = "ffff"\ndown_revision = "{head}"\n'
        "def upgrade():\n    pass\ndef downgrade():\n    pass\n"
    )
    monkeypatch.setattr(app.extensions["migrate"], "directory", str(migrations))
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert answer.json["checks"]["database"]["status"] == "up"
    assert answer.json["checks"]["migrations"]["status"] == "down"


def test_ready_checks_redis_when_configured(app_with, redis_url):
    answer = app_with(REDIS_URL=redis_url).test_client().get("/health/ready")
    assert answer.status_code == 200, answer.json
    assert answer.json["checks"]["redis"]["status"] == "up"


def test_not_ready_when_redis_is_unreachable(app_with):
    app = app_with(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    answer = app.test_client().get("/health/ready")
    assert answer.status_code == 503
    assert answer.json["checks"]["redis"]["status"] == "down"
    assert answer.json["checks"]["database"]["status"] == "up"
