"""The dispatcher: sends pending outbox rows and records what happened.

Rows are claimed with FOR UPDATE SKIP LOCKED inside one transaction, so dispatchers running at
once never take the same row; if a dispatcher dies mid-run its transaction rolls back and the
rows it held stay pending: only the batch in flight can be sent twice, and every copy carries
the same message id for the app to drop the duplicate.

A batch is read and recorded in a few statements whatever its size (rows as plain tuples, not
ORM objects; deliveries in one multi-row INSERT; the rows' new states in one UPDATE per
outcome): an alert to a residence is thousands of rows.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, insert, select, update

from models import (
    Delivery,
    Device,
    Membership,
    MembershipStatus,
    Notification,
    NotificationPreferences,
    NotificationStatus,
    Residence,
    db,
)
from models.base import utcnow
from notifications.preferences import DEFAULT_QUIET, quiet_until, wanted
from notifications.senders import MAX_TOKENS, Outgoing

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)
DEFAULT_ZONE = "Europe/Paris"
# Kinds where a newer message replaces an older one on the phone (a conversation).
COLLAPSING = {"message"}


def dispatch(
    sender, now: datetime | None = None, batch_rows: int = 500, first_retry=FIRST_RETRY
) -> dict:
    """Send everything that is due, a batch of rows per transaction; returns counts by outcome."""
    now = now or utcnow()
    counts: dict[str, int] = defaultdict(int)
    while True:
        rows = db.session.execute(
            select(
                Notification.id,
                Notification.recipient_id,
                Notification.kind,
                Notification.payload,
                Notification.idempotency_key,
                Notification.urgent,
                Notification.attempts,
                Notification.read_at,
            )
            .where(
                Notification.status == NotificationStatus.PENDING, Notification.not_before <= now
            )
            .order_by(Notification.id)
            .limit(batch_rows)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            db.session.commit()
            break
        _dispatch_batch(sender, rows, now, first_retry, counts)
        db.session.commit()  # the batch is recorded: only the next one can be in flight
    if counts:
        log.info(
            "dispatch: %s", ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        )
    return dict(counts)


def _dispatch_batch(sender, rows, now, first_retry, counts) -> None:
    recipients = {row.recipient_id for row in rows}
    preferences = {
        p.user_id: p
        for p in db.session.execute(
            select(
                NotificationPreferences.user_id,
                NotificationPreferences.categories,
                NotificationPreferences.quiet_hours,
                NotificationPreferences.quiet_start_min,
                NotificationPreferences.quiet_end_min,
            ).where(NotificationPreferences.user_id.in_(recipients))
        )
    }
    # Quiet hours (read in each member's time zone) never hold an urgent alert.
    zones = _zones({row.recipient_id for row in rows if not row.urgent})
    devices: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for device_id, user_id, token in db.session.execute(
        select(Device.id, Device.user_id, Device.token).where(Device.user_id.in_(recipients))
    ):
        devices[user_id].append((device_id, token))

    record = _Record(now, first_retry)
    groups: dict[tuple, list] = defaultdict(list)
    for row in rows:
        if row.read_at is not None:  # read in the app's inbox before push could send it
            record.finish(row, NotificationStatus.DROPPED, "read in the app", row.attempts)
            counts["dropped"] += 1
            continue
        choice = preferences.get(row.recipient_id)
        if not wanted(choice.categories if choice else None, row.kind):
            record.finish(
                row, NotificationStatus.DROPPED, "switched off by the member", row.attempts
            )
            counts["dropped"] += 1
            continue
        if not row.urgent and (choice is None or choice.quiet_hours):
            start, end = (choice.quiet_start_min, choice.quiet_end_min) if choice else DEFAULT_QUIET
            until = quiet_until(
                start, end, ZoneInfo(zones.get(row.recipient_id, DEFAULT_ZONE)), now
            )
            if until is not None:
                record.hold(row, until)
                counts["held"] += 1
                continue
        if not devices[row.recipient_id]:
            record.finish(row, NotificationStatus.DROPPED, "no device", row.attempts)
            counts["dropped"] += 1
            continue
        payload = row.payload
        message_id = row.idempotency_key.rsplit(":", 1)[0]
        groups[
            (message_id, payload["title"], payload["body"], payload["link"], row.urgent, row.kind)
        ].append(row)

    for (message_id, title, body, link, urgent, kind), members in groups.items():
        message = Outgoing(
            message_id, title, body, link, urgent, link if kind in COLLAPSING else None
        )
        _send_group(sender, message, members, devices, counts, record)
    record.write()


def notification_stats(now: datetime | None = None, landlord_ids: list[int] | None = None) -> dict:
    """Counts by status over the last 24 hours, and how long the oldest pending row has waited.

    With `landlord_ids`, only notifications to members of those landlords' residences count;
    without, the whole platform's (platform admins, the command line).
    """
    now = now or utcnow()
    conditions = []
    if landlord_ids is not None:
        members = (
            select(Membership.user_id)
            .join(Residence, Residence.id == Membership.residence_id)
            .where(Residence.landlord_id.in_(landlord_ids))
        )
        conditions.append(Notification.recipient_id.in_(members))
    by_status = dict(
        db.session.execute(
            select(Notification.status, func.count())
            .where(Notification.created_at >= now - timedelta(hours=24), *conditions)
            .group_by(Notification.status)
        ).all()
    )
    oldest = db.session.scalar(
        select(func.min(Notification.created_at)).where(
            Notification.status == NotificationStatus.PENDING, *conditions
        )
    )
    return {
        "last_24_hours": {status.value: by_status.get(status, 0) for status in NotificationStatus},
        "oldest_pending_seconds": int((now - oldest).total_seconds()) if oldest else None,
    }


def outbox_backlog(now: datetime | None = None) -> dict:
    """The pending rows, in one query on the pending index: how many, how many are due (not
    held by quiet hours), the oldest one's age and how long the oldest due one has waited."""
    now = now or utcnow()
    due = Notification.not_before <= now
    pending, due_count, oldest, oldest_due = db.session.execute(
        select(
            func.count(),
            func.count().filter(due),
            func.min(Notification.created_at),
            func.min(Notification.not_before).filter(due),
        ).where(Notification.status == NotificationStatus.PENDING)
    ).one()
    return {
        "pending": pending,
        "due": due_count,
        "oldest_pending_seconds": max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        "oldest_due_seconds": max((now - oldest_due).total_seconds(), 0.0) if oldest_due else 0.0,
    }


def _send_group(sender, message, members, devices, counts, record) -> None:
    targets = [(device, row) for row in members for device in devices[row.recipient_id]]
    results: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(targets), MAX_TOKENS):
        chunk = targets[start : start + MAX_TOKENS]
        outcomes = sender.send(message, [token for (_, token), _ in chunk])
        for ((device_id, _), row), outcome in zip(chunk, outcomes, strict=True):
            results[row.id].add(outcome.result)
            record.delivery(row.id, device_id, outcome)
            counts[outcome.result] += 1
    for row in members:
        record.attempted(row, results[row.id])


class _Record:
    """What a batch did, written at its end in a few statements."""

    def __init__(self, now: datetime, first_retry: timedelta):
        self.now, self.first_retry = now, first_retry
        self.deliveries: list[dict] = []
        self.dead_devices: list[int] = []
        self.sent: list[int] = []
        self.held: list[dict] = []  # quiet hours: pending until they end
        self.retried: list[dict] = []  # pending again, after a backoff
        self.finished: list[dict] = []  # dropped or failed, and why

    def delivery(self, notification_id: int, device_id: int | None, outcome) -> None:
        self.deliveries.append(
            {
                "notification_id": notification_id,
                # the device is deleted: its deliveries keep the outcome
                "device_id": None if outcome.result == "dead_token" else device_id,
                "outcome": outcome.result,
                "error_code": outcome.error_code,
            }
        )
        if outcome.result == "dead_token":
            self.dead_devices.append(device_id)

    def hold(self, row, until: datetime) -> None:
        self.held.append({"row_id": row.id, "not_before": until})

    def finish(self, row, status: NotificationStatus, error: str, attempts: int) -> None:
        self.finished.append(
            {"row_id": row.id, "status": status, "error": error, "attempts": attempts}
        )

    def attempted(self, row, outcome: set[str]) -> None:
        attempts = row.attempts + 1
        if "sent" in outcome:
            self.sent.append(row.id)
        elif "retry" in outcome and attempts < MAX_ATTEMPTS:
            self.retried.append(
                {
                    "row_id": row.id,
                    "not_before": self.now + self.first_retry * 2 ** (attempts - 1),
                    "attempts": attempts,
                    "error": "will retry",
                }
            )
        else:
            self.finish(row, NotificationStatus.FAILED, ", ".join(sorted(outcome)), attempts)

    def write(self) -> None:
        if self.deliveries:
            db.session.execute(insert(Delivery), self.deliveries)
        if self.dead_devices:
            db.session.execute(delete(Device).where(Device.id.in_(self.dead_devices)))
        if self.sent:
            db.session.execute(
                update(Notification)
                .where(Notification.id.in_(self.sent))
                .values(
                    status=NotificationStatus.SENT,
                    last_error=None,
                    sent_at=self.now,
                    attempts=Notification.attempts + 1,
                ),
                execution_options={"synchronize_session": False},
            )
        table = Notification.__table__
        for values, rows in (
            ({"not_before": bindparam("not_before")}, self.held),
            (
                {
                    "not_before": bindparam("not_before"),
                    "attempts": bindparam("attempts"),
                    "last_error": bindparam("error"),
                },
                self.retried,
            ),
            (
                {
                    "status": bindparam("status"),
                    "attempts": bindparam("attempts"),
                    "last_error": bindparam("error"),
                },
                self.finished,
            ),
        ):
            if rows:  # one statement, executed for each row
                db.session.connection().execute(
                    update(table).where(table.c.id == bindparam("row_id")).values(values), rows
                )


def _zones(recipients: set[int]) -> dict[int, str]:
    """Each member's time zone: that of their (first) residence."""
    if not recipients:
        return {}
    rows = db.session.execute(
        select(Membership.user_id, Residence.time_zone)
        .join(Residence, Residence.id == Membership.residence_id)
        .where(Membership.user_id.in_(recipients), Membership.status == MembershipStatus.ACTIVE)
        .order_by(Membership.id)
    )
    zones: dict[int, str] = {}
    for user_id, zone in rows:
        zones.setdefault(user_id, zone)
    return zones
