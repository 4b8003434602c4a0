import re
import subprocess
import sys
from pathlib import Path

from tests.contract.snapshot import nullable

ROOT = Path(__file__).resolve().parent.parent


def test_openapi_documents_every_api_endpoint(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in documented


def test_request_schemas_reject_unknown_fields_in_the_document(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert "Register" in schemas and "password" in schemas["Register"]["properties"]
    assert "password" not in schemas["User"]["properties"]


def test_interactive_docs_page(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert b"swagger" in page.data.lower()


def test_fields_answered_as_null_are_nullable_in_the_document(client, world):
    properties = {
        name: schema.get("properties", {})
        for name, schema in client.get("/api/v1/openapi.json").json["components"]["schemas"].items()
    }
    staff, resident = world.headers("staff"), world.headers("resident")
    invites = client.get(f"/api/v1/residences/{world.home.id}/invite-codes", headers=staff).json
    device = {"token": "fcm-new-phone", "platform": "ios"}
    answers = [
        ("Loan", client.get(f"/api/v1/loans/{world.loan.id}", headers=resident).json),
        ("Exchange", client.get(f"/api/v1/exchanges/{world.exchange.id}", headers=resident).json),
        ("InviteCode", invites["items"][0]),
        ("Device", client.post("/api/v1/devices", json=device, headers=resident).json),
    ]
    nulls = {
        (schema, field)
        for schema, answer in answers
        for field, value in answer.items()
        if value is None
    }
    assert nulls >= {
        ("Loan", "status_changed_at"),
        ("Exchange", "status_changed_at"),
        ("InviteCode", "revoked_at"),
        ("Device", "app_version"),
    }
    for schema, field in nulls:
        assert nullable(properties[schema][field]), (schema, field)


def test_the_app_can_be_built_twice_in_one_process():
    # app/__init__ once lost the flask-smorest extension to the `app.api` package's name.
    script = (
        "from app import create_app\n"
        "apps = [create_app('testing'), create_app('testing')]\n"
        "assert all(a.test_client().get('/api/v1/openapi.json').status_code == 200 for a in apps)"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, timeout=60)
