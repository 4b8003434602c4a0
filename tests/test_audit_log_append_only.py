"""The audit log is append-only in the database itself (triggers of the migration 2c47bf9ab89e):
whatever code path tries, an entry once written cannot be changed, deleted or truncated away.

On PostgreSQL here; on SQLite/SpatiaLite in tests/spatialite/test_audit_log_append_only.py.
Each refused statement runs in a savepoint, so that the test's transaction goes on after it.
"""

import pytest
import sqlalchemy as sa

from models import db
from models.moderation import AuditAction, AuditEntry, TargetKind

# The SQLSTATE the trigger raises: insufficient_privilege.
REFUSED = "42501"


@pytest.fixture
def entry(world):
    row = AuditEntry(
        residence_id=world.home.id,
        actor_id=world.users["solidaire"].id,
        subject_id=world.users["resident"].id,
        action=AuditAction.HIDE,
        target_kind=TargetKind.LISTING,
        target_id=world.lend.id,
        reason="Annonce en double",
        details={"case_id": 7},
    )
    db.session.add(row)
    db.session.flush()
    return row


def stored(entry_id: int):
    """The entry as the database has it, read with plain SQL (not from the session's map)."""
    return db.session.execute(
        sa.text("SELECT action, reason, details FROM audit_entries WHERE id = :id"),
        {"id": entry_id},
    ).one_or_none()


def refused(attempt) -> None:
    """`attempt` fails in a savepoint, with the trigger's error."""
    with pytest.raises(sa.exc.DBAPIError) as error, db.session.begin_nested():
        attempt()
    assert error.value.orig.sqlstate == REFUSED, error.value
    assert "audit_entries is append-only" in str(error.value.orig)


def test_entries_are_written_and_read(entry, world):
    second = AuditEntry(action=AuditAction.HOLD, reason="Liste de mots du bailleur")
    db.session.add(second)
    db.session.flush()
    assert stored(entry.id) == ("hide", "Annonce en double", {"case_id": 7})
    assert stored(second.id) == ("hold", "Liste de mots du bailleur", {})


def test_an_orm_change_is_refused(entry):
    def rewrite():
        entry.reason = "Rien à signaler"
        db.session.flush()

    refused(rewrite)
    assert stored(entry.id).reason == "Annonce en double"
    assert entry.reason == "Annonce en double"  # the savepoint's rollback expired the change


def test_an_orm_bulk_update_is_refused(entry):
    refused(
        lambda: db.session.execute(
            sa.update(AuditEntry).where(AuditEntry.id == entry.id).values(reason="Effacé")
        )
    )
    assert stored(entry.id).reason == "Annonce en double"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET reason = 'Effacé' WHERE id = :id",
        "UPDATE audit_entries SET details = '{}'",
        "DELETE FROM audit_entries WHERE id = :id",
        "DELETE FROM audit_entries",
        "TRUNCATE audit_entries",
    ],
)
def test_raw_sql_is_refused(entry, statement):
    refused(lambda: db.session.execute(sa.text(statement), {"id": entry.id}))
    assert stored(entry.id) == ("hide", "Annonce en double", {"case_id": 7})


def test_an_orm_delete_is_refused(entry):
    def remove():
        db.session.delete(entry)
        db.session.flush()

    refused(remove)
    assert stored(entry.id) == ("hide", "Annonce en double", {"case_id": 7})
    assert entry in db.session  # back in the session after the savepoint's rollback


def test_a_delete_that_touches_no_row_is_refused_all_the_same(entry):
    # A statement-level trigger: the statement is refused whatever it would touch.
    refused(lambda: db.session.execute(sa.text("DELETE FROM audit_entries WHERE id = -1")))
