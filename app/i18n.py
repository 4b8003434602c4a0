"""The caller's language. The API: Accept-Language first, then the member's own setting, else
French. The console: the member's setting, or the visitor's choice, else French.

The member's setting is read only from a caller already loaded, as loaded: choosing the language
of an answer never queries the database, which may be the very thing that failed (an error
answer while PostgreSQL is down, app/outages.py). API requests load their caller before
anything else (app/auth.py), so a member's setting is known whenever the database answered.
"""

import sqlalchemy as sa
from flask import g, has_request_context, request, session

from models.accounts import LOCALES

CONSOLE_PREFIX = "/console/"
# The console visitor's choice before sign-in, in the session; then the member's own setting.
CHOSEN_LOCALE = "locale"


def select_locale() -> str:
    if not has_request_context():
        return "fr"
    if request.path.startswith(CONSOLE_PREFIX):
        return _console_locale()
    preferred = request.accept_languages.best_match(LOCALES)
    if preferred:
        return preferred
    return _member_locale() or "fr"


def _console_locale() -> str:
    """The console speaks French unless the member (or, before sign-in, the visitor) chose
    English: the browser's language is not taken as a choice."""
    return _member_locale() or session.get(CHOSEN_LOCALE) or "fr"


def _member_locale() -> str | None:
    # Flask-Login's cache of the caller: `current_user` would look them up when absent.
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        # The loaded value only: an expired attribute (after a rollback) would be queried.
        return sa.inspect(user).dict.get("locale")
    return None


# Calls whose argument is a message id, for `make messages` and the catalogue test (`_` in
# the templates of app/templates).
MESSAGE_KEYWORDS = (
    "_",
    "lazy_gettext",
    "gettext",
    "NotAuthenticated",
    "Forbidden",
    "NotFound",
    "Conflict",
    "InvalidInput",
    "field_error:2",
    "get_in_residence:4",
    "get_visible_content:5",
    "get_participated:4",
)
