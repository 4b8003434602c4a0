"""The counts a post shows (comments, reactions, members going) are kept on the post by the
service functions that write what they count (services/news/counts.py): after every kind of
write they equal a count of the rows, and the API shows the same numbers as before."""

from sqlalchemy import func, select

from models import Comment, EventRsvp, Post, Reaction, Rsvp, Visibility, db
from services.moderation.words import set_filtered_words
from tests.test_blocks import block, member


def counted(post_id: int) -> tuple[int, int, int]:
    """The counts from the rows themselves."""
    comments = select(func.count()).where(
        Comment.post_id == post_id,
        Comment.visibility == Visibility.VISIBLE,
        Comment.deleted_at.is_(None),
    )
    reactions = select(func.count()).where(Reaction.post_id == post_id)
    going = select(func.count()).where(EventRsvp.post_id == post_id, EventRsvp.answer == Rsvp.GOING)
    return tuple(db.session.scalar(query) for query in (comments, reactions, going))


def kept(post_id: int) -> tuple[int, int, int]:
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    return post.comment_count, post.reaction_count, post.going_count


def shown(client, world, role: str, post_id: int) -> tuple[int, int, int]:
    """What the post and the feed say, the same in both."""
    item = client.get(f"/api/v1/posts/{post_id}", headers=world.headers(role)).json
    feed = client.get("/api/v1/feed?limit=100", headers=world.headers(role)).json["items"]
    [in_feed] = [entry for entry in feed if entry["id"] == post_id]
    numbers = (item["comments"], item["reactions"], item["going"])
    assert (in_feed["comments"], in_feed["reactions"], in_feed["going"]) == numbers
    return numbers


def test_counts_follow_every_kind_of_write(client, world):
    post_id = world.event.id
    url = f"/api/v1/posts/{post_id}"
    history = []

    def step(expected: tuple[int, int, int]) -> None:
        """The kept counts equal the rows' and what every reader is shown."""
        assert kept(post_id) == counted(post_id) == expected, history[-1]
        for role in ("resident", "solidaire", "staff"):
            assert shown(client, world, role, post_id) == expected, (history[-1], role)

    def write(what, method, path, status, role, **body):
        history.append(what)
        response = client.open(path, method=method, json=body or None, headers=world.headers(role))
        answer = response.get_json(silent=True)
        assert response.status_code == status, (what, answer)
        return answer

    def act(role, action, comment_id):
        path = f"/api/v1/residences/{world.home.id}/moderation-actions"
        target = {"target_kind": "comment", "target_id": comment_id, "reason": "Règles"}
        write(f"{role} {action}s", "POST", path, 201, role, action=action, **target)

    mine = write("a comment", "POST", f"{url}/comments", 201, "solidaire", body="Je viens")["id"]
    step((1, 0, 0))
    theirs = write("another", "POST", f"{url}/comments", 201, "resident", body="Super")["id"]
    step((2, 0, 0))

    write("a reaction", "PUT", f"{url}/reaction", 204, "solidaire", kind="like")
    step((2, 1, 0))
    write("the reaction changed", "PUT", f"{url}/reaction", 204, "solidaire", kind="love")
    step((2, 1, 0))
    write("a second reaction", "PUT", f"{url}/reaction", 204, "resident", kind="like")
    step((2, 2, 0))
    write("a reaction taken back", "DELETE", f"{url}/reaction", 204, "resident")
    step((2, 1, 0))
    write("taken back twice", "DELETE", f"{url}/reaction", 204, "resident")
    step((2, 1, 0))

    write("going", "PUT", f"{url}/rsvp", 204, "solidaire", answer="going")
    step((2, 1, 1))
    write("going again", "PUT", f"{url}/rsvp", 204, "solidaire", answer="going")
    step((2, 1, 1))
    write("another going", "PUT", f"{url}/rsvp", 204, "resident", answer="going")
    step((2, 1, 2))
    write("maybe after all", "PUT", f"{url}/rsvp", 204, "solidaire", answer="maybe")
    step((2, 1, 1))
    write("not going", "PUT", f"{url}/rsvp", 204, "resident", answer="no")
    step((2, 1, 0))

    set_filtered_words(world.users["staff"], world.landlord.id, "fr", ["connard"])
    db.session.commit()
    held = write("a comment held", "POST", f"{url}/comments", 201, "resident", body="Connard")
    step((2, 1, 0))
    act("staff", "restore", held["id"])
    step((3, 1, 0))
    path = f"/api/v1/comments/{theirs}"
    write("an edit held", "PATCH", path, 200, "resident", body="Quel connard")
    step((2, 1, 0))
    act("staff", "restore", theirs)
    step((3, 1, 0))

    act("staff", "hide", mine)
    step((2, 1, 0))
    act("staff", "restore", mine)
    step((3, 1, 0))

    world.home.auto_hide_threshold = 1
    db.session.commit()
    report = {"target_kind": "comment", "target_id": held["id"], "reason": "spam"}
    write("a report that hides", "POST", "/api/v1/reports", 201, "solidaire", **report)
    step((2, 1, 0))
    act("staff", "dismiss", held["id"])
    step((3, 1, 0))

    write("its author deletes it", "DELETE", f"/api/v1/comments/{theirs}", 204, "resident")
    step((2, 1, 0))
    write("deleted twice", "DELETE", f"/api/v1/comments/{theirs}", 404, "resident")
    step((2, 1, 0))
    act("staff", "hide", held["id"])
    step((1, 1, 0))
    act("staff", "delete", held["id"])  # a hidden comment deleted: it counted already no more
    step((1, 1, 0))
    act("staff", "delete", mine)
    step((0, 1, 0))


def test_a_reader_does_not_count_the_comments_of_a_member_blocked_either_way(client, world):
    member(world, "lea", "Léa")
    post_id = world.event.id
    path = f"/api/v1/posts/{post_id}/comments"
    for role in ("solidaire", "solidaire", "lea"):
        assert client.post(path, json={"body": "!"}, headers=world.headers(role)).status_code == 201
    block(client, world, "lea", "solidaire")
    # The post keeps the count of everyone's comments; each reader is shown their thread's.
    assert kept(post_id) == counted(post_id) == (3, 0, 0)
    assert shown(client, world, "lea", post_id)[0] == 1
    assert shown(client, world, "solidaire", post_id)[0] == 2
    assert shown(client, world, "resident", post_id)[0] == 3
