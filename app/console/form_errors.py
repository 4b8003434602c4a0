"""A refused form's messages, by field, in the member's language: from the API's schema
(marshmallow) and from the service (a 422's field errors), so the console says what the API
says."""

from flask_babel import get_locale, gettext

from app.problems import service_error_detail
from notifications.texts import readable
from services.errors import ServiceError

# Errors about the form as a whole (marshmallow's `_schema`, a service error without a field).
FORM = "_form"


def schema_errors(messages: dict) -> dict[str, list[str]]:
    """marshmallow's messages ({field: [message]}), one level deep, as text; its own
    messages ("Not a valid integer.") are translated as the API translates them."""
    return {
        FORM if field == "_schema" else field: [gettext(str(message)) for message in _flat(found)]
        for field, found in messages.items()
    }


def service_errors(error: ServiceError) -> dict[str, list[str]]:
    """A service's refusal: its field errors, or its detail for the form as a whole."""
    if not error.field_errors:
        return {FORM: [service_error_detail(error)]}
    locale = str(get_locale())
    return {
        field: [
            gettext(message, **{name: readable(value, locale) for name, value in params.items()})
            for message, params in messages
        ]
        for field, messages in error.field_errors.items()
    }


def _flat(found) -> list:
    if isinstance(found, dict):
        return [message for nested in found.values() for message in _flat(nested)]
    if isinstance(found, list):
        return [message for item in found for message in _flat(item)]
    return [found]
