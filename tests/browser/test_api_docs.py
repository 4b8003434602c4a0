"""The API docs page works offline: Swagger UI's files come from the app, not from a CDN."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.commits

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def test_the_docs_page_renders_every_operation_from_this_server_alone(page, troubles):
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    document = page.request.get("/api/v1/openapi.json").json()
    operations = [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    ]

    page.goto("/api/docs")
    blocks = page.locator(".opblock")
    blocks.first.wait_for()
    assert blocks.count() == len(operations)
    login = page.locator(".opblock-post", has=page.locator('[data-path="/api/v1/auth/login"]'))
    assert login.locator(".opblock-summary-method").inner_text() == "POST"

    screenshot(page, "api-docs")
    # The page fixture fails the test on any request beyond 127.0.0.1; these are the files
    # that made the page, all from here.
    assert any(url.endswith("/assets/swagger-ui-dist/swagger-ui-bundle.js") for url in loaded)
    assert any(url.endswith("/api/v1/openapi.json") for url in loaded)
    assert troubles.outside_requests == []
