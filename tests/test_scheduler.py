"""Two scheduler processes against one PostgreSQL: one leads, the other stands by and takes
over when the leader dies; a scheduler that loses its lock connection stops."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.commits


class Scheduler:
    def __init__(self, app):
        env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "FLASK_APP": "wsgi",
            "PALIER_CONFIG": "development",
            "SCHEDULER_DISPATCH_SECONDS": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "palier", "scheduler"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[tuple[float, str]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append((time.monotonic(), line))

    def wait_for(self, text: str, timeout: float = 20) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if text in line:
                    return at
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in {''.join(seen for _, seen in self.lines)[-2000:]}")

    def runs(self, since: float = 0.0) -> int:
        return sum(
            1
            for at, line in list(self.lines)
            if at >= since and "job dispatch_notifications ran" in line
        )

    def lock_pid(self) -> int:
        line = next(text for _, text in self.lines if "lock connection pid" in text)
        return int(re.search(r"pid (\d+)", line).group(1))

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        self.process.stderr.close()


def test_one_leader_a_standby_that_takes_over_and_a_leader_that_loses_its_lock_stops(app):
    leader = Scheduler(app)
    spare = None
    try:
        leader.wait_for("has the lead")
        spare = Scheduler(app)
        spare.wait_for("standing by")
        window_start = time.monotonic()
        time.sleep(4)
        # Each tick fires once: the leader runs the dispatcher about once a second, the spare never.
        assert spare.runs() == 0
        assert 3 <= leader.runs(since=window_start) <= 5

        leader.process.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        took_over = spare.wait_for("has the lead")
        first_run = spare.wait_for("job dispatch_notifications ran")
        assert took_over - killed_at < 10 and first_run - killed_at < 12

        # The new leader loses its lock connection: it must stop, not go on alone.
        url = app.config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql+psycopg://", "postgresql://"
        )
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("SELECT pg_terminate_backend(%s)", (spare.lock_pid(),))
        assert spare.process.wait(timeout=15) != 0
        spare.wait_for("lost the lock connection")
    finally:
        leader.stop()
        if spare is not None:
            spare.stop()
