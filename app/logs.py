"""Logs: one JSON object a line in production, a request id on every answer.

Each request gets an id: the caller's `X-Request-ID` when it is a plain token (letters, digits,
`.`, `_`, `:`, `-`, at most 128 characters), a new random one otherwise; it is sent back as
`X-Request-ID` on every answer and written on every log line of the request. One line a request
(logger `palier.request`) says its method, Flask endpoint, status and duration; probes of
`/health/*` and scrapes of `/metrics` are not logged (they are counted in the metrics).

Nothing a caller sends is written as such: no path (a calendar address holds its secret), no
query string, no header, no body; the endpoint name stands for the address. SQL errors are
written without their parameters (`hide_parameters`, app/__init__.py).
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
STARTED = "palier.started"
REQUEST_ID = "palier.request_id"
# Answered often and to machines: counted in the metrics, not written in the log.
QUIET_ENDPOINTS = {"health.live", "health.ready", "metrics.metrics"}
# Fields a log line may carry besides the message, in this order.
REQUEST_FIELDS = ("request_id", "method", "endpoint", "status", "duration_ms")

ACCESS = "palier.request"
access_log = logging.getLogger(ACCESS)


def configure_logging(config) -> None:
    """One handler on the root logger, writing to stderr in the configured format. Called by
    the app factory; calling it again replaces the handler it installed before."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, PalierHandler)]:
        root.removeHandler(handler)
    handler = PalierHandler()
    handler.addFilter(RequestFields())
    handler.setFormatter(JsonFormatter() if config["LOG_FORMAT"] == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(config["LOG_LEVEL"])
    # WeasyPrint (services/reports) says each step of a PDF, and its font subsetting (fontTools)
    # a dozen lines more, at INFO.
    for chatty in ("weasyprint.progress", "fontTools"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))


class PalierHandler(logging.StreamHandler):
    """Writes to the current `sys.stderr` (looked up at each line, as logging's last resort
    does), so that a replaced stderr (a test's capture) is followed."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


class RequestFields(logging.Filter):
    """Adds the request id, method and endpoint of the request being answered, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            if not hasattr(record, "request_id"):
                record.request_id = request_id()
            if not hasattr(record, "method"):
                record.method = request.method
            if not hasattr(record, "endpoint"):
                record.endpoint = request.endpoint
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id_ = getattr(record, "request_id", None)
        record.request = f" [{request_id_}]" if request_id_ else ""
        return super().format(record)


class RequestTimer:
    """WSGI middleware: notes when a request arrives, before anything else runs (rate limits
    included), so that the duration covers the whole answer."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ[STARTED] = time.perf_counter()
        return self.wsgi_app(environ, start_response)


def request_id() -> str:
    """The current request's id: the caller's, if valid, else a new one (kept for the request)."""
    environ = request.environ
    if REQUEST_ID not in environ:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        environ[REQUEST_ID] = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return environ[REQUEST_ID]


def request_duration() -> float:
    """Seconds since the request arrived."""
    return time.perf_counter() - request.environ.get(STARTED, time.perf_counter())


def init_app(app: Flask) -> None:
    app.wsgi_app = RequestTimer(app.wsgi_app)
    app.after_request(_log_and_tag)


def _log_and_tag(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    if request.endpoint not in QUIET_ENDPOINTS:
        access_log.info(
            "%s %s %s",
            request.method,
            request.endpoint,
            response.status_code,
            extra={
                "status": response.status_code,
                "duration_ms": round(request_duration() * 1000, 1),
            },
        )
    return response
