"""Fixtures: a real PostgreSQL + PostGIS database, built by the migrations, one transaction a test.

`make test` starts a throwaway cluster and sets TEST_DATABASE_URL; the schema is rebuilt from
the Alembic revisions at the start of the session, and each test is rolled back at its end.
"""

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session

from app.extensions import limiter
from models import db
from tests.session_app import session_app
from tests.smtp import Mailbox, smtp_server
from tests.world import World, build_world


@pytest.fixture(scope="session")
def app():
    app = session_app()
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return app


class ConnectionBoundSession(Session):
    """Flask-SQLAlchemy picks the engine itself; here every session uses the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def isolated_database(app, request):
    """Run the test inside a transaction that is rolled back, whatever the code commits.

    Tests marked `commits` (races between connections) really commit; every table is
    emptied after them instead.
    """
    if request.node.get_closest_marker("commits"):
        with app.app_context():
            limiter.reset()
            yield
            db.session.remove()
            tables = ", ".join(table.name for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                # The audit log refuses TRUNCATE to everyone but a superuser who turns its
                # trigger off for this transaction: the test cluster's owner is one.
                connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
                connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original_session = db.session
        db.session = db._make_scoped_session(
            {
                "class_": ConnectionBoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        limiter.reset()
        try:
            yield connection
        finally:
            db.session.remove()
            db.session = original_session
            transaction.rollback()
            connection.close()


class OwnContextClient(FlaskClient):
    """Gives each request its own app context, as in production: its own `g` (so Flask-Login
    looks the caller up again) and its own database session, sharing the test's transaction."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = OwnContextClient
    return app.test_client()


@pytest.fixture
def world(app) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    """Each test stores photos in a folder of its own."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture(scope="session")
def fake_fcm():
    from firebase_admin import messaging

    from tests.fake_fcm import FakeFcm, trust

    fake = FakeFcm()
    # Read by each sender when it is made: set before.
    messaging._MessagingService.FCM_URL = fake.url + "/v1/projects/{0}/messages:send"
    trust(fake.trust_store)  # the scheduler processes of tests/test_scheduler.py inherit it
    return fake


@pytest.fixture
def fcm(fake_fcm):
    """The real FCM sender (firebase-admin's messages, google-auth's access token, TLS), pointed
    at the fake server, which starts afresh."""
    from notifications.senders import FcmSender

    fake_fcm.reset()
    if not hasattr(fake_fcm, "sender"):
        fake_fcm.sender = FcmSender(fake_fcm.service_account())
    return fake_fcm


@pytest.fixture
def mailbox(app) -> Mailbox:
    """A real SMTP server on 127.0.0.1 that receives the app's e-mails (tests/smtp.py)."""
    with smtp_server(app) as received:
        yield received
