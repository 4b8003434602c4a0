"""One unit of work per request, job and command: services compose, the edge commits.

A request that runs two services keeps both or neither; so does a job. Services never commit,
so the first step of a failed request leaves nothing behind.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.transactions import unit_of_work
from models import Listing, Loan, LoanStatus, Notification, Thanks, db
from services import conversations, listings, loans
from services.errors import Conflict, Forbidden
from tests.composition import DRILL
from tests.photos import png_bytes
from tests.world import today


def count(model, *conditions) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_a_request_whose_second_step_fails_leaves_nothing_of_its_first(client, world):
    before = count(Listing)
    # The owner asks to borrow their own object: the second step refuses (403).
    response = client.post(
        f"/test/list-then-lend/{world.users['resident'].id}", headers=world.headers("resident")
    )
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert count(Listing) == before
    assert count(Listing, Listing.title == DRILL["title"]) == 0


def test_a_request_whose_steps_all_succeed_keeps_them_all(client, world):
    neighbour = world.users["solidaire"]
    response = client.post(
        f"/test/list-then-lend/{neighbour.id}", headers=world.headers("resident")
    )
    assert response.status_code == 201, response.json
    listing_id = response.json["listing_id"]
    assert count(Loan, Loan.listing_id == listing_id, Loan.borrower_id == neighbour.id) == 1
    # The owner's notification went into the outbox in the same unit of work.
    loan_id = db.session.scalar(select(Loan.id).where(Loan.listing_id == listing_id))
    key = f"loan_requested:loan:{loan_id}:requested:{world.users['resident'].id}"
    assert count(Notification, Notification.idempotency_key == key) == 1


def test_a_job_that_fails_halfway_keeps_nothing(world):
    resident = world.users["resident"]
    before = count(Listing)
    with pytest.raises(Forbidden), unit_of_work():
        listing = listings.create_listing(resident, {**DRILL, "residence_id": world.home.id})
        loans.request_loan(resident, listing.id, today(), today() + timedelta(days=2))
    assert count(Listing) == before


def test_a_job_that_succeeds_is_committed(world):
    resident = world.users["resident"]
    with unit_of_work():
        listings.create_listing(resident, {**DRILL, "residence_id": world.home.id})
    db.session.rollback()  # nothing left to undo: the unit committed
    assert count(Listing, Listing.title == DRILL["title"]) == 1


def test_services_leave_the_decision_to_the_edge(world):
    resident = world.users["resident"]
    before = count(Listing)
    listing = listings.create_listing(resident, {**DRILL, "residence_id": world.home.id})
    assert listing.id is not None  # flushed: the row exists inside the open transaction
    db.session.rollback()
    assert count(Listing) == before


def test_a_conflict_inside_a_unit_undoes_only_its_own_step(world):
    """Thanks said twice hit a unique index: a savepoint undoes the second only, and the rest
    of the unit (the loan's return, the first thanks) is committed."""
    owner = world.users["resident"]
    with unit_of_work():
        for step in (loans.accept_loan, loans.hand_over_loan, loans.mark_loan_returned):
            step(owner, world.loan.id)
        conversations.thank(owner, conversations.LOAN, world.loan.id, "Merci !")
        with pytest.raises(Conflict):
            conversations.thank(owner, conversations.LOAN, world.loan.id, "Merci encore")
    assert count(Thanks, Thanks.loan_id == world.loan.id) == 1
    assert count(Loan, Loan.id == world.loan.id, Loan.status == LoanStatus.RETURNED) == 1


def test_a_photo_stored_by_a_unit_that_fails_is_removed(world, upload_folder):
    resident = world.users["resident"]
    with pytest.raises(Conflict), unit_of_work():
        listings.add_photo(resident, world.lend.id, png_bytes())
        assert len(list(upload_folder.iterdir())) == 1
        raise Conflict("A later step refuses.")
    assert list(upload_folder.iterdir()) == []


def test_a_photo_removed_is_deleted_from_disk_once_committed(world, upload_folder):
    resident = world.users["resident"]
    with unit_of_work():
        photo = listings.add_photo(resident, world.lend.id, png_bytes())
    stored = upload_folder / photo.filename
    with pytest.raises(Conflict), unit_of_work():
        listings.remove_photo(resident, world.lend.id, photo.id)
        raise Conflict("A later step refuses.")
    assert stored.exists()  # the row is still there, so is its file
    with unit_of_work():
        listings.remove_photo(resident, world.lend.id, photo.id)
    assert not stored.exists()
