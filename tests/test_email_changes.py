"""A change of e-mail address: asked for with the password, confirmed from the new address
(API and page), the old address told; through a real SMTP server on 127.0.0.1."""

import pytest
from sqlalchemy import select

from models import LinkPurpose, User, db
from services import account_links
from tests.smtp import body, link_in, token_in
from tests.test_races import run_together
from tests.world import PASSWORD, build_world

OLD = "resident@test.palier"
NEW = "nadia.b@example.org"


def ask(client, world, new_email=NEW, password=PASSWORD, role="resident", **headers):
    return client.post(
        "/api/v1/me/email",
        json={"current_password": password, "new_email": new_email},
        headers={**world.headers(role), **headers},
    )


def confirm(client, token, **headers):
    return client.post("/api/v1/auth/email-change/confirm", json={"token": token}, headers=headers)


def login(client, email):
    body = {"email": email, "password": PASSWORD, "device_name": "Tablette"}
    return client.post("/api/v1/auth/login", json=body)


def test_the_new_address_confirms_and_the_old_one_is_told(client, world, mailbox):
    resident = world.users["resident"]
    resident.locale = "en"
    db.session.commit()

    asked = ask(client, world, "  Nadia.B@Example.org ")
    assert asked.status_code == 202
    message = mailbox.last_to(NEW)
    assert message["Subject"] == "Palier: confirm your new e-mail address"
    assert link_in(message).startswith("http://127.0.0.1:5000/account/confirm-email?token=")
    assert mailbox.messages_to(OLD) == []
    # Until the link is opened, nothing changes.
    assert client.get("/api/v1/me", headers=world.headers("resident")).json["email"] == OLD

    done = confirm(client, token_in(message))
    assert done.status_code == 200 and done.json["email"] == NEW
    me = client.get("/api/v1/me", headers=world.headers("resident")).json
    assert me["email"] == NEW and me["email_verified"] is True
    told = mailbox.last_to(OLD)
    assert told["Subject"] == "Palier: the e-mail address of your account has changed"
    assert NEW in body(told)
    assert login(client, NEW).status_code == 200
    assert login(client, OLD).status_code == 401

    assert confirm(client, token_in(message)).status_code == 422


def test_a_wrong_password_or_the_same_address_changes_nothing(client, world, mailbox):
    wrong = ask(client, world, password="not my password")
    assert wrong.status_code == 422 and "current_password" in wrong.json["errors"]
    same = ask(client, world, "RESIDENT@test.palier", **{"Accept-Language": "en"})
    assert same.status_code == 422
    assert same.json["errors"]["new_email"] == ["This is already the address of your account."]
    not_an_address = ask(client, world, "nadia at example")
    assert not_an_address.status_code == 422 and "new_email" in not_an_address.json["errors"]
    assert mailbox.envelopes == []


def test_an_address_of_another_account_answers_alike_and_its_owner_is_told(client, world, mailbox):
    free = ask(client, world)
    taken = ask(client, world, "Other@Test.Palier")
    assert taken.status_code == free.status_code == 202
    assert taken.json == free.json
    owner = mailbox.last_to("other@test.palier")
    assert owner["Subject"] == "Palier : quelqu’un a essayé d’utiliser votre adresse"
    assert "http" not in body(owner)


def test_two_accounts_claiming_one_address_the_second_gets_409(client, world, mailbox):
    ask(client, world, role="resident")
    ask(client, world, role="solidaire")
    first, second = (token_in(message) for message in mailbox.messages_to(NEW))
    assert confirm(client, first).status_code == 200
    lost = confirm(client, second, **{"Accept-Language": "en"})
    assert lost.status_code == 409
    assert lost.mimetype == "application/problem+json"
    assert lost.json["detail"] == "This address is now used by another account."
    solidaire = db.session.scalar(select(User).where(User.id == world.users["solidaire"].id))
    assert solidaire.email == "solidaire@test.palier"
    # Nothing was used: the link still says why it cannot work.
    assert confirm(client, second).status_code == 409


def test_a_new_request_voids_the_earlier_link(client, world, mailbox):
    ask(client, world, "first@example.org")
    ask(client, world, "second@example.org")
    assert confirm(client, token_in(mailbox.last_to("first@example.org"))).status_code == 422
    assert confirm(client, token_in(mailbox.last_to("second@example.org"))).status_code == 200


def test_links_sent_to_the_old_address_stop_working(client, world, mailbox):
    resident = world.users["resident"]
    reset = account_links.issue(resident, LinkPurpose.RESET_PASSWORD, OLD)
    db.session.commit()
    ask(client, world)
    assert confirm(client, token_in(mailbox.last_to(NEW))).status_code == 200
    refused = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": reset, "new_password": "a brand new password"},
    )
    assert refused.status_code == 422


def test_the_page_confirms_only_on_its_button(client, world, mailbox):
    ask(client, world)
    message = mailbox.last_to(NEW)
    address = link_in(message).removeprefix("http://127.0.0.1:5000")
    page = client.get(address)
    assert page.status_code == 200
    assert NEW in page.get_data(as_text=True)
    assert world.users["resident"].email == OLD
    done = client.post(address, data={"token": token_in(message)})
    assert done.status_code == 200
    assert "Votre adresse e-mail est changée." in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.users["resident"].id).email == NEW


def test_asking_needs_a_session(client):
    body = {"current_password": PASSWORD, "new_email": NEW}
    assert client.post("/api/v1/me/email", json=body).status_code == 401


@pytest.mark.commits
def test_two_accounts_confirming_one_address_at_once_one_wins(app, client):
    """Real connections at the same instant: the unique address decides, never a 500."""
    world = build_world()
    tokens = [
        account_links.issue(world.users[role], LinkPurpose.CHANGE_EMAIL, NEW)
        for role in ("resident", "solidaire")
    ]
    db.session.commit()
    answers = run_together([lambda token=token: confirm(client, token) for token in tokens])
    assert sorted(answer.status_code for answer in answers) == [200, 409]
    owners = db.session.scalars(select(User.id).where(User.email == NEW)).all()
    assert len(owners) == 1


@pytest.mark.commits
def test_one_link_used_twice_at_once_works_once(app, client):
    world = build_world()
    token = account_links.issue(world.users["resident"], LinkPurpose.CHANGE_EMAIL, NEW)
    db.session.commit()
    answers = run_together([lambda: confirm(client, token), lambda: confirm(client, token)])
    assert sorted(answer.status_code for answer in answers) == [200, 422]
