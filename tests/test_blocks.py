"""Blocks between members: neither sees the other's content, and neither can message, lend to,
borrow from or answer the other; the blocked member is not told; unblocking restores it all.

In the world, the resident (Nadia) lends a drill and offers help, and wrote the party (an
event); the solidaire (Moussa) asked to borrow the drill, answered the offer of help and wrote
the poll; the staff (Claire) wrote the announcement about the lift.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from models import (
    Block,
    ExchangeStatus,
    Listing,
    ListingKind,
    LoanStatus,
    Membership,
    Notification,
    db,
)
from services import accounts
from services.news import publishing
from tests.world import World, today, user

NEUTRAL = "Vous ne pouvez pas contacter ce membre."
PAIR = ("resident", "solidaire")


def block(client, world, blocker, blocked):
    return client.put(
        f"/api/v1/me/blocks/{world.users[blocked].id}", headers=world.headers(blocker)
    )


def unblock(client, world, blocker, blocked):
    return client.delete(
        f"/api/v1/me/blocks/{world.users[blocked].id}", headers=world.headers(blocker)
    )


def blocks_of(client, world, role):
    response = client.get("/api/v1/me/blocks", headers=world.headers(role))
    assert response.status_code == 200, response.json
    return [item["member"]["id"] for item in response.json["items"]]


def member(world: World, role: str, name: str) -> None:
    """One more member of the home residence, signed in as `role`."""
    world.users[role] = user(f"{role}@test.palier", name)
    db.session.add(Membership(user=world.users[role], residence=world.home))
    db.session.commit()
    world.tokens[role] = accounts.issue_token(world.users[role], "phone")


def feed_ids(client, world, role):
    response = client.get("/api/v1/feed?limit=100", headers=world.headers(role))
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def notification_count():
    return db.session.scalar(select(func.count()).select_from(Notification))


# -- the endpoints


def test_block_list_and_unblock(client, world):
    resident, solidaire, staff = (world.users[r] for r in ("resident", "solidaire", "staff"))
    first = block(client, world, "resident", "solidaire")
    assert first.status_code == 200, first.json
    assert first.json["member"] == {
        "id": solidaire.id,
        "display_name": "Moussa",
        "avatar_url": None,
    }
    again = block(client, world, "resident", "solidaire")  # idempotent
    assert again.status_code == 200 and again.json == first.json
    # The staff of the landlord too: they write in the resident's feed.
    assert block(client, world, "resident", "staff").status_code == 200
    assert blocks_of(client, world, "resident") == [staff.id, solidaire.id]  # newest first
    count = db.session.scalar(
        select(func.count()).select_from(Block).where(Block.blocker_id == resident.id)
    )
    assert count == 2

    page = client.get("/api/v1/me/blocks?limit=1", headers=world.headers("resident")).json
    assert [item["member"]["id"] for item in page["items"]] == [staff.id]
    rest = client.get(
        f"/api/v1/me/blocks?limit=1&cursor={page['next_cursor']}",
        headers=world.headers("resident"),
    ).json
    assert [item["member"]["id"] for item in rest["items"]] == [solidaire.id]
    assert rest["next_cursor"] is None

    assert unblock(client, world, "resident", "solidaire").status_code == 204
    assert blocks_of(client, world, "resident") == [staff.id]
    missing = unblock(client, world, "resident", "solidaire")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert missing.json["detail"] == "Vous ne bloquez pas ce membre."


def test_only_a_member_one_can_see_and_never_oneself(client, world):
    myself = block(client, world, "resident", "resident")
    assert myself.status_code == 422
    assert myself.json["errors"] == {"user_id": ["Vous ne pouvez pas vous bloquer vous-même."]}
    # Bruno works for another landlord, Paul lives in another residence: strangers to Nadia.
    for stranger in ("other_staff", "other_resident"):
        response = block(client, world, "resident", stranger)
        assert response.status_code == 404, stranger
        assert response.json["detail"] == "Ce membre n’existe pas ou n’est pas votre voisin."
    nobody = client.put("/api/v1/me/blocks/999999", headers=world.headers("resident"))
    assert nobody.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Block)) == 0


# -- every interaction, both ways


@dataclass
class Interaction:
    name: str
    call: Callable  # (client, world) -> response
    blocked: int  # the status while either blocks the other
    unblocked: int  # and once unblocked
    setup: Callable | None = None  # (world) -> None, before the block


def request(method, path, role, body=None):
    def call(client, world):
        return client.open(path(world), method=method, json=body, headers=world.headers(role))

    return call


def loan_in(status):
    def setup(world):
        world.loan.status = status
        db.session.commit()

    return setup


def exchange_in(status):
    def setup(world):
        world.exchange.status = status
        db.session.commit()

    return setup


def give_listing(world):
    world.gift = Listing(
        residence=world.home,
        owner=world.users["resident"],
        kind=ListingKind.GIVE,
        category="children",
        title="Poussette",
        scope="residence",
    )
    db.session.add(world.gift)
    db.session.commit()


def loan_request_body():
    return {"starts_on": str(today()), "due_on": str(today() + timedelta(days=1))}


INTERACTIONS = [
    # Content: neither reads the other's posts, listings or profile (404, as if none).
    Interaction(
        "solidaire reads the resident's event",
        request("GET", lambda w: f"/api/v1/posts/{w.event.id}", "solidaire"),
        404,
        200,
    ),
    Interaction(
        "resident reads the solidaire's poll",
        request("GET", lambda w: f"/api/v1/posts/{w.poll.id}", "resident"),
        404,
        200,
    ),
    Interaction(
        "solidaire reads the comments of the resident's event",
        request("GET", lambda w: f"/api/v1/posts/{w.event.id}/comments", "solidaire"),
        404,
        200,
    ),
    Interaction(
        "resident opens the solidaire's poll",
        request("POST", lambda w: f"/api/v1/posts/{w.poll.id}/read", "resident"),
        404,
        204,
    ),
    Interaction(
        "solidaire reads the resident's listing",
        request("GET", lambda w: f"/api/v1/listings/{w.lend.id}", "solidaire"),
        404,
        200,
    ),
    Interaction(
        "solidaire reads the resident's profile",
        request("GET", lambda w: f"/api/v1/members/{w.users['resident'].id}", "solidaire"),
        404,
        200,
    ),
    Interaction(
        "resident reads the solidaire's profile",
        request("GET", lambda w: f"/api/v1/members/{w.users['solidaire'].id}", "resident"),
        404,
        200,
    ),
    # Answering: the post is out of reach.
    Interaction(
        "solidaire comments on the resident's event",
        request(
            "POST", lambda w: f"/api/v1/posts/{w.event.id}/comments", "solidaire", {"body": "Oui"}
        ),
        404,
        201,
    ),
    Interaction(
        "solidaire reacts to the resident's event",
        request(
            "PUT", lambda w: f"/api/v1/posts/{w.event.id}/reaction", "solidaire", {"kind": "love"}
        ),
        404,
        204,
    ),
    Interaction(
        "solidaire answers the resident's event",
        request(
            "PUT", lambda w: f"/api/v1/posts/{w.event.id}/rsvp", "solidaire", {"answer": "going"}
        ),
        404,
        204,
    ),
    Interaction(
        "resident votes in the solidaire's poll",
        lambda client, world: client.put(
            f"/api/v1/posts/{world.poll.id}/vote",
            json={"option_id": world.poll.options[0].id},
            headers=world.headers("resident"),
        ),
        404,
        204,
    ),
    Interaction(
        "resident comments on the solidaire's poll",
        request(
            "POST", lambda w: f"/api/v1/posts/{w.poll.id}/comments", "resident", {"body": "9h"}
        ),
        404,
        201,
    ),
    # Borrowing and answering listings: the listing is out of reach.
    Interaction(
        "solidaire asks to borrow the resident's drill",
        lambda client, world: client.post(
            f"/api/v1/listings/{world.lend.id}/loans",
            json=loan_request_body(),
            headers=world.headers("solidaire"),
        ),
        404,
        201,
    ),
    Interaction(
        "solidaire asks for the resident's gift",
        request(
            "POST",
            lambda w: f"/api/v1/listings/{w.gift.id}/exchanges",
            "solidaire",
            {"message": "Pour ma fille"},
        ),
        404,
        201,
        give_listing,
    ),
    # What they already share: refused, with the same neutral message both ways.
    *[
        Interaction(
            f"{role} writes in the {deal}'s conversation",
            request(
                "POST",
                lambda w, d=deal: f"/api/v1/{d}s/{getattr(w, d).id}/messages",
                role,
                {"body": "Samedi ?"},
            ),
            403,
            201,
        )
        for deal in ("loan", "exchange")
        for role in PAIR
    ],
    Interaction(
        "resident accepts the solidaire's loan request",
        request("POST", lambda w: f"/api/v1/loans/{w.loan.id}/accept", "resident"),
        403,
        200,
    ),
    Interaction(
        "resident hands the drill over to the solidaire",
        request("POST", lambda w: f"/api/v1/loans/{w.loan.id}/hand-over", "resident"),
        403,
        200,
        loan_in(LoanStatus.ACCEPTED),
    ),
    Interaction(
        "resident accepts the solidaire's help",
        request("POST", lambda w: f"/api/v1/exchanges/{w.exchange.id}/accept", "resident"),
        403,
        200,
    ),
    *[
        Interaction(
            f"{role} thanks for the loan",
            request("POST", lambda w: f"/api/v1/loans/{w.loan.id}/thanks", role, {"text": "Merci"}),
            403,
            201,
            loan_in(LoanStatus.RETURNED),
        )
        for role in PAIR
    ],
    *[
        Interaction(
            f"{role} thanks for the exchange",
            request(
                "POST",
                lambda w: f"/api/v1/exchanges/{w.exchange.id}/thanks",
                role,
                {"text": "Merci"},
            ),
            403,
            201,
            exchange_in(ExchangeStatus.DONE),
        )
        for role in PAIR
    ],
]


@pytest.mark.parametrize("blocker", PAIR, ids=lambda role: f"the {role} blocks")
@pytest.mark.parametrize("interaction", INTERACTIONS, ids=lambda i: i.name)
def test_every_interaction_is_refused_either_way_and_comes_back(
    client, world, interaction, blocker
):
    if interaction.setup:
        interaction.setup(world)
    blocked = PAIR[1] if blocker == PAIR[0] else PAIR[0]
    assert block(client, world, blocker, blocked).status_code == 200
    before = notification_count()

    response = interaction.call(client, world)
    assert response.status_code == interaction.blocked, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    if interaction.blocked == 403:
        # Never who blocked whom: the same words, whoever acts and whoever blocked.
        assert response.json["detail"] == NEUTRAL
    assert notification_count() == before  # nobody was told anything

    assert unblock(client, world, blocker, blocked).status_code == 204
    response = interaction.call(client, world)
    assert response.status_code == interaction.unblocked, response.get_data(as_text=True)


ENDINGS = [
    ("loans", "loan", "decline", "resident", None, "loan_declined"),
    ("loans", "loan", "cancel", "solidaire", None, "loan_cancelled"),
    ("loans", "loan", "return", "resident", LoanStatus.HANDED_OVER, None),
    ("exchanges", "exchange", "decline", "resident", None, "exchange_declined"),
    ("exchanges", "exchange", "cancel", "solidaire", None, "exchange_cancelled"),
    ("exchanges", "exchange", "complete", "solidaire", ExchangeStatus.ACCEPTED, None),
]


@pytest.mark.parametrize(
    "blocker", [None, *PAIR], ids=lambda role: f"the {role} blocks" if role else "no block"
)
@pytest.mark.parametrize(
    ("collection", "deal", "action", "role", "status", "notice"),
    ENDINGS,
    ids=[f"{deal} {action}" for _, deal, action, *_ in ENDINGS],
)
def test_a_deal_under_way_can_still_be_ended_silently(
    client, world, blocker, collection, deal, action, role, status, notice
):
    """Nobody's drill is trapped: declining, cancelling, the return and completing stay
    possible; the other side, blocked or blocking, is not notified of it (without a block,
    they are)."""
    row = getattr(world, deal)
    if status is not None:
        row.status = status
        db.session.commit()
    if blocker:
        block(client, world, blocker, PAIR[1] if blocker == PAIR[0] else PAIR[0])
    before = notification_count()
    response = client.post(f"/api/v1/{collection}/{row.id}/{action}", headers=world.headers(role))
    assert response.status_code == 200, response.json
    told = db.session.scalars(select(Notification.kind).where(Notification.kind == notice)).all()
    if blocker or notice is None:
        assert notification_count() == before
    else:
        assert told == [notice]


def test_the_conversation_shows_each_only_their_own_messages(client, world):
    path = f"/api/v1/loans/{world.loan.id}/messages"
    for role, body in (("resident", "Bonjour"), ("solidaire", "Merci")):
        client.post(path, json={"body": body}, headers=world.headers(role))
    block(client, world, "solidaire", "resident")

    def bodies(role):
        return [m["body"] for m in client.get(path, headers=world.headers(role)).json["items"]]

    assert bodies("resident") == ["Bonjour"]
    assert bodies("solidaire") == ["Merci"]
    # The loan itself stays with both, so that it can be ended.
    for role in PAIR:
        response = client.get(f"/api/v1/loans/{world.loan.id}", headers=world.headers(role))
        assert response.status_code == 200
    unblock(client, world, "solidaire", "resident")
    assert bodies("resident") == ["Bonjour", "Merci"]


# -- what disappears, and what does not


@pytest.mark.parametrize("blocker", PAIR)
def test_the_feed_loses_the_others_posts_but_never_the_landlords(client, world, blocker):
    blocked = PAIR[1] if blocker == PAIR[0] else PAIR[0]
    event, poll, announcement = world.event.id, world.poll.id, world.announcement.id
    assert {event, poll, announcement} <= set(feed_ids(client, world, "resident"))
    block(client, world, blocker, blocked)
    resident, solidaire = feed_ids(client, world, "resident"), feed_ids(client, world, "solidaire")
    assert poll not in resident and {event, announcement} <= set(resident)
    assert event not in solidaire and {poll, announcement} <= set(solidaire)
    unblock(client, world, blocker, blocked)
    assert {event, poll, announcement} <= set(feed_ids(client, world, "solidaire"))


def test_comments_under_a_third_partys_post_disappear_both_ways(client, world):
    member(world, "lea", "Léa")
    post = publishing.publish_post(
        world.users["lea"], residence_id=world.home.id, kind="post", body="Clés trouvées"
    )
    db.session.commit()
    path = f"/api/v1/posts/{post.id}/comments"
    for role, body in (("resident", "Pas à moi"), ("solidaire", "À moi !"), ("lea", "Ok")):
        response = client.post(path, json={"body": body}, headers=world.headers(role))
        assert response.status_code == 201
    block(client, world, "resident", "solidaire")

    def thread(role):
        items = client.get(path, headers=world.headers(role)).json["items"]
        return [item["body"] for item in items]

    def count(role):
        response = client.get(f"/api/v1/posts/{post.id}", headers=world.headers(role))
        return response.json["comments"]

    assert thread("resident") == ["Pas à moi", "Ok"] and count("resident") == 2
    assert thread("solidaire") == ["À moi !", "Ok"] and count("solidaire") == 2
    assert len(thread("lea")) == 3 and count("lea") == 3  # Léa sees both
    unblock(client, world, "resident", "solidaire")
    assert len(thread("resident")) == 3 and count("resident") == 3


def test_listings_and_members_disappear_from_lists(client, world):
    def listing_ids(role):
        items = client.get("/api/v1/listings", headers=world.headers(role)).json["items"]
        return {hit["listing"]["id"] for hit in items}

    def member_ids(role):
        response = client.get(
            f"/api/v1/residences/{world.home.id}/members", headers=world.headers(role)
        )
        return {item["user_id"] for item in response.json["items"]}

    mine = {world.lend.id, world.help.id}
    resident, solidaire = world.users["resident"].id, world.users["solidaire"].id
    block(client, world, "solidaire", "resident")
    assert not mine & listing_ids("solidaire")
    assert mine <= listing_ids("resident")
    assert solidaire not in member_ids("resident")
    assert resident not in member_ids("solidaire")
    assert {resident, solidaire} <= member_ids("staff")  # the landlord still manages both
    unblock(client, world, "solidaire", "resident")
    assert mine <= listing_ids("solidaire")
    assert resident in member_ids("solidaire")


@pytest.mark.parametrize("blocker", ["resident", "staff"])
def test_announcements_still_reach_everyone_but_are_not_answered(client, world, blocker):
    """A resident who blocked the gardien, or whom the staff blocked, must not miss that the
    water is cut tomorrow; they read it, and cannot answer it."""
    blocked = "staff" if blocker == "resident" else "resident"
    block(client, world, blocker, blocked)
    alert = publishing.publish_post(
        world.users["staff"],
        residence_id=world.home.id,
        kind="alert",
        title="Coupure d’eau",
        body="Demain de 9 h à 12 h.",
    )
    db.session.commit()
    headers = world.headers("resident")
    for post in (world.announcement.id, alert.id):
        assert post in feed_ids(client, world, "resident")
        assert client.get(f"/api/v1/posts/{post}", headers=headers).status_code == 200
        assert client.post(f"/api/v1/posts/{post}/read", headers=headers).status_code == 204
        for response in (
            client.post(f"/api/v1/posts/{post}/comments", json={"body": "?"}, headers=headers),
            client.put(f"/api/v1/posts/{post}/reaction", json={"kind": "sad"}, headers=headers),
        ):
            assert response.status_code == 403
            assert response.json["detail"] == NEUTRAL
    # The urgent alert rang for the resident all the same.
    assert db.session.scalar(
        select(Notification.id).where(
            Notification.recipient_id == world.users["resident"].id, Notification.kind == "alert"
        )
    )
    # The staff, for their part, no longer read the resident's party.
    staff_reads = client.get(f"/api/v1/posts/{world.event.id}", headers=world.headers("staff"))
    assert staff_reads.status_code == 404


def test_the_blocked_member_is_not_told(client, world):
    before = notification_count()
    block(client, world, "resident", "solidaire")
    # Nothing in their list, no notification.
    assert blocks_of(client, world, "solidaire") == []
    assert notification_count() == before
    # Both read the same neutral words, whoever blocked.
    answers = [
        client.post(
            f"/api/v1/loans/{world.loan.id}/messages",
            json={"body": "Allô ?"},
            headers=world.headers(role),
        )
        for role in PAIR
    ]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].json == answers[1].json
    # The blocker's profile is gone as a stranger's is, and they may block back: asking does
    # not reveal that they were blocked first.
    gone = client.get(
        f"/api/v1/members/{world.users['resident'].id}", headers=world.headers("solidaire")
    )
    stranger = client.get(
        f"/api/v1/members/{world.users['other_resident'].id}", headers=world.headers("solidaire")
    )
    assert gone.status_code == stranger.status_code == 404
    assert gone.json["detail"] == stranger.json["detail"]
    assert block(client, world, "solidaire", "resident").status_code == 200
    assert blocks_of(client, world, "solidaire") == [world.users["resident"].id]
    # Either block keeps them apart: one lifted, the other still holds.
    unblock(client, world, "resident", "solidaire")
    assert world.poll.id not in feed_ids(client, world, "resident")
    unblock(client, world, "solidaire", "resident")
    assert world.poll.id in feed_ids(client, world, "resident")


def test_blocks_cost_no_query_per_row(client, world):
    """The block condition is a subquery of the same statements: blocking more members adds no
    query to the feed, a thread, the listings or the members."""
    for number in range(3):
        member(world, f"neighbour{number}", f"Voisin {number}")
    paths = [
        "/api/v1/feed",
        f"/api/v1/posts/{world.event.id}/comments",
        "/api/v1/listings",
        f"/api/v1/residences/{world.home.id}/members",
        f"/api/v1/members/{world.users['solidaire'].id}",
    ]

    def statements():
        counted = []

        def count(*args):
            counted.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for path in paths:
                assert client.get(path, headers=world.headers("resident")).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(counted)

    without = statements()
    for number in range(3):
        block(client, world, "resident", f"neighbour{number}")
    assert statements() == without
