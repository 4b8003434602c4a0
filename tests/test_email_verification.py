"""Checking addresses: the link e-mailed at registration (API and page), the grace period, the
reminder, asking again; through a real SMTP server on 127.0.0.1."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from app import jobs
from models import AccountLink, LinkPurpose, User, db
from models.base import utcnow
from notifications.mail import mail
from services import account_links, email_verification
from tests.servers import free_port
from tests.smtp import body, link_in, token_in
from tests.world import PASSWORD

NEW = "nadia@example.org"


def register(client, email=NEW, locale="fr"):
    body = {"email": email, "password": PASSWORD, "display_name": "Nadia", "locale": locale}
    return client.post("/api/v1/auth/register", json=body)


def login(client, email=NEW, **headers):
    body = {"email": email, "password": PASSWORD, "device_name": "Pixel"}
    return client.post("/api/v1/auth/login", json=body, headers=headers)


def member(email=NEW) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def age_account(email: str, days: float) -> None:
    """Move the clock: the account was opened `days` ago."""
    db.session.execute(
        update(User).where(User.email == email).values(created_at=utcnow() - timedelta(days=days))
    )
    db.session.flush()


def verify(client, token):
    return client.post("/api/v1/auth/verify-email", json={"token": token})


def test_registration_sends_a_link_that_confirms_the_address_once(client, app, mailbox):
    assert register(client, locale="en").status_code == 202
    message = mailbox.last_to(NEW)
    assert message["Subject"] == "Palier: confirm your e-mail address"
    link = link_in(message)
    assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/account/verify-email?token=")
    assert "Hello Nadia" in body(message)

    token = login(client).json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert me["email_verified"] is False
    grace = me["email_verification_grace_until"]
    expected = member().created_at + timedelta(days=7)
    assert grace.startswith(expected.date().isoformat())

    confirmed = verify(client, token_in(message))
    assert confirmed.status_code == 200
    assert confirmed.json["email"] == NEW
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert me["email_verified"] is True and me["email_verification_grace_until"] is None

    again = verify(client, token_in(message))
    assert again.status_code == 422
    assert again.json["errors"]["token"] == [
        "Ce lien a déjà été utilisé. Demandez-en un nouveau si besoin."
    ]


def test_the_email_is_in_the_members_language(client, mailbox):
    register(client, locale="fr")
    message = mailbox.last_to(NEW)
    assert message["Subject"] == "Palier : confirmez votre adresse e-mail"
    assert "Bonjour Nadia" in body(message)
    assert "jusqu’au" in body(message)


def test_a_taken_address_answers_alike_and_its_owner_is_told(client, world, mailbox):
    world.users["resident"].locale = "en"
    db.session.commit()
    free = register(client, email="someone@example.org")
    taken = register(client, email="Resident@Test.Palier")
    assert taken.status_code == free.status_code == 202
    assert taken.json == free.json
    message = mailbox.last_to("resident@test.palier")
    assert message["Subject"] == "Palier: someone tried to register with your address"
    assert "http" not in body(message)  # no link: nothing to click for whoever tried


def test_the_page_shows_a_button_and_only_the_button_confirms(client, mailbox):
    register(client)
    link = link_in(mailbox.last_to(NEW))
    address = link.removeprefix("http://127.0.0.1:5000")
    # A mail scanner, then the member, open the page: nothing is used yet.
    for _ in range(2):
        page = client.get(address)
        assert page.status_code == 200 and page.mimetype == "text/html"
        html = page.get_data(as_text=True)
        assert '<html lang="fr">' in html and "Confirmer mon adresse" in html
        assert member().email_verified_at is None
    assert page.headers["Cache-Control"] == "no-store"
    assert "form-action 'self'" in page.headers["Content-Security-Policy"]

    done = client.post(address, data={"token": token_in(mailbox.last_to(NEW))})
    assert done.status_code == 200
    assert "Votre adresse e-mail est confirmée." in done.get_data(as_text=True)
    assert member().email_verified_at is not None
    used = client.get(address, headers={"Accept-Language": "en"})
    assert used.status_code == 422
    assert '<html lang="en">' in used.get_data(as_text=True)
    assert "This link has already been used" in used.get_data(as_text=True)


def forged_signature(token: str) -> str:
    secret, _, signature = token.rpartition(".")
    return f"{secret}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


@pytest.mark.parametrize(
    "forge",
    [
        # The signature changed: its first character (its last may hold only padding bits).
        lambda token: forged_signature(token),
        lambda token: "x" + token[1:],  # secret changed, signature kept
        lambda token: token.split(".")[0],  # no signature
        lambda token: "",
        lambda token: "a" * 5000,
        lambda token: token + "\x00",
        lambda token: "Ça.ne.marche.pas",
    ],
)
def test_made_up_tokens_are_refused_clearly(client, mailbox, forge):
    register(client)
    token = token_in(mailbox.last_to(NEW))
    refused = verify(client, forge(token))
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert "token" in refused.json["errors"]
    assert member().email_verified_at is None
    page = client.get("/account/verify-email", query_string={"token": forge(token)})
    assert page.status_code == 422 and page.mimetype == "text/html"


def test_a_link_for_another_purpose_does_not_confirm(client, world):
    reset = account_links.issue(world.users["resident"], LinkPurpose.RESET_PASSWORD, "x@y.z")
    refused = verify(client, reset)
    assert refused.status_code == 422
    assert refused.json["errors"]["token"] == [
        "Ce lien n’est pas valide. Copiez le lien complet depuis l’e-mail, ou demandez-en un "
        "nouveau."
    ]


def test_a_link_expires_after_seven_days(client, mailbox):
    register(client)
    token = token_in(mailbox.last_to(NEW))
    # Move the clock: the link was sent eight days ago.
    db.session.execute(
        update(AccountLink).values(
            created_at=utcnow() - timedelta(days=8), expires_at=utcnow() - timedelta(days=1)
        )
    )
    db.session.flush()
    expired = client.post(
        "/api/v1/auth/verify-email", json={"token": token}, headers={"Accept-Language": "en"}
    )
    assert expired.status_code == 422
    assert expired.json["errors"]["token"] == ["This link has expired. Ask for a new one."]
    assert member().email_verified_at is None


def test_after_the_grace_period_signing_in_is_refused_until_confirmed(client, mailbox):
    register(client)
    age_account(NEW, days=6.9)
    assert login(client).status_code == 200
    age_account(NEW, days=7.1)
    refused = login(client, **{"Accept-Language": "en"})
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    assert refused.json["email_verification_required"] is True
    assert "/api/v1/auth/verify-email/resend" in refused.json["detail"]
    # A wrong password still answers 401: the 403 tells only the account's owner.
    wrong = client.post(
        "/api/v1/auth/login",
        json={"email": NEW, "password": "not the password", "device_name": "Pixel"},
    )
    assert wrong.status_code == 401

    asked = client.post("/api/v1/auth/verify-email/resend", json={"email": NEW})
    assert asked.status_code == 202
    assert len(mailbox.messages_to(NEW)) == 2
    assert verify(client, token_in(mailbox.last_to(NEW))).status_code == 200
    assert login(client).status_code == 200


def test_asking_again_answers_alike_and_sends_only_to_unconfirmed_addresses(client, world, mailbox):
    world.users["resident"].email_verified_at = utcnow()
    db.session.commit()
    answers = [
        client.post("/api/v1/auth/verify-email/resend", json={"email": email})
        for email in ("nobody@example.org", "resident@test.palier", "solidaire@test.palier")
    ]
    assert {answer.status_code for answer in answers} == {202}
    assert len({answer.get_data() for answer in answers}) == 1
    assert [envelope.rcpt_tos for envelope in mailbox.envelopes] == [["solidaire@test.palier"]]


def test_asking_again_is_rate_limited_per_address(client, app, mailbox):
    limit = int(app.config["EMAIL_LINK_RATE_LIMIT_PER_ADDRESS"].split()[0])
    for _ in range(limit):
        asked = client.post("/api/v1/auth/verify-email/resend", json={"email": "Zoe@example.org"})
        assert asked.status_code == 202
    refused = client.post("/api/v1/auth/verify-email/resend", json={"email": "zoe@example.org "})
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_the_reminder_goes_once_after_three_days(client, app, mailbox):
    register(client, email="late@example.org", locale="en")
    register(client, email="new@example.org")
    register(client, email="done@example.org")
    register(client, email="gone@example.org")
    age_account("late@example.org", 3.5)
    age_account("done@example.org", 4)
    age_account("gone@example.org", 8)  # past the grace period: signing in tells them
    verify(client, token_in(mailbox.last_to("done@example.org")))
    mailbox.envelopes.clear()
    jobs.bind(app)

    jobs.remind_unverified_emails()
    jobs.remind_unverified_emails()  # an hour later: nothing twice

    assert [envelope.rcpt_tos for envelope in mailbox.envelopes] == [["late@example.org"]]
    reminder = mailbox.last_to("late@example.org")
    assert reminder["Subject"] == "Palier: please confirm your e-mail address"
    # Four days later (the clock moved), the newer account's turn.
    assert email_verification.remind_unverified(now=utcnow() + timedelta(days=4)) == 1
    assert mailbox.envelopes[-1].rcpt_tos == ["new@example.org"]
    # The reminder's link confirms.
    assert verify(client, token_in(reminder)).status_code == 200
    assert member("late@example.org").email_verified_at is not None


def test_a_reminder_the_mail_server_refused_is_tried_again(client, app, mailbox):
    register(client)
    age_account(NEW, 3.5)
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    mail.init_app(app)
    assert email_verification.remind_unverified() == 0
    app.config["MAIL_PORT"] = mailbox.port
    mail.init_app(app)
    assert email_verification.remind_unverified() == 1


def test_registration_works_while_the_mail_server_is_down(client, app, mailbox, caplog):
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    mail.init_app(app)
    with caplog.at_level(logging.WARNING):
        assert register(client).status_code == 202
    assert member() is not None
    assert any("not sent" in record.getMessage() for record in caplog.records)
    # Once the server is back, asking again brings a link.
    app.config["MAIL_PORT"] = mailbox.port
    mail.init_app(app)
    client.post("/api/v1/auth/verify-email/resend", json={"email": NEW})
    assert verify(client, token_in(mailbox.last_to(NEW))).status_code == 200


def test_the_link_points_at_the_public_base_url(client, app, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://palier.example.org")
    register(client)
    link = urlsplit(link_in(mailbox.last_to(NEW)))
    assert (link.scheme, link.netloc, link.path) == (
        "https",
        "palier.example.org",
        "/account/verify-email",
    )


def test_the_pages_are_rate_limited_per_client(client, app):
    limit = int(app.config["LINK_USE_RATE_LIMIT_PER_IP"].split()[0])
    for _ in range(limit):
        assert client.post("/account/verify-email", data={"token": "made.up"}).status_code == 422
    refused = client.post("/account/verify-email", data={"token": "made.up"})
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert "Trop de tentatives" in refused.get_data(as_text=True)
