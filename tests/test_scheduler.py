"""Scheduler processes against one PostgreSQL: one leads, the other stands by and takes over
when the leader dies or is stopped; a scheduler that loses the database, or its lock, stops its
jobs and contends again; jobs that lose the database log and return."""

import json
import logging
import os
import pwd
import re
import shlex
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
from sqlalchemy import select

from app import jobs
from app.scheduler import LOCK_KEY, Backoff
from app.transactions import unit_of_work
from models import Delivery, Device, Notification, NotificationStatus, User, db
from notifications import outbox
from tests.servers import free_port
from tests.world import build_world

ROOT = Path(__file__).resolve().parent.parent
LEADS = "scheduler has the lead ("  # not "another scheduler has the lead: standing by"
pytestmark = pytest.mark.commits

# `flask palier scheduler`, with firebase-admin's FCM address pointed at the fake server first
# (a class attribute, read once per Firebase app; tests/conftest.py does the same in-process).
WITH_FAKE_FCM = (
    "import sys; from firebase_admin import messaging; "
    "messaging._MessagingService.FCM_URL = sys.argv.pop(1) + '/v1/projects/{0}/messages:send'; "
    "from flask.cli import main; main()"
)


class Scheduler:
    def __init__(self, app, fcm=None, **settings):
        env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "FLASK_APP": "wsgi",
            "PALIER_CONFIG": "development",
            "SCHEDULER_DISPATCH_SECONDS": "1",
            **settings,
        }
        command = [sys.executable, "-m", "flask", "palier", "scheduler"]
        if fcm is not None:
            # The real FcmSender, against the fake server: every delivery is counted there.
            env["FIREBASE_CREDENTIALS"] = json.dumps(fcm.service_account())
            command = [sys.executable, "-c", WITH_FAKE_FCM, fcm.url, "palier", "scheduler"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
        )
        self.lines: list[tuple[float, str]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append((time.monotonic(), line))

    def wait_for(self, text: str, timeout: float = 20, since: float = 0.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if at >= since and text in line:
                    return at
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in {self.log()[-3000:]}")

    def seen(self, text: str, since: float = 0.0) -> list[float]:
        return [at for at, line in list(self.lines) if at >= since and text in line]

    def runs(self, since: float = 0.0) -> int:
        return len(self.seen("job dispatch_notifications ran", since))

    def lock_pid(self) -> int:
        line = [text for _, text in self.lines if "lock connection pid" in text][-1]
        return int(re.search(r"pid (\d+)", line).group(1))

    def log(self) -> str:
        return "".join(line for _, line in list(self.lines))

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        self.process.stderr.close()


def plain_url(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")


def restart_database(app, down_seconds: float = 0) -> float:
    """`pg_ctl restart -m fast` on the test cluster, as its owner (or stop, wait, start); returns
    when it accepts connections again, by the monotonic clock."""
    with psycopg.connect(plain_url(app), autocommit=True) as connection:
        data_dir = connection.execute("SHOW data_directory").fetchone()[0]
    pg_ctl = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")) / "pg_ctl"
    owner = pwd.getpwuid(os.stat(data_dir).st_uid).pw_name
    as_owner = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 and owner != "root" else []

    # The server's command line (port, socket folder...): `restart` reuses it, `start` needs it.
    options = shlex.join(shlex.split((Path(data_dir) / "postmaster.opts").read_text())[1:])

    def pg_ctl_(action: str, *more: str) -> None:
        log_file = Path(data_dir) / "server.log"
        subprocess.run(
            [*as_owner, pg_ctl, action, "-D", data_dir, "-l", log_file, "-w", *more],
            check=True,
            capture_output=True,
            timeout=60,
        )

    if down_seconds:
        pg_ctl_("stop", "-m", "fast")
        time.sleep(down_seconds)
        pg_ctl_("start", "-o", options)
    else:
        pg_ctl_("restart", "-m", "fast")
    return time.monotonic()


def test_one_leader_a_standby_that_takes_over_and_a_leader_that_loses_its_lock_contends_again(
    app,
):
    leader = Scheduler(app)
    spare = None
    try:
        leader.wait_for(LEADS)
        spare = Scheduler(app)
        spare.wait_for("standing by")
        window_start = time.monotonic()
        time.sleep(4)
        # Each tick fires once: the leader runs the dispatcher about once a second, the spare never.
        assert spare.runs() == 0
        assert 3 <= leader.runs(since=window_start) <= 5

        leader.process.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        took_over = spare.wait_for(LEADS)
        first_run = spare.wait_for("job dispatch_notifications ran")
        assert took_over - killed_at < 10 and first_run - killed_at < 12

        # The new leader loses its lock connection, and someone else takes the lock at once
        # (pg_advisory_lock waits for the killed backend to let it go): the spare must stop
        # its jobs and stand by, not go on alone, nor exit.
        with psycopg.connect(plain_url(app), autocommit=True) as holder:
            holder.execute(
                "SELECT pg_terminate_backend(%s), pg_advisory_lock(%s)",
                (spare.lock_pid(), LOCK_KEY),
            )
            lost = spare.wait_for("lost the lock connection", timeout=10)
            spare.wait_for("standing by", since=lost)
            time.sleep(3)
            assert spare.runs(since=lost + 1) == 0  # a run in flight may just end
            released_at = time.monotonic()
        spare.wait_for(LEADS, since=released_at, timeout=10)
        spare.wait_for("job dispatch_notifications ran", since=released_at, timeout=10)
        assert spare.process.poll() is None
    finally:
        leader.stop()
        if spare is not None:
            spare.stop()


def test_sigterm_releases_the_lock_at_once_and_exits_0_and_the_standby_takes_over(app):
    leader = Scheduler(app)
    spare = None
    try:
        leader.wait_for(LEADS)
        spare = Scheduler(app)
        spare.wait_for("standing by")
        leader.wait_for("job dispatch_notifications ran")

        leader.process.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        assert leader.process.wait(timeout=10) == 0
        assert "scheduler stopped: the lock is released" in leader.log()
        took_over = spare.wait_for(LEADS, timeout=10)
        assert took_over - stopped_at < 5  # the standby asks every 2 s
        spare.wait_for("job dispatch_notifications ran", since=took_over)

        spare.process.send_signal(signal.SIGINT)  # Ctrl-C too
        assert spare.process.wait(timeout=10) == 0
    finally:
        leader.stop()
        if spare is not None:
            spare.stop()


@pytest.mark.parametrize("down_seconds", [0, 8], ids=["restart", "down 8 s"])
def test_after_a_database_restart_jobs_resume_and_an_alert_is_delivered_exactly_once(
    app, fcm, down_seconds
):
    with unit_of_work():
        user = User(email="restart@test.palier", display_name="Restart", password_hash="x")
        db.session.add(user)
        db.session.flush()
        db.session.add(Device(user_id=user.id, token="phone-restart", platform="android"))
    schedulers = [Scheduler(app, fcm)]
    try:
        schedulers[0].wait_for(LEADS)
        schedulers.append(Scheduler(app, fcm))
        schedulers[1].wait_for("standing by")
        schedulers[0].wait_for("job dispatch_notifications ran")

        restarted_at = time.monotonic()
        back_at = restart_database(app, down_seconds)
        with unit_of_work():
            user = db.session.scalar(select(User).where(User.email == "restart@test.palier"))
            outbox.enqueue(
                [user],
                "alert",
                {"title": "Eau coupée"},
                key="alert:restart",
                link="palier://posts/1",
                urgent=True,
            )
        deadline = back_at + 60
        while not fcm.to("phone-restart") and time.monotonic() < deadline:
            time.sleep(0.05)
        delivered_at = time.monotonic()
        logs = "\n".join(s.log()[-3000:] for s in schedulers)
        assert fcm.to("phone-restart"), f"not delivered within 60 s:\n{logs}"
        time.sleep(3)  # time enough for a second copy, were one to come
        assert len(fcm.to("phone-restart")) == 1
        assert all(s.process.poll() is None for s in schedulers), logs

        # Exactly one of them leads again; the other one stands by.
        leads = [s for s in schedulers if s.seen(LEADS, since=restarted_at)]
        assert len(leads) == 1, logs
        first_run = min(
            at for s in schedulers for at in s.seen("job dispatch_notifications ran", since=back_at)
        )
        db.session.remove()
        sent = db.session.scalar(
            select(Notification.status).where(Notification.idempotency_key.like("alert:restart:%"))
        )
        assert sent == NotificationStatus.SENT
        print(
            f"\nrecovery: database away {back_at - restarted_at:.1f} s; back -> first "
            f"job run {first_run - back_at:.1f} s, alert delivered {delivered_at - back_at:.1f} s"
        )
    finally:
        for scheduler in schedulers:
            scheduler.stop()


def test_a_job_that_loses_the_database_logs_and_returns(app, caplog):
    jobs.bind(app)

    def lose_the_connection():
        db.session.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))

    with caplog.at_level(logging.WARNING, logger="palier.jobs"):
        jobs._run("lose_the_connection", lose_the_connection)  # does not raise
    assert "job lose_the_connection could not reach the database" in caplog.text

    answers = []
    jobs._run("next_one", lambda: answers.append(db.session.scalar(sa.text("SELECT 1"))))
    assert answers == [1]


def test_a_job_after_a_database_restart_draws_a_live_connection(app):
    """The pool's connections died with the server: the next job must not draw a dead one."""
    jobs.bind(app)
    jobs._run("fill_the_pool", lambda: db.session.scalar(sa.text("SELECT 1")))
    with psycopg.connect(plain_url(app), autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
            "datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        while connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        ).fetchone()[0]:
            time.sleep(0.05)

    answers = []
    jobs._run("after_restart", lambda: answers.append(db.session.scalar(sa.text("SELECT 1"))))
    assert answers == [1]


def test_backoff_doubles_from_one_second_to_thirty_and_starts_again_on_success():
    backoff = Backoff()
    assert [backoff.next() for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    backoff.reset()
    assert backoff.next() == 1


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
        leader.wait_for(LEADS)
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
        scheduler.wait_for(LEADS)
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


def stored_next_runs(app) -> dict[str, float]:
    with psycopg.connect(plain_url(app), autocommit=True) as connection:
        return dict(connection.execute("SELECT id, next_run_time FROM scheduler_jobs").fetchall())


def test_a_new_leader_keeps_when_each_job_is_next_due(app):
    """A change of leader (or a database restart) must not push the hourly jobs back an hour
    each time: the new term keeps the stored next run of every job whose interval is the same."""
    first = Scheduler(app)
    try:
        first.wait_for(LEADS)
        first.wait_for("job dispatch_notifications ran")
        before = stored_next_runs(app)
    finally:
        first.stop()  # killed: its lock goes with its connection
    time.sleep(2)
    second = Scheduler(app)
    try:
        second.wait_for(LEADS)
        second.wait_for("job dispatch_notifications ran")
        after = stored_next_runs(app)
    finally:
        second.stop()
    for hourly in ("remind_and_mark_loans",):
        assert after[hourly] == before[hourly]
    assert after["dispatch_notifications"] > before["dispatch_notifications"]  # it did run
