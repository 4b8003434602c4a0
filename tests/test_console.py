"""The console's way in: its own session, CSRF on every form, who may sign in, language."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import ConsoleSession, Membership, MembershipStatus, User, db
from services import accounts
from services.reports import snapshots
from tests.console import ConsoleBrowser, console_as
from tests.world import PASSWORD


def session_cookie(client) -> str:
    return client.get_cookie("palier_console", path="/console").value


def test_the_front_door_leads_to_the_sign_in_page(client):
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/console/sign-in"
    page = response.get_data(as_text=True)
    assert 'lang="fr"' in page and "Se connecter" in page
    assert 'for="email"' in page and 'for="password"' in page


def test_staff_sign_in_and_land_on_their_residences(client, world):
    browser = ConsoleBrowser(client)
    response = browser.sign_in(world.users["staff"].email)
    assert response.status_code == 302
    cookie = client.get_cookie("palier_console", path="/console")
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/console"
    page = browser.get("/console/").get_data(as_text=True)
    assert world.home.name in page and world.neighbour.name in page
    assert world.far.name not in page


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, world):
    wrong = ConsoleBrowser(client).sign_in(world.users["staff"].email, "not-the-password")
    unknown = ConsoleBrowser(client).sign_in("nobody@test.palier", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect" in wrong.get_data(as_text=True)
    assert db.session.scalar(select(ConsoleSession.id)) is None


@pytest.mark.parametrize("role", ["resident", "other_resident"])
def test_residents_are_sent_to_the_app(client, world, role):
    response = ConsoleBrowser(client).sign_in(world.users[role].email)
    assert response.status_code == 403
    assert "application Palier" in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(client, world):
    browser = console_as(client, world, "staff")
    response = browser.post("/console/sign-out", with_token=False)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    # Still signed in: the forged sign-out did nothing.
    assert browser.get("/console/").status_code == 200


def test_signing_in_needs_a_csrf_token_too(client, world):
    response = ConsoleBrowser(client).post(
        "/console/sign-in",
        {"email": world.users["staff"].email, "password": PASSWORD},
        with_token=False,
    )
    assert response.status_code == 400


def test_a_console_cookie_does_not_open_the_api(client, world):
    console_as(client, world, "staff")
    cookie = session_cookie(client)
    response = client.get("/api/v1/me", headers={"Cookie": f"palier_console={cookie}"})
    assert response.status_code == 401


def test_a_bearer_token_does_not_open_the_console(client, world):
    response = client.get("/console/", headers=world.headers("staff"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/sign-in")


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client, world, app):
    browser = console_as(client, world, "staff")
    cookie = session_cookie(client)
    browser.post("/console/sign-out")
    fresh = app.test_client()
    fresh.set_cookie("palier_console", cookie, path="/console")
    response = fresh.get("/console/")
    assert response.status_code == 302 and "/console/sign-in" in response.headers["Location"]


def test_signing_in_starts_a_new_session(client, world, app):
    """A cookie planted before sign-in (session fixation) is not the signed-in one."""
    browser = ConsoleBrowser(client)
    browser.get("/console/sign-in")
    before = session_cookie(client)
    browser.sign_in(world.users["staff"].email)
    assert session_cookie(client) != before
    planted = app.test_client()
    planted.set_cookie("palier_console", before, path="/console")
    assert planted.get("/console/").status_code == 302


def test_a_session_left_idle_ends(client, world, app):
    browser = console_as(client, world, "staff")
    session = db.session.scalar(select(ConsoleSession))
    idle = timedelta(minutes=app.config["CONSOLE_SESSION_IDLE_MINUTES"] + 1)
    session.last_seen_at -= idle
    db.session.commit()
    assert browser.get("/console/").status_code == 302


def test_a_new_password_ends_console_sessions(client, world):
    browser = console_as(client, world, "staff")
    response = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "un-tout-nouveau-mot"},
        headers=world.headers("staff"),
    )
    assert response.status_code == 204
    assert browser.get("/console/").status_code == 302


def test_a_solidaire_who_steps_down_loses_the_console(client, world):
    browser = console_as(client, world, "solidaire")
    assert browser.get(f"/console/residences/{world.home.id}").status_code == 200
    membership = world.membership("solidaire")
    membership.status = MembershipStatus.LEFT
    db.session.commit()
    assert browser.get(f"/console/residences/{world.home.id}").status_code == 302


def test_back_to_the_page_asked_for_but_never_elsewhere(client, world):
    path = f"/console/residences/{world.home.id}"
    browser = ConsoleBrowser(client)
    assert browser.get(path).headers["Location"] == f"/console/sign-in?next={path}"
    response = browser.post(
        f"/console/sign-in?next={path}",
        {"email": world.users["staff"].email, "password": PASSWORD},
    )
    assert response.headers["Location"] == path
    for elsewhere in ("https://evil.test/console/", "//evil.test/console/", "/api/v1/me"):
        browser = ConsoleBrowser(client.application.test_client())
        response = browser.post(
            "/console/sign-in",
            {"email": world.users["staff"].email, "password": PASSWORD},
            query_string={"next": elsewhere},
        )
        assert response.headers["Location"] == "/console/"


def test_english_by_choice_remembered_in_the_profile(client, world):
    browser = ConsoleBrowser(client)
    browser.post("/console/language", {"locale": "en", "next": "/console/sign-in"})
    assert "Sign in to the console" in browser.get("/console/sign-in").get_data(as_text=True)
    browser.sign_in(world.users["staff"].email)
    db.session.refresh(world.users["staff"])
    assert world.users["staff"].locale == "en"
    other = ConsoleBrowser(client.application.test_client())
    other.sign_in(world.users["staff"].email)
    assert "Your residences" in other.get("/console/").get_data(as_text=True)


def test_pages_forbid_framing_and_foreign_scripts(client, world):
    browser = console_as(client, world, "staff")
    response = browser.get(f"/console/residences/{world.home.id}")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_the_dashboard_counts_what_needs_doing(client, world):
    pending = Membership(
        user=accounts_user("nouvelle@test.palier"),
        residence=world.home,
        status=MembershipStatus.PENDING,
    )
    db.session.add(pending)
    db.session.commit()
    page = console_as(client, world, "solidaire").get(f"/console/residences/{world.home.id}")
    text = page.get_data(as_text=True)
    assert '<span class="figure">1</span> membres en attente' in text
    # The world has one booking waiting for approval.
    assert '<span class="figure">1</span> réservations en attente' in text


def accounts_user(email: str):
    accounts.register(email, PASSWORD, "Nouvelle")
    return db.session.scalar(select(User).where(User.email == email))


def test_only_the_listed_npm_files_are_served(client):
    served = client.get("/assets/leaflet/leaflet.js")
    served.close()
    assert served.status_code == 200
    for path in (
        "/assets/leaflet/leaflet-src.js",
        "/assets/leaflet/../../package.json",
        "/assets/leaflet/%2e%2e/%2e%2e/package.json",
        "/assets/nothing/leaflet.js",
    ):
        assert client.get(path).status_code == 404, path


def test_the_dashboard_shows_the_last_report_headlines(client, world):
    first_day = snapshots.last_complete_month()
    snapshots.build_month(world.landlord, first_day)
    db.session.commit()
    text = (
        console_as(client, world, "staff")
        .get(f"/console/residences/{world.home.id}")
        .get_data(as_text=True)
    )
    report = text.split("Dernier rapport mensuel")[1]
    assert "membres actifs" in report and "prêts terminés" in report
    assert "Pas encore de rapport" not in report
