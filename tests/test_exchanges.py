from sqlalchemy import select

from models import HelpExchange, Listing, ListingStatus, Notification, db


def answer(client, world, listing_id, role):
    return client.post(
        f"/api/v1/listings/{listing_id}/exchanges",
        json={"message": "Je suis intéressé"},
        headers=world.headers(role),
    )


def act(client, world, exchange_id, action, role="resident"):
    return client.post(f"/api/v1/exchanges/{exchange_id}/{action}", headers=world.headers(role))


def test_help_from_answer_to_thanks(client, world):
    exchange = world.exchange.id
    assert act(client, world, exchange, "accept").json["status"] == "accepted"
    assert act(client, world, exchange, "complete", role="solidaire").json["status"] == "done"
    thanks = client.post(
        f"/api/v1/exchanges/{exchange}/thanks",
        json={"text": "Merci pour les papiers"},
        headers=world.headers("solidaire"),
    )
    assert thanks.status_code == 201
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert {"exchange_accepted", "thanks"} <= kinds
    profile = client.get(
        f"/api/v1/members/{world.users['resident'].id}", headers=world.headers("solidaire")
    ).json
    assert (profile["helps"], profile["thanks"]) == (1, 1)


def test_a_gift_goes_to_one_member(client, world):
    gift = client.post(
        "/api/v1/listings",
        json={
            "residence_id": world.home.id,
            "kind": "give",
            "category": "children",
            "title": "Poussette",
            "scope": "nearby",
        },
        headers=world.headers("resident"),
    ).json
    first = answer(client, world, gift["id"], "solidaire").json
    second = answer(client, world, gift["id"], "other_resident").json  # 800 m away: nearby
    assert act(client, world, first["id"], "accept").status_code == 200
    assert db.session.get(Listing, gift["id"]).status == ListingStatus.PAUSED
    refused = act(client, world, second["id"], "accept")
    assert refused.status_code == 409
    # The reservation falls through: the gift is open again, and can go to the other.
    assert act(client, world, first["id"], "cancel", role="solidaire").status_code == 200
    db.session.expire_all()
    assert db.session.get(Listing, gift["id"]).status == ListingStatus.OPEN
    assert act(client, world, second["id"], "accept").status_code == 200
    assert act(client, world, second["id"], "complete").json["status"] == "done"
    db.session.expire_all()
    assert db.session.get(Listing, gift["id"]).status == ListingStatus.CLOSED


def test_the_database_allows_one_taker_per_gift(world):
    import pytest
    from sqlalchemy.exc import IntegrityError

    for member in ("solidaire", "other_resident"):
        db.session.add(
            HelpExchange(
                listing_id=world.help.id,
                residence_id=world.home.id,
                owner_id=world.users["resident"].id,
                member_id=world.users[member].id,
                exclusive=True,
                status="accepted",
            )
        )
    with pytest.raises(IntegrityError, match="uq_help_exchanges_one_gift_taker"):
        db.session.flush()
    db.session.rollback()


def test_answers_are_checked(client, world):
    assert answer(client, world, world.help.id, "solidaire").status_code == 409  # already
    assert answer(client, world, world.lend.id, "solidaire").status_code == 409  # ask a loan
    assert answer(client, world, world.help.id, "resident").status_code == 403  # own
    assert answer(client, world, world.help.id, "other_resident").status_code == 404
    assert act(client, world, world.exchange.id, "complete").status_code == 409
    assert act(client, world, world.exchange.id, "accept", role="solidaire").status_code == 403
