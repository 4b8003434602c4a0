"""Authors change and delete their own posts, comments, listings and messages.

Deleted posts and listings are gone for everyone (404, the author too), their photos no longer
served; deleted comments and messages keep their place in their thread, without their text.
"""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Comment, Listing, Message, Post, Visibility, db
from services import conversations, listings
from services.errors import NotFound
from services.news import interactions, publishing, reminders
from tests.photos import png_bytes


def add_photo(client, world, url, role="resident"):
    added = client.post(
        f"{url}/photos",
        data={"photo": (io.BytesIO(png_bytes()), "photo.png")},
        headers=world.headers(role),
    )
    assert added.status_code == 201, added.json
    return added.json["url"]


def photo_status(client, url):
    with client.get(url) as response:
        return response.status_code


def feed_ids(client, world, role):
    response = client.get("/api/v1/feed?limit=100", headers=world.headers(role))
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def comments(client, world, post_id, role="solidaire"):
    response = client.get(f"/api/v1/posts/{post_id}/comments", headers=world.headers(role))
    assert response.status_code == 200, response.json
    return response.json["items"]


def comment(client, world, role="resident", body="J’apporte une tarte"):
    response = client.post(
        f"/api/v1/posts/{world.event.id}/comments", json={"body": body}, headers=world.headers(role)
    )
    assert response.status_code == 201, response.json
    return response.json


def message(client, world, role="resident", deal="loans", body="Samedi 10 h ?"):
    deal_id = world.loan.id if deal == "loans" else world.exchange.id
    response = client.post(
        f"/api/v1/{deal}/{deal_id}/messages", json={"body": body}, headers=world.headers(role)
    )
    assert response.status_code == 201, response.json
    return response.json


def thread(client, world, role, deal="loans"):
    deal_id = world.loan.id if deal == "loans" else world.exchange.id
    response = client.get(f"/api/v1/{deal}/{deal_id}/messages", headers=world.headers(role))
    assert response.status_code == 200, response.json
    return response.json["items"]


def fresh(model, row_id):
    """The row as the database holds it now (the requests wrote through their own sessions)."""
    db.session.expire_all()
    return db.session.get(model, row_id)


# Posts


def test_the_author_edits_a_post(client, world):
    url = f"/api/v1/posts/{world.event.id}"
    before = client.get(url, headers=world.headers("solidaire")).json
    assert before["edited_at"] is None
    edited = client.patch(
        url,
        json={"title": " Fête des voisins ", "body": "Apportez un plat", "place": " Jardin "},
        headers=world.headers("resident"),
    )
    assert edited.status_code == 200, edited.json
    assert edited.json["title"] == "Fête des voisins"
    assert edited.json["body"] == "Apportez un plat" and edited.json["place"] == "Jardin"
    assert edited.json["edited_at"] is not None
    # The same answer as a read, for every reader: the feed shows the new text.
    read = client.get(url, headers=world.headers("solidaire")).json
    assert read["body"] == "Apportez un plat" and read["edited_at"] == edited.json["edited_at"]
    feed = client.get("/api/v1/feed?limit=100", headers=world.headers("solidaire")).json
    item = next(item for item in feed["items"] if item["id"] == world.event.id)
    assert item["body"] == "Apportez un plat" and item["edited_at"] is not None


def test_fields_left_out_keep_their_value_and_a_no_change_is_no_edit(client, world):
    url = f"/api/v1/posts/{world.announcement.id}"
    same = client.patch(url, json={"body": "Remplacement lundi."}, headers=world.headers("staff"))
    assert same.status_code == 200, same.json
    assert same.json["title"] == "Ascenseur" and same.json["edited_at"] is None
    untitled = client.patch(url, json={"title": None}, headers=world.headers("staff"))
    assert untitled.json["title"] is None and untitled.json["body"] == "Remplacement lundi."
    assert untitled.json["edited_at"] is not None


def test_an_event_in_a_space_gets_its_place_back_when_emptied(client, world):
    world.event.space_id = world.room.id
    world.event.place = "Salle commune"
    db.session.commit()
    url = f"/api/v1/posts/{world.event.id}"
    moved = client.patch(url, json={"place": "Devant le hall"}, headers=world.headers("resident"))
    assert moved.json["place"] == "Devant le hall"
    back = client.patch(url, json={"place": None}, headers=world.headers("resident"))
    assert back.json["place"] == "Salle commune"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"body": "   "}, "body"),
        ({"body": "x" * 2001}, "body"),
        ({"title": "x" * 121, "body": "Nouveau texte"}, "title"),
        ({"title": "Fête\x00", "body": "Nouveau texte"}, "title"),
        ({"kind": "poll"}, "kind"),
    ],
)
def test_a_post_edit_is_checked_as_a_new_post_is(client, world, body, field):
    response = client.patch(
        f"/api/v1/posts/{world.event.id}", json=body, headers=world.headers("resident")
    )
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]
    post = fresh(Post, world.event.id)
    assert (post.title, post.body, post.edited_at) == (None, "Fête des voisins", None)


def test_only_events_have_a_place_and_a_refused_edit_changes_nothing(client, world):
    response = client.patch(
        f"/api/v1/posts/{world.poll.id}",
        json={"body": "Nouvelle question", "place": "Jardin"},
        headers=world.headers("solidaire"),
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"place": ["Seuls les événements ont un lieu."]}
    post = fresh(Post, world.poll.id)
    assert post.body == "Horaires du jardin ?" and post.edited_at is None


def test_only_the_author_edits_or_deletes_a_post(client, world):
    url = f"/api/v1/posts/{world.event.id}"
    for role, status in (("solidaire", 403), ("staff", 403), ("admin", 403), ("other_staff", 404)):
        edited = client.patch(url, json={"body": "Annulé"}, headers=world.headers(role))
        assert edited.status_code == status, role
        deleted = client.delete(url, headers=world.headers(role))
        assert deleted.status_code == status, role
    refused = client.delete(url, headers=world.headers("solidaire"))
    assert refused.json["detail"] == "Seul l’auteur de cette publication peut la modifier."
    post = fresh(Post, world.event.id)
    assert (post.body, post.edited_at, post.deleted_at) == ("Fête des voisins", None, None)


def test_a_deleted_post_is_gone_for_everyone_with_its_photos(client, world, upload_folder):
    url = f"/api/v1/posts/{world.event.id}"
    photo = add_photo(client, world, url)
    assert photo_status(client, photo) == 200
    stored = list(upload_folder.iterdir())
    assert len(stored) == 1
    assert world.event.id in feed_ids(client, world, "solidaire")

    assert client.delete(url, headers=world.headers("resident")).status_code == 204

    assert photo_status(client, photo) == 404
    assert not stored[0].exists()  # the file followed the request's unit of work
    for role in ("resident", "solidaire", "staff", "admin"):
        assert client.get(url, headers=world.headers(role)).status_code == 404, role
        assert world.event.id not in feed_ids(client, world, role), role
    headers = world.headers("resident")
    assert client.delete(url, headers=headers).status_code == 404  # already deleted
    assert client.patch(url, json={"body": "Revenu"}, headers=headers).status_code == 404
    commented = client.post(f"{url}/comments", json={"body": "?"}, headers=headers)
    assert commented.status_code == 404
    rsvp = client.put(f"{url}/rsvp", json={"answer": "going"}, headers=world.headers("solidaire"))
    assert rsvp.status_code == 404


def test_a_deleted_pinned_announcement_leaves_the_top_of_the_feed(client, world):
    announcement = fresh(Post, world.announcement.id)
    announcement.pinned_until = announcement.published_at + timedelta(days=30)
    db.session.commit()
    assert feed_ids(client, world, "resident")[0] == announcement.id
    deleted = client.delete(f"/api/v1/posts/{announcement.id}", headers=world.headers("staff"))
    assert deleted.status_code == 204
    assert announcement.id not in feed_ids(client, world, "resident")


def test_a_deleted_event_is_not_reminded_nor_a_deleted_poll_announced(world):
    publishing.delete_post(world.event)
    publishing.delete_post(world.poll)
    assert reminders.send_event_reminders(world.event.starts_at - timedelta(hours=3)) == 0
    assert reminders.tell_closed_polls(world.poll.closes_at + timedelta(minutes=1)) == 0


def test_deleting_a_post_twice_answers_404_to_whoever_asks(world):
    """The unchecked deletion (the moderators' too) refuses a post already deleted."""
    publishing.delete_post(world.poll)
    with pytest.raises(NotFound):
        publishing.delete_post(world.poll)


# Comments


def test_the_author_edits_a_comment(client, world):
    written = comment(client, world)
    assert written["edited_at"] is None and written["deleted"] is False
    url = f"/api/v1/comments/{written['id']}"
    edited = client.patch(url, json={"body": " Deux tartes "}, headers=world.headers("resident"))
    assert edited.status_code == 200, edited.json
    assert edited.json["body"] == "Deux tartes" and edited.json["edited_at"] is not None
    assert edited.json["author"]["display_name"] == "Nadia"
    [shown] = comments(client, world, world.event.id)
    assert shown["body"] == "Deux tartes" and shown["edited_at"] == edited.json["edited_at"]


def test_a_comment_edit_is_checked_and_only_the_author_makes_it(client, world):
    written = comment(client, world)
    url = f"/api/v1/comments/{written['id']}"
    for body in ("  ", "x" * 1001, "Deux\x00tartes"):
        response = client.patch(url, json={"body": body}, headers=world.headers("resident"))
        assert response.status_code == 422, body
        assert "body" in response.json["errors"]
    for role, status in (
        ("solidaire", 403),
        ("staff", 403),
        ("admin", 403),
        ("other_resident", 404),
        ("other_staff", 404),
    ):
        edited = client.patch(url, json={"body": "Pas de tarte"}, headers=world.headers(role))
        assert edited.status_code == status, role
        assert client.delete(url, headers=world.headers(role)).status_code == status, role
    refused = client.patch(url, json={"body": "Non"}, headers=world.headers("solidaire"))
    assert refused.json["detail"] == "Seul l’auteur de ce commentaire peut le modifier."
    row = fresh(Comment, written["id"])
    assert (row.body, row.edited_at, row.deleted_at) == ("J’apporte une tarte", None, None)


def test_a_deleted_comment_stays_as_a_tombstone_and_counts_no_more(client, world):
    first = comment(client, world)
    comment(client, world, role="solidaire", body="Super !")

    def count():
        read = client.get(f"/api/v1/posts/{world.event.id}", headers=world.headers("resident"))
        return read.json["comments"]

    assert count() == 2
    url = f"/api/v1/comments/{first['id']}"
    assert client.delete(url, headers=world.headers("resident")).status_code == 204
    assert count() == 1
    for role in ("resident", "solidaire"):
        tombstone, kept = comments(client, world, world.event.id, role)
        assert tombstone["id"] == first["id"]
        assert tombstone["deleted"] is True and tombstone["body"] is None
        assert kept["body"] == "Super !" and kept["deleted"] is False
    headers = world.headers("resident")
    assert client.delete(url, headers=headers).status_code == 404
    assert client.patch(url, json={"body": "Revenu"}, headers=headers).status_code == 404
    assert fresh(Comment, first["id"]).body == "J’apporte une tarte"  # kept for moderators


def test_a_hidden_comment_is_out_of_reach_for_others_but_its_author(client, world):
    written = comment(client, world)
    fresh(Comment, written["id"]).visibility = Visibility.HIDDEN
    db.session.commit()
    url = f"/api/v1/comments/{written['id']}"
    assert client.delete(url, headers=world.headers("solidaire")).status_code == 404
    assert client.delete(url, headers=world.headers("resident")).status_code == 204


def test_comments_of_a_deleted_post_are_out_of_reach(client, world):
    written = comment(client, world)
    publishing.delete_post(world.event)
    db.session.commit()
    url = f"/api/v1/comments/{written['id']}"
    edited = client.patch(url, json={"body": "?"}, headers=world.headers("resident"))
    assert edited.status_code == 404
    response = client.get(
        f"/api/v1/posts/{world.event.id}/comments", headers=world.headers("resident")
    )
    assert response.status_code == 404


def test_the_unchecked_comment_deletion_refuses_a_second_time(world):
    row = interactions.add_comment(world.users["solidaire"], world.event.id, "Bravo")
    interactions.delete_comment(row)
    assert row.deleted_at is not None
    with pytest.raises(NotFound):
        interactions.delete_comment(row)


# Listings


def test_a_listing_is_marked_edited_when_its_text_changes(client, world):
    url = f"/api/v1/listings/{world.lend.id}"
    headers = world.headers("resident")
    assert client.get(url, headers=headers).json["edited_at"] is None
    paused = client.patch(url, json={"status": "paused"}, headers=headers)
    assert paused.json["status"] == "paused" and paused.json["edited_at"] is None
    same = client.patch(url, json={"title": " Perceuse "}, headers=headers)
    assert same.json["edited_at"] is None
    renamed = client.patch(url, json={"description": "Avec deux forets"}, headers=headers)
    assert renamed.json["description"] == "Avec deux forets"
    assert renamed.json["edited_at"] is not None


def test_the_author_deletes_a_listing_with_its_photos(client, world, upload_folder):
    url = f"/api/v1/listings/{world.lend.id}"
    photo = add_photo(client, world, url)
    assert photo_status(client, photo) == 200
    search = "/api/v1/listings?limit=100&q=perceuse"
    hits = client.get(search, headers=world.headers("solidaire")).json["items"]
    assert [hit["listing"]["id"] for hit in hits] == [world.lend.id]

    refused = client.delete(url, headers=world.headers("solidaire"))
    assert refused.status_code == 403
    assert photo_status(client, photo) == 200  # the refused request changed nothing
    assert fresh(Listing, world.lend.id).deleted_at is None

    assert client.delete(url, headers=world.headers("resident")).status_code == 204
    assert photo_status(client, photo) == 404
    assert not (upload_folder / photo.rsplit("/", 1)[1]).exists()
    for role in ("resident", "solidaire", "staff", "admin"):
        assert client.get(url, headers=world.headers(role)).status_code == 404, role
        listed = client.get("/api/v1/listings?limit=100", headers=world.headers(role)).json
        assert world.lend.id not in [hit["listing"]["id"] for hit in listed["items"]], role
    assert client.get(search, headers=world.headers("solidaire")).json["items"] == []
    headers = world.headers("resident")
    assert client.delete(url, headers=headers).status_code == 404
    assert client.patch(url, json={"title": "Revenue"}, headers=headers).status_code == 404
    borrow = client.post(
        f"{url}/loans",
        json={"starts_on": str(world.loan.starts_on), "due_on": str(world.loan.due_on)},
        headers=world.headers("solidaire"),
    )
    assert borrow.status_code == 404
    # The loan already asked for goes on, with its thread.
    loan = client.get(f"/api/v1/loans/{world.loan.id}", headers=world.headers("solidaire"))
    assert loan.status_code == 200 and loan.json["listing"]["id"] == world.lend.id


def test_the_unchecked_listing_deletion_drops_the_photo_rows(world):
    listings.delete_listing(world.lend)
    assert world.lend.photos == []
    assert db.session.scalar(select(Listing.deleted_at).where(Listing.id == world.lend.id))
    with pytest.raises(NotFound):
        listings.delete_listing(world.lend)


# Messages


@pytest.mark.parametrize("deal", ["loans", "exchanges"])
def test_the_author_edits_and_deletes_a_message(client, world, deal):
    written = message(client, world, deal=deal)
    assert written["edited_at"] is None and written["deleted"] is False
    url = f"/api/v1/messages/{written['id']}"
    headers = world.headers("resident")
    edited = client.patch(url, json={"body": " Samedi 11 h ? "}, headers=headers)
    assert edited.status_code == 200, edited.json
    assert edited.json["body"] == "Samedi 11 h ?" and edited.json["edited_at"] is not None
    assert thread(client, world, "solidaire", deal)[0]["body"] == "Samedi 11 h ?"

    assert client.delete(url, headers=headers).status_code == 204
    for role in ("resident", "solidaire"):
        [tombstone] = thread(client, world, role, deal)
        assert tombstone["id"] == written["id"]
        assert tombstone["deleted"] is True and tombstone["body"] is None
        assert tombstone["author"]["display_name"] == "Nadia"
    assert client.delete(url, headers=headers).status_code == 404
    assert client.patch(url, json={"body": "Revenu"}, headers=headers).status_code == 404


def test_only_the_author_changes_a_message(client, world):
    written = message(client, world)
    url = f"/api/v1/messages/{written['id']}"
    for role, status in (
        ("solidaire", 403),  # the other side of the loan
        ("other_resident", 404),
        ("staff", 404),
        ("admin", 404),
    ):
        edited = client.patch(url, json={"body": "Dimanche"}, headers=world.headers(role))
        assert edited.status_code == status, role
        assert client.delete(url, headers=world.headers(role)).status_code == status, role
    refused = client.delete(url, headers=world.headers("solidaire"))
    assert refused.json["detail"] == "Seul l’auteur de ce message peut le modifier."
    for body in ("", "x" * 2001, "Samedi\x00"):
        response = client.patch(url, json={"body": body}, headers=world.headers("resident"))
        assert response.status_code == 422, body
    row = fresh(Message, written["id"])
    assert (row.body, row.edited_at, row.deleted_at) == ("Samedi 10 h ?", None, None)


def test_the_unchecked_message_deletion_refuses_a_second_time(world):
    row = conversations.post_message(
        world.users["solidaire"], conversations.LOAN, world.loan.id, "Merci"
    )
    conversations.delete_message(row)
    with pytest.raises(NotFound):
        conversations.delete_message(row)


def test_photos_of_deleted_content_are_not_served_even_if_their_rows_remain(
    client, world, upload_folder
):
    upload_folder.mkdir(parents=True, exist_ok=True)
    (upload_folder / "drill.jpg").write_bytes(png_bytes())
    assert photo_status(client, "/uploads/drill.jpg") == 200
    fresh(Listing, world.lend.id).deleted_at = world.lend.created_at  # rows left behind
    db.session.commit()
    assert photo_status(client, "/uploads/drill.jpg") == 404
