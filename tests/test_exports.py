"""A copy of one's data (RGPD articles 15 and 20): asked for, built by the job, downloaded once,
and holding exactly the member's data."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import (
    ExportRequest,
    ExportStatus,
    Membership,
    Notification,
    db,
)
from notifications import outbox
from services import blocks, conversations, exchanges, exports, loans
from services.errors import NotFound
from services.moderation import cases
from services.news import interactions
from tests.photos import png_bytes
from tests.world import user


def a_member_with_one_of_each(world, upload_folder):
    """The resident (Nadia) with something of every kind, and neighbours' words beside hers."""
    nadia, moussa = world.users["resident"], world.users["solidaire"]
    upload_folder.mkdir(parents=True, exist_ok=True)
    (upload_folder / world.photo.filename).write_bytes(png_bytes())
    loans.accept_loan(nadia, world.loan.id)
    loans.hand_over_loan(nadia, world.loan.id)
    loans.mark_loan_returned(nadia, world.loan.id)
    conversations.post_message(nadia, "loan", world.loan.id, "Samedi 10 h au 3e ?")
    conversations.post_message(moussa, "loan", world.loan.id, "Parfait, à samedi")
    conversations.thank(nadia, "loan", world.loan.id, "Merci d'en avoir pris soin")
    conversations.thank(moussa, "loan", world.loan.id, "Super perceuse")
    exchanges.decline_exchange(nadia, world.exchange.id)
    interactions.add_comment(nadia, world.poll.id, "Plutôt 9h")
    interactions.react(nadia, world.poll.id, "like")
    interactions.vote(nadia, world.poll.id, world.poll.options[1].id)
    interactions.answer_event(moussa, world.event.id, "going")
    interactions.answer_event(nadia, world.event.id, "maybe")
    outbox.enqueue([nadia], "welcome", {"residence": "Les Tilleuls"}, key="hello", link="x")
    cases.report(
        nadia, target_kind="post", target_id=world.poll.id, reason="other", text="Hors sujet"
    )
    leon = user("leon@test.palier", "Léon")
    db.session.flush()
    db.session.add(Membership(user=leon, residence=world.home))
    db.session.flush()
    blocks.block_member(nadia, leon.id)
    db.session.commit()
    return nadia


def build_and_link(client, world):
    """The job builds the archive; the app asks for its link."""
    asked = client.post("/api/v1/me/export", headers=world.headers("resident"))
    exports.build_pending_exports()
    db.session.commit()
    link = client.post(
        f"/api/v1/me/exports/{asked.json['id']}/link", headers=world.headers("resident")
    )
    assert link.status_code == 201, link.json
    return asked.json["id"], link.json["url"]


def test_asking_twice_while_it_is_built_gives_the_same_request(client, world):
    headers = world.headers("resident")
    first = client.post("/api/v1/me/export", headers=headers)
    assert first.status_code == 202
    assert first.json["status"] == "pending" and first.json["ready_at"] is None
    assert client.post("/api/v1/me/export", headers=headers).json["id"] == first.json["id"]
    listed = client.get("/api/v1/me/exports", headers=headers).json["items"]
    assert [(item["id"], item["status"]) for item in listed] == [(first.json["id"], "pending")]
    # Not ready: no link yet.
    early = client.post(f"/api/v1/me/exports/{first.json['id']}/link", headers=headers)
    assert early.status_code == 409 and early.json["current_status"] == "pending"
    # Nobody else sees it.
    other = client.post(
        f"/api/v1/me/exports/{first.json['id']}/link", headers=world.headers("solidaire")
    )
    assert other.status_code == 404
    assert client.get("/api/v1/me/exports", headers=world.headers("solidaire")).json["items"] == []


def test_the_archive_holds_the_members_data_and_nothing_of_her_neighbours(
    client, world, upload_folder
):
    nadia = a_member_with_one_of_each(world, upload_folder)
    export_id, url = build_and_link(client, world)

    request = db.session.get(ExportRequest, export_id)
    assert request.status == ExportStatus.READY
    assert request.expires_at == request.ready_at + timedelta(days=7)
    # The archive is under the upload folder, not in a public place.
    assert exports.archive_path(request.filename).parent == upload_folder / "exports"
    told = db.session.scalar(
        select(Notification).where(
            Notification.recipient_id == nadia.id, Notification.kind == "export_ready"
        )
    )
    assert told.payload["title"] == "Vos données sont prêtes"
    assert "7 jours" in told.payload["body"]

    answer = client.get(url)  # no bearer token: a browser opens the link
    assert answer.status_code == 200
    assert answer.mimetype == "application/zip"
    assert answer.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    answer.close()
    names = set(archive.namelist())
    files = {name: json.loads(archive.read(name)) for name in names if name.endswith(".json")}

    assert names == {
        "README.txt",
        "profile.json",
        "memberships.json",
        "listings.json",
        "loans.json",
        "help_exchanges.json",
        "messages.json",
        "posts.json",
        "comments.json",
        "reactions.json",
        "votes.json",
        "event_answers.json",
        "bookings.json",
        "devices.json",
        "notifications.json",
        "reports.json",
        "blocks.json",
        f"photos/listing-{world.lend.id}-0.jpg",
    }
    readme = archive.read("README.txt").decode()
    assert readme.startswith("Vos données sur Palier")
    for name in names - {"README.txt"}:
        if name.endswith(".json"):
            assert f"{name}: " in readme
    assert archive.read(f"photos/listing-{world.lend.id}-0.jpg") == png_bytes()

    profile = files["profile.json"]
    assert (profile["id"], profile["email"], profile["display_name"], profile["locale"]) == (
        nadia.id,
        "resident@test.palier",
        "Nadia",
        "fr",
    )
    assert files["memberships.json"]["memberships"] == [
        {
            "residence": "Les Tilleuls",
            "building": "Bâtiment A",
            "role": "resident",
            "status": "active",
            "joined_at": world.membership("resident").joined_at.isoformat(),
        }
    ]
    assert [
        (listing["title"], listing["kind"], listing["status"], listing["photos"])
        for listing in files["listings.json"]
    ] == [
        (
            "Perceuse",
            "lend",
            "open",
            [{"file": f"photos/listing-{world.lend.id}-0.jpg", "width": 10, "height": 10}],
        ),
        ("Aide pour les papiers", "offer_help", "open", []),
    ]
    [loan] = files["loans.json"]
    assert {key: loan[key] for key in ("id", "my_side", "object", "other_side", "status")} == {
        "id": world.loan.id,
        "my_side": "lender",
        "object": "Perceuse",
        "other_side": "Moussa",
        "status": "returned",
    }
    assert (loan["thanks_given"], loan["thanks_received"]) == (
        "Merci d'en avoir pris soin",
        "Super perceuse",
    )
    assert loan["my_request_note"] is None  # the borrower's note is his
    [exchange] = files["help_exchanges.json"]
    assert (exchange["my_side"], exchange["other_side"], exchange["status"]) == (
        "listed",
        "Moussa",
        "declined",
    )
    assert [message["body"] for message in files["messages.json"]] == ["Samedi 10 h au 3e ?"]
    assert [(post["id"], post["body"]) for post in files["posts.json"]] == [
        (world.event.id, "Fête des voisins")
    ]
    assert [(c["post_id"], c["body"]) for c in files["comments.json"]] == [
        (world.poll.id, "Plutôt 9h")
    ]
    assert [(r["post_id"], r["kind"]) for r in files["reactions.json"]] == [(world.poll.id, "like")]
    assert [(v["post_id"], v["option"]) for v in files["votes.json"]] == [(world.poll.id, "9h-21h")]
    assert [(a["post_id"], a["answer"]) for a in files["event_answers.json"]] == [
        (world.event.id, "maybe")
    ]
    assert sorted((b["space"], b["status"]) for b in files["bookings.json"]) == [
        ("Salle commune", "confirmed"),
        ("Salle commune", "pending"),
    ]
    assert files["devices.json"]["phones"] == [
        {
            "platform": "android",
            "app_version": None,
            "locale": None,
            "registered_at": world.device.created_at.isoformat(),
            "last_seen_at": world.device.last_seen_at.isoformat(),
        }
    ]
    assert [s["device_name"] for s in files["devices.json"]["sessions"]] == ["test phone"]
    # Those sent before the archive was built (not the one saying it is ready).
    sent_before = db.session.scalars(
        select(Notification.kind)
        .where(Notification.recipient_id == nadia.id, Notification.kind != "export_ready")
        .order_by(Notification.id)
    ).all()
    assert "welcome" in sent_before
    assert [n["kind"] for n in files["notifications.json"]] == sent_before
    assert [(r["about"], r["about_id"], r["reason"], r["text"]) for r in files["reports.json"]] == [
        ("post", world.poll.id, "other", "Hors sujet")
    ]
    assert [b["member"] for b in files["blocks.json"]] == ["Léon"]

    # Nothing of a neighbour but a display name: no address, no message, no phone.
    everything = "".join(archive.read(name).decode() for name in names if name.endswith(".json"))
    for neighbours in ("solidaire@test.palier", "leon@test.palier", "Parfait, à samedi"):
        assert neighbours not in everything
    assert "fcm-nadia" not in everything  # her phone's push token is not copied out


def test_the_link_works_once_and_a_new_link_ends_the_previous_one(client, world):
    export_id, url = build_and_link(client, world)
    headers = world.headers("resident")
    newer = client.post(f"/api/v1/me/exports/{export_id}/link", headers=headers).json["url"]
    assert client.get(url).status_code == 404
    downloaded = client.get(newer)
    assert downloaded.status_code == 200
    downloaded.close()
    again = client.get(newer)
    assert again.status_code == 404
    assert again.mimetype == "application/problem+json"
    listed = client.get("/api/v1/me/exports", headers=headers).json["items"][0]
    assert listed["status"] == "downloaded" and listed["downloaded_at"] is not None
    after = client.post(f"/api/v1/me/exports/{export_id}/link", headers=headers)
    assert after.status_code == 409 and after.json["current_status"] == "downloaded"
    # Odd secrets are just unknown links.
    for secret in ("x" * 5000, "%00", "a b"):
        assert client.get(f"/api/v1/exports/{secret}").status_code == 404


def test_a_link_past_the_archives_end_does_not_work(client, world):
    export_id, url = build_and_link(client, world)
    request = db.session.get(ExportRequest, export_id)
    token = url.rsplit("/", 1)[1]
    later = request.expires_at + timedelta(seconds=1)
    with pytest.raises(NotFound):
        exports.claim_download(token, now=later)
