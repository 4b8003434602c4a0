"""Who is calling: bearer tokens on the API, the console's own session on the console.

Two ways in, never mixed. The API reads no cookie at all: Flask-Login looks at
`session["_user_id"]` and at its remember cookie before the request loader, so anyone holding
SECRET_KEY could sign such a cookie and be whoever they like; and a request carrying any
remember cookie would never reach the request loader. Hence API requests are built without
their cookies (`ApiRequest`) and the user loader answers only on the console's pages, where it
wants the console session's secret (stored hashed, revocable: services/console_sessions.py) and
not just a signed user id. The bearer loader never answers on the console.
"""

from flask import Flask, Request, g, request, session
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from app.extensions import login_manager
from app.problems import problem
from models import User
from services import accounts, console_sessions

API_PREFIX = "/api/"
CONSOLE_PREFIX = "/console/"
# The key of the console session's secret in the (signed, not encrypted) session cookie.
CONSOLE_SECRET = "console_secret"


class ApiRequest(Request):
    """A request whose cookies are invisible under /api/: the API reads bearer tokens only."""

    @cached_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        if self.path.startswith(API_PREFIX):
            return ImmutableMultiDict()
        return super().cookies


def init_app(app: Flask) -> None:
    """Called before the rate limiter's `init_app`, so that `_load_caller` runs before it."""
    app.request_class = ApiRequest
    login_manager.request_loader(_user_from_bearer_token)
    login_manager.user_loader(_user_from_session)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_load_caller)


def _load_caller() -> None:
    """Look the bearer token up first, before the rate limits count anything.

    When the database is down, the lookup fails here and the request answers 503
    (app/outages.py). Inside Flask-Limiter's check, which reads the caller for per-account
    limits, the failure would be taken for its storage (Redis) failing: it would switch to
    counting in memory and report a Redis outage. And once the caller is loaded, the answer's
    language can follow the member's setting without a query (app/i18n.py).
    """
    if request.path.startswith(API_PREFIX):
        current_user._get_current_object()


def signed_in_user() -> User:
    """The signed-in user as a plain model object, for services."""
    return current_user._get_current_object()


def _user_from_bearer_token(request):
    if request.path.startswith(CONSOLE_PREFIX):
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    token = accounts.token_for_secret(secret.strip())
    if token is None:
        return None
    g.api_token = token
    return token.user


def _user_from_session(user_id: str) -> User | None:
    """Console pages only, and only with a live console session (see the module's docstring)."""
    if not request.path.startswith(CONSOLE_PREFIX):
        return None
    return console_sessions.console_user(session.get(CONSOLE_SECRET), user_id)


def _unauthorized():
    return problem(401, headers={"WWW-Authenticate": "Bearer"})
