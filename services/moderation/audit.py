"""The audit log: every moderation action, role change, membership change and suspension, written
in the same unit of work as the change itself. The database refuses to alter or delete an entry."""

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import AuditAction, AuditEntry, TargetKind, User, db
from services import scoping
from services.csv_export import csv_safe
from services.pagination import Page, paginate
from services.profiles import public_name

CSV_COLUMNS = (
    "id",
    "created_at",
    "action",
    "actor_id",
    "actor",
    "target_kind",
    "target_id",
    "subject_id",
    "subject",
    "reason",
    "details",
)


def record(
    action: AuditAction,
    *,
    actor: User | None,
    residence_id: int | None,
    reason: str,
    target_kind: TargetKind | None = None,
    target_id: int | None = None,
    subject_id: int | None = None,
    details: dict | None = None,
) -> AuditEntry:
    """Add an entry; `actor` None means the platform itself (auto-hide, word filter)."""
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor else None,
        residence_id=residence_id,
        reason=reason,
        target_kind=target_kind,
        target_id=target_id,
        subject_id=subject_id,
        details=details or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _entries(user: User, residence_id: int):
    residence = scoping.get_managed_residence(user, residence_id)
    return (
        select(AuditEntry)
        .where(AuditEntry.residence_id == residence.id)
        .options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject))
    )


def audit_log(user: User, residence_id: int, cursor: str | None, limit: int | None) -> Page:
    """A residence's entries, newest first: for its landlord's staff."""
    return paginate(_entries(user, residence_id), [AuditEntry.id], cursor, limit, descending=True)


def audit_log_csv(user: User, residence_id: int) -> str:
    """The whole log of a residence as CSV, oldest first."""
    query = _entries(user, residence_id).order_by(AuditEntry.id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in db.session.scalars(query):
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    entry.id,
                    entry.created_at.isoformat(),
                    entry.action.value,
                    entry.actor_id or "",
                    public_name(entry.actor) if entry.actor else "",
                    entry.target_kind.value if entry.target_kind else "",
                    entry.target_id or "",
                    entry.subject_id or "",
                    public_name(entry.subject) if entry.subject else "",
                    entry.reason,
                    _details(entry.details),
                )
            ]
        )
    return buffer.getvalue()


def _details(details: dict) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted(details.items()))
