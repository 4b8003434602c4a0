"""Logs: a request id on every answer (the caller's when valid), one JSON object a line with the
request's fields, and nothing the caller sent as a secret or a text."""

import json
import logging
import re

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from app import logs
from models import User, db
from tests.world import FEED_SECRET

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_logs(app):
    """The handler the factory installs, again: the session's migrations (Alembic's
    fileConfig) replaced the root logger's handlers after the app was built."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logs.configure_logging(app.config)
    yield
    root.handlers[:], level = saved
    root.setLevel(level)


def lines(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_a_valid_request_id_is_sent_back(client):
    answer = client.get("/health/live", headers={"X-Request-ID": "edge-7f3a:42"})
    assert answer.headers["X-Request-ID"] == "edge-7f3a:42"


@pytest.mark.parametrize("given", [None, "", "two words", "x" * 129, "évident", "a\tb"])
def test_a_request_id_is_made_when_missing_or_not_valid(client, given):
    headers = {} if given is None else {"X-Request-ID": given}
    answer = client.get("/health/live", headers=headers)
    assert HEX_ID.fullmatch(answer.headers["X-Request-ID"])


def test_every_answer_carries_a_request_id(client, world):
    answers = [
        client.get("/no/such/address"),
        client.get("/api/v1/residences"),
        client.get("/api/v1/residences", headers=world.headers("resident")),
        client.delete("/health/live"),
    ]
    assert [answer.status_code for answer in answers] == [404, 401, 200, 405]
    ids = [answer.headers["X-Request-ID"] for answer in answers]
    assert all(HEX_ID.fullmatch(request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)


def test_one_json_line_a_request_and_no_secret(client, world, capsys, json_logs):
    token = world.tokens["resident"]
    client.get(
        "/api/v1/residences",
        headers={**world.headers("resident"), "X-Request-ID": "req-residences"},
    )
    client.post(
        "/api/v1/auth/login",
        json={"email": "resident@example.test", "password": "hunter2-secret", "device_name": "x"},
        headers={"X-Request-ID": "req-login"},
    )
    client.get(f"/api/v1/calendars/{FEED_SECRET}.ics", headers={"X-Request-ID": "req-ics"})
    err = capsys.readouterr().err
    assert token not in err and "hunter2-secret" not in err and FEED_SECRET not in err
    by_id = {line["request_id"]: line for line in lines(err) if line["logger"] == "palier.request"}
    line = by_id["req-residences"]
    assert set(line) == {
        "timestamp",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "endpoint",
        "status",
        "duration_ms",
    }
    assert line["level"] == "INFO"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["timestamp"])
    assert line["method"] == "GET"
    assert line["endpoint"] == "residences.list_residences"
    assert line["status"] == 200
    assert line["message"] == "GET residences.list_residences 200"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert by_id["req-login"]["status"] in (401, 403)
    assert by_id["req-ics"]["endpoint"] == "calendars.get_calendar_file"


def test_lines_logged_while_answering_carry_the_request_id(app, capsys, json_logs):
    with app.test_request_context("/api/v1/residences", headers={"X-Request-ID": "inside-1"}):
        logging.getLogger("services.example").warning("something to know")
    (line,) = [line for line in lines(capsys.readouterr().err) if line["logger"] != logs.ACCESS]
    assert line["request_id"] == "inside-1"
    assert line["message"] == "something to know"
    assert line["level"] == "WARNING"


def test_probes_are_not_logged(client, capsys, json_logs):
    client.get("/health/live", headers={"X-Request-ID": "probe-1"})
    assert "probe-1" not in capsys.readouterr().err


def test_text_logs_for_people(capsys, app):
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logs.configure_logging({"LOG_FORMAT": "text", "LOG_LEVEL": "INFO"})
        with app.test_request_context("/", headers={"X-Request-ID": "people-1"}):
            logging.getLogger("palier.example").info("hello")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    assert re.search(r"INFO palier\.example \[people-1\] hello$", capsys.readouterr().err.strip())


def test_the_factory_installs_one_handler(app: Flask):
    from app import create_app

    create_app("testing")
    create_app("testing")
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logs.PalierHandler)]
    assert len(handlers) == 1
    assert isinstance(handlers[0].formatter, logs.JsonFormatter)


def test_sql_errors_hide_their_values(world):
    resident = world.users["resident"]
    with pytest.raises(IntegrityError) as raised, db.session.begin_nested():
        db.session.add(User(email=resident.email, display_name="Copy", password_hash="h-4242"))
        db.session.flush()
    # PostgreSQL's own detail names the clashing key; the values sent are not written.
    assert "SQL parameters hidden" in str(raised.value)
    assert "h-4242" not in str(raised.value)
