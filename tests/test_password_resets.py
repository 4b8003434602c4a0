"""A forgotten password: the link by e-mail (API and page), one hour, once, every session
ended; through a real SMTP server on 127.0.0.1."""

from datetime import timedelta

from sqlalchemy import select, update

from models import AccountLink, ApiToken, LinkPurpose, User, db
from models.base import utcnow
from services import account_links
from tests.smtp import body, link_in, token_in
from tests.world import PASSWORD

RESIDENT = "resident@test.palier"
NEW_PASSWORD = "a brand new password"


def ask(client, email=RESIDENT, **headers):
    return client.post("/api/v1/auth/password-reset", json={"email": email}, headers=headers)


def reset(client, token, new_password=NEW_PASSWORD, **headers):
    return client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": new_password},
        headers=headers,
    )


def login(client, password, email=RESIDENT):
    body = {"email": email, "password": password, "device_name": "Tablette"}
    return client.post("/api/v1/auth/login", json=body)


def live_tokens(user: User) -> int:
    return len(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ).all()
    )


def test_the_link_sets_a_new_password_and_ends_every_session(client, world, mailbox):
    resident = world.users["resident"]
    login(client, PASSWORD)  # a second session, on a tablet
    assert live_tokens(resident) == 2

    assert ask(client).status_code == 202
    message = mailbox.last_to(RESIDENT)
    assert message["Subject"] == "Palier : choisissez un nouveau mot de passe"
    assert "dans l’heure" in body(message)
    assert link_in(message).startswith("http://127.0.0.1:5000/account/reset-password?token=")

    done = reset(client, token_in(message), **{"Accept-Language": "en"})
    assert done.status_code == 200
    assert done.json == {"detail": "Your password is changed: sign in with it.", "email": RESIDENT}
    assert live_tokens(resident) == 0
    assert client.get("/api/v1/me", headers=world.headers("resident")).status_code == 401
    assert login(client, PASSWORD).status_code == 401
    assert login(client, NEW_PASSWORD).status_code == 200
    # Opening the link proved the address is the member's.
    db.session.refresh(resident)
    assert resident.email_verified_at is not None

    again = reset(client, token_in(message), "yet another password")
    assert again.status_code == 422 and "token" in again.json["errors"]
    assert login(client, NEW_PASSWORD).status_code == 200


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, world, mailbox):
    known, unknown = ask(client), ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()
    assert [envelope.rcpt_tos for envelope in mailbox.envelopes] == [[RESIDENT]]


def test_the_email_is_in_the_members_language(client, world, mailbox):
    world.users["resident"].locale = "en"
    db.session.commit()
    ask(client, "  Resident@TEST.palier")
    assert mailbox.last_to(RESIDENT)["Subject"] == "Palier: choose a new password"


def test_the_link_lasts_one_hour(client, world, mailbox):
    ask(client)
    token = token_in(mailbox.last_to(RESIDENT))
    # Move the clock: sent 61 minutes ago.
    sent = utcnow() - timedelta(minutes=61)
    db.session.execute(
        update(AccountLink).values(created_at=sent, expires_at=sent + timedelta(hours=1))
    )
    db.session.flush()
    expired = reset(client, token)
    assert expired.status_code == 422
    assert expired.json["errors"]["token"] == ["Ce lien a expiré. Demandez-en un nouveau."]
    assert login(client, PASSWORD).status_code == 200


def test_a_new_link_voids_the_earlier_ones(client, world, mailbox):
    ask(client)
    ask(client)
    first, second = (token_in(message) for message in mailbox.messages_to(RESIDENT))
    assert reset(client, first).status_code == 422
    assert reset(client, second).status_code == 200


def test_a_weak_password_or_a_made_up_token_changes_nothing(client, world, mailbox):
    ask(client)
    token = token_in(mailbox.last_to(RESIDENT))
    weak = reset(client, token, "short")
    assert weak.status_code == 422 and "new_password" in weak.json["errors"]
    made_up = reset(client, token[:-2] + "xx")
    assert made_up.status_code == 422 and "token" in made_up.json["errors"]
    missing = client.post("/api/v1/auth/password-reset/confirm", json={"token": token})
    assert missing.status_code == 422
    assert login(client, PASSWORD).status_code == 200
    assert reset(client, token).status_code == 200  # still unused


def test_a_verification_link_does_not_reset(client, world):
    token = account_links.issue(world.users["resident"], LinkPurpose.VERIFY_EMAIL, RESIDENT)
    assert reset(client, token).status_code == 422


def test_the_page_asks_twice_for_the_new_password(client, world, mailbox):
    ask(client)
    message = mailbox.last_to(RESIDENT)
    token = token_in(message)
    address = link_in(message).removeprefix("http://127.0.0.1:5000")

    page = client.get(address, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Every field has its label.
    assert '<label for="new_password">New password</label>' in html
    assert '<label for="confirmation">The same password again</label>' in html
    assert 'id="new_password"' in html and 'id="confirmation"' in html
    assert client.get(address).status_code == 200  # opening it uses nothing

    different = client.post(
        address, data={"token": token, "new_password": NEW_PASSWORD, "confirmation": "other"}
    )
    assert different.status_code == 422
    assert "Les deux mots de passe ne sont pas identiques." in different.get_data(as_text=True)
    short = client.post(address, data={"token": token, "new_password": "x", "confirmation": "x"})
    assert short.status_code == 422
    assert 'aria-invalid="true"' in short.get_data(as_text=True)
    assert login(client, PASSWORD).status_code == 200

    done = client.post(
        address, data={"token": token, "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )
    assert done.status_code == 200
    assert "Votre mot de passe est changé" in done.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=world.headers("resident")).status_code == 401
    assert login(client, NEW_PASSWORD).status_code == 200
    assert client.get(address).status_code == 422


def test_asking_is_rate_limited_per_address_and_per_client(client, app, world, mailbox):
    per_address = int(app.config["EMAIL_LINK_RATE_LIMIT_PER_ADDRESS"].split()[0])
    per_client = int(app.config["EMAIL_LINK_RATE_LIMIT_PER_IP"].split()[0])
    for _ in range(per_address):
        assert ask(client).status_code == 202
    assert ask(client, "RESIDENT@test.palier").status_code == 429
    assert len(mailbox.messages_to(RESIDENT)) == per_address
    for number in range(per_client - per_address):
        assert ask(client, f"someone{number}@example.org").status_code == 202
    refused = ask(client, "another@example.org")
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
