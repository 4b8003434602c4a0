"""Staff approve a booking in the console; the member who asked is told on their phone and
sees it confirmed in the app."""

import pytest

from models import BookingStatus
from tests.browser.conftest import screenshot, sign_in
from tests.browser.people import api, outbox_kinds

pytestmark = pytest.mark.commits


def test_staff_approve_a_booking_and_the_member_is_told(page, world):
    resident = world.headers("resident")
    booking = f"/api/v1/bookings/{world.pending.id}"
    assert api(page, resident, "GET", booking)["status"] == BookingStatus.PENDING.value
    told_before = outbox_kinds(world.users["resident"].id)

    sign_in(page, world, "staff")
    page.goto(f"/console/residences/{world.home.id}")
    page.locator(f"nav a[href$='/residences/{world.home.id}/bookings-to-approve']").click()
    approve = page.locator(f"form[action$='/bookings/{world.pending.id}/approve']")
    assert approve.count() == 1
    screenshot(page, "flow-bookings-to-approve")
    with page.expect_navigation():
        approve.locator("button[type=submit]").click()
    assert page.locator(f"form[action$='/bookings/{world.pending.id}/approve']").count() == 0
    screenshot(page, "flow-booking-approved")

    assert api(page, resident, "GET", booking)["status"] == BookingStatus.CONFIRMED.value
    told = outbox_kinds(world.users["resident"].id)
    assert told == [*told_before, "booking_approved"]
