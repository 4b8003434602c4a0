"""A solidaire handles a report in the console; the members hear the outcome in the app."""

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.people import add_neighbour_in_building_b, api, feed_bodies, outbox_kinds

pytestmark = pytest.mark.commits

OFFENSIVE = "Les gens du bâtiment A sont des voleurs, je donne leurs noms ce soir."


def test_a_solidaire_hides_a_reported_post_and_both_members_hear_of_it(page, world):
    lucie = add_neighbour_in_building_b(world)
    resident = world.headers("resident")
    post = api(
        page,
        lucie.headers(),
        "POST",
        "/api/v1/posts",
        {"residence_id": world.home.id, "kind": "post", "body": OFFENSIVE},
    )
    api(
        page,
        resident,
        "POST",
        "/api/v1/reports",
        {"target_kind": "post", "target_id": post["id"], "reason": "harassment"},
    )
    assert OFFENSIVE in feed_bodies(page, resident)

    sign_in(page, world, "solidaire")
    page.locator(f"nav a[href$='/residences/{world.home.id}/moderation']").click()
    case = page.locator("section.case", has_text=OFFENSIVE)
    assert case.count() == 1
    screenshot(page, "flow-moderation-queue")
    case.locator("select[name=action]").select_option("hide")
    case.locator("textarea[name=reason]").fill("Accusations nominatives contre des voisins.")
    with page.expect_navigation():
        case.locator("button[type=submit]").click()
    assert page.locator("section.case", has_text=OFFENSIVE).count() == 0
    assert page.locator("[role=status]").is_visible()  # the console says it is done
    screenshot(page, "flow-moderation-done")

    # The reporter sees the decision on their report; the post is gone from the feed.
    mine = api(page, resident, "GET", "/api/v1/me/reports")["items"]
    assert [(r["target_id"], r["status"], r["outcome"]) for r in mine] == [
        (post["id"], "closed", "hidden")
    ]
    assert OFFENSIVE not in feed_bodies(page, resident)
    # The author is told, and so is the reporter, by a notification on their phones.
    assert "moderation_hide" in outbox_kinds(lucie.user_id)
    assert "report_upheld" in outbox_kinds(world.users["resident"].id)
