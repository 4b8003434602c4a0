"""The console by keyboard alone: Tab to move, Enter and Space to act, arrows in a list; no
mouse, no click. Each stop of the focus must be visible (tests/browser/conftest.py, tab_to)."""

import pytest

from tests.browser.conftest import tab_to
from tests.browser.people import add_neighbour_in_building_b, api, feed_bodies
from tests.world import PASSWORD

pytestmark = pytest.mark.commits


def follow(page, key: str = "Enter") -> None:
    """Press a key on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in_by_keyboard(page, email: str) -> None:
    page.goto("/console/sign-in")
    tab_to(page, page.locator("#email"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    follow(page)
    assert "/console/sign-in" not in page.url, page.inner_text("main")


def test_the_skip_link_leads_to_the_content(page, world):
    sign_in_by_keyboard(page, world.users["solidaire"].email)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_moderation_decision_by_keyboard_alone(page, world):
    lucie = add_neighbour_in_building_b(world)
    body = "Qui a rayé ma voiture ? Je sais que c'est Nadia du A."
    post = api(
        page,
        lucie.headers(),
        "POST",
        "/api/v1/posts",
        {"residence_id": world.home.id, "kind": "post", "body": body},
    )
    report = {"target_kind": "post", "target_id": post["id"], "reason": "harassment"}
    api(page, world.headers("resident"), "POST", "/api/v1/reports", report)

    sign_in_by_keyboard(page, world.users["solidaire"].email)
    queue = page.locator(f"nav a[href$='/residences/{world.home.id}/moderation']")
    tab_to(page, queue)
    follow(page)

    case = page.locator("section.case", has_text=body)
    decision = case.locator("select[name=action]")
    tab_to(page, decision)
    # Arrows move through a closed list's options, as a keyboard user chooses.
    while decision.input_value() != "hide":
        page.keyboard.press("ArrowDown")
    tab_to(page, case.locator("textarea[name=reason]"))
    page.keyboard.type("Accusation nominative.")
    tab_to(page, case.locator("button[type=submit]"))
    follow(page, "Space")

    assert page.locator("section.case", has_text=body).count() == 0
    assert body not in feed_bodies(page, world.headers("resident"))


def test_an_announcement_for_one_building_by_keyboard_alone(page, world):
    lucie = add_neighbour_in_building_b(world)
    body = "Le local vélos du bâtiment A est rouvert."
    home = world.home.id
    sign_in_by_keyboard(page, world.users["staff"].email)  # two residences: the list
    tab_to(page, page.locator(f"main a[href$='/residences/{home}']"))
    follow(page)
    tab_to(page, page.locator(f"nav a[href$='/residences/{home}/announcements']"))
    follow(page)
    tab_to(page, page.locator(f"a[href$='/residences/{home}/announcements/new']"))
    follow(page)

    tab_to(page, page.locator("#body"))
    page.keyboard.type(body)
    # The target: into the group of radios at the one chosen, an arrow to "some buildings",
    # then Tab to Bâtiment A's box and Space to tick it.
    tab_to(page, page.locator("input[name=target][value=residence]"))
    page.keyboard.press("ArrowDown")
    assert page.locator("#target-buildings").is_checked()
    tab_to(page, page.locator(f"#building-{world.building.id}"))
    page.keyboard.press("Space")
    tab_to(page, page.locator("button[name=action][value=preview]"))
    follow(page)
    assert page.locator("#preview-members").inner_text() == "1"

    tab_to(page, page.locator("#send"))
    follow(page)
    assert page.url.endswith(f"/residences/{home}/announcements")
    assert body in feed_bodies(page, world.headers("resident"))
    assert body not in feed_bodies(page, lucie.headers())
