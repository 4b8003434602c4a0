from sqlalchemy import select

from models import Device, Membership, db
from notifications import outbox
from tests.world import PASSWORD, user


def register(client, world, role, token="fcm-shared-phone", **extra):
    body = {"token": token, "platform": "android", **extra}
    return client.post("/api/v1/devices", json=body, headers=world.headers(role))


def test_a_token_moves_to_whoever_signed_in_last_on_the_phone(client, world):
    first = register(client, world, "resident").json
    again = register(client, world, "resident", app_version="2.1").json
    assert first["id"] == again["id"]
    moved = register(client, world, "solidaire").json
    assert moved["id"] == first["id"]
    device = db.session.get(Device, first["id"])
    db.session.refresh(device)
    assert device.user_id == world.users["solidaire"].id


def test_signing_out_drops_the_phone(client, world):
    login = client.post(
        "/api/v1/auth/login",
        json={"email": "resident@test.palier", "password": PASSWORD, "device_name": "Pixel"},
    ).json
    headers = {"Authorization": f"Bearer {login['token']}"}
    client.post(
        "/api/v1/devices", json={"token": "fcm-pixel", "platform": "android"}, headers=headers
    )
    assert db.session.scalar(select(Device.id).where(Device.token == "fcm-pixel"))
    client.post("/api/v1/auth/logout", headers=headers)
    assert db.session.scalar(select(Device.id).where(Device.token == "fcm-pixel")) is None
    assert db.session.scalar(select(Device.id).where(Device.token == "fcm-nadia"))  # another phone


def test_preferences(client, world):
    url = "/api/v1/me/notification-preferences"
    defaults = client.get(url, headers=world.headers("resident")).json
    assert defaults["quiet_start"] == "21:00" and defaults["quiet_end"] == "08:00"
    assert all(defaults["categories"].values())
    changed = client.put(
        url,
        json={"categories": {"news_and_comments": False}, "quiet_end": "07:30"},
        headers=world.headers("resident"),
    ).json
    assert (
        changed["categories"]["news_and_comments"] is False
        and changed["categories"]["bookings"] is True
    )
    assert changed["quiet_end"] == "07:30"
    for bad in ({"categories": {"spam": True}}, {"quiet_start": "25:00"}, {"quiet_start": "9h"}):
        assert client.put(url, json=bad, headers=world.headers("resident")).status_code == 422, bad


def test_notification_stats_count_only_the_callers_landlord(client, world):
    def pending(role):
        response = client.get("/api/v1/notifications/stats", headers=world.headers(role))
        assert response.status_code == 200, response.json
        return response.json["last_24_hours"]["pending"]

    # The world's announcement went to Les Tilleuls' two members, of Habitat Est.
    assert (pending("staff"), pending("other_staff")) == (2, 0)
    tenant = user("tenant@test.palier", "Inès")
    db.session.add(Membership(user=tenant, residence=world.far))
    db.session.flush()
    outbox.enqueue([tenant], "welcome", {"residence": "Les Érables"}, key="w", link="palier://")
    db.session.commit()
    assert (pending("staff"), pending("other_staff"), pending("admin")) == (2, 1, 3)
