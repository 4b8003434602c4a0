"""Prometheus metrics at /metrics: hidden unless METRICS_TOKEN is set, requests counted by
Flask endpoint and status, the outbox read at scrape time; with several gunicorn workers,
every worker's counts in each scrape."""

import os
import subprocess
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from models import Notification, db
from models.base import utcnow
from notifications import outbox
from tests.servers import GUNICORN, free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "a-metrics-token-for-the-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_token(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    return TOKEN


def samples(text: str) -> dict:
    """{(name, frozenset(labels)): value} of an exposition."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client) -> dict:
    answer = client.get("/metrics", headers=BEARER)
    assert answer.status_code == 200, answer.data
    return samples(answer.get_data(as_text=True))


def requests_of(scraped: dict, endpoint: str, status: str, method: str = "GET") -> float:
    labels = frozenset({"method": method, "endpoint": endpoint, "status": status}.items())
    return scraped.get(("palier_http_requests_total", labels), 0)


def test_metrics_answer_404_unless_a_token_is_set(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=BEARER).status_code == 404


def test_metrics_want_the_token(client, metrics_token):
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    answer = client.get("/metrics", headers=BEARER)
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    assert answer.headers["Cache-Control"] == "no-store"


def test_requests_are_counted_by_endpoint_and_status(client, world, metrics_token):
    before = scrape(client)
    for _ in range(3):
        client.get("/health/live")
    client.get("/api/v1/residences", headers=world.headers("resident"))
    client.get("/api/v1/residences")
    client.get(f"/api/v1/listings/{world.lend.id}", headers=world.headers("resident"))
    client.get("/no/such/address/4242")
    after = scrape(client)

    def counted(endpoint, status):
        return requests_of(after, endpoint, status) - requests_of(before, endpoint, status)

    assert counted("health.live", "200") == 3
    assert counted("residences.list_residences", "200") == 1
    assert counted("residences.list_residences", "401") == 1
    # The endpoint, not the address: one series for every listing.
    assert counted("listings.get_listing", "200") == 1
    assert counted("None", "404") == 1
    assert not any("4242" in str(labels) for _, labels in after)
    histogram = (
        "palier_http_request_duration_seconds_count",
        frozenset({"method": "GET", "endpoint": "health.live", "status": "200"}.items()),
    )
    assert after[histogram] - before.get(histogram, 0) == 3


def test_the_outbox_backlog_is_read_at_scrape_time(client, world, metrics_token):
    residents = [world.users["resident"], world.users["solidaire"]]
    outbox.enqueue(residents, "welcome", {"residence": "Les Tilleuls"}, key="m1", link="palier://x")
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    now = utcnow()
    rows[0].created_at = now - timedelta(minutes=10)
    rows[0].not_before = now - timedelta(minutes=4)
    # Held by quiet hours until tomorrow morning: pending, not due.
    rows[1].created_at = now - timedelta(minutes=20)
    rows[1].not_before = now + timedelta(hours=8)
    db.session.flush()
    pending = len(rows)

    scraped = scrape(client)

    def gauge(name):
        return scraped[(name, frozenset())]

    assert gauge("palier_outbox_pending") == pending
    assert gauge("palier_outbox_due") == pending - 1
    assert 20 * 60 <= gauge("palier_outbox_oldest_pending_age_seconds") < 21 * 60
    assert 4 * 60 <= gauge("palier_outbox_oldest_due_wait_seconds") < 5 * 60


def test_an_empty_outbox_says_zero(client, metrics_token):
    scraped = scrape(client)
    assert scraped[("palier_outbox_pending", frozenset())] == 0
    assert scraped[("palier_outbox_oldest_due_wait_seconds", frozenset())] == 0


@pytest.mark.commits
def test_several_workers_count_together(app, tmp_path):
    """Two gunicorn workers, each restarted after 5 requests: a scrape, whichever worker
    answers it, counts every request, those answered by workers gone since included."""
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "PALIER_CONFIG": "production",
        "SECRET_KEY": "a-production-secret-for-the-metrics-test-0123456789",
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
        "RATELIMIT_ALLOW_MEMORY": "1",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
    }
    server = subprocess.Popen(
        [*GUNICORN, "--max-requests", "5", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_listening(port, server)
        for _ in range(20):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=30):
                pass
        request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers=BEARER)
        with urllib.request.urlopen(request, timeout=30) as answer:
            scraped = samples(answer.read().decode())
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()
    assert requests_of(scraped, "health.live", "200") == 20
    # Workers were replaced on the way: more than two processes wrote counts.
    assert len(list(multiproc.glob("counter_*.db"))) > 2
