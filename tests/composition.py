"""A route that only the tests have: one request running two services, as moderation will
(hide a post, then warn its author). It proves that the request's edge keeps both or neither."""

from datetime import timedelta

from flask import Blueprint
from flask_login import login_required

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
