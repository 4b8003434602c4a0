"""The inbox in the app: every notification of the member, whatever push did with it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from models import Device, Notification, NotificationPreferences, NotificationStatus, db
from notifications import dispatcher, outbox
from tests.world import today

# 10:00 in Paris on a winter day: outside quiet hours; and 23:30, inside.
MORNING = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LATE = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def empty_outbox(world):
    """The world's own notifications (its announcement) and phone are not these tests' business."""
    db.session.execute(delete(Notification))
    db.session.execute(delete(Device))
    db.session.commit()


def notify(user, kind="welcome", key="k", **params) -> Notification:
    outbox.enqueue(
        [user], kind, {"residence": "Les Tilleuls", **params}, key=key, link="palier://loans/7"
    )
    db.session.commit()
    return db.session.scalar(
        select(Notification).where(Notification.idempotency_key == f"{key}:{user.id}")
    )


def inbox(client, world, role="resident", **query):
    answer = client.get("/api/v1/me/notifications", query_string=query, headers=world.headers(role))
    assert answer.status_code == 200, answer.json
    return answer.json


def test_newest_first_in_the_members_language_with_the_unread_count(client, world):
    resident = world.users["resident"]
    first = notify(resident, key="welcome")
    second = notify(resident, "loan_requested", key="loan", object="Perceuse")
    third = notify(resident, "thanks", key="thanks", author="Moussa")
    notify(world.users["solidaire"], key="welcome")

    page = inbox(client, world)
    assert [item["id"] for item in page["items"]] == [third.id, second.id, first.id]
    assert page["unread_count"] == 3 and page["next_cursor"] is None
    assert page["items"][1] == {
        "id": second.id,
        "kind": "loan_requested",
        "title": "Un voisin aimerait emprunter : Perceuse",
        "body": "Ouvrez la demande pour l’accepter ou la refuser.",
        "link": "palier://loans/7",
        "urgent": False,
        "created_at": second.created_at.isoformat(),
        "read": False,
        "read_at": None,
    }


def test_pages_follow_the_cursor(client, world):
    resident = world.users["resident"]
    ids = [notify(resident, key=f"welcome:{number}").id for number in range(5)]
    first = inbox(client, world, limit=2)
    second = inbox(client, world, limit=2, cursor=first["next_cursor"])
    third = inbox(client, world, limit=2, cursor=second["next_cursor"])
    listed = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert listed == ids[::-1]
    assert third["next_cursor"] is None
    assert {page["unread_count"] for page in (first, second, third)} == {5}
    bad = client.get("/api/v1/me/notifications?cursor=nonsense", headers=world.headers("resident"))
    assert bad.status_code == 422


def test_marking_one_then_all_read(client, world):
    resident = world.users["resident"]
    two = [notify(resident, key=f"welcome:{number}") for number in range(3)][1]
    headers = world.headers("resident")

    marked = client.post(f"/api/v1/me/notifications/{two.id}/read", headers=headers)
    assert marked.status_code == 200
    assert marked.json["read"] is True and marked.json["read_at"] is not None
    again = client.post(f"/api/v1/me/notifications/{two.id}/read", headers=headers)
    assert again.json["read_at"] == marked.json["read_at"]
    page = inbox(client, world)
    assert page["unread_count"] == 2
    assert [item["read"] for item in page["items"]] == [False, True, False]

    everything = client.post("/api/v1/me/notifications/read-all", headers=headers)
    assert everything.status_code == 200 and everything.json == {"marked": 2}
    assert inbox(client, world)["unread_count"] == 0
    assert client.post("/api/v1/me/notifications/read-all", headers=headers).json == {"marked": 0}


def test_another_members_notification_is_not_found(client, world):
    theirs = notify(world.users["solidaire"], key="welcome")
    mine = notify(world.users["resident"], key="welcome")
    headers = world.headers("resident")
    for notification_id in (theirs.id, 2**31 - 1, 2**31, 2**63, 0):
        answer = client.post(f"/api/v1/me/notifications/{notification_id}/read", headers=headers)
        assert answer.status_code == 404, notification_id
        assert answer.mimetype == "application/problem+json"
    assert [item["id"] for item in inbox(client, world)["items"]] == [mine.id]
    client.post("/api/v1/me/notifications/read-all", headers=headers)
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_a_member_without_a_phone_or_with_push_off_misses_nothing(client, world, fcm):
    """The solidaire asks to borrow the resident's drill: the resident has no phone; the
    solidaire, whose answer comes next, switched loans off on theirs."""
    solidaire = world.users["solidaire"]
    db.session.add(Device(user_id=solidaire.id, token="moussa-phone", platform="android"))
    db.session.add(
        NotificationPreferences(user_id=solidaire.id, categories={"loans_and_help": False})
    )
    db.session.commit()

    asked = client.post(
        f"/api/v1/listings/{world.lend.id}/loans",
        json={"starts_on": str(today()), "due_on": str(today())},
        headers=world.headers("solidaire"),
    )
    assert asked.status_code == 201
    declined = client.post(
        f"/api/v1/loans/{asked.json['id']}/decline", headers=world.headers("resident")
    )
    assert declined.status_code == 200, declined.json

    assert dispatcher.dispatch(fcm.sender, now=MORNING) == {"dropped": 2}
    assert fcm.delivered == []
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(row.kind, row.status, row.last_error) for row in rows] == [
        ("loan_requested", NotificationStatus.DROPPED, "no device"),
        ("loan_declined", NotificationStatus.DROPPED, "switched off by the member"),
    ]
    [for_resident] = inbox(client, world)["items"]
    assert for_resident["kind"] == "loan_requested" and for_resident["read"] is False
    [for_solidaire] = inbox(client, world, "solidaire")["items"]
    assert for_solidaire["kind"] == "loan_declined"
    assert for_solidaire["link"] == f"palier://loans/{asked.json['id']}"


def test_a_notification_read_in_the_app_is_not_pushed_after_quiet_hours(client, world, fcm):
    resident = world.users["resident"]
    db.session.add(Device(user_id=resident.id, token="nadia-phone", platform="android"))
    db.session.commit()
    held = notify(resident, key="welcome")
    assert dispatcher.dispatch(fcm.sender, now=LATE) == {"held": 1}
    assert inbox(client, world)["items"][0]["id"] == held.id  # there at once
    read = client.post(
        f"/api/v1/me/notifications/{held.id}/read", headers=world.headers("resident")
    )
    assert read.status_code == 200, read.json

    assert dispatcher.dispatch(fcm.sender, now=datetime(2026, 12, 3, 7, 0, tzinfo=UTC)) == {
        "dropped": 1
    }
    assert fcm.delivered == []
    db.session.expire_all()
    assert db.session.get(Notification, held.id).last_error == "read in the app"


def test_texts_are_in_the_language_the_member_had(client, world):
    world.users["resident"].locale = "en"
    db.session.commit()
    notify(world.users["resident"], "thanks", key="thanks", author="Moussa")
    [item] = inbox(client, world)["items"]
    assert item["title"] == "Moussa says thank you"


def test_the_inbox_needs_a_session(client):
    assert client.get("/api/v1/me/notifications").status_code == 401
    assert client.post("/api/v1/me/notifications/read-all").status_code == 401
