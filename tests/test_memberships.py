from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from models import (
    InviteCode,
    Membership,
    MembershipRole,
    MembershipStatus,
    Notification,
    User,
    db,
)
from models.base import utcnow
from tests.world import PASSWORD


def newcomer(client, locale="fr"):
    body = {
        "email": "amina@example.org",
        "password": PASSWORD,
        "display_name": "Amina",
        "locale": locale,
    }
    client.post("/api/v1/auth/register", json=body)
    token = client.post(
        "/api/v1/auth/login",
        json={"email": "amina@example.org", "password": PASSWORD, "device_name": "phone"},
    ).json["token"]
    return {"Authorization": f"Bearer {token}"}


def join(client, headers, code):
    return client.post("/api/v1/memberships", json={"code": code}, headers=headers)


def counts():
    return (
        db.session.scalar(select(func.count()).select_from(Membership)),
        db.session.scalar(select(func.count()).select_from(Notification)),
        db.session.scalar(select(func.sum(InviteCode.uses))),
    )


def test_joining_with_a_code_makes_an_active_member_and_welcomes_them(client, world):
    headers = newcomer(client, locale="en")
    response = join(client, headers, " homecode ")  # typed loosely, as people do
    assert response.status_code == 201, response.json
    assert response.json["residence"]["name"] == "Les Tilleuls"
    assert response.json["status"] == "active" and response.json["role"] == "resident"

    db.session.expire_all()
    assert world.invite.uses == 1
    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    welcome = db.session.scalar(select(Notification).where(Notification.recipient_id == amina.id))
    assert welcome.kind == "welcome" and welcome.status == "pending"
    assert welcome.payload["title"] == "Welcome to Les Tilleuls"
    assert welcome.payload["link"] == f"palier://residences/{world.home.id}"

    mine = client.get("/api/v1/residences", headers=headers).json["items"]
    assert [r["name"] for r in mine] == ["Les Tilleuls"]


def test_welcome_is_in_french_for_french_speakers(client, world):
    join(client, newcomer(client, locale="fr"), "HOMECODE")
    welcome = db.session.scalar(select(Notification).where(Notification.kind == "welcome"))
    assert welcome.payload["title"] == "Bienvenue à Les Tilleuls"


def test_building_codes_place_the_member_in_their_building(client, world):
    created = client.post(
        f"/api/v1/residences/{world.home.id}/invite-codes",
        json={"building_id": world.building.id, "max_uses": 40},
        headers=world.headers("staff"),
    ).json
    joined = join(client, newcomer(client), created["code"])
    assert joined.json["building"] == "Bâtiment A"


def test_unusable_codes_are_refused_and_write_nothing(client, world):
    now = utcnow()
    db.session.add_all(
        [
            InviteCode(code="EXPIRED1", residence=world.home, expires_at=now - timedelta(days=1)),
            InviteCode(code="REVOKED1", residence=world.home, revoked_at=now),
            InviteCode(code="USEDUP11", residence=world.home, max_uses=2, uses=2),
        ]
    )
    db.session.commit()
    headers = newcomer(client)
    before = counts()
    # The same answer whatever the reason, so that codes cannot be probed.
    message = (
        "Ce code n’est pas utilisable. Vérifiez-le, ou demandez-en un nouveau à votre bailleur."
    )
    answers = set()
    for code in ("EXPIRED1", "REVOKED1", "USEDUP11", "NOSUCH99"):
        response = join(client, headers, code)
        assert response.status_code == 422, code
        assert response.mimetype == "application/problem+json"
        assert response.json["errors"]["code"] == [message]
        assert response.json["detail"] == message
        answers.add(response.get_data(as_text=True))
    assert len(answers) == 1
    assert join(client, headers, "").status_code == 422
    db.session.expire_all()
    assert counts() == before


def test_the_last_use_of_a_code_goes_to_one_person(client, world):
    world.invite.max_uses = 1
    db.session.commit()
    assert join(client, world.headers("other_resident"), "HOMECODE").status_code == 201
    assert join(client, world.headers("other_staff"), "HOMECODE").status_code == 422


def test_suspended_members_cannot_rejoin_with_a_code(client, world):
    membership = world.membership("resident")
    membership.status = MembershipStatus.SUSPENDED
    db.session.commit()
    response = join(client, world.headers("resident"), "HOMECODE")
    assert response.status_code == 403
    db.session.expire_all()
    assert world.membership("resident").status == MembershipStatus.SUSPENDED


def test_members_who_left_can_come_back(client, world):
    world.membership("resident").status = MembershipStatus.LEFT
    db.session.commit()
    assert (
        client.get(
            f"/api/v1/residences/{world.home.id}", headers=world.headers("resident")
        ).status_code
        == 404
    )
    assert join(client, world.headers("resident"), "HOMECODE").status_code == 201
    assert (
        client.get(
            f"/api/v1/residences/{world.home.id}", headers=world.headers("resident")
        ).status_code
        == 200
    )


def test_residents_see_names_and_roles_but_no_emails(client, world):
    world.membership("solidaire").status = MembershipStatus.SUSPENDED
    db.session.commit()
    members = client.get(
        f"/api/v1/residences/{world.home.id}/members", headers=world.headers("resident")
    ).json["items"]
    assert [(m["display_name"], m["role"]) for m in members] == [("Nadia", "resident")]
    assert all(member["email"] is None for member in members)

    for_staff = client.get(
        f"/api/v1/residences/{world.home.id}/members", headers=world.headers("staff")
    ).json["items"]
    assert {m["email"] for m in for_staff} == {"resident@test.palier", "solidaire@test.palier"}
    suspended = client.get(
        f"/api/v1/residences/{world.home.id}/members?status=suspended",
        headers=world.headers("staff"),
    ).json["items"]
    assert [m["display_name"] for m in suspended] == ["Moussa"]


def test_staff_change_roles_and_statuses(client, world):
    url = f"/api/v1/residences/{world.home.id}/members/{world.membership('resident').id}"
    promoted = client.patch(url, json={"role": "solidaire"}, headers=world.headers("staff"))
    assert promoted.status_code == 200 and promoted.json["role"] == "solidaire"
    suspended = client.patch(url, json={"status": "suspended"}, headers=world.headers("staff"))
    assert suspended.json["status"] == "suspended"
    # A suspended member no longer sees the residence.
    assert (
        client.get(
            f"/api/v1/residences/{world.home.id}", headers=world.headers("resident")
        ).status_code
        == 404
    )
    bad = client.patch(url, json={"role": "king"}, headers=world.headers("staff"))
    assert bad.status_code == 422 and "role" in bad.json["errors"]


def test_a_membership_of_another_residence_is_not_found(client, world):
    other = world.membership("other_resident")
    response = client.patch(
        f"/api/v1/residences/{world.home.id}/members/{other.id}",
        json={"status": "suspended"},
        headers=world.headers("staff"),
    )
    assert response.status_code == 404


def test_members_who_left_come_back_as_residents(client, world):
    membership = world.membership("solidaire")
    membership.status = MembershipStatus.LEFT
    db.session.commit()
    rejoined = join(client, world.headers("solidaire"), "HOMECODE")
    assert rejoined.status_code == 201, rejoined.json
    assert rejoined.json["role"] == "resident"
    db.session.expire_all()
    assert world.membership("solidaire").role == MembershipRole.RESIDENT
    # No longer a moderator: the room's bookings, with who booked, are out of reach.
    response = client.get(
        f"/api/v1/spaces/{world.room.id}/bookings", headers=world.headers("solidaire")
    )
    assert response.status_code == 403


def test_codes_expire_unless_staff_say_never(client, world, app):
    url = f"/api/v1/residences/{world.home.id}/invite-codes"
    staff = world.headers("staff")
    default = client.post(url, json={}, headers=staff).json
    expires = datetime.fromisoformat(default["expires_at"])
    expected = utcnow() + timedelta(days=app.config["INVITE_CODE_DAYS"])
    assert app.config["INVITE_CODE_DAYS"] == 90
    assert abs(expires - expected) < timedelta(minutes=1)
    never = client.post(url, json={"never_expires": True}, headers=staff).json
    assert never["expires_at"] is None and "never_expires" not in never
    chosen = (utcnow() + timedelta(days=7)).isoformat()
    both = client.post(url, json={"never_expires": True, "expires_at": chosen}, headers=staff)
    assert both.status_code == 422 and "never_expires" in both.json["errors"]
    dated = client.post(url, json={"expires_at": chosen}, headers=staff).json
    assert datetime.fromisoformat(dated["expires_at"]) == datetime.fromisoformat(chosen)
    # The default code still lets a newcomer in; past its expiry it is refused.
    assert join(client, newcomer(client), default["code"]).status_code == 201
    db.session.execute(
        update(InviteCode).where(InviteCode.id == default["id"]).values(expires_at=utcnow())
    )
    db.session.commit()
    assert join(client, world.headers("other_resident"), default["code"]).status_code == 422


def test_staff_issue_list_and_revoke_codes(client, world):
    url = f"/api/v1/residences/{world.home.id}/invite-codes"
    created = client.post(url, json={"max_uses": 3}, headers=world.headers("staff")).json
    assert len(created["code"]) == 12 and not set(created["code"]) & set("01OIL")
    listed = client.get(url, headers=world.headers("staff")).json["items"]
    assert [c["code"] for c in listed] == ["HOMECODE", created["code"]]
    revoked = client.delete(f"{url}/{created['id']}", headers=world.headers("staff"))
    assert revoked.json["revoked_at"] is not None
    assert join(client, newcomer(client), created["code"]).status_code == 422
    # A code of another residence cannot be revoked through this one.
    missing = client.delete(
        f"/api/v1/residences/{world.neighbour.id}/invite-codes/{world.invite.id}",
        headers=world.headers("staff"),
    )
    assert missing.status_code == 404


def test_bad_invite_codes_requests(client, world):
    url = f"/api/v1/residences/{world.home.id}/invite-codes"
    cases = [
        ({"expires_at": "2020-01-01T00:00:00+01:00"}, "expires_at"),
        ({"expires_at": "2030-01-01T00:00:00"}, "expires_at"),  # no offset: ambiguous
        ({"max_uses": 0}, "max_uses"),
        ({"building_id": 999999}, "building_id"),
    ]
    for body, field in cases:
        response = client.post(url, json=body, headers=world.headers("staff"))
        assert response.status_code == 422, body
        assert field in response.json["errors"], response.json
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(InviteCode)) == 1
