"""Push delivery through the real firebase-admin library, against the fake FCM server."""

import json
import logging
from datetime import UTC, datetime, timedelta

import certifi
import pytest
from firebase_admin import messaging
from sqlalchemy import delete, event, func, select

from models import (
    Delivery,
    Device,
    Notification,
    NotificationPreferences,
    NotificationStatus,
    User,
    db,
)
from notifications import dispatcher, outbox
from notifications.senders import FcmSender, LogSender

# 10:00 in Paris on a winter day: outside quiet hours.
MORNING = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def empty_outbox(world):
    """The world's own notifications (its announcement) and phone are not these tests' business."""
    db.session.execute(delete(Notification))
    db.session.execute(delete(Device))
    db.session.commit()


def device(user, token, platform="android"):
    row = Device(user_id=user.id, token=token, platform=platform)
    db.session.add(row)
    db.session.commit()
    return row


def notify(users, kind="welcome", key="k", urgent=False, **params):
    outbox.enqueue(
        users,
        kind,
        {"residence": "Les Tilleuls", **params},
        key=key,
        link="palier://residences/1",
        urgent=urgent,
    )
    db.session.commit()


def status_of(user):
    return db.session.scalar(
        select(Notification.status).where(Notification.recipient_id == user.id)
    )


def test_the_fcm_address_the_tests_rely_on_still_exists():
    """firebase-admin keeps its FCM endpoint in a private class attribute: fail loudly if an
    upgrade renames it, rather than letting the tests reach Google."""
    assert isinstance(messaging._MessagingService.FCM_URL, str)
    assert "{0}" in messaging._MessagingService.FCM_URL


def test_the_message_encoder_the_sender_relies_on_still_exists():
    """The sender has firebase-admin encode each message (a private class method), then sends
    it itself: fail loudly if an upgrade renames it or changes what it makes."""
    encoded = messaging._MessagingService.encode_message(
        messaging.Message(
            fid="f",
            notification=messaging.Notification(title="T", body="B"),
            data={"k": "v"},
            android=messaging.AndroidConfig(priority="high", collapse_key="c"),
            apns=messaging.APNSConfig(headers={"apns-priority": "10"}),
        )
    )
    assert encoded == {
        "fid": "f",
        "notification": {"title": "T", "body": "B"},
        "data": {"k": "v"},
        "android": {"priority": "high", "collapse_key": "c"},
        "apns": {"headers": {"apns-priority": "10"}},
    }


def members_with_a_phone(count, prefix="m"):
    members = [
        User(email=f"{prefix}{n}@push.palier", display_name=f"M{n}", password_hash="x")
        for n in range(count)
    ]
    db.session.add_all(members)
    db.session.flush()
    db.session.add_all(
        Device(user_id=user.id, token=f"t-{user.id}", platform="android") for user in members
    )
    db.session.commit()
    return members


def test_delivery_in_the_members_language_with_its_deep_link(world, fcm):
    resident, solidaire = world.users["resident"], world.users["solidaire"]
    solidaire.locale = "en"
    device(resident, "phone-nadia")
    device(solidaire, "phone-moussa", platform="ios")
    notify([resident, solidaire])
    counts = dispatcher.dispatch(fcm.sender, now=MORNING)
    assert counts["sent"] == 2
    [to_nadia] = fcm.to("phone-nadia")
    [to_moussa] = fcm.to("phone-moussa")
    assert to_nadia["notification"]["title"] == "Bienvenue à Les Tilleuls"
    assert to_moussa["notification"]["title"] == "Welcome to Les Tilleuls"
    assert to_nadia["data"] == {"notification_id": "k", "link": "palier://residences/1"}
    assert to_moussa["data"]["notification_id"] == "k"  # the same id: duplicates are dropped
    db.session.expire_all()
    assert status_of(resident) == status_of(solidaire) == NotificationStatus.SENT


def test_an_alert_to_1200_devices_goes_in_three_batches(world, fcm):
    members = [
        User(email=f"a{n}@push.palier", display_name=f"A{n}", password_hash="x") for n in range(400)
    ]
    db.session.add_all(members)
    db.session.flush()
    db.session.add_all(
        Device(user_id=user.id, token=f"t-{user.id}-{n}", platform="android")
        for user in members
        for n in range(3)
    )
    db.session.commit()
    notify(members, kind="alert", key="alert:post:1", urgent=True, title="Eau coupée")
    calls = []

    class CountingSender:
        def send(self, message, tokens):
            calls.append(len(tokens))
            return fcm.sender.send(message, tokens)

    counts = dispatcher.dispatch(CountingSender(), now=MORNING)
    assert calls == [500, 500, 200]
    assert counts["sent"] == 1200 and len(fcm.delivered) == 1200
    assert {m["android"]["priority"] for m in fcm.delivered} == {"high"}


def test_a_batch_costs_the_same_statements_whatever_its_size(world, fcm):
    """Rows are read and recorded a batch at a time: no statement per row or per phone."""

    def statements(count, key):
        notify(members_with_a_phone(count, key), kind="alert", key=key, urgent=True, title="Eau")
        counted = []

        def count_statement(*args):
            counted.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count_statement)
        try:
            assert dispatcher.dispatch(fcm.sender, now=MORNING) == {"sent": count}
        finally:
            event.remove(db.engine, "before_cursor_execute", count_statement)
        return len(counted)

    assert statements(3, "alert:post:1") == statements(300, "alert:post:2")


def test_a_connection_lost_mid_batch_loses_nothing_and_sends_nothing_twice(world, fcm):
    """FCM hangs up after answering part of a batch: the answered rows are recorded as sent,
    the others wait their backoff and go next time; every phone gets the alert once."""
    members = members_with_a_phone(300)
    notify(members, kind="alert", key="alert:post:1", urgent=True, title="Eau coupée")
    fcm.crash_after(120)
    assert dispatcher.dispatch(fcm.sender, now=MORNING) == {"sent": 120, "retry": 180}
    fcm.crash_after(None)
    assert dispatcher.dispatch(fcm.sender, now=MORNING + timedelta(seconds=10)) == {}  # not yet
    later = MORNING + dispatcher.FIRST_RETRY
    assert dispatcher.dispatch(fcm.sender, now=later) == {"sent": 180}
    tokens = [message["token"] for message in fcm.delivered]
    assert sorted(tokens) == sorted(f"t-{user.id}" for user in members)
    db.session.expire_all()
    assert set(
        db.session.scalars(
            select(Notification.status).where(Notification.recipient_id.in_(u.id for u in members))
        )
    ) == {NotificationStatus.SENT}


def test_an_expired_access_token_is_renewed_and_the_message_sent(world, fcm):
    resident = world.users["resident"]
    device(resident, "phone")
    notify([resident], key="first")
    assert dispatcher.dispatch(fcm.sender, now=MORNING) == {"sent": 1}
    notify([resident], key="second")
    fcm.revoke_access_tokens()  # FCM answers 401 to the token the sender holds
    issued = fcm.access_tokens
    assert dispatcher.dispatch(fcm.sender, now=MORNING) == {"sent": 1}
    assert fcm.access_tokens == issued + 1
    assert [m["data"]["notification_id"] for m in fcm.to("phone")] == ["first", "second"]


def test_fcm_is_reached_only_when_its_certificate_is_trusted(world, fcm, monkeypatch):
    """TLS is checked: a sender that does not trust the server's authority sends nothing (and
    the row waits to be retried)."""
    resident = world.users["resident"]
    device(resident, "phone")
    notify([resident])
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())  # the public authorities only
    untrusting = FcmSender(fcm.service_account())
    try:
        assert dispatcher.dispatch(untrusting, now=MORNING) == {"retry": 1}
    finally:
        untrusting.close()
    assert fcm.delivered == []
    reason = db.session.scalar(select(Delivery.error_code))
    assert reason == "UNREACHABLE"


def test_dead_tokens_are_deleted_but_not_for_a_bad_payload(world, fcm):
    resident = world.users["resident"]
    device(resident, "unregistered-old-phone")
    device(resident, "invalid-garbage")
    device(resident, "badpayload-phone")
    device(resident, "good-phone")
    notify([resident])
    dispatcher.dispatch(fcm.sender, now=MORNING)
    tokens = set(db.session.scalars(select(Device.token).where(Device.user_id == resident.id)))
    assert tokens == {"badpayload-phone", "good-phone"}
    outcomes = dict(db.session.execute(select(Delivery.error_code, Delivery.outcome)).all())
    assert outcomes["UNREGISTERED"] == "dead_token"
    db.session.expire_all()
    assert status_of(resident) == NotificationStatus.SENT


def test_quota_errors_are_retried_with_backoff_then_succeed(world, fcm):
    resident = world.users["resident"]
    device(resident, "phone")
    notify([resident])
    fcm.fail_next(429)
    assert dispatcher.dispatch(fcm.sender, now=MORNING) == {"retry": 1}
    row = db.session.scalar(select(Notification))
    assert row.status == NotificationStatus.PENDING and row.attempts == 1
    assert row.not_before == MORNING + dispatcher.FIRST_RETRY
    assert dispatcher.dispatch(fcm.sender, now=MORNING + timedelta(seconds=10)) == {}  # not yet
    assert dispatcher.dispatch(fcm.sender, now=MORNING + timedelta(minutes=1)) == {"sent": 1}
    assert len(fcm.to("phone")) == 1


@pytest.mark.parametrize("status", [503, 500])
def test_an_unavailable_service_is_asked_again_after_a_pause_then_later(world, fcm, status):
    resident = world.users["resident"]
    device(resident, "phone")
    notify([resident])
    fcm.fail_next(status)  # the sender asks again after a short pause
    assert dispatcher.dispatch(fcm.sender, now=MORNING) == {"sent": 1}
    assert fcm.requests == 2
    fcm.reset()
    notify([resident], key="k2")
    fcm.fail_next(status, 3)  # still failing after the pauses: the row waits its backoff
    assert dispatcher.dispatch(fcm.sender, now=MORNING) == {"retry": 1}
    assert fcm.requests == 3 and fcm.delivered == []
    assert dispatcher.dispatch(fcm.sender, now=MORNING + timedelta(minutes=1)) == {"sent": 1}


def test_failed_after_the_maximum_attempts(world, fcm):
    resident = world.users["resident"]
    device(resident, "phone")
    notify([resident])
    now = MORNING
    for _ in range(dispatcher.MAX_ATTEMPTS):
        fcm.fail_next(429)
        dispatcher.dispatch(fcm.sender, now=now)
        now += timedelta(days=1)
    row = db.session.scalar(select(Notification))
    assert row.status == NotificationStatus.FAILED and row.attempts == dispatcher.MAX_ATTEMPTS
    assert fcm.delivered == []


def test_nothing_is_lost_while_fcm_is_down(world, fcm):
    users = [world.users[role] for role in ("resident", "solidaire", "staff")]
    for user in users:
        device(user, f"phone-{user.id}")
    notify(users)
    fcm.down()
    now = MORNING
    for _ in range(2):
        dispatcher.dispatch(fcm.sender, now=now, first_retry=timedelta(seconds=1))
        now += timedelta(minutes=1)
    fcm.down(False)
    dispatcher.dispatch(fcm.sender, now=now)
    assert sorted(m["token"] for m in fcm.delivered) == sorted(f"phone-{u.id}" for u in users)
    assert (
        db.session.scalar(
            select(func.count()).where(Notification.status == NotificationStatus.SENT)
        )
        == 3
    )


def test_quiet_hours_hold_a_message_until_eight_and_alerts_go_through(world, fcm):
    resident = world.users["resident"]
    device(resident, "phone")
    late = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    notify([resident], key="welcome")
    notify([resident], kind="alert", key="alert:post:9", urgent=True, title="Fuite de gaz")
    assert dispatcher.dispatch(fcm.sender, now=late) == {"held": 1, "sent": 1}
    held = db.session.scalar(select(Notification).where(Notification.kind == "welcome"))
    assert held.not_before == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    assert dispatcher.dispatch(fcm.sender, now=datetime(2026, 12, 3, 6, 59, tzinfo=UTC)) == {}
    assert dispatcher.dispatch(fcm.sender, now=datetime(2026, 12, 3, 7, 0, tzinfo=UTC)) == {
        "sent": 1
    }


def test_categories_switched_off_are_dropped(world, fcm):
    resident = world.users["resident"]
    device(resident, "phone")
    db.session.add(
        NotificationPreferences(user_id=resident.id, categories={"loans_and_help": False})
    )
    db.session.commit()
    notify([resident])
    assert dispatcher.dispatch(fcm.sender, now=MORNING) == {"dropped": 1}
    assert fcm.delivered == []


def test_private_texts_stay_out_of_pushes_and_logs(client, world, fcm, caplog):
    """A message or a comment is announced by its author's name; the app fetches the text."""
    resident = world.users["resident"]
    resident.locale = "en"
    device(resident, "phone-nadia")
    secrets_written = []

    def write(round_):
        message, comment = f"Mon code de porte est 4512B ({round_})", f"Je passe à 18 h ({round_})"
        secrets_written.extend([message, comment])
        solidaire = world.headers("solidaire")
        loan_thread = f"/api/v1/loans/{world.loan.id}/messages"
        comments = f"/api/v1/posts/{world.event.id}/comments"
        assert (
            client.post(loan_thread, json={"body": message}, headers=solidaire).status_code == 201
        )
        assert client.post(comments, json={"body": comment}, headers=solidaire).status_code == 201

    write(1)
    assert dispatcher.dispatch(fcm.sender, now=MORNING)["sent"] == 2
    pushed = {m["notification"]["title"]: m["notification"]["body"] for m in fcm.delivered}
    assert pushed == {
        "New message from Moussa": "Open the conversation to read it.",
        "Moussa commented": "Open the post to read the comment.",
    }
    caplog.set_level(logging.DEBUG)
    write(2)
    assert dispatcher.dispatch(LogSender(), now=MORNING)["sent"] == 2
    assert "New message from Moussa" in caplog.text  # the log sender did log the pushes
    stored = [n.payload for n in db.session.scalars(select(Notification))]
    for text in secrets_written:
        assert text not in json.dumps(fcm.delivered, ensure_ascii=False)
        assert text not in json.dumps(stored, ensure_ascii=False)
        assert text not in caplog.text


def test_message_and_comment_notices_in_french(client, world):
    solidaire = world.headers("solidaire")
    client.post(
        f"/api/v1/loans/{world.loan.id}/messages", json={"body": "Bonjour"}, headers=solidaire
    )
    client.post(
        f"/api/v1/posts/{world.event.id}/comments", json={"body": "Super"}, headers=solidaire
    )
    payloads = {
        n.kind: (n.payload["title"], n.payload["body"])
        for n in db.session.scalars(
            select(Notification).where(Notification.recipient_id == world.users["resident"].id)
        )
    }
    assert payloads["message"] == (
        "Nouveau message de Moussa",
        "Ouvrez la conversation pour le lire.",
    )
    assert payloads["comment"] == (
        "Moussa a commenté",
        "Ouvrez la publication pour lire le commentaire.",
    )
