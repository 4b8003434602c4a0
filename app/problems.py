"""RFC 9457 problem details: every error of the API answers application/problem+json.

Messages are English message ids, translated here into the caller's language.
"""

import logging

import marshmallow as ma
from flask import jsonify
from flask_babel import get_locale, gettext, lazy_gettext
from werkzeug.exceptions import HTTPException, InternalServerError

from notifications.texts import readable
from services.errors import ServiceError

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"

# What a 503 asks the client to wait before trying again (a database restart takes seconds).
RETRY_AFTER_SECONDS = 5

# Titles and default details of the HTTP statuses the API answers with.
TITLES = {
    400: lazy_gettext("Bad request"),
    401: lazy_gettext("Authentication required"),
    403: lazy_gettext("Forbidden"),
    404: lazy_gettext("Not found"),
    405: lazy_gettext("Method not allowed"),
    409: lazy_gettext("Conflict"),
    413: lazy_gettext("Request too large"),
    415: lazy_gettext("Unsupported media type"),
    422: lazy_gettext("Invalid input"),
    429: lazy_gettext("Too many requests"),
    500: lazy_gettext("Internal server error"),
    503: lazy_gettext("Service unavailable"),
}

DETAILS = {
    400: lazy_gettext("The request could not be understood."),
    401: lazy_gettext("Sign in to continue."),
    403: lazy_gettext("You are not allowed to do this."),
    404: lazy_gettext("Nothing was found at this address."),
    405: lazy_gettext("This method is not allowed at this address."),
    413: lazy_gettext("The request is too large."),
    422: lazy_gettext("Some fields are not valid."),
    429: lazy_gettext("Too many attempts. Please wait a moment and try again."),
    500: lazy_gettext("Something went wrong on our side. Please try again later."),
    503: lazy_gettext("The service is briefly unavailable. Please try again in a moment."),
}


class ConflictingIntervalSchema(ma.Schema):
    start = ma.fields.DateTime(required=True)
    end = ma.fields.DateTime(required=True)


class ConflictingPeriodSchema(ma.Schema):
    starts_on = ma.fields.Date(required=True)
    due_on = ma.fields.Date(required=True)


class OpenDealSchema(ma.Schema):
    kind = ma.fields.String(required=True, metadata={"enum": ["loan", "exchange"]})
    id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)


class ProblemSchema(ma.Schema):
    """An error (RFC 9457, application/problem+json), in the caller's language. Some answers
    add extension members, named here so that generated clients keep them."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    status = ma.fields.Integer(required=True, metadata={"example": 409})
    title = ma.fields.String(required=True, metadata={"example": "Conflit"})
    detail = ma.fields.String(required=True)
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        metadata={
            "description": "422: the messages for each field that is not valid.",
            "additionalProperties": True,
        },
    )
    current_status = ma.fields.String(
        metadata={"description": "409: the state that does not allow the action."}
    )
    listing_status = ma.fields.String(metadata={"description": "409: the listing's state."})
    exchange_id = ma.fields.Integer(
        metadata={"description": "409: the exchange the member already started."}
    )
    going = ma.fields.Integer(metadata={"description": "409: members going to a full event."})
    rule = ma.fields.String(
        metadata={"description": "The booking rule that refused, e.g. max_duration."}
    )
    conflicting_interval = ma.fields.Nested(
        ConflictingIntervalSchema,
        metadata={"description": "409: the booking in the way (local times)."},
    )
    conflicting_period = ma.fields.Nested(
        ConflictingPeriodSchema,
        metadata={"description": "409: the days the object is already lent."},
    )
    open_deals = ma.fields.List(
        ma.fields.Nested(OpenDealSchema),
        metadata={"description": "409: the loans and exchanges to close before erasing."},
    )
    conflicting_dates = ma.fields.List(
        ma.fields.Date(), metadata={"description": "409: the dates of a series that clash."}
    )


def problem(
    status: int, detail: str | None = None, errors: dict | None = None, headers=None, extra=None
):
    body = {
        "type": "about:blank",
        "status": status,
        "title": str(TITLES.get(status, TITLES[400])),
        "detail": detail if detail is not None else str(DETAILS.get(status, DETAILS[400])),
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def service_unavailable():
    """503: a service the API depends on (the database) cannot be reached for now."""
    return problem(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def problem_from_service_error(error: ServiceError):
    detail = service_error_detail(error)
    errors = translated_field_errors(error.field_errors) if error.field_errors else None
    return problem(error.status, detail, errors, extra=error.extra)


def service_error_detail(error: ServiceError) -> str:
    """The refusal's message in the caller's language, its values written for people."""
    locale = str(get_locale())
    params = {name: readable(value, locale) for name, value in error.params.items()}
    return gettext(error.detail, **params)


def problem_from_http_exception(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = None
    if "messages" in data:
        # webargs: {"json": {...}, "query": {...}}; the location does not help the caller.
        errors = {}
        for by_field in data["messages"].values():
            errors.update(by_field if isinstance(by_field, dict) else {"_body": by_field})
        errors = translated_field_errors(errors)
    detail = None
    if status == 400 and errors:
        detail = " ".join(message for messages in errors.values() for message in messages)
        errors = None
    headers = dict(data.get("headers") or {})
    if hasattr(error, "get_headers"):
        headers.update({k: v for k, v in error.get_headers() if k.lower() != "content-type"})
    if isinstance(error, InternalServerError):
        log.error("Unhandled error", exc_info=error.original_exception)
    return problem(status, detail, errors, headers)


def translated_field_errors(messages):
    """Translate every message of a (possibly nested) marshmallow error structure."""
    if isinstance(messages, dict):
        return {key: translated_field_errors(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translated_field_errors(message) for message in messages]
    if isinstance(messages, tuple):
        message_id, params = messages
        return gettext(message_id, **params)
    return gettext(str(messages))
