"""Signing in to the console in tests through its real form, and posting its forms with their
CSRF token, as a browser does."""

import re

from flask.testing import FlaskClient

from tests.world import PASSWORD, World

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class ConsoleBrowser:
    """One person's browser on the console: its cookies, and the CSRF token of its session."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.csrf_token = None

    def get(self, path: str, **kwargs):
        response = self.client.get(path, **kwargs)
        self._remember_token(response)
        return response

    def post(self, path: str, data: dict | None = None, *, with_token: bool = True, **kwargs):
        if self.csrf_token is None:
            self.get("/console/sign-in")
        data = dict(data or {})
        if with_token:
            data.setdefault("csrf_token", self.csrf_token)
        response = self.client.post(path, data=data, **kwargs)
        self._remember_token(response)
        return response

    def sign_in(self, email: str, password: str = PASSWORD, **kwargs):
        response = self.post("/console/sign-in", {"email": email, "password": password}, **kwargs)
        if response.status_code == 302:
            # A new session has a new CSRF token: the browser reads it on the next page.
            self.get("/console/", follow_redirects=True)
        return response

    def _remember_token(self, response) -> None:
        if response.mimetype == "text/html":
            found = CSRF_FIELD.search(response.get_data(as_text=True))
            if found:
                self.csrf_token = found.group(1)


def console_as(client: FlaskClient, world: World, role: str) -> ConsoleBrowser:
    """A browser signed in as `role` (anonymous: not signed in; residents cannot sign in)."""
    browser = ConsoleBrowser(client)
    if role != "anonymous":
        browser.sign_in(world.users[role].email)
    return browser
