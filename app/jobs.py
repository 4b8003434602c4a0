"""The scheduler's jobs: each runs one service function inside the app, and is idempotent.

They are module-level functions so that APScheduler's database job store can name them. A run
that loses the database (a restart, a dropped connection) logs and returns: the job stays
scheduled, its unit of work was rolled back, and the engine replaces its dead connections
(`pool_pre_ping`, app/__init__.py), so the next run works once the database is back.
"""

import logging

from flask import Flask

from app.outages import database_unreachable
from app.scheduler_metrics import METRICS
from app.transactions import unit_of_work
from models import db
from notifications import dispatcher
from notifications.senders import sender_from_config
from services import accounts, bookings, email_verification, erasure, exports, loans, retention
from services.news import publishing, reminders
from services.reports import mailing, snapshots

log = logging.getLogger("palier.jobs")
_app: Flask | None = None
_sender = None


def bind(app: Flask) -> None:
    global _app, _sender
    _app = app
    _sender = sender_from_config(app.config)


def _run(name: str, work):
    """Run one job's work in a unit of work; its result, or None when the database was out of
    reach (logged; the job runs again at its next time)."""
    with _app.app_context():
        try:
            with unit_of_work():
                result = work()
        except Exception as error:
            METRICS.job_ran(name, ok=False)
            if not database_unreachable(error):
                raise  # a bug: APScheduler logs it with its traceback and keeps the job
            log.warning("job %s could not reach the database, runs again later: %s", name, error)
            return None
        finally:
            db.session.remove()
    METRICS.job_ran(name, ok=True)
    log.info("job %s ran: %s", name, result)
    return result


def dispatch_notifications() -> None:
    METRICS.dispatched(_run("dispatch_notifications", lambda: dispatcher.dispatch(_sender)) or {})


def remind_and_mark_loans() -> None:
    _run("remind_and_mark_loans", lambda: (loans.send_due_reminders(), loans.mark_overdue_loans()))


def remind_bookings() -> None:
    _run("remind_bookings", bookings.send_booking_reminders)


def publish_scheduled_posts() -> None:
    _run("publish_scheduled_posts", publishing.publish_due_posts)


def remind_events_and_close_polls() -> None:
    _run(
        "remind_events_and_close_polls",
        lambda: (reminders.send_event_reminders(), reminders.tell_closed_polls()),
    )


def end_expired_sessions() -> None:
    _run("end_expired_sessions", accounts.end_expired_sessions)


def remind_unverified_emails() -> None:
    _run("remind_unverified_emails", email_verification.remind_unverified)


def build_monthly_reports() -> None:
    """Build the monthly reports due, then e-mail each landlord's report of last month, each in
    its own unit of work: an SMTP server that refuses one leaves it unsent, and the others
    sent. Runs on the 1st at 06:00 (Paris), when a scheduler starts leading, and every hour."""
    _run("build_monthly_reports", lambda: len(snapshots.build_due_reports()))
    for report_id in _run("send_monthly_reports", mailing.unsent_reports) or []:
        try:
            _run("send_monthly_report", lambda report_id=report_id: mailing.send_report(report_id))
        except Exception:  # a bug with one report must not keep the others from their readers
            log.exception("monthly report %s not sent", report_id)


def retry_monthly_reports() -> None:
    """A build or an e-mail that failed is tried again within the hour (nothing to do, else)."""
    build_monthly_reports()


def build_exports() -> None:
    """Build the archives members asked for, a few per unit of work, until none waits."""
    while _run("build_exports", exports.build_pending_exports):
        pass


# Each purge does one batch per unit of work (services/retention.py); a run stops after
# MAX_BATCHES of one purge, and the next run goes on.
PURGES = (
    ("purge_notifications", retention.purge_notifications),
    ("purge_revoked_sessions", retention.purge_revoked_sessions),
    ("purge_expired_invite_codes", retention.purge_expired_invite_codes),
    ("purge_closed_deal_messages", retention.purge_closed_deal_messages),
    ("expire_export_archives", exports.expire_archives),
    ("purge_export_requests", exports.purge_requests),
    ("purge_account_links", retention.purge_account_links),
    ("purge_unconfirmed_accounts", erasure.purge_unconfirmed_accounts),
)
MAX_BATCHES = 100


def purge_personal_data() -> None:
    """Apply the retention periods: every purge, batch after batch, until each is done."""
    for name, purge in PURGES:
        for _ in range(MAX_BATCHES):
            if (_run(name, purge) or 0) < retention.BATCH:
                break


# job, seconds between runs (the dispatcher's is a setting: every few seconds).
SCHEDULE = (
    (dispatch_notifications, "SCHEDULER_DISPATCH_SECONDS"),
    (remind_and_mark_loans, 3600),
    (remind_bookings, 300),
    (publish_scheduled_posts, 60),
    (remind_events_and_close_polls, 300),
    (end_expired_sessions, 3600),
    (remind_unverified_emails, 3600),
    (retry_monthly_reports, 3600),
    (build_exports, 60),
    (purge_personal_data, 3600),
)

# Jobs at fixed times of the calendar (Europe/Paris), also run once when a scheduler starts
# leading, so that a time missed while none ran is caught up: the jobs build what is missing.
CALENDAR = ((build_monthly_reports, {"day": 1, "hour": 6, "minute": 0}),)
