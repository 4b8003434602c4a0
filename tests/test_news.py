from datetime import datetime, timedelta

from sqlalchemy import event, func, select

from models import Membership, Notification, Post, PostResidence, db
from services import accounts
from services.news import interactions, publishing, reminders
from tests.world import PARIS, residence, user

AROUND_TILLEULS_AND_VERGER = {
    "type": "Polygon",
    "coordinates": [
        [[4.875, 45.765], [4.892, 45.765], [4.892, 45.777], [4.875, 45.777], [4.875, 45.765]]
    ],
}
EVERYWHERE = {
    "type": "Polygon",
    "coordinates": [[[4.8, 45.7], [5.0, 45.7], [5.0, 45.85], [4.8, 45.85], [4.8, 45.7]]],
}


def publish(client, world, role="resident", **fields):
    body = {"residence_id": world.home.id, "kind": "post", "body": "Bonjour les voisins", **fields}
    return client.post("/api/v1/posts", json=body, headers=world.headers(role))


def feed_ids(client, world, role, limit=100):
    response = client.get(f"/api/v1/feed?limit={limit}", headers=world.headers(role))
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def post_count():
    return db.session.scalar(select(func.count()).select_from(Post))


def test_nearby_reaches_the_residence_800_m_away_not_3_km(client, world):
    post = publish(client, world, scope="nearby").json
    assert post["id"] in feed_ids(client, world, "other_resident")  # Le Verger, 780 m
    far = Membership(user=world.users["other_staff"], residence=world.far)
    db.session.add(far)
    db.session.commit()
    assert post["id"] not in feed_ids(client, world, "other_staff")  # Les Érables, 3.3 km


def test_a_members_nearby_post_reaches_two_kilometres_at_most(client, world):
    before = post_count()
    for radius in (2001, 5000):
        response = publish(client, world, scope="nearby", radius_m=radius)
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
        assert "radius_m" in response.json["errors"]
    assert post_count() == before
    assert publish(client, world, scope="nearby", radius_m=2000).status_code == 201


def test_staff_alerts_reach_only_their_landlords_residences(client, world):
    tenant = user("tenant@test.palier", "Inès")
    db.session.add(Membership(user=tenant, residence=world.far))  # Autre Bailleur, 3.3 km
    db.session.commit()
    alert = publish(
        client,
        world,
        role="staff",
        kind="alert",
        title="Fuite de gaz",
        body="Restez chez vous",
        scope="nearby",
        radius_m=5000,
    )
    assert alert.status_code == 201, alert.json
    post_id = alert.json["id"]
    targets = set(
        db.session.scalars(
            select(PostResidence.residence_id).where(PostResidence.post_id == post_id)
        )
    )
    assert targets == {world.home.id, world.neighbour.id}
    rung = set(
        db.session.scalars(select(Notification.recipient_id).where(Notification.kind == "alert"))
    )
    assert tenant.id not in rung and world.users["other_resident"].id in rung
    # The other landlord's staff neither see it nor answer for it.
    headers = world.headers("other_staff")
    assert client.get(f"/api/v1/posts/{post_id}", headers=headers).status_code == 404
    assert post_id not in feed_ids(client, world, "other_staff")
    assert (
        publish(client, world, role="staff", kind="alert", scope="nearby", radius_m=5001)
    ).status_code == 422


def test_the_moderators_of_every_residence_a_post_reaches_see_it(client, world):
    # A residence of the other landlord, 1.2 km north of Les Tilleuls.
    close = residence(world.other_landlord, "Les Charmes", 4.8800, 45.7794)
    helper = user("helper@test.palier", "Awa")
    db.session.add(Membership(user=helper, residence=close, role="solidaire"))
    db.session.commit()
    post = publish(client, world, scope="nearby", radius_m=1500)
    assert post.status_code == 201, post.json
    post_id = post.json["id"]
    for role in ("other_staff", "staff", "solidaire"):
        headers = world.headers(role)
        assert client.get(f"/api/v1/posts/{post_id}", headers=headers).status_code == 200, role
        assert post_id in feed_ids(client, world, role), role
    token = accounts.issue_token(helper, "phone")
    db.session.commit()
    seen = client.get(f"/api/v1/posts/{post_id}", headers={"Authorization": f"Bearer {token}"})
    assert seen.status_code == 200
    # A post that stays home is still none of the other landlord's business.
    home_only = publish(client, world).json["id"]
    assert (
        client.get(f"/api/v1/posts/{home_only}", headers=world.headers("other_staff")).status_code
        == 404
    )


def test_an_area_reaches_the_landlords_residences_it_covers(client, world):
    around = publish(
        client,
        world,
        role="staff",
        kind="announcement",
        scope="area",
        area=AROUND_TILLEULS_AND_VERGER,
    ).json
    everywhere = publish(
        client, world, role="staff", kind="announcement", scope="area", area=EVERYWHERE
    ).json
    targets = lambda post_id: set(  # noqa: E731
        db.session.scalars(
            select(PostResidence.residence_id).where(PostResidence.post_id == post_id)
        )
    )
    assert targets(around["id"]) == {world.home.id, world.neighbour.id}
    # The polygon also covers Les Érables, of another landlord: not targeted.
    assert targets(everywhere["id"]) == {world.home.id, world.neighbour.id}
    assert around["id"] in feed_ids(client, world, "other_resident")
    everything = publish(
        client, world, role="staff", kind="announcement", scope="area", all_residences=True
    ).json
    assert targets(everything["id"]) == {world.home.id, world.neighbour.id}


def test_building_posts_reach_that_building_only(client, world):
    post = publish(client, world, scope="building").json
    assert post["id"] in feed_ids(client, world, "resident")
    world.membership("solidaire").role = "resident"  # no longer a moderator
    db.session.commit()
    assert post["id"] not in feed_ids(client, world, "solidaire")
    world.membership("solidaire").building_id = world.building.id
    db.session.commit()
    assert post["id"] in feed_ids(client, world, "solidaire")


def test_a_member_who_leaves_stops_seeing_the_news(client, world):
    assert world.event.id in feed_ids(client, world, "solidaire")
    world.membership("solidaire").status = "left"
    db.session.commit()
    assert feed_ids(client, world, "solidaire") == []
    assert (
        client.get(
            f"/api/v1/posts/{world.event.id}", headers=world.headers("solidaire")
        ).status_code
        == 404
    )


def test_residents_cannot_speak_for_the_landlord(client, world):
    before = post_count()
    for kind in ("announcement", "alert"):
        assert publish(client, world, kind=kind).status_code == 403
    assert publish(client, world, scope="area", all_residences=True).status_code == 422
    assert (
        publish(
            client, world, pinned_until=(datetime.now(PARIS) + timedelta(days=1)).isoformat()
        ).status_code
        == 422
    )
    assert publish(client, world, role="other_resident").status_code == 404
    assert post_count() == before


def test_bad_posts_write_nothing(client, world):
    before = post_count()
    soon = datetime.now(PARIS) + timedelta(days=2)
    cases = [
        (
            {
                "role": "staff",
                "kind": "announcement",
                "scope": "area",
                "area": {"type": "Polygon", "coordinates": [[[4.8, 45.7]]]},
            },
            "area",
        ),
        (
            {
                "role": "staff",
                "kind": "announcement",
                "scope": "area",
                "area": {"type": "Point", "coordinates": [4.8, 45.7]},
            },
            "area",
        ),
        ({"kind": "poll", "options": ["Oui"], "closes_at": soon.isoformat()}, "options"),
        ({"kind": "poll", "options": ["Oui", "Oui"], "closes_at": soon.isoformat()}, "options"),
        (
            {
                "kind": "event",
                "starts_at": soon.isoformat(),
                "ends_at": (soon - timedelta(hours=1)).isoformat(),
            },
            "ends_at",
        ),
        ({"kind": "event"}, "starts_at"),
        ({"body": "x" * 2001}, "body"),
        ({"scope": "nearby", "radius_m": 6000}, "radius_m"),
        ({"kind": "gossip"}, "kind"),
    ]
    for fields, name in cases:
        role = fields.pop("role", "resident")
        response = publish(client, world, role=role, **fields)
        assert response.status_code == 422, (fields, response.json)
        assert name in response.json["errors"], (fields, response.json)
    assert post_count() == before


def test_events_fill_up(client, world):
    world.event.capacity = 2
    db.session.commit()
    url = f"/api/v1/posts/{world.event.id}/rsvp"
    assert (
        client.put(url, json={"answer": "going"}, headers=world.headers("resident")).status_code
        == 204
    )
    assert (
        client.put(url, json={"answer": "going"}, headers=world.headers("solidaire")).status_code
        == 204
    )
    full = client.put(url, json={"answer": "going"}, headers=world.headers("staff"))
    assert full.status_code == 409 and full.json["going"] == 2
    assert (
        client.put(url, json={"answer": "maybe"}, headers=world.headers("staff")).status_code == 204
    )
    assert (
        client.put(url, json={"answer": "going"}, headers=world.headers("resident")).status_code
        == 204
    )  # already in
    item = client.get(f"/api/v1/posts/{world.event.id}", headers=world.headers("resident")).json
    assert (item["going"], item["my_rsvp"]) == (2, "going")


def test_polls_show_results_after_voting_or_closing(client, world):
    url = f"/api/v1/posts/{world.poll.id}"
    first, second = (option.id for option in world.poll.options)
    assert client.get(url, headers=world.headers("resident")).json["results"] is None
    assert (
        client.put(
            f"{url}/vote", json={"option_id": first}, headers=world.headers("resident")
        ).status_code
        == 204
    )
    assert (
        client.put(
            f"{url}/vote", json={"option_id": second}, headers=world.headers("resident")
        ).status_code
        == 204
    )
    seen = client.get(url, headers=world.headers("resident")).json
    assert seen["my_vote"] == second and seen["results"] == {str(first): 0, str(second): 1}
    assert (
        client.put(
            f"{url}/vote", json={"option_id": 999999}, headers=world.headers("resident")
        ).status_code
        == 422
    )
    world.poll.closes_at = datetime.now(PARIS) - timedelta(minutes=1)
    db.session.commit()
    assert client.get(url, headers=world.headers("staff")).json["results"] == {
        str(first): 0,
        str(second): 1,
    }
    assert (
        client.put(
            f"{url}/vote", json={"option_id": first}, headers=world.headers("staff")
        ).status_code
        == 409
    )
    assert reminders.tell_closed_polls() == 1
    told = db.session.scalars(
        select(Notification.recipient_id).where(Notification.kind == "poll_closed")
    ).all()
    assert set(told) == {world.users["solidaire"].id, world.users["resident"].id}


def test_pinned_announcements_come_first_until_their_pin_ends(client, world):
    pinned = publish(
        client,
        world,
        role="staff",
        kind="announcement",
        body="Coupure d'eau jeudi",
        pinned_until=(datetime.now(PARIS) + timedelta(days=3)).isoformat(),
    ).json
    newer = publish(client, world).json
    ids = feed_ids(client, world, "solidaire")
    assert ids[0] == pinned["id"] and ids[1] == newer["id"]
    items = client.get("/api/v1/feed", headers=world.headers("solidaire")).json["items"]
    assert items[0]["author"] == {
        "id": world.users["staff"].id,
        "display_name": "Claire",
        "role": "staff",
    }
    assert items[1]["author"]["role"] == "resident"


def test_the_feed_pages_through_everything_once(client, world):
    for number in range(7):
        publish(client, world, body=f"Message {number}")
    seen, cursor = [], None
    while True:
        page = client.get(
            "/api/v1/feed?limit=3" + (f"&cursor={cursor}" if cursor else ""),
            headers=world.headers("solidaire"),
        ).json
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 10


def test_feed_queries_do_not_grow_with_the_page(client, world):
    for number in range(50):
        publish(client, world, body=f"Message {number}")
    for post_id in feed_ids(client, world, "resident")[:20]:
        client.put(
            f"/api/v1/posts/{post_id}/reaction",
            json={"kind": "like"},
            headers=world.headers("solidaire"),
        )
        client.post(
            f"/api/v1/posts/{post_id}/comments",
            json={"body": "Merci"},
            headers=world.headers("solidaire"),
        )
    client.put(
        f"/api/v1/posts/{world.poll.id}/vote",
        json={"option_id": world.poll.options[0].id},
        headers=world.headers("resident"),
    )

    def statements_for(limit):
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            items = client.get(
                f"/api/v1/feed?limit={limit}", headers=world.headers("resident")
            ).json["items"]
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert len(items) == limit
        return len(statements)

    assert statements_for(5) == statements_for(50)


def test_the_first_page_of_the_feed_is_five_statements(client, world):
    """The token with its member, where their news comes from, the page (pinned posts and
    counts included), its photos, its polls' options: nothing per post, nothing per count."""
    publish(client, world, kind="announcement", pinned_until="2099-01-01T00:00:00Z", role="staff")
    for post_id in feed_ids(client, world, "resident"):
        client.put(
            f"/api/v1/posts/{post_id}/reaction",
            json={"kind": "like"},
            headers=world.headers("solidaire"),
        )
        client.post(
            f"/api/v1/posts/{post_id}/comments",
            json={"body": "Merci"},
            headers=world.headers("solidaire"),
        )
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        items = client.get("/api/v1/feed", headers=world.headers("resident")).json["items"]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert items[0]["kind"] == "announcement" and items[0]["pinned_until"]
    assert {item["kind"] for item in items} >= {"poll", "event"}
    assert all(item["comments"] == 1 for item in items if item["kind"] != "announcement")
    # The tests' savepoints (tests/conftest.py) are no statements of the app's.
    sent = [text.split()[0:2] for text in statements if "SAVEPOINT" not in text]
    assert len(sent) == 5, sent


def test_scheduled_announcements_and_urgent_alerts(client, world):
    later = datetime.now(PARIS) + timedelta(hours=2)
    scheduled = publish(
        client,
        world,
        role="staff",
        kind="announcement",
        body="Réunion",
        publish_at=later.isoformat(),
    ).json
    assert scheduled["id"] not in feed_ids(client, world, "resident")
    assert publishing.publish_due_posts() == 0
    assert publishing.publish_due_posts(later + timedelta(minutes=1)) == 1
    assert scheduled["id"] in feed_ids(client, world, "resident")

    alert = publish(
        client, world, role="staff", kind="alert", title="Eau coupée", body="Jusqu'à 18 h"
    ).json
    assert alert["urgent"] is True
    notes = db.session.scalars(select(Notification).where(Notification.kind == "alert")).all()
    assert {n.recipient_id for n in notes} == {
        world.users["resident"].id,
        world.users["solidaire"].id,
    }
    assert all(n.urgent for n in notes)
    assert notes[0].payload["title"] == "Alerte : Eau coupée"


def test_reach_counts_targets_and_readers(client, world):
    url = f"/api/v1/posts/{world.announcement.id}"
    assert client.get(f"{url}/reach", headers=world.headers("staff")).json == {
        "targeted": 2,
        "opened": 0,
    }
    for _ in range(2):
        assert client.post(f"{url}/read", headers=world.headers("resident")).status_code == 204
    assert client.get(f"{url}/reach", headers=world.headers("staff")).json == {
        "targeted": 2,
        "opened": 1,
    }


def test_comments_reactions_and_the_authors_notice(client, world):
    url = f"/api/v1/posts/{world.event.id}"
    assert (
        client.post(
            f"{url}/comments", json={"body": "Je viens !"}, headers=world.headers("solidaire")
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{url}/comments", json={"body": "Super"}, headers=world.headers("resident")
        ).status_code
        == 201
    )
    comments = client.get(f"{url}/comments", headers=world.headers("resident")).json["items"]
    assert [c["body"] for c in comments] == ["Je viens !", "Super"]
    notes = db.session.scalars(select(Notification).where(Notification.kind == "comment")).all()
    assert [n.recipient_id for n in notes] == [world.users["resident"].id]  # not for one's own
    client.put(f"{url}/reaction", json={"kind": "like"}, headers=world.headers("solidaire"))
    client.put(f"{url}/reaction", json={"kind": "love"}, headers=world.headers("solidaire"))
    item = client.get(url, headers=world.headers("solidaire")).json
    assert (item["reactions"], item["my_reaction"], item["comments"]) == (1, "love", 2)
    assert (
        client.put(
            f"{url}/reaction", json={"kind": "angry"}, headers=world.headers("solidaire")
        ).status_code
        == 422
    )


def test_event_reminders(world):
    interactions.answer_event(world.users["solidaire"], world.event.id, "going")
    too_early = world.event.starts_at - timedelta(days=2)
    assert reminders.send_event_reminders(too_early) == 0
    assert reminders.send_event_reminders(world.event.starts_at - timedelta(hours=3)) == 1
    assert reminders.send_event_reminders(world.event.starts_at - timedelta(hours=2)) == 0  # once
