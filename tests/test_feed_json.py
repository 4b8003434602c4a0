"""The feed's answer is written without marshmallow (app/schemas/news.py, feed_page_json): it
must be exactly what FeedPageSchema, the documented contract, would dump."""

import io

from flask import current_app

from app.schemas.news import FeedPageSchema
from models import Membership, db
from services import accounts
from services.news import feed
from tests.photos import png_bytes
from tests.world import user


def schema_json(member, cursor=None, limit=20) -> bytes:
    page = feed.feed(member, cursor, limit)
    return current_app.json.response(FeedPageSchema().dump(page)).get_data()


def test_the_feed_answers_what_its_schema_would_dump_byte_for_byte(app, client, world):
    resident = world.users["resident"]
    neighbour = user("voisine@test.palier", "Inès")
    db.session.add(Membership(user=neighbour, residence=world.home))
    db.session.commit()
    secret = accounts.issue_token(neighbour, "test phone")
    db.session.commit()
    headers = {**world.tokens, "neighbour": secret}

    def call(role, method, url, **kwargs):
        authorization = {"Authorization": f"Bearer {headers[role]}"}
        response = client.open(url, method=method, headers=authorization, **kwargs)
        assert response.status_code < 300, response.json
        return response

    pinned = call(
        "staff",
        "POST",
        "/api/v1/posts",
        json={
            "residence_id": world.home.id,
            "kind": "announcement",
            "title": "Coupure d'eau",
            "body": "Mardi matin.",
            "pinned_until": "2099-01-01T00:00:00+00:00",
        },
    ).json
    own = call(
        "resident",
        "POST",
        "/api/v1/posts",
        json={"residence_id": world.home.id, "kind": "post", "body": "Qui a une échelle ?"},
    ).json
    call("resident", "PATCH", f"/api/v1/posts/{own['id']}", json={"body": "Une échelle ?"})
    call(
        "resident",
        "POST",
        f"/api/v1/posts/{world.event.id}/photos",
        data={"photo": (io.BytesIO(png_bytes()), "fete.png")},
    )
    call("resident", "PUT", f"/api/v1/posts/{world.event.id}/rsvp", json={"answer": "going"})
    call(
        "resident",
        "PUT",
        f"/api/v1/posts/{world.poll.id}/vote",
        json={"option_id": world.poll.options[1].id},
    )
    call("resident", "PUT", f"/api/v1/posts/{pinned['id']}/reaction", json={"kind": "like"})
    for post_id in (world.event.id, world.poll.id, own["id"], pinned["id"]):
        for role in ("solidaire", "neighbour"):
            call(role, "POST", f"/api/v1/posts/{post_id}/comments", json={"body": "Merci"})
            call(role, "PUT", f"/api/v1/posts/{post_id}/reaction", json={"kind": "thanks"})
    # The neighbour's comments no longer count for the resident who blocks her.
    call("resident", "PUT", f"/api/v1/me/blocks/{neighbour.id}")

    answer = client.get("/api/v1/feed", headers=world.headers("resident"))
    items = answer.json["items"]
    assert items[0]["id"] == pinned["id"] and items[0]["my_reaction"] == "like"
    assert {item["kind"] for item in items} >= {"announcement", "event", "poll", "post"}
    event = next(item for item in items if item["id"] == world.event.id)
    assert event["photos"] and event["my_rsvp"] == "going" and event["comments"] == 1
    poll = next(item for item in items if item["id"] == world.poll.id)
    assert poll["results"] and poll["my_vote"] == world.poll.options[1].id
    assert next(item for item in items if item["id"] == own["id"])["edited_at"]
    with app.test_request_context():
        assert answer.get_data() == schema_json(resident)

    # A page with a cursor after it, and the page that cursor leads to.
    first = client.get("/api/v1/feed?limit=2", headers=world.headers("resident"))
    cursor = first.json["next_cursor"]
    assert cursor
    second = client.get(f"/api/v1/feed?limit=2&cursor={cursor}", headers=world.headers("resident"))
    assert second.json["items"]
    with app.test_request_context():
        assert first.get_data() == schema_json(resident, limit=2)
        assert second.get_data() == schema_json(resident, cursor, limit=2)
