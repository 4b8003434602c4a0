"""A suspended member reads but writes nothing neighbours see: every write endpoint of the URL
map refuses them, except those marked `allowed_while_suspended` (account, devices, safety)."""

import re
from datetime import timedelta

import pytest

from app.extensions import limiter
from models import Suspension, db
from models.base import utcnow
from services import accounts

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


PARAMETER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def write_rules(app):
    """(method, rule, view) of every API write."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in sorted(rule.methods & WRITES):
                yield method, rule.rule, app.view_functions[rule.endpoint]


def fresh_headers(world, role="resident"):
    # A token per request: signing out or revoking sessions may end the previous one.
    token = accounts.issue_token(world.users[role], "phone")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def suspend(world, role="resident"):
    db.session.add(
        Suspension(
            user_id=world.users[role].id,
            residence_id=world.home.id,
            ends_at=utcnow() + timedelta(days=3),
        )
    )
    db.session.commit()


def test_every_write_but_the_accounts_refuses_a_suspended_member(app, client, world):
    suspend(world)
    refused, allowed = [], []
    for method, rule, view in write_rules(app):
        path, endpoint = PARAMETER.sub("1", rule), f"{view.__module__}.{view.__name__}"
        limiter.reset()  # a hundred writes in a row would meet the per-account limit
        response = client.open(path, method=method, json={}, headers=fresh_headers(world))
        suspended = response.status_code == 403 and "suspended_until" in (response.json or {})
        if getattr(view, "allowed_while_suspended", False):
            assert not suspended, endpoint
            allowed.append(endpoint)
        else:
            assert suspended, (endpoint, response.status_code, response.json)
            assert response.mimetype == "application/problem+json"
            refused.append(endpoint)
    # The map is not empty by accident: publishing, lending and booking are among the refused.
    assert {"news.publish_post", "loans.accept_loan", "bookings.book_space"} <= {
        name.removeprefix("app.api.") for name in refused
    }
    safety = {"moderation.report_content", "blocks.block_member", "blocks.unblock_member"}
    assert {"accounts.log_out", "devices.register_device", *safety} <= {
        name.removeprefix("app.api.") for name in allowed
    }


def test_the_document_lists_the_403_of_every_write_a_suspension_refuses(app, client):
    document = client.get("/api/v1/openapi.json").json
    for method, rule, view in write_rules(app):
        operation = document["paths"][PARAMETER.sub(r"{\1}", rule)][method.lower()]
        if not getattr(view, "allowed_while_suspended", False):
            assert "403" in operation["responses"], (method, rule)


@pytest.mark.parametrize("ended", ["expired", "lifted"])
def test_a_suspension_ends(client, world, ended):
    suspension = Suspension(
        user_id=world.users["resident"].id,
        residence_id=world.home.id,
        starts_at=utcnow() - timedelta(days=3),
        ends_at=utcnow() + (timedelta(days=-1) if ended == "expired" else timedelta(days=1)),
        lifted_at=utcnow() if ended == "lifted" else None,
    )
    db.session.add(suspension)
    db.session.commit()
    response = client.post(
        "/api/v1/posts",
        json={"residence_id": world.home.id, "kind": "post", "body": "Je suis de retour"},
        headers=world.headers("resident"),
    )
    assert response.status_code == 201, response.json
