"""The caller's language: Accept-Language first, then the member's own setting, else French."""

from flask import has_request_context, request
from flask_login import current_user

from models.accounts import LOCALES


def select_locale() -> str:
    if not has_request_context():
        return "fr"
    preferred = request.accept_languages.best_match(LOCALES)
    if preferred:
        return preferred
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return "fr"


# Calls whose argument is a message id, for `make messages` and the catalogue test.
MESSAGE_KEYWORDS = (
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
