"""The caller's language: Accept-Language first, then the member's own setting, else French.

The member's setting is read only from a caller already loaded, as loaded: choosing the language
of an answer never queries the database, which may be the very thing that failed (an error
answer while PostgreSQL is down, app/outages.py). API requests load their caller before
anything else (app/auth.py), so a member's setting is known whenever the database answered.
"""

import sqlalchemy as sa
from flask import g, has_request_context, request

from models.accounts import LOCALES


def select_locale() -> str:
    if not has_request_context():
        return "fr"
    preferred = request.accept_languages.best_match(LOCALES)
    if preferred:
        return preferred
    # Flask-Login's cache of the caller: `current_user` would look them up when absent.
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        # The loaded value only: an expired attribute (after a rollback) would be queried.
        return sa.inspect(user).dict.get("locale") or "fr"
    return "fr"


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
