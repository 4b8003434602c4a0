"""Races between real connections: what the database guarantees when requests collide."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Loan, LoanStatus, Membership, User, db
from services import accounts
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.commits

NEIGHBOURS = 20


def run_together(calls):
    """Run the calls on as many threads, released at the same instant."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_twenty_neighbours_one_drill_one_winner(app, client):
    world = build_world()
    neighbours = []
    for number in range(NEIGHBOURS):
        user = User(
            email=f"n{number}@test.palier",
            display_name=f"N{number}",
            password_hash=accounts.hash_password(PASSWORD),
        )
        db.session.add_all([user, Membership(user=user, residence=world.home)])
        db.session.flush()
        neighbours.append({"Authorization": f"Bearer {accounts.issue_token(user, 'phone')}"})
    db.session.commit()
    drill, owner = world.lend.id, world.headers("resident")
    start = date.today() + timedelta(days=7)

    def ask(number, headers):
        # Every period overlaps every other one (all contain day 7 + 5).
        body = {
            "starts_on": str(start + timedelta(days=number % 5)),
            "due_on": str(start + timedelta(days=5 + number % 3)),
        }
        return lambda: client.post(f"/api/v1/listings/{drill}/loans", json=body, headers=headers)

    requests = run_together([ask(number, headers) for number, headers in enumerate(neighbours)])
    assert [r.status_code for r in requests] == [201] * NEIGHBOURS
    loan_ids = [r.json["id"] for r in requests]

    accepts = run_together(
        [
            lambda loan_id=loan_id: client.post(f"/api/v1/loans/{loan_id}/accept", headers=owner)
            for loan_id in loan_ids
        ]
    )
    statuses = sorted(r.status_code for r in accepts)
    assert statuses == [200] + [409] * (NEIGHBOURS - 1)
    assert all(r.mimetype == "application/problem+json" for r in accepts if r.status_code == 409)

    db.session.expire_all()
    held = db.session.scalar(
        select(func.count())
        .select_from(Loan)
        .where(Loan.listing_id == drill, Loan.status == LoanStatus.ACCEPTED)
    )
    assert held == 1
    still_requested = db.session.scalar(
        select(func.count())
        .select_from(Loan)
        .where(Loan.listing_id == drill, Loan.status == LoanStatus.REQUESTED)
    )
    assert still_requested == NEIGHBOURS  # the 19 refused ones and the world's own request


def test_the_last_use_of_an_invite_code_goes_to_one_person(app, client):
    world = build_world()
    world.invite.max_uses = 1
    newcomers = []
    for number in range(10):
        user = User(
            email=f"new{number}@test.palier",
            display_name=f"New{number}",
            password_hash=accounts.hash_password(PASSWORD),
        )
        db.session.add(user)
        db.session.flush()
        newcomers.append({"Authorization": f"Bearer {accounts.issue_token(user, 'phone')}"})
    db.session.commit()
    joins = run_together(
        [
            lambda headers=headers: client.post(
                "/api/v1/memberships", json={"code": "HOMECODE"}, headers=headers
            )
            for headers in newcomers
        ]
    )
    assert sorted(r.status_code for r in joins) == [201] + [422] * 9
    db.session.expire_all()
    assert world.invite.uses == 1
