"""Staff write an alert for one building, picked on the map; the app's feed shows it to the
members of that building and to nobody else."""

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.people import add_neighbour_in_building_b, feed_bodies, outbox_kinds

pytestmark = pytest.mark.commits

ALERT = "Coupure d'eau au bâtiment A demain de 8 h à 12 h."


def test_an_alert_for_one_building_reaches_its_residents_only(page, world):
    lucie = add_neighbour_in_building_b(world)
    sign_in(page, world, "staff")
    page.goto(f"/console/residences/{world.home.id}")
    page.locator(f"nav a[href$='/residences/{world.home.id}/announcements']").click()
    page.locator(f"a[href$='/residences/{world.home.id}/announcements/new']").click()

    page.locator("input[name=kind][value=alert]").check()
    page.locator("#body").fill(ALERT)
    # The map: the footprints drawn, a marker for each building; clicking Bâtiment A's ticks
    # its box and makes "some buildings" the target.
    marker = page.locator(".leaflet-marker-icon[title='Bâtiment A']")
    marker.wait_for()
    assert page.locator(".leaflet-overlay-pane path").filter(visible=True).count() >= 1
    building_a = page.locator(f"#building-{world.building.id}")
    assert not building_a.is_checked()
    marker.click()
    assert building_a.is_checked()
    assert page.locator("#target-buildings").is_checked()
    assert not page.locator(f"#building-{lucie.building_id}").is_checked()
    screenshot(page, "flow-announcement-map")

    page.locator("button[name=action][value=preview]").click()
    # Nadia of Bâtiment A, and her phone.
    assert page.locator("#preview-members").inner_text() == "1"
    assert page.locator("#preview-devices").inner_text() == "1"
    assert page.locator(f"#building-{world.building.id}").is_checked()  # kept by the preview
    screenshot(page, "flow-announcement-preview")
    page.locator("#send").click()
    page.wait_for_url(f"**/residences/{world.home.id}/announcements")
    assert page.locator("table.announcements tbody tr", has_text=ALERT).count() == 1
    screenshot(page, "flow-announcement-sent")

    assert ALERT in feed_bodies(page, world.headers("resident"))
    assert ALERT not in feed_bodies(page, lucie.headers())  # Bâtiment B
    assert ALERT not in feed_bodies(page, world.headers("other_resident"))  # Le Verger
    # (The solidaire reads it too: moderators read every post of their residence.)
    # And the phone of Bâtiment A rings: an urgent notification waits for Nadia only.
    assert "alert" in outbox_kinds(world.users["resident"].id)
    assert "alert" not in outbox_kinds(lucie.user_id)
