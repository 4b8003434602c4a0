"""The console's session in the browser: CSRF on its forms, its cookie useless to the API, and
signing out ending it for good."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.commits

SIGN_OUT = "form[action$='/console/sign-out']"


def console_cookie(context, app) -> dict:
    name = app.config["SESSION_COOKIE_NAME"]
    cookies = [cookie for cookie in context.cookies() if cookie["name"] == name]
    assert len(cookies) == 1, context.cookies()
    return cookies[0]


def test_a_form_sent_without_its_csrf_token_is_refused(page, world):
    sign_in(page, world, "staff")
    # The sign-out form, its hidden token taken out as a forged page would leave it.
    page.locator(f"{SIGN_OUT} input[name=csrf_token]").evaluate("field => field.remove()")
    with page.expect_response(lambda answer: answer.url.endswith("/console/sign-out")) as sent:
        page.locator(f"{SIGN_OUT} [type=submit]").click()
    assert sent.value.status == 400
    assert page.locator("h1").is_visible()  # an error page, in words
    # Refused means nothing was done: still signed in.
    page.goto("/console/")
    assert "/console/sign-in" not in page.url
    assert page.locator(SIGN_OUT).count() == 1

    # Another session's token is no better than none.
    other = page.context.browser.new_context(base_url=page.url.split("/console")[0])
    try:
        stranger = other.new_page()
        stranger.goto("/console/sign-in")
        foreign_token = stranger.locator("input[name=csrf_token]").first.input_value()
    finally:
        other.close()
    answer = page.request.post(
        "/console/sign-out", form={"csrf_token": foreign_token}, max_redirects=0
    )
    assert answer.status == 400
    page.goto("/console/")
    assert "/console/sign-in" not in page.url


def test_the_console_cookie_does_not_authenticate_an_api_call(app, page, context, world):
    sign_in(page, world, "staff")
    cookie = console_cookie(context, app)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    header = {"Cookie": f"{cookie['name']}={cookie['value']}"}
    for path in ("/api/v1/me", f"/api/v1/residences/{world.home.id}/invite-codes"):
        answer = page.request.get(path, headers=header)
        assert answer.status == 401, (path, answer.status)
        assert answer.headers["content-type"] == "application/problem+json"
    # The same member's bearer token does, so the 401 is the cookie's.
    bearer = page.request.get("/api/v1/me", headers=world.headers("staff"))
    assert bearer.status == 200 and bearer.json()["email"] == world.users["staff"].email


def test_signing_out_ends_the_session(app, page, context, browser, live_server, world):
    sign_in(page, world, "staff")
    old_cookie = console_cookie(context, app)
    page.locator(f"{SIGN_OUT} [type=submit]").click()
    page.wait_for_url("**/console/sign-in")

    # The cookie of before, replayed by another browser: the session is over.
    replay = browser.new_context(base_url=live_server)
    try:
        replay.add_cookies([old_cookie])
        again = replay.new_page()
        again.goto("/console/")
        assert "/console/sign-in" in again.url
        assert again.locator("#password").is_visible()
    finally:
        replay.close()
