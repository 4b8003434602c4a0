"""`flask palier scheduler`: one scheduler for the whole deployment, never in web workers.

On PostgreSQL the process leads only while it holds an advisory lock on a connection of its
own; PostgreSQL frees the lock with that connection. The main thread is one loop:

    while not stopping:
        lock = contend()                       # stand by until the lock is ours
        run_jobs_until_lock_lost(lock)         # a leadership term
        # on a connection error: log, wait (1 s doubling to 30 s), contend again

A term runs a fresh APScheduler `BlockingScheduler` on a thread of its own, while the main
thread checks the lock connection every few seconds and watches for SIGTERM/SIGINT. A term ends:
- when the lock check sees the lock connection lost (a database restart, a killed backend):
  jobs stop firing, since another scheduler may lead now, and the process contends again;
- when APScheduler's loop dies: its job store lives in the same database, and saving a job's
  next run raises when the database is gone (reading the due jobs is retried by APScheduler
  itself); the lock is then released and the process contends again;
- on SIGTERM or SIGINT: the lock is released at once (a standby takes over within
  STANDBY_SECONDS) and the command exits 0.
A fresh scheduler per term is simpler than pausing one: shutting it down stops the firing
and disposes of the job store's engine, and a new term starts from the stored jobs.

Nothing is lost across terms, and two terms never send the same row: jobs are idempotent, a
job that loses the database logs and returns (app/jobs.py), and the dispatcher claims outbox
rows with SKIP LOCKED and commits per batch, so a run still finishing from the previous term
(or in the previous leader, for the seconds before its lock check sees the loss) and one of
the next take different rows. A job run in flight when a term ends finishes on its own (the
process waits for it before exiting). Any other error is a bug and stops the process.

On SQLite (`make run`) there is no lock: one term runs until a signal.

With SCHEDULER_METRICS_PORT, each copy serves its own metrics (whether it leads, its jobs' last
runs: app/scheduler_metrics.py), from before it contends: a spare says it stands by.
"""

import logging
import signal
import threading
import time
from contextlib import suppress
from datetime import datetime, timedelta

import psycopg
import sqlalchemy as sa
from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app import jobs, scheduler_metrics
from app.outages import database_unreachable
from app.scheduler_metrics import METRICS

log = logging.getLogger("palier.scheduler")

LOCK_KEY = 0x50414C49  # "PALI"
STANDBY_SECONDS = 2
LOCK_CHECK_SECONDS = 2
FIRST_RETRY_SECONDS = 1
MAX_RETRY_SECONDS = 30
# libpq settings of the lock connection: give up connecting after a few seconds, and notice a
# silent network (no restart, no reset) within about half a minute.
LOCK_CONNECTION = {
    "autocommit": True,
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}


def run_scheduler(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    jobs.bind(app)
    if app.config["SCHEDULER_METRICS_PORT"]:
        address, port = (
            app.config["SCHEDULER_METRICS_ADDRESS"],
            app.config["SCHEDULER_METRICS_PORT"],
        )
        scheduler_metrics.serve(port, address)
        log.info("scheduler metrics on %s:%s", address, port)
    stopping = Stopping.on_signals()
    backoff = Backoff()
    while not stopping.requested:
        try:
            lock = None if url.startswith("sqlite") else _contend(url, stopping, backoff)
            if stopping.requested:
                break
            try:
                _run_jobs_until_lock_lost(app, url, lock, stopping)
            finally:
                if lock is not None:
                    lock.close()  # releases the lock, if the connection still lives
        except Exception as error:
            if not database_unreachable(error):
                raise
            delay = backoff.next()
            log.warning("database unreachable (%s): contending again in %g s", error, delay)
            stopping.wait(delay)
    log.info("scheduler stopped: the lock is released")


class Stopping:
    """Set by SIGTERM or SIGINT. `wait` sleeps in short steps, so that a signal ends it at once
    (a signal handler must not take the lock a `threading.Event` waiter may hold)."""

    STEP = 0.1

    def __init__(self):
        self.requested = False

    @classmethod
    def on_signals(cls) -> "Stopping":
        stopping = cls()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, stopping._request)
        return stopping

    def _request(self, signum, frame) -> None:
        self.requested = True

    def wait(self, seconds: float) -> bool:
        """Sleep for `seconds` or until stopping is requested; says whether it is."""
        deadline = time.monotonic() + seconds
        while not self.requested and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(self.STEP, left))
        return self.requested


class Backoff:
    """Seconds to wait before the next attempt: 1, 2, 4, ... capped at 30; reset on success."""

    def __init__(self, first: float = FIRST_RETRY_SECONDS, cap: float = MAX_RETRY_SECONDS):
        self.first, self.cap = first, cap
        self.reset()

    def reset(self) -> None:
        self._next = self.first

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self.cap)
        return delay


def _contend(url: str, stopping: Stopping, backoff: Backoff) -> psycopg.Connection | None:
    """Stand by until this process holds the lock; None if stopping was requested first."""
    connection = psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), **LOCK_CONNECTION
    )
    backoff.reset()  # the database answers again
    try:
        waiting = False
        while not connection.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
            if not waiting:
                log.info("another scheduler has the lead: standing by")
                waiting = True
            if stopping.wait(STANDBY_SECONDS):
                connection.close()
                return None
    except BaseException:
        connection.close()
        raise
    log.info("scheduler has the lead (lock connection pid %s)", connection.info.backend_pid)
    return connection


def _run_jobs_until_lock_lost(
    app: Flask, url: str, lock: psycopg.Connection | None, stopping: Stopping
) -> None:
    """One leadership term; raises the error that ended APScheduler's loop, if one did."""
    term = _Term(app, url)
    METRICS.set_leader(True)
    try:
        while not stopping.wait(LOCK_CHECK_SECONDS):
            if not term.running():
                raise term.error or RuntimeError("the scheduler's loop ended by itself")
            if lock is not None and not _still_connected(lock):
                log.error("lost the lock connection: jobs stop, another scheduler may lead now")
                return
    finally:
        METRICS.set_leader(False)
        term.end()


def _still_connected(lock: psycopg.Connection) -> bool:
    try:
        lock.execute("SELECT 1")
    except Exception as error:
        if not database_unreachable(error):
            raise
        return False
    return True


class _Term:
    """A fresh BlockingScheduler with the jobs of app/jobs.py, on a thread of its own."""

    def __init__(self, app: Flask, url: str):
        self.store = SQLAlchemyJobStore(
            url=url,
            tablename="scheduler_jobs",
            # A connection left over from before a database restart is replaced, not used.
            engine_options={"pool_pre_ping": not url.startswith("sqlite")},
        )
        self.scheduler = BlockingScheduler(
            jobstores={"default": self.store},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
            timezone="Europe/Paris",
            jobstore_retry_interval=LOCK_CHECK_SECONDS,
        )
        for job, every in jobs.SCHEDULE:
            seconds = app.config[every] if isinstance(every, str) else every
            timing = {"seconds": seconds}
            due = self._stored_next_run(job.__name__, seconds)
            if due is not None:
                timing["next_run_time"] = due
            self.scheduler.add_job(
                job, "interval", id=job.__name__, replace_existing=True, **timing
            )
        for job, when in jobs.CALENDAR:
            self.scheduler.add_job(job, "cron", id=job.__name__, replace_existing=True, **when)
            # And once now: a 1st of the month spent without a scheduler is caught up at once.
            self.scheduler.add_job(job, id=f"{job.__name__}_catch_up", replace_existing=True)
        self.error: Exception | None = None
        self._ending = False
        # end() may come while start() still runs: the scheduler then stops as it starts.
        self.scheduler.add_listener(self._started, EVENT_SCHEDULER_STARTED)
        self._thread = threading.Thread(target=self._run, name="palier-jobs", daemon=True)
        self._thread.start()

    def _stored_next_run(self, job_id: str, seconds: int) -> datetime | None:
        """When a job whose interval has not changed is next due, as the previous term stored
        it: a change of leader must not push an hourly job back by an hour each time."""
        if not sa.inspect(self.store.engine).has_table(self.store.jobs_t.name):
            return None
        stored = self.store.lookup_job(job_id)
        if stored is None or stored.trigger.interval != timedelta(seconds=seconds):
            return None
        return stored.next_run_time

    def _run(self) -> None:
        try:
            self.scheduler.start()  # adds the jobs to the store, then loops until shut down
        except Exception as error:
            self.error = error

    def _started(self, event) -> None:
        if self._ending:
            self._shutdown()
        else:
            log.info("scheduler running")

    def running(self) -> bool:
        return self._thread.is_alive()

    def end(self, patience: float = 5) -> None:
        """Stop firing jobs (runs in flight finish on their own) and close the job store."""
        self._ending = True
        deadline = time.monotonic() + patience
        while self._thread.is_alive() and time.monotonic() < deadline:
            self._shutdown()
            self._thread.join(Stopping.STEP)
        _close(self.store)

    def _shutdown(self) -> None:
        with suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)


def _close(store: BaseJobStore) -> None:
    with suppress(Exception):  # its database may be gone: there is nothing left to release
        store.shutdown()
