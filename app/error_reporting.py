"""Unhandled errors to Sentry (sentry-sdk's Flask integration), only when SENTRY_DSN is set.

What leaves: the exception, its stack (without local variables: they hold residents' messages
and whatever a view was working on), the request's method, route (`/api/v1/calendars/
<string:secret>.ics`, not the address, which may hold a secret) and its harmless headers, the
request id. What never leaves: request bodies, cookies, query strings, the Authorization and
Cookie headers, addresses and user identities (sentry-sdk's default: no personal data).
"""

import sentry_sdk
from flask import Flask, has_request_context, request
from sentry_sdk.integrations.flask import FlaskIntegration

from app.logs import request_id

DROPPED_HEADERS = {"authorization", "cookie", "proxy-authorization", "x-forwarded-for"}
DROPPED_REQUEST_PARTS = ("data", "cookies", "query_string", "env")


def init_app(app: Flask) -> None:
    dsn = app.config["SENTRY_DSN"]
    if not dsn:
        return
    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        environment=app.config["PALIER_ENVIRONMENT"],
        # No personal data: sentry-sdk 2.75 deprecates `send_default_pii` (it warns, for
        # `data_collection`); left out, it is off, which tests/test_error_reporting.py checks.
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
    )


def scrub_event(event: dict, hint: dict) -> dict:
    """Sentry's `before_send`: drop what may carry a secret or a resident's words."""
    details = event.get("request")
    if details is not None:
        for part in DROPPED_REQUEST_PARTS:
            details.pop(part, None)
        headers = details.get("headers") or {}
        details["headers"] = {
            name: value for name, value in headers.items() if name.lower() not in DROPPED_HEADERS
        }
        if has_request_context() and request.url_rule is not None:
            details["url"] = request.url_rule.rule
        else:
            details.pop("url", None)
    if has_request_context():
        # To find the error's log lines.
        event.setdefault("tags", {})["request_id"] = request_id()
    return event
