"""Rate limits hold across processes: two gunicorn servers with the production configuration,
sharing a real redis-server started here, count one account's wrong passwords together.

With counters in each process's memory (what production refuses to start with, unless told
to), each server would see three attempts and let all six through.
"""

import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest

from app.transactions import unit_of_work
from models import User, db
from services import accounts
from tests.servers import GUNICORN, ROOT, free_port, start_redis, wait_until_listening

pytestmark = pytest.mark.commits


@pytest.fixture
def redis_url():
    port = free_port()
    server = start_redis(port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def two_servers(redis_url):
    """Two production servers of two workers each, on the test database and one Redis."""
    env = {
        **os.environ,
        "PALIER_CONFIG": "production",
        "SECRET_KEY": "a-production-secret-for-the-rate-limit-test-0123456789",
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
        "REDIS_URL": redis_url,
    }
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [*GUNICORN, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            servers.append((port, process))
        for port, process in servers:
            wait_until_listening(port, process)
        yield [port for port, _ in servers]
    finally:
        for _, process in servers:
            process.terminate()
        for _, process in servers:
            process.wait(timeout=10)
            process.stderr.close()


def sign_in(port: int, email: str, password: str) -> int:
    body = json.dumps({"email": email, "password": password, "device_name": "test"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/login",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_wrong_passwords_are_counted_once_across_servers(app, two_servers):
    with unit_of_work():
        db.session.add(
            User(
                email="lucie@limits.palier.test",
                display_name="Lucie",
                password_hash=accounts.hash_password("the right password"),
            )
        )
    first, second = two_servers
    statuses = [
        sign_in(port, "lucie@limits.palier.test", "a wrong password")
        for port in (first, second, first, second, first, second, first)
    ]
    # LOGIN_RATE_LIMIT_PER_ACCOUNT is 5 per minute: the sixth attempt, whichever server
    # takes it, is refused.
    assert statuses == [401] * 5 + [429] * 2
