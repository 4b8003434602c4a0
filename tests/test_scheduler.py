"""Two scheduler processes against one PostgreSQL: one leads, the other stands by and takes
over when the leader dies; a scheduler that loses its lock connection stops."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from app.transactions import unit_of_work
from models import Delivery, Notification, db
from notifications import outbox
from tests.test_shared_rate_limits import free_port
from tests.world import build_world

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.commits


class Scheduler:
    def __init__(self, app, **settings):
        env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "FLASK_APP": "wsgi",
            "PALIER_CONFIG": "development",
            "SCHEDULER_DISPATCH_SECONDS": "1",
            **settings,
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


def scheduler_metrics(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.read().decode())
            for sample in family.samples
        }


def test_each_scheduler_serves_its_lead_and_its_jobs_last_runs(app):
    """The leader says 1 and when each job last ran; a spare, on its own port, says 0."""
    leader_port, spare_port = free_port(), free_port()
    leader = Scheduler(app, SCHEDULER_METRICS_PORT=str(leader_port))
    spare = None
    try:
        leader.wait_for("has the lead")
        spare = Scheduler(app, SCHEDULER_METRICS_PORT=str(spare_port))
        spare.wait_for("standing by")
        leader.wait_for("job dispatch_notifications ran")
        before = time.time()
        time.sleep(1.5)
        metrics = scheduler_metrics(leader_port)
        assert metrics[("palier_scheduler_leader", ())] == 1
        job = (("job", "dispatch_notifications"),)
        last_run = metrics[("palier_scheduler_job_last_run_timestamp_seconds", job)]
        assert before - 1 <= last_run <= time.time()
        assert metrics[("palier_scheduler_job_last_success_timestamp_seconds", job)] == last_run
        assert metrics[("palier_scheduler_job_runs_total", (*job, ("result", "ok")))] >= 2

        spare_metrics = scheduler_metrics(spare_port)
        assert spare_metrics[("palier_scheduler_leader", ())] == 0
        assert not any("job_last_run" in name for name, _ in spare_metrics)
    finally:
        leader.stop()
        if spare is not None:
            spare.stop()


def test_the_dispatcher_counts_what_it_did_with_each_notification(app):
    with unit_of_work():
        world = build_world()
        outbox.enqueue(
            [world.users["resident"]], "welcome", {"residence": "X"}, key="sm1", link="palier://x"
        )
    # Not the resident's quiet hours: an urgent alert goes at any hour.
    with unit_of_work():
        db.session.execute(sa.update(Notification).values(urgent=True))
    port = free_port()
    scheduler = Scheduler(app, SCHEDULER_METRICS_PORT=str(port))
    try:
        scheduler.wait_for("has the lead")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            metrics = scheduler_metrics(port)
            if metrics.get(("palier_notifications_dispatched_total", (("outcome", "sent"),))):
                break
            time.sleep(0.2)
    finally:
        scheduler.stop()
    # One per phone reached: as many as the deliveries recorded.
    sent = db.session.scalar(
        sa.select(sa.func.count()).select_from(Delivery).where(Delivery.outcome == "sent")
    )
    assert sent >= 1
    assert metrics[("palier_notifications_dispatched_total", (("outcome", "sent"),))] == sent
