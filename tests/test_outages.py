"""Dependencies down: 503 (problem+json, Retry-After), never a 500, and service again without
a restart once they are back.

The database: the test run's own throwaway PostgreSQL (scripts/test-postgres.sh) is stopped and
started again under a production gunicorn. Redis: a redis-server started here is killed under a
burst of sign-ins. Both with the real servers; the cluster is always running again at the end.
"""

import json
import os
import shlex
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from app.transactions import unit_of_work
from models import User, db
from services import accounts
from tests.console import CSRF_FIELD
from tests.servers import free_port, production_gunicorn, start_redis

pytestmark = pytest.mark.commits

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PASSWORD = "the right password"
FRENCH_TITLE = "Service indisponible"
ENGLISH_TITLE = "Service unavailable"


def call(port, method, path, body=None, token=None, language=None):
    """(status, headers, parsed body) of one HTTP request to the server."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if language:
        headers["Accept-Language"] = language
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def add_member(email: str, locale: str = "fr", **attributes) -> str:
    """A committed member, with a committed bearer token: its secret."""
    with unit_of_work():
        user = User(
            email=email,
            display_name="Lucie",
            locale=locale,
            password_hash=accounts.hash_password(PASSWORD),
            **attributes,
        )
        db.session.add(user)
        db.session.flush()
        secret = accounts.issue_token(user, "phone")
    return secret


class Cluster:
    """The PostgreSQL cluster of the test run, stopped and started with pg_ctl as its owner."""

    def __init__(self):
        self.data_dir = Path(db.session.scalar(sa.text("SHOW data_directory")))
        db.session.rollback()
        # Only the throwaway cluster of scripts/test-postgres.sh: never a database of one's own.
        assert self.data_dir.name.startswith("palier-pg."), (
            f"{self.data_dir} is not the throwaway cluster of scripts/test-postgres.sh"
        )
        # The options the script started it with (address, port, socket folder, fsync...).
        command = shlex.split((self.data_dir / "postmaster.opts").read_text())
        options = command[1:]
        at = options.index("-D")
        self.options = shlex.join(options[:at] + options[at + 2 :])

    def pg_ctl(self, *arguments: str, check: bool = True) -> int:
        as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*as_owner, str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), *arguments],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=check,
        ).returncode

    def stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")

    def start(self):
        log = str(self.data_dir / "server.log")
        self.pg_ctl("-w", "-l", log, "-o", self.options, "start")

    def restart(self):
        self.pg_ctl("-m", "fast", "-w", "restart")

    def ensure_running(self):
        if self.pg_ctl("status", check=False) != 0:
            self.start()


@pytest.fixture
def cluster(app):
    cluster = Cluster()
    try:
        yield cluster
    finally:
        # Other tests follow: the cluster runs again whatever happened.
        cluster.ensure_running()


@pytest.mark.parametrize(
    ("method", "path", "error"),
    [
        ("GET", "/test/bug/unknown-table", "ProgrammingError"),
        ("POST", "/test/bug/ignored-flush-error", "PendingRollbackError"),
    ],
)
def test_a_bug_in_a_query_stays_a_500_and_is_logged(
    app, client, method, path, error, monkeypatch, caplog
):
    """Only a database that cannot be reached answers 503: a query that is wrong, or a broken
    session used again while the database is fine, is a bug, answered 500 and logged."""
    token = add_member("lucie@bugs.palier.test")
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    response = client.open(path, method=method, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert response.json["title"] == "Erreur interne"
    assert response.headers.get("Retry-After") is None
    logged = [record for record in caplog.records if record.message == "Unhandled error"]
    assert len(logged) == 1
    assert type(logged[0].exc_info[1]).__name__ == error
    # The session was rolled back: the next request is served.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_broken_session_used_again_after_a_lost_connection_answers_503(app, client):
    """The connection is lost for real during a flush and a caller goes on with the session:
    the PendingRollbackError that follows answers 503, in French (the member's English setting
    is not read again from a broken session), and the next request is served."""
    token = add_member("lucie@cut.palier.test", locale="en")
    bearer = {"Authorization": f"Bearer {token}"}
    response = client.post("/test/outage/ignored-flush-error", headers=bearer)
    assert response.status_code == 503, response.json
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert response.json["title"] == FRENCH_TITLE
    me = client.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200
    assert me.json["display_name"] == "Lucie"


def console_cookie(port, email: str) -> str:
    """Sign in to the console through its form; the session cookie (Secure in production, so
    sent by hand over this plain HTTP)."""
    browser = requests.Session()
    page = browser.get(f"http://127.0.0.1:{port}/console/sign-in")
    token = CSRF_FIELD.search(page.text).group(1)
    cookie = page.cookies["palier_console"]
    signed_in = browser.post(
        f"http://127.0.0.1:{port}/console/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        headers={"Cookie": f"palier_console={cookie}"},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, signed_in.text
    return signed_in.cookies["palier_console"]


def console_page(port, cookie: str):
    return requests.get(
        f"http://127.0.0.1:{port}/console/",
        headers={"Cookie": f"palier_console={cookie}"},
        allow_redirects=False,
    )


def assert_unavailable(answer, title):
    status, headers, body = answer
    assert status == 503, body
    assert headers["Content-Type"] == "application/problem+json"
    assert headers["Retry-After"] == "5"
    problem = json.loads(body)
    assert problem["status"] == 503
    assert problem["title"] == title


def test_the_database_down_answers_503_then_serves_again_without_a_restart(app, cluster, tmp_path):
    # The member chose English: while the database is down that cannot be read, so answers
    # without Accept-Language are in French.
    token = add_member("lucie@outage.palier.test", locale="en")
    add_member("admin@outage.palier.test", is_platform_admin=True)
    log = tmp_path / "gunicorn.log"
    with production_gunicorn(log, "--workers", "1", RATELIMIT_ALLOW_MEMORY="1") as port:
        me = ("GET", "/api/v1/me")
        assert call(port, *me, token=token)[0] == 200
        console = console_cookie(port, "admin@outage.palier.test")
        assert console_page(port, console).status_code == 200

        # A restart while the app is idle: its pooled connection is stale, yet the next request
        # is served (the engine pings a connection before lending it).
        cluster.restart()
        assert call(port, *me, token=token)[0] == 200

        cluster.stop()
        try:
            rename = ("PATCH", "/api/v1/me", {"display_name": "Lucie B."})
            sign_in = (
                "POST",
                "/api/v1/auth/login",
                {"email": "lucie@outage.palier.test", "password": PASSWORD, "device_name": "tab"},
            )
            for _ in range(2):  # the first failure does not leave the worker broken
                assert_unavailable(call(port, *me, token=token), FRENCH_TITLE)
                assert_unavailable(call(port, *me, token=token, language="en"), ENGLISH_TITLE)
                assert_unavailable(call(port, *rename, token=token), FRENCH_TITLE)
                assert_unavailable(call(port, *rename, token=token, language="en"), ENGLISH_TITLE)
                assert_unavailable(call(port, *sign_in), FRENCH_TITLE)
                # The console says so in a page, not in JSON, and asks to try again.
                page = console_page(port, console)
                assert page.status_code == 503 and page.headers["Retry-After"] == "5"
                assert page.headers["Content-Type"].startswith("text/html")
                assert FRENCH_TITLE in page.text
        finally:
            started = time.monotonic()
            cluster.start()
        ready = time.monotonic()
        while (status := call(port, *me, token=token)[0]) != 200:
            assert status == 503
            assert time.monotonic() - ready < 30, "no 2xx 30 s after the database came back"
            time.sleep(0.05)
        served = time.monotonic()
        print(
            f"\ndatabase back -> first 2xx: {served - ready:.3f} s after pg_ctl start returned, "
            f"{served - started:.3f} s after it was called"
        )
        status, _, body = call(port, *rename, token=token)
        assert status == 200, body
        assert json.loads(body)["display_name"] == "Lucie B."

    output = log.read_text()
    assert "Unhandled error" not in output
    assert "Database unreachable, answering 503" in output


class Redis:
    """A redis-server of the test's own, on one port, that can go down and come back."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.server = start_redis(self.port)

    def kill(self):
        """Gone: connections are refused at once."""
        self.server.kill()
        self.server.wait(timeout=10)

    def freeze(self):
        """Hung (SIGSTOP): connections open, nothing answers; every call in flight waits."""
        self.server.send_signal(signal.SIGSTOP)

    def back_after_kill(self):
        self.server = start_redis(self.port)

    def back_after_freeze(self):
        self.server.send_signal(signal.SIGCONT)


@pytest.fixture
def redis():
    redis = Redis()
    try:
        yield redis
    finally:
        redis.server.kill()
        redis.server.wait(timeout=10)


@pytest.mark.parametrize("outage", ["kill", "freeze"])
def test_redis_down_under_a_burst_of_sign_ins_falls_back_to_memory_without_a_500(
    app, redis, outage, tmp_path
):
    """32 correct sign-ins at once as Redis goes: each is answered 200 or 429 (the account's
    limit, counted in memory), none 500; one warning for the outage, one when Redis is back.

    A frozen Redis is the case where every request is waiting on Redis when its calls fail:
    Flask-Limiter then fell back to memory in one thread and answered 500 in the others."""
    add_member("lucie@burst.palier.test")
    log = tmp_path / "gunicorn.log"
    unreachable = "Rate-limit storage (Redis) unreachable"
    back = "Rate-limit storage (Redis) answers again"
    sign_in = (
        "POST",
        "/api/v1/auth/login",
        {"email": "lucie@burst.palier.test", "password": PASSWORD, "device_name": "phone"},
    )
    options = ("--workers", "1", "--threads", "16")
    with production_gunicorn(log, *options, REDIS_URL=redis.url) as port:
        assert call(port, *sign_in)[0] == 200

        getattr(redis, outage)()
        statuses = []
        start_together = threading.Barrier(32)

        def one_sign_in(phone):
            method, path, body = sign_in
            start_together.wait()
            # One phone each: a phone signing in twice at once is another matter.
            statuses.append(call(port, method, path, {**body, "device_name": phone})[0])

        threads = [threading.Thread(target=one_sign_in, args=(f"phone {n}",)) for n in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert len(statuses) == 32
        assert 500 not in statuses, statuses
        assert set(statuses) <= {200, 429}, statuses
        assert 200 in statuses, statuses
        assert log.read_text().count(unreachable) == 1

        # Redis back: the limits are shared again (Flask-Limiter checks after 1, 2, 4... s).
        getattr(redis, f"back_after_{outage}")()
        deadline = time.monotonic() + 40
        while back not in log.read_text():
            assert time.monotonic() < deadline, "Redis is back, but the limiter did not see it"
            assert call(port, "GET", "/api/v1/openapi.json")[0] == 200
            time.sleep(0.2)
        output = log.read_text()
        assert output.count(unreachable) == 1
        assert output.count(back) == 1
        assert "Unhandled error" not in output
