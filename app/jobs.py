"""The scheduler's jobs: each runs one service function inside the app, and is idempotent.

They are module-level functions so that APScheduler's database job store can name them.
"""

import logging

from flask import Flask

from app.scheduler_metrics import METRICS
from app.transactions import unit_of_work
from models import db
from notifications import dispatcher
from notifications.senders import sender_from_config
from services import accounts, bookings, loans
from services.news import publishing, reminders

log = logging.getLogger("palier.jobs")
_app: Flask | None = None
_sender = None


def bind(app: Flask) -> None:
    global _app, _sender
    _app = app
    _sender = sender_from_config(app.config)


def _run(name: str, work):
    with _app.app_context():
        try:
            with unit_of_work():
                result = work()
        except BaseException:
            METRICS.job_ran(name, ok=False)
            raise
        finally:
            db.session.remove()
    METRICS.job_ran(name, ok=True)
    log.info("job %s ran: %s", name, result)
    return result


def dispatch_notifications() -> None:
    METRICS.dispatched(_run("dispatch_notifications", lambda: dispatcher.dispatch(_sender)))


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


# job, seconds between runs (the dispatcher's is a setting: every few seconds).
# The monthly report job will join these with a cron trigger (1st of the month, Europe/Paris).
SCHEDULE = (
    (dispatch_notifications, "SCHEDULER_DISPATCH_SECONDS"),
    (remind_and_mark_loans, 3600),
    (remind_bookings, 300),
    (publish_scheduled_posts, 60),
    (remind_events_and_close_polls, 300),
    (end_expired_sessions, 3600),
)
