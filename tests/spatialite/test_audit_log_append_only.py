"""The audit log is append-only on the embedded database too: the triggers that the migration
2c47bf9ab89e creates on SQLite refuse UPDATE and DELETE on `audit_entries`, whichever way they
come (the ORM, a bulk statement, raw SQL). SQLite has no TRUNCATE (its `DELETE FROM` without a
WHERE, refused here, stands for it).

The app itself writes and tries: built from the environment with the development settings on
the SpatiaLite file that `flask db upgrade` made, in a process of its own. Each attempt is
committed, or rolled back when refused; the entry is read back at the end through a connection
of its own.
"""

import json

from tests.spatialite.embedded import run_script

APPEND_ONLY_CHECK = """
import json

import sqlalchemy as sa

from app import create_app
from models import db
from models.moderation import AuditAction, AuditEntry, TargetKind

ROW = "SELECT action, reason, details FROM audit_entries WHERE id = :id"
app = create_app()
results = {}


def attempt(name, change):
    try:
        change()
        db.session.commit()
    except sa.exc.DBAPIError as error:
        db.session.rollback()
        results[name] = [type(error).__name__, str(error.orig)]
    else:
        results[name] = "accepted"


with app.app_context():
    results["dialect"] = db.engine.dialect.name
    results["spatialite"] = db.session.scalar(sa.text("SELECT spatialite_version()")) is not None
    entry = AuditEntry(
        action=AuditAction.WARN,
        target_kind=TargetKind.COMMENT,
        target_id=12,
        reason="Propos déplacés",
        details={"case_id": 3},
    )
    db.session.add(entry)
    db.session.commit()
    entry_id = entry.id

    def orm_update():
        db.session.get(AuditEntry, entry_id).reason = "Effacé"
        db.session.flush()

    def orm_delete():
        db.session.delete(db.session.get(AuditEntry, entry_id))
        db.session.flush()

    attempt("orm_update", orm_update)
    attempt(
        "bulk_update",
        lambda: db.session.execute(
            sa.update(AuditEntry).where(AuditEntry.id == entry_id).values(reason="Effacé")
        ),
    )
    attempt(
        "raw_update",
        lambda: db.session.execute(
            sa.text("UPDATE audit_entries SET reason = 'Effacé' WHERE id = :id"), {"id": entry_id}
        ),
    )
    attempt(
        "raw_delete",
        lambda: db.session.execute(
            sa.text("DELETE FROM audit_entries WHERE id = :id"), {"id": entry_id}
        ),
    )
    attempt("raw_delete_all", lambda: db.session.execute(sa.text("DELETE FROM audit_entries")))
    attempt("orm_delete", orm_delete)
    attempt(
        "insert",
        lambda: db.session.add(AuditEntry(action=AuditAction.HOLD, reason="Mot filtré")),
    )
    db.session.remove()
    with db.engine.connect() as connection:
        action, reason, details = connection.execute(sa.text(ROW), {"id": entry_id}).one()
        results["stored"] = [action, reason, json.loads(details)]
        since = sa.text("SELECT count(*) FROM audit_entries WHERE id >= :id")
        results["entries"] = connection.scalar(since, {"id": entry_id})
print(json.dumps(results))
"""


def test_the_embedded_database_refuses_to_change_or_delete_an_audit_entry(environment):
    results = json.loads(run_script(environment, APPEND_ONLY_CHECK))
    assert results["dialect"] == "sqlite" and results["spatialite"]
    for attempt in ("orm_update", "bulk_update", "raw_update", "raw_delete", "raw_delete_all"):
        assert results[attempt] == ["IntegrityError", "audit_entries is append-only"], attempt
    assert results["orm_delete"] == ["IntegrityError", "audit_entries is append-only"]
    assert results["stored"] == ["warn", "Propos déplacés", {"case_id": 3}]
    # Appending still works: the entry and the one added after the refusals.
    assert results["insert"] == "accepted"
    assert results["entries"] == 2
