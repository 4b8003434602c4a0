"""Routes that only the tests have: one request running two services, as moderation will
(hide a post, then warn its author), which proves that the request's edge keeps both or
neither; two bugs, which must stay 500s when 503 answers a database outage; and a caller that
swallows the error of a connection lost for real, which must still answer 503."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint
from flask_login import login_required
from sqlalchemy.exc import IntegrityError, OperationalError

from app.auth import signed_in_user
from models import User, db
from services import listings, loans
from tests.world import today

DRILL = {"kind": "lend", "category": "tools", "title": "Scie sauteuse", "scope": "residence"}

blp = Blueprint("composition", __name__)


@blp.post("/test/list-then-lend/<int:borrower_id>")
@login_required
def list_then_lend(borrower_id):
    """List an object, then have `borrower_id` ask to borrow it."""
    user = signed_in_user()
    residence_id = user.memberships[0].residence_id
    listing = listings.create_listing(user, {**DRILL, "residence_id": residence_id})
    borrower = db.session.get(User, borrower_id)
    loans.request_loan(borrower, listing.id, today(), today() + timedelta(days=2))
    return {"listing_id": listing.id}, 201


@blp.get("/test/bug/unknown-table")
def query_an_unknown_table():
    """A bug: a query the database refuses (ProgrammingError)."""
    db.session.execute(sa.text("SELECT * FROM no_such_table"))


@blp.post("/test/bug/ignored-flush-error")
@login_required
def ignore_a_flush_error():
    """A bug: a failed flush caught and ignored, then the session used again
    (PendingRollbackError), with the database in good health."""
    user = signed_in_user()
    try:
        db.session.add(User(email=user.email, display_name="Twin", password_hash="x"))
        db.session.flush()
    except IntegrityError:
        pass
    db.session.scalar(sa.select(User.id))


@blp.post("/test/outage/ignored-flush-error")
@login_required
def lose_the_connection_and_go_on():
    """The request's connection is cut (pg_terminate_backend, from another connection) before
    a flush; the failure is caught and ignored, and the broken session used again
    (PendingRollbackError). Only with tests that commit: the test's own connection survives."""
    backend = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    with db.engine.connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:backend)"), {"backend": backend})
    try:
        signed_in_user().display_name = "Lost"
        db.session.flush()
    except OperationalError:
        pass
    db.session.scalar(sa.select(User.id))
