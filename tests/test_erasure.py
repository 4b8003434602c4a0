"""Erasing one's account (RGPD article 17): what goes, what stays for the neighbours, and the
monthly figures untouched."""

from sqlalchemy import func, select

from models import (
    ApiToken,
    AuditAction,
    AuditEntry,
    Booking,
    BookingStatus,
    CalendarFeed,
    Device,
    ExportRequest,
    ListingPhoto,
    ListingStatus,
    Loan,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Message,
    Notification,
    User,
    db,
)
from notifications import outbox
from services import accounts, erasure, exports
from services.reports.figures import landlord_figures
from tests.photos import png_bytes
from tests.test_reports import OCTOBER, build_october
from tests.world import PASSWORD

ENGLISH = {"Accept-Language": "en"}


def erase(client, world, role="resident", password=PASSWORD):
    return client.delete(
        "/api/v1/me", json={"password": password}, headers=world.headers(role) | ENGLISH
    )


def close_the_deals(client, world):
    """The resident lends her drill to the solidaire, who brings it back; she declines his
    answer to her offer of help."""
    resident, solidaire = world.headers("resident"), world.headers("solidaire")
    for step in ("accept", "hand-over", "return"):
        answer = client.post(f"/api/v1/loans/{world.loan.id}/{step}", headers=resident)
        assert answer.status_code == 200, answer.json
    answer = client.post(f"/api/v1/exchanges/{world.exchange.id}/decline", headers=resident)
    assert answer.status_code == 200, answer.json
    return resident, solidaire


def test_loans_and_exchanges_in_progress_are_named_and_nothing_changes(client, world):
    answer = erase(client, world)
    assert answer.status_code == 409
    assert answer.mimetype == "application/problem+json"
    assert answer.json["open_deals"] == [
        {"kind": "loan", "id": world.loan.id, "status": "requested"},
        {"kind": "exchange", "id": world.exchange.id, "status": "proposed"},
    ]
    # The other side is held back the same way.
    assert erase(client, world, "solidaire").json["open_deals"][0]["id"] == world.loan.id
    db.session.expire_all()
    resident = db.session.get(User, world.users["resident"].id)
    assert resident.erased_at is None and resident.email == "resident@test.palier"
    assert client.get("/api/v1/me", headers=world.headers("resident")).status_code == 200


def test_a_wrong_password_erases_nothing(client, world):
    close_the_deals(client, world)
    answer = erase(client, world, password="not my password")
    assert answer.status_code == 422
    assert "password" in answer.json["errors"]
    assert client.get("/api/v1/me", headers=world.headers("resident")).status_code == 200


def test_erasure_empties_the_account_and_keeps_what_neighbours_need(client, world, upload_folder):
    resident, solidaire = close_the_deals(client, world)
    # Her photo on disk, a thread, a post with a comment, an export, a pending notification.
    upload_folder.mkdir(parents=True, exist_ok=True)
    photo_id, photo_file = world.photo.id, upload_folder / world.photo.filename
    photo_file.write_bytes(png_bytes())
    thread = f"/api/v1/loans/{world.loan.id}/messages"
    client.post(thread, json={"body": "Elle est à toi samedi"}, headers=resident)
    client.post(thread, json={"body": "Merci Nadia !"}, headers=solidaire)
    client.post(
        f"/api/v1/posts/{world.event.id}/comments", json={"body": "Venez"}, headers=resident
    )
    export_id = exports.request_export(world.users["resident"]).id
    outbox.enqueue([world.users["resident"]], "welcome", {"residence": "X"}, key="w", link="x")
    db.session.commit()
    resident_id = world.users["resident"].id

    assert erase(client, world).status_code == 204

    db.session.expire_all()
    user = db.session.get(User, resident_id)
    assert user.erased_at is not None
    assert user.email == f"erased-{resident_id}@erased.invalid"
    assert (user.display_name, user.password_hash, user.avatar_url) == ("", "", None)
    # Signed out everywhere, and nobody signs in as her again.
    assert client.get("/api/v1/me", headers=resident).status_code == 401
    assert not db.session.scalar(
        select(func.count()).where(ApiToken.user_id == resident_id, ApiToken.revoked_at.is_(None))
    )
    login = {"email": "resident@test.palier", "password": PASSWORD, "device_name": "x"}
    assert client.post("/api/v1/auth/login", json=login).status_code == 401
    erased_login = {**login, "email": user.email}
    assert client.post("/api/v1/auth/login", json=erased_login).status_code == 401
    # Phones, calendar address, export gone; notification texts gone, none left to send.
    for model, column in (
        (Device, Device.user_id),
        (CalendarFeed, CalendarFeed.user_id),
        (ExportRequest, ExportRequest.user_id),
    ):
        assert not db.session.scalar(select(func.count()).where(column == resident_id)), model
    assert db.session.get(ExportRequest, export_id) is None
    notifications = db.session.scalars(
        select(Notification).where(Notification.recipient_id == resident_id)
    ).all()
    assert notifications and all(n.payload == {} for n in notifications)
    assert all(n.status != "pending" for n in notifications)
    # Her bookings to come are cancelled, her listings closed, their photos gone.
    assert {
        b.status
        for b in db.session.scalars(select(Booking).where(Booking.member_id == resident_id))
    } == {BookingStatus.CANCELLED}
    assert {world.lend.status, world.help.status} == {ListingStatus.CLOSED}
    assert db.session.get(ListingPhoto, photo_id) is None
    assert not photo_file.exists()
    # She left her residence: a `left` event for the reports, an entry in its audit log.
    assert world.membership("resident").status == MembershipStatus.LEFT
    assert (
        db.session.scalar(
            select(MembershipEvent.reason)
            .where(MembershipEvent.user_id == resident_id)
            .order_by(MembershipEvent.id.desc())
        )
        == "erased"
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.subject_id == resident_id))
    assert entry.action == AuditAction.MEMBERSHIP_CHANGE and entry.residence_id == world.home.id
    assert entry.details["erased"] is True
    # Her address is free again: a new account, a new person.
    new = {"email": "resident@test.palier", "password": PASSWORD, "display_name": "Nadia 2"}
    assert client.post("/api/v1/auth/register", json=new).status_code == 202
    assert client.post("/api/v1/auth/login", json=login).json["user"]["id"] != resident_id

    # What neighbours see: her post and comment by "Former neighbour", in their language.
    comments = client.get(f"/api/v1/posts/{world.event.id}/comments", headers=solidaire).json
    assert [(c["author"]["display_name"], c["body"]) for c in comments["items"]] == [
        ("Ancien voisin", "Venez")
    ]
    post = client.get(f"/api/v1/posts/{world.event.id}", headers=solidaire | ENGLISH).json
    assert post["author"]["display_name"] == "Former neighbour"
    loan = client.get(f"/api/v1/loans/{world.loan.id}", headers=solidaire | ENGLISH).json
    assert loan["owner"]["display_name"] == "Former neighbour"
    # Her profile is gone for neighbours.
    assert client.get(f"/api/v1/members/{resident_id}", headers=solidaire).status_code == 404


def test_the_neighbours_thread_keeps_the_conversation_with_her_messages_deleted(client, world):
    resident, solidaire = close_the_deals(client, world)
    thread = f"/api/v1/loans/{world.loan.id}/messages"
    for headers, body in (
        (solidaire, "Je peux passer samedi ?"),
        (resident, "Oui, 10 h au 3e"),
        (solidaire, "Rendue, merci !"),
    ):
        assert client.post(thread, json={"body": body}, headers=headers).status_code == 201
    assert erase(client, world).status_code == 204

    items = client.get(thread, headers=solidaire | ENGLISH).json["items"]
    assert [(m["author"]["display_name"], m["body"], m["deleted"]) for m in items] == [
        ("Moussa", "Je peux passer samedi ?", False),
        ("Former neighbour", None, True),
        ("Moussa", "Rendue, merci !", False),
    ]
    # Her words are gone from the database, not only from the answer.
    assert not db.session.scalar(select(func.count()).where(Message.body.contains("3e")))
    # He can still thank her; she is told nothing (nobody to tell).
    thanks = client.post(
        f"/api/v1/loans/{world.loan.id}/thanks", json={"text": "Merci"}, headers=solidaire
    )
    assert thanks.status_code == 201
    assert not db.session.scalar(
        select(func.count()).where(
            Notification.recipient_id == world.users["resident"].id,
            Notification.kind == "thanks",
        )
    )


def test_the_monthly_figures_of_a_past_month_are_the_same_after_an_erasure(fcm):
    """Bruno, active all October (a loan, help received, a booking, an event, comments, a
    report, a phone, notifications), erases his account in November."""
    world = build_october(fcm)
    bruno = world.users["bruno"]
    bruno.password_hash = accounts.hash_password(PASSWORD)
    db.session.commit()
    before = landlord_figures(world.landlord, OCTOBER)

    erasure.erase_account(bruno, PASSWORD)
    db.session.commit()
    db.session.expire_all()

    after = landlord_figures(world.landlord, OCTOBER)
    # The one figure that counts what exists today rather than what happened: the phones of
    # the month's members (a phone also goes when its owner signs out). Bruno's goes.
    tilleuls = world.tilleuls.id
    assert after[1][tilleuls]["push"]["devices"] == before[1][tilleuls]["push"]["devices"] - 1
    assert after[0]["push"]["devices"] == before[0]["push"]["devices"] - 1
    for figures in (after[0], *after[1].values()):
        figures["push"].pop("devices")
    for figures in (before[0], *before[1].values()):
        figures["push"].pop("devices")
    assert after == before
    # Nothing he took part in was deleted.
    assert db.session.scalar(select(func.count()).where(Loan.owner_id == bruno.id)) == 1
    assert db.session.get(User, bruno.id) is not None
    assert db.session.scalar(select(func.count()).where(Membership.user_id == bruno.id)) == 1
