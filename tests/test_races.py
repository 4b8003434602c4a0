"""Races between real connections: what the database guarantees when requests collide."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from models import (
    ApiToken,
    AuditAction,
    AuditEntry,
    Booking,
    BookingStatus,
    Comment,
    Device,
    Loan,
    LoanStatus,
    Membership,
    ModerationCase,
    Notification,
    NotificationStatus,
    Post,
    Report,
    User,
    Visibility,
    db,
)
from notifications import dispatcher, outbox
from services import accounts
from services.local_time import wall_clock
from services.news import publishing
from tests.world import PARIS, PASSWORD, build_world, today

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
    neighbours = members_of(world, NEIGHBOURS, "n")
    drill, owner = world.lend.id, world.headers("resident")
    start = today() + timedelta(days=7)

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


def members_of(world, count, prefix):
    """`count` new members of the world's home residence, with their bearer headers."""
    headers = []
    for number in range(count):
        user = User(
            email=f"{prefix}{number}@test.palier",
            display_name=f"{prefix}{number}",
            password_hash=accounts.hash_password(PASSWORD),
        )
        db.session.add_all([user, Membership(user=user, residence=world.home)])
        db.session.flush()
        headers.append({"Authorization": f"Bearer {accounts.issue_token(user, 'phone')}"})
    db.session.commit()
    return headers


@pytest.mark.parametrize(
    "slots",
    [
        pytest.param(lambda n: (10 * 60, 12 * 60), id="same slot"),
        pytest.param(
            lambda n: (9 * 60 + 30 * (n % 4), 11 * 60 + 30 * (n % 4)), id="partly overlapping"
        ),
        # Back to back, 10:00-11:00 and 11:00-12:00: only the 30 min of cleaning clash.
        pytest.param(
            lambda n: (10 * 60, 11 * 60) if n % 2 else (11 * 60, 12 * 60), id="through the buffer"
        ),
    ],
)
def test_fifty_members_one_room_one_winner(app, client, slots):
    world = build_world()
    people = members_of(world, 50, "m")
    day = today() + timedelta(days=12)
    url = f"/api/v1/spaces/{world.room.id}/bookings"

    def clock(minutes):
        return wall_clock(day, minutes, PARIS).isoformat()

    def book(number, headers):
        start, end = slots(number)
        body = {"starts_at": clock(start), "ends_at": clock(end), "purpose": "Fête"}
        return lambda: client.post(url, json=body, headers=headers)

    answers = run_together([book(number, headers) for number, headers in enumerate(people)])
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * 49, statuses
    db.session.expire_all()
    confirmed = db.session.scalar(
        select(func.count())
        .select_from(Booking)
        .where(
            Booking.space_id == world.room.id,
            Booking.status == BookingStatus.CONFIRMED,
            Booking.starts_at >= datetime.fromisoformat(clock(0)),
        )
    )
    assert confirmed == 1


def alert_to_many(world, count):
    """`count` members of the home residence, a phone each, and one alert for all of them."""
    db.session.execute(
        sa.text(
            "INSERT INTO users (email, password_hash, display_name, locale, is_platform_admin, "
            "created_at, updated_at) "
            "SELECT 'p' || g || '@push.palier', 'x', 'P' || g, 'fr', false, now(), now() "
            "FROM generate_series(1, :count) AS g"
        ),
        {"count": count},
    )
    users = db.session.scalars(select(User).where(User.email.like("%@push.palier"))).all()
    db.session.add_all(
        Device(user_id=user.id, token=f"phone-{user.id}", platform="android") for user in users
    )
    outbox.enqueue(
        users,
        "alert",
        {"title": "Eau coupée"},
        key="alert:post:1",
        link="palier://posts/1",
        urgent=True,
    )
    db.session.commit()
    return users


def test_two_dispatchers_never_send_a_row_twice(app, fcm):
    world = build_world()
    db.session.execute(sa.delete(Notification).where(Notification.kind != "alert"))
    users = alert_to_many(world, 5000)

    def run_dispatcher():
        with app.app_context():
            return dispatcher.dispatch(fcm.sender, batch_rows=250)

    results = run_together([run_dispatcher, run_dispatcher])
    assert sum(result.get("sent", 0) for result in results) == 5000
    assert all(result.get("sent", 0) > 0 for result in results), results  # both took part
    tokens = [message["token"] for message in fcm.delivered]
    assert len(tokens) == len(set(tokens)) == len(users)


class Killed(BaseException):
    """Stands for the process dying: nothing after it runs."""


def test_a_dispatcher_killed_mid_run_resends_only_the_batch_in_flight(app, fcm):
    world = build_world()
    db.session.execute(sa.delete(Notification).where(Notification.kind != "alert"))
    alert_to_many(world, 1500)
    batches = []

    class DyingSender:
        def send(self, message, tokens):
            outcomes = fcm.sender.send(message, tokens)  # FCM has delivered them...
            batches.append(tokens)
            if len(batches) == 2:
                raise Killed  # ...and the process dies before recording it
            return outcomes

    with pytest.raises(Killed):
        dispatcher.dispatch(DyingSender(), batch_rows=500)
    db.session.rollback()  # what PostgreSQL does when the connection dies
    db.session.remove()
    dispatcher.dispatch(fcm.sender, batch_rows=500)

    tokens = [message["token"] for message in fcm.delivered]
    assert len(set(tokens)) == 1500
    twice = {token for token in tokens if tokens.count(token) > 1}
    assert twice == set(batches[1])  # exactly the batch in flight
    assert {m["data"]["notification_id"] for m in fcm.delivered} == {"alert:post:1"}
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.status == NotificationStatus.SENT)
        )
        == 1500
    )


def test_signing_in_from_one_phone_five_times_at_once_leaves_one_live_token(app, client):
    """A phone that retries its sign-in: every attempt succeeds, and only the last token
    lives (the unique index of live devices used to turn the race into 500s)."""
    world = build_world()
    email = world.users["resident"].email
    body = {"email": email, "password": PASSWORD, "device_name": "Pixel 7"}
    answers = run_together([lambda: client.post("/api/v1/auth/login", json=body) for _ in range(5)])
    assert [a.status_code for a in answers] == [200] * 5
    db.session.expire_all()
    live = db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.device_name == "Pixel 7", ApiToken.revoked_at.is_(None))
    )
    assert live == 1


def test_ten_neighbours_report_at_once_one_case_one_hide_one_notice(app, client):
    world = build_world()
    post = publishing.publish_post(
        world.users["solidaire"], residence_id=world.home.id, kind="post", body="Vends ma voiture"
    )
    db.session.commit()
    reporters = members_of(world, 10, "r")
    body = {"target_kind": "post", "target_id": post.id, "reason": "spam"}
    reports = run_together(
        [
            lambda headers=headers: client.post("/api/v1/reports", json=body, headers=headers)
            for headers in reporters
        ]
    )
    assert [r.status_code for r in reports] == [201] * 10, [r.json for r in reports]

    db.session.expire_all()
    assert db.session.scalar(select(func.count(ModerationCase.id))) == 1
    assert db.session.scalar(select(func.count(Report.id))) == 10
    assert db.session.get(Post, post.id).visibility == Visibility.HIDDEN
    hides = select(func.count(AuditEntry.id)).where(AuditEntry.action == AuditAction.AUTO_HIDE)
    assert db.session.scalar(hides) == 1
    notices = select(func.count(Notification.id)).where(Notification.kind == "content_under_review")
    assert db.session.scalar(notices) == 1


def test_two_moderators_deciding_at_once_make_one_decision(app, client):
    world = build_world()
    post = publishing.publish_post(
        world.users["resident"], residence_id=world.home.id, kind="post", body="Vends ma voiture"
    )
    db.session.commit()
    reports = client.post(
        "/api/v1/reports",
        json={"target_kind": "post", "target_id": post.id, "reason": "spam"},
        headers=world.headers("solidaire"),
    )
    assert reports.status_code == 201

    def act(role, action):
        body = {"action": action, "target_kind": "post", "target_id": post.id, "reason": "!"}
        url = f"/api/v1/residences/{world.home.id}/moderation-actions"
        return lambda: client.post(url, json=body, headers=world.headers(role))

    answers = run_together([act("staff", "delete"), act("admin", "delete")])
    assert sorted(r.status_code for r in answers) == [201, 409], [r.json for r in answers]
    db.session.expire_all()
    deletions = select(func.count(AuditEntry.id)).where(AuditEntry.action == AuditAction.DELETE)
    assert db.session.scalar(deletions) == 1
    told = select(func.count(Notification.id)).where(Notification.kind == "moderation_delete")
    assert db.session.scalar(told) == 1


def test_twenty_neighbours_answering_one_post_at_once_are_all_counted(app, client):
    """Comments, reactions and answers to an event, all at once: the counts the post keeps
    (services/news/counts.py) move in the database (n = n + 1), so none is lost."""
    world = build_world()
    event = world.event.id
    neighbours = members_of(world, NEIGHBOURS, "n")
    url = f"/api/v1/posts/{event}"

    def answer(number, headers):
        def call():
            statuses = [
                client.post(f"{url}/comments", json={"body": "Merci"}, headers=headers).status_code,
                client.put(f"{url}/reaction", json={"kind": "like"}, headers=headers).status_code,
                client.put(f"{url}/rsvp", json={"answer": "going"}, headers=headers).status_code,
            ]
            if number % 2:  # half of them change their mind at once too
                statuses.append(client.delete(f"{url}/reaction", headers=headers).status_code)
                statuses.append(
                    client.put(f"{url}/rsvp", json={"answer": "no"}, headers=headers).status_code
                )
            return statuses

        return call

    answers = run_together([answer(n, headers) for n, headers in enumerate(neighbours)])
    assert all(status in (201, 204) for statuses in answers for status in statuses), answers
    first = client.get(url, headers=neighbours[0]).json
    assert (first["comments"], first["reactions"], first["going"]) == (
        NEIGHBOURS,
        NEIGHBOURS // 2,
        NEIGHBOURS // 2,
    )

    # And the same comment deleted by its author while a moderator hides it counts once.
    comments = client.get(f"{url}/comments?limit=100", headers=neighbours[0]).json["items"]
    mine = comments[0]["id"]
    hide = {"action": "hide", "target_kind": "comment", "target_id": mine, "reason": "!"}
    moderation = f"/api/v1/residences/{world.home.id}/moderation-actions"
    run_together(
        [
            lambda: client.delete(f"/api/v1/comments/{mine}", headers=neighbours[0]),
            lambda: client.post(moderation, json=hide, headers=world.headers("staff")),
        ]
    )
    db.session.expire_all()
    post = db.session.get(Post, event)
    live = select(func.count(Comment.id)).where(
        Comment.post_id == event,
        Comment.visibility == Visibility.VISIBLE,
        Comment.deleted_at.is_(None),
    )
    assert post.comment_count == db.session.scalar(live) == NEIGHBOURS - 1
