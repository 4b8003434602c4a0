"""`flask palier scheduler`: one scheduler for the whole deployment, never in web workers.

On PostgreSQL it first takes an advisory lock on a connection of its own. A second copy,
started by mistake or as a spare, stands by and takes over within seconds when the first
dies (PostgreSQL frees the lock with its connection). A scheduler that loses its lock
connection stops at once: another one may already have the lead. With SCHEDULER_METRICS_PORT,
each copy serves its own metrics (whether it leads, its jobs' last runs: app/scheduler_metrics.py).
"""

import logging
import sys
import time

import psycopg
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app import jobs, scheduler_metrics
from app.scheduler_metrics import METRICS

log = logging.getLogger("palier.scheduler")

LOCK_KEY = 0x50414C49  # "PALI"
STANDBY_SECONDS = 2
LOCK_CHECK_SECONDS = 2


def run_scheduler(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    jobs.bind(app)
    if app.config["SCHEDULER_METRICS_PORT"]:
        # Before the lock: a spare says it stands by.
        scheduler_metrics.serve(
            app.config["SCHEDULER_METRICS_PORT"], app.config["SCHEDULER_METRICS_ADDRESS"]
        )
        log.info(
            "scheduler metrics on %s:%s",
            app.config["SCHEDULER_METRICS_ADDRESS"],
            app.config["SCHEDULER_METRICS_PORT"],
        )
    lock = None if url.startswith("sqlite") else _take_the_lead(url)
    METRICS.set_leader(True)
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=url, tablename="scheduler_jobs")},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
        timezone="Europe/Paris",
    )
    for job, every in jobs.SCHEDULE:
        seconds = app.config[every] if isinstance(every, str) else every
        scheduler.add_job(job, "interval", seconds=seconds, id=job.__name__, replace_existing=True)
    if lock is not None:
        # The watchdog holds live objects: it lives in memory, not in the database store.
        scheduler.add_jobstore("memory", alias="memory")
        scheduler.add_job(
            _check_lock,
            "interval",
            seconds=LOCK_CHECK_SECONDS,
            args=[lock, scheduler],
            id="check_lock",
            jobstore="memory",
        )
    log.info("scheduler running")
    scheduler.start()
    if lock is not None and lock.closed:
        sys.exit(1)


def _take_the_lead(url: str) -> psycopg.Connection:
    connection = psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    )
    waiting = False
    while not connection.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
        if not waiting:
            log.info("another scheduler has the lead: standing by")
            waiting = True
        time.sleep(STANDBY_SECONDS)
    log.info("scheduler has the lead (lock connection pid %s)", connection.info.backend_pid)
    return connection


def _check_lock(connection: psycopg.Connection, scheduler: BlockingScheduler) -> None:
    try:
        connection.execute("SELECT 1")
    except psycopg.Error:
        log.error("lost the lock connection: stopping, another scheduler may lead now")
        METRICS.set_leader(False)
        connection.close()
        scheduler.shutdown(wait=False)
