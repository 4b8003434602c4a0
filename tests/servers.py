"""Real servers for tests that need processes of their own: a free port, waiting for a server
to listen, a redis-server, a production gunicorn on the test database."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NO_PERSISTENCE = ("--save", "", "--appendonly", "no")
GUNICORN = (sys.executable, "-m", "gunicorn", "--workers", "2")
PRODUCTION_SECRET_KEY = "a-production-secret-for-the-tests-with-servers-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stderr.read().decode() if process.stderr else ""
            raise AssertionError(f"the server stopped ({process.returncode}): {output}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def start_redis(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_listening(port, server)
    return server


@contextmanager
def production_gunicorn(log: Path, *options: str, **environment: str):
    """A gunicorn serving wsgi:app with the production configuration on the test database;
    its log (the app's warnings included) is written to `log`. Yields its port."""
    port = free_port()
    env = {
        **os.environ,
        "PALIER_CONFIG": "production",
        "SECRET_KEY": PRODUCTION_SECRET_KEY,
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
        **environment,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *options, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_listening(port, process)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=10)
