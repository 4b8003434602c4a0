"""Health probes, for the load balancer and the orchestrator: unauthenticated, not rate-limited,
never cached, outside the API (and its document).

- `GET /health/live`: the process answers (200). Touches nothing else: restarting the process
  would not mend a database that is down.
- `GET /health/ready`: this process can serve. Each check says its status (`up` or `down`) and
  its latency in ms: `database` (a connection from the pool answers), `migrations` (the
  database's alembic_version is the head of the revisions this code ships) and, when REDIS_URL
  is set, `redis` (it answers PING). 200 when all are up, 503 otherwise. The reasons of a
  failure are logged, not answered.
"""

import functools
import logging
import time
from contextlib import contextmanager
from pathlib import Path

import redis
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify

from app.extensions import limiter
from models import db

log = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 1.0
UP, DOWN = "up", "down"

blp = Blueprint("health", __name__, url_prefix="/health")


def init_app(app: Flask) -> None:
    limiter.exempt(blp)
    app.register_blueprint(blp)


@blp.get("/live")
def live():
    return _answer({"status": "live"}, 200)


@blp.get("/ready")
def ready():
    checks = {}
    with _timed(checks, "database"):
        connection = db.engine.connect()
    if checks["database"]["status"] == UP:
        with connection:
            with _timed(checks, "database"):
                connection.execute(sa.text("SELECT 1"))
            with _timed(checks, "migrations"):
                current = set(
                    connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
                )
                if current != set(script_heads(_migrations_directory())):
                    raise RuntimeError(f"the database is at {sorted(current)}, not at the head")
    else:
        checks["migrations"] = {"status": DOWN, "latency_ms": None}
    if current_app.config["REDIS_URL"]:
        with _timed(checks, "redis"):
            _redis_client().ping()
    all_up = all(check["status"] == UP for check in checks.values())
    body = {"status": "ready" if all_up else "not ready", "checks": checks}
    return _answer(body, 200 if all_up else 503)


@contextmanager
def _timed(checks: dict, name: str):
    """Times a check (the latencies of the same check add up); an error marks it down and is
    logged: a failed check is an answer, not an error."""
    started = time.perf_counter()
    status = UP
    try:
        yield
    except Exception as error:
        status = DOWN
        log.warning("readiness: %s is down: %s: %s", name, type(error).__name__, error)
    elapsed = (time.perf_counter() - started) * 1000
    previous = checks.get(name, {}).get("latency_ms") or 0.0
    if checks.get(name, {}).get("status") == DOWN:
        status = DOWN
    checks[name] = {"status": status, "latency_ms": round(previous + elapsed, 1)}


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _migrations_directory() -> str:
    directory = Path(current_app.extensions["migrate"].directory)
    if not directory.is_absolute():
        # Next to the app package, wherever the process was started from.
        directory = Path(current_app.root_path).parent / directory
    return str(directory)


@functools.cache
def script_heads(directory: str) -> tuple[str, ...]:
    """The head revision(s) of the migrations shipped with this code: read once a process."""
    return tuple(ScriptDirectory(directory).get_heads())


def _redis_client() -> redis.Redis:
    client = current_app.extensions.get("palier_health_redis")
    if client is None:
        client = redis.Redis.from_url(
            current_app.config["REDIS_URL"],
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        current_app.extensions["palier_health_redis"] = client
    return client
