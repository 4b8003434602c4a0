"""Every page of the console, as the browser shows it: axe-core finds no serious or critical
violation, nothing overflows sideways on a tablet, and a screenshot of each (desktop and
tablet widths) is saved under tests/artifacts/ to be looked at.

The pages are read from the app's routes, so a page added later is checked without a change
here; one whose address needs a value this module does not know fails until it is named in
ADDRESS_VALUES.
"""

import pytest
from flask import Flask, url_for

from models import db
from services.reports import snapshots
from tests.browser.conftest import DESKTOP, TABLET, check_accessibility, screenshot, sign_in
from tests.world import World

pytestmark = pytest.mark.commits

# What each part of a console address names, in the world of tests/world.py.
ADDRESS_VALUES = {
    "residence_id": lambda world: world.home.id,
    "space_id": lambda world: world.room.id,
    "booking_id": lambda world: world.pending.id,
    "invite_id": lambda world: world.invite.id,
    "invite_code_id": lambda world: world.invite.id,
    "post_id": lambda world: world.announcement.id,
    "announcement_id": lambda world: world.announcement.id,
    "user_id": lambda world: world.users["resident"].id,
    "member_id": lambda world: world.users["resident"].id,
    "landlord_id": lambda world: world.landlord.id,
    "month": lambda world: snapshots.last_complete_month().strftime("%Y-%m"),
    "kind": lambda world: "csv",
}
# Pages that are not pages to look at: the console's own files.
NOT_PAGES = {"console.static"}


def console_pages(app: Flask, world: World) -> list[tuple[str, str]]:
    """(endpoint, address) of every page of the console that answers GET."""
    pages = set()
    unknown = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("console.") or rule.endpoint in NOT_PAGES:
                continue
            if "GET" not in rule.methods:
                continue
            missing = [name for name in rule.arguments if name not in ADDRESS_VALUES]
            if missing:
                unknown.append(f"{rule.rule} ({', '.join(missing)})")
                continue
            values = {name: ADDRESS_VALUES[name](world) for name in rule.arguments}
            pages.add((rule.endpoint, url_for(rule.endpoint, **values)))
    assert not unknown, f"name these addresses' values in ADDRESS_VALUES: {unknown}"
    return sorted(pages)


def look_at(page, name: str, problems: list[str]) -> None:
    """axe-core at desktop width, then a screenshot at each width and a look for sideways
    overflow at the tablet's; problems are gathered so that every page gets its screenshots."""
    try:
        check_accessibility(page)
    except AssertionError as violations:
        problems.append(str(violations))
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(TABLET)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{page.url}: {overflow}px wider than a {TABLET['width']}px tablet")
    screenshot(page, f"{name}-tablet")
    page.set_viewport_size(DESKTOP)


def visit_every_page(
    page, pages, prefix: str, problems: list[str], checked: set[str], *, may_refuse: bool
) -> None:
    """Opens each page the signed-in member may open (`may_refuse`: some pages are not for
    this role). A page already checked for another role is only photographed (its menu
    differs); the others are looked at in full. Adds the endpoints opened to `checked`."""
    for endpoint, path in pages:
        answer = page.request.get(path, max_redirects=0)
        if answer.status >= (500 if may_refuse else 400):
            problems.append(f"{prefix}: {path} answered {answer.status}")
        if answer.status != 200 or not answer.headers["content-type"].startswith("text/html"):
            continue  # a download (CSV, PDF), a redirection, or a page not for this role
        page.goto(path)
        name = f"{prefix}-{endpoint.removeprefix('console.').replace('_', '-')}"
        if endpoint in checked:
            screenshot(page, f"{name}-desktop")
        else:
            look_at(page, name, problems)
            checked.add(endpoint)


def test_every_console_page_is_accessible_and_fits_a_tablet(app, page, world):
    # Last month's report, so that its page has figures and charts to show.
    snapshots.build_month(world.landlord, snapshots.last_complete_month())
    db.session.commit()
    pages = console_pages(app, world)
    problems: list[str] = []

    page.goto("/")
    assert "/console/sign-in" in page.url  # the front door
    look_at(page, "anonymous-sign-in", problems)
    page.locator("#email").fill(world.users["staff"].email)
    page.locator("#password").fill("not the password")
    with page.expect_navigation():
        page.locator("form:has(#password) [type=submit]").click()
    assert page.locator("[role=alert]").is_visible()
    look_at(page, "anonymous-sign-in-refused", problems)

    checked: set[str] = set()
    sign_in(page, world, "staff")
    visit_every_page(page, pages, "staff", problems, checked, may_refuse=False)
    page.goto("/console/residences/2147483647")
    look_at(page, "staff-not-found", problems)

    page.context.clear_cookies()
    sign_in(page, world, "solidaire")
    visit_every_page(page, pages, "solidaire", problems, checked, may_refuse=True)

    assert not problems, "\n\n".join(problems)
    assert {"console.home", "console.dashboard"} <= checked
