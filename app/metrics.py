"""Prometheus metrics of the web process, at `GET /metrics` (prometheus_client).

Not public: the path answers 404 unless METRICS_TOKEN is set, and then only to
`Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). It serves:

- `palier_http_requests_total` and `palier_http_request_duration_seconds` (a histogram), by
  method, Flask endpoint (the view's name, never the raw path: a bounded set; `None` for
  addresses that match no route) and status;
- the outbox, read at scrape time in one query on the pending rows (an indexed set):
  `palier_outbox_pending`, `palier_outbox_due` (pending and due now, not held by quiet
  hours), `palier_outbox_oldest_pending_age_seconds` and
  `palier_outbox_oldest_due_wait_seconds` (how long the oldest due row has waited: what to
  alert on).

Several gunicorn workers: with PROMETHEUS_MULTIPROC_DIR set, each worker writes its counts in
that directory (prometheus_client's multiprocess mode) and a scrape, whichever worker answers
it, adds up every worker's, those of workers since restarted included. Without it, counts live
in each process (fine for one worker, `flask run` and the tests).

Deliveries, the scheduler's lead and its jobs' last runs live in the scheduler process, which
serves them on a port of its own (app/scheduler_metrics.py).
"""

import hmac

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from app.extensions import limiter
from app.logs import request_duration
from app.problems import problem
from notifications.dispatcher import outbox_backlog

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

# Created once per process, whatever the number of apps built.
REQUESTS = Counter(
    "palier_http_requests",
    "HTTP requests answered, by method, Flask endpoint and status.",
    ["method", "endpoint", "status"],
)
DURATION = Histogram(
    "palier_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, Flask endpoint and status.",
    ["method", "endpoint", "status"],
)

blp = Blueprint("metrics", __name__)


def init_app(app: Flask) -> None:
    app.after_request(_count)
    app.register_blueprint(blp)


def _count(response: Response) -> Response:
    method = request.method if request.method in METHODS else "other"
    labels = (method, str(request.endpoint), str(response.status_code))
    REQUESTS.labels(*labels).inc()
    DURATION.labels(*labels).observe(request_duration())
    return response


@blp.get("/metrics")
@limiter.exempt
def metrics():
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        return problem(401, headers={"WWW-Authenticate": "Bearer"})
    registry = CollectorRegistry()
    directory = current_app.config["PROMETHEUS_MULTIPROC_DIR"]
    if directory:
        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(_ThisProcess())
    registry.register(_Snapshot(_outbox_families()))
    return Response(
        generate_latest(registry),
        content_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )


def _outbox_families() -> list:
    backlog = outbox_backlog()
    gauges = (
        ("palier_outbox_pending", "Notifications waiting in the outbox.", "pending"),
        (
            "palier_outbox_due",
            "Notifications waiting in the outbox and due now (not held by quiet hours).",
            "due",
        ),
        (
            "palier_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending notification (0 when none).",
            "oldest_pending_seconds",
        ),
        (
            "palier_outbox_oldest_due_wait_seconds",
            "How long the oldest due notification has waited to be sent (0 when none).",
            "oldest_due_seconds",
        ),
    )
    return [GaugeMetricFamily(name, text, value=backlog[key]) for name, text, key in gauges]


class _ThisProcess:
    """The metrics of this process (the default registry), in a registry of the scrape."""

    def collect(self):
        return REGISTRY.collect()


class _Snapshot:
    def __init__(self, families):
        self.families = families

    def collect(self):
        return iter(self.families)
