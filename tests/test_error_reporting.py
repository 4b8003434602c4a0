"""Sentry: nothing initialised without SENTRY_DSN; with one, an unhandled error is reported to
it (here a fake Sentry on 127.0.0.1) without the Authorization header, the body or the query."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
import sentry_sdk

from app import create_app
from app.config import TestingConfig
from models import db

TOKEN = "a-bearer-token-that-must-stay-home"


class FakeSentry:
    """Takes envelopes (`POST /api/<project>/envelope/`, gzip, brotli or plain) and keeps their
    items."""

    def __init__(self):
        self.items: list[tuple[dict, bytes]] = []
        self.raw: list[bytes] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                elif self.headers.get("Content-Encoding") == "br":
                    # sentry-sdk's choice when brotli is installed (WeasyPrint brings it).
                    body = brotli.decompress(body)
                fake.raw.append(body)
                _, *rest = body.split(b"\n")
                for header, payload in zip(rest[::2], rest[1::2], strict=False):
                    fake.items.append((json.loads(header), payload))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.dsn = f"http://public-key@127.0.0.1:{self.server.server_port}/1"

    def events(self) -> list[dict]:
        return [json.loads(payload) for header, payload in self.items if header["type"] == "event"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_sentry():
    fake = FakeSentry()
    yield fake
    fake.close()


@pytest.fixture
def sentry_app(fake_sentry):
    config = type(
        "SentryConfig",
        (TestingConfig,),
        # An unhandled error answers 500, as in production, instead of reaching the test.
        {"SENTRY_DSN": fake_sentry.dsn, "PROPAGATE_EXCEPTIONS": False},
    )
    app = create_app(config)

    @app.post("/test/boom")
    def boom():
        raise RuntimeError("the view broke")

    yield app
    # Back to no Sentry for the rest of the session.
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)
    with app.app_context():
        db.engine.dispose()


def test_without_a_dsn_nothing_is_initialised():
    create_app("testing")
    assert not sentry_sdk.get_client().is_active()
    assert sentry_sdk.get_client().dsn is None


def test_an_unhandled_error_is_reported_without_secrets(sentry_app, fake_sentry):
    answer = sentry_app.test_client().post(
        "/test/boom?code=a-query-secret",
        json={"password": "hunter2-in-the-body"},
        headers={"Authorization": f"Bearer {TOKEN}", "X-Request-ID": "boom-1"},
    )
    assert answer.status_code == 500
    assert answer.headers["X-Request-ID"] == "boom-1"
    assert not sentry_sdk.get_client().should_send_default_pii()
    sentry_sdk.flush(timeout=10)

    (event,) = [e for e in fake_sentry.events() if e.get("exception")]
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "the view broke"
    request = event["request"]
    assert request["method"] == "POST"
    assert request["url"] == "/test/boom"
    assert not {"authorization", "cookie"} & {name.lower() for name in request["headers"]}
    assert not {"data", "query_string", "cookies", "env"} & set(request)
    assert event["tags"]["request_id"] == "boom-1"
    assert "user" not in event or not event["user"].get("ip_address")
    everything = b"".join(fake_sentry.raw)
    for secret in (TOKEN, "hunter2-in-the-body", "a-query-secret"):
        assert secret.encode() not in everything
