"""The console in a real browser: Debian's Chromium driven by Playwright, against a live server.

The server is the real app of the test session (tests/session_app.py), served by Werkzeug in a
thread on 127.0.0.1, on the test PostgreSQL. Its requests use connections of their own, so every
test that uses it is marked `commits` (its data, built by tests/world.py, is committed, and the
tables are emptied after it). One Chromium for the session, a fresh context (cookies, storage)
for each test. Pages may reach 127.0.0.1 and nothing else: any other request is refused and
fails the test, as does a script error or a message the browser logs as an error (a
Content-Security-Policy refusal among them).
"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Playwright,
    sync_playwright,
)
from werkzeug.serving import make_server

from tests.world import PASSWORD, World

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"  # Debian's: Playwright downloads no browser here
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
LOCAL_HOSTS = {"127.0.0.1"}
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 800, "height": 1100}
# Actions and expectations wait this long at most (Playwright's default is 30 s).
TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = ("serious", "critical")
REFUSED_PAGE = "Failed to load resource: the server responded with a status of 4"


@pytest.fixture(scope="session")
def live_server_url(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def live_server(request, live_server_url) -> str:
    """The server's base URL. Its requests commit on their own connections: the test must be
    marked `commits`, or its data would be invisible to the server and never cleaned up."""
    if request.node.get_closest_marker("commits") is None:
        pytest.fail("a test that uses the live server must be marked `commits`")
    return live_server_url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM)
    yield browser
    browser.close()


@dataclass
class Troubles:
    """What went wrong in the browser during a test, beyond what it asserts."""

    outside_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def context(browser, live_server) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def troubles() -> Troubles:
    return Troubles()


@pytest.fixture
def page(context, troubles) -> Iterator[Page]:
    def local_only(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            troubles.outside_requests.append(route.request.url)
            route.abort("blockedbyclient")

    def console_error(message):
        if message.type != "error":
            return
        # A page answered with a 4xx on purpose (a refused form, a page not found): the test
        # checks the status itself. A file of the page that fails to load is a trouble.
        if message.text.startswith(REFUSED_PAGE) and message.location.get("url") == page.url:
            return
        troubles.errors.append(f"console error at {page.url}: {message.text}")

    context.route("**/*", local_only)
    page = context.new_page()
    page.on("pageerror", lambda error: troubles.errors.append(f"script error: {error}"))
    page.on("console", console_error)
    yield page
    assert not troubles.outside_requests, (
        f"the page asked for files beyond 127.0.0.1: {troubles.outside_requests}"
    )
    assert not troubles.errors, "\n".join(troubles.errors)


def sign_in(page: Page, world: World, role: str) -> None:
    """Through the real sign-in form, as a person: e-mail, password, the button."""
    email = world.users[role].email
    page.goto("/console/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(#password) [type=submit]").click()
    if "/console/sign-in" in page.url:
        raise AssertionError(f"{role} ({email}) could not sign in: {page.inner_text('main')}")


def check_accessibility(page: Page) -> None:
    """axe-core on the page as it is now: no violation of impact serious or critical.

    Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    govern, so the page keeps its real policy."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on {page.url}:\n" + describe_violations(blocking)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", " / ")
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG under tests/artifacts/, to look at (git ignores the folder)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab, as a keyboard user does, until `target` has the focus; each stop on the way
    must show where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} is not reached by {limit} presses of Tab on {page.url}")


def assert_focus_visible(page: Page) -> None:
    """The focused element is drawn as focused: an outline or a shadow, as WCAG 2.4.7 asks."""
    focus = page.evaluate(
        """() => {
            const element = document.activeElement;
            // The page itself, or a field whose focus sits in its inner parts (a date's day,
            // hour) where Chromium does not match :focus: nothing this check can judge.
            if (element === document.body || !element.matches(':focus')) {
                return {element: element.tagName, outline: true};
            }
            const style = getComputedStyle(element);
            return {
                element: element.outerHTML.slice(0, 120),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
                shadow: style.boxShadow !== 'none',
            };
        }"""
    )
    assert focus["outline"] or focus["shadow"], f"no visible focus on {focus['element']}"
