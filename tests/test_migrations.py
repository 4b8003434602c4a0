"""The Alembic revisions build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.schema_migrations import MIGRATE_OPTIONS
from models import db


def differences(connection):
    context = MigrationContext.configure(
        connection,
        opts={
            "include_object": MIGRATE_OPTIONS["include_object"],
            "compare_type": MIGRATE_OPTIONS["compare_type"],
        },
    )
    return compare_metadata(context, db.metadata)


def test_autogenerate_finds_nothing_left_to_do_on_postgis():
    # The session's database was built by `flask db upgrade` (see conftest).
    assert differences(db.session.connection()) == []


def test_database_holds_the_invariants(world):
    constraints = {
        row[0]
        for row in db.session.execute(
            db.text(
                "SELECT conname FROM pg_constraint "
                "WHERE conrelid::regclass::text IN ('users', 'invite_codes', 'memberships')"
            )
        )
    }
    assert {
        "ck_users_email_lowercase",
        "uq_users_email",
        "ck_invite_codes_uses_within_max",
        "uq_memberships_user_id_residence_id",
    } <= constraints
