"""The Alembic revisions build exactly the schema the models describe."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.schema_migrations import MIGRATE_OPTIONS
from models import db

ROOT = Path(__file__).resolve().parent.parent


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


def test_revisions_upgrade_a_database_holding_data(app):
    """Each revision upgrades a database in use: data written at the first one survives."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS palier_upgrade"))
        connection.execute(sa.text("CREATE DATABASE palier_upgrade"))
    admin.dispose()
    target = url.set(database="palier_upgrade")
    env = {
        **os.environ,
        "DATABASE_URL": target.render_as_string(hide_password=False),
        "FLASK_APP": "wsgi",
        "PALIER_CONFIG": "development",
    }

    def flask_db(*arguments):
        result = subprocess.run(
            [sys.executable, "-m", "flask", "db", *arguments],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    # Lines read "<base> -> ea9c914c8ea8, message", "ea9c914c8ea8 -> 99fe9b78c61f, ...".
    history = flask_db("history").strip().splitlines()
    assert len(history) > 1, "only one revision"
    first = next(line for line in history if line.startswith("<base>"))
    first = first.split("->")[1].split(",")[0].split()[0]
    flask_db("upgrade", first)
    engine = sa.create_engine(target)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO landlords (name, created_at, updated_at) VALUES ('L', now(), now())"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO residences (landlord_id, name, address, time_zone, footprint, "
                "location, created_at, updated_at) "
                "SELECT id, 'R', 'A', 'Europe/Paris', "
                "ST_Multi(ST_MakeEnvelope(4.8, 45.7, 4.81, 45.71, 4326)), "
                "ST_SetSRID(ST_MakePoint(4.805, 45.705), 4326), now(), now() FROM landlords"
            )
        )
    flask_db("upgrade")
    with engine.connect() as connection:
        assert connection.execute(
            sa.text("SELECT name, solidaires_manage_spaces FROM residences")
        ).one() == ("R", False)
        assert (
            compare_metadata(
                MigrationContext.configure(
                    connection, opts={"include_object": MIGRATE_OPTIONS["include_object"]}
                ),
                db.metadata,
            )
            == []
        )
    engine.dispose()
