"""The API document as a contract: the served document is kept in `openapi.json` beside this
file, so that every change to what the mobile app's generated clients see is read in review.

`python -m tests.contract.snapshot --write` refreshes the snapshot (`make openapi-snapshot`);
`breaking_changes(old, new)` names what would break a client generated from `old`.
"""

import json
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.json")
METHODS = {"get", "put", "post", "delete", "patch"}


def served_document() -> dict:
    """The document as the app serves it; building it needs no database."""
    import os

    os.environ.setdefault("TEST_DATABASE_URL", "postgresql://unused@127.0.0.1:1/unused")
    from app import create_app

    return create_app("testing").test_client().get("/api/v1/openapi.json").json


def dumps(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def breaking_changes(old: dict, new: dict) -> list[str]:
    """What a client generated from `old` would trip on in `new`: an operation or a response
    field removed, a request field newly required, a type narrowed, an enum value removed."""
    changes = []
    old_ops, new_ops = _operations(old), _operations(new)
    for key, operation in old_ops.items():
        name = operation.get("operationId", " ".join(key))
        if key not in new_ops:
            changes.append(f"{name}: operation removed")
            continue
        before, after = operation, new_ops[key]
        for kind, old_schema, new_schema in (
            ("request", _request_schema(old, before), _request_schema(new, after)),
            ("response", _response_schema(old, before), _response_schema(new, after)),
        ):
            found = _schema_changes(kind, old_schema, new_schema)
            changes += [f"{name} {kind}: {change}" for change in found]
        old_params = {(p["in"], p["name"]): p for p in before.get("parameters", [])}
        for (where, param), spec in {
            (p["in"], p["name"]): p for p in after.get("parameters", [])
        }.items():
            if spec.get("required") and (where, param) not in old_params:
                changes.append(f"{name}: new required {where} parameter {param}")
    return changes


def nullable(schema: dict) -> bool:
    """Whether a property may be null: `nullable`, or a null branch of its `anyOf`."""
    return bool(schema.get("nullable")) or any(
        branch.get("nullable") for branch in schema.get("anyOf", ())
    )


def _operations(document: dict) -> dict:
    return {
        (method.upper(), path): operation
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS
    }


def _resolve(document: dict, schema: dict | None) -> dict | None:
    while schema and "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _request_schema(document, operation):
    content = operation.get("requestBody", {}).get("content", {})
    return _resolve(document, content.get("application/json", {}).get("schema"))


def _response_schema(document, operation):
    for status, response in operation.get("responses", {}).items():
        if status.startswith("2"):
            content = response.get("content", {})
            return _resolve(document, content.get("application/json", {}).get("schema"))
    return None


def _schema_changes(kind: str, old: dict | None, new: dict | None) -> list[str]:
    if not old or not new:
        return [] if not old else ([] if new else ["body removed"])
    changes = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    if kind == "response":
        for field in old_props:
            if field not in new_props:
                changes.append(f"field {field} removed")
        for field in set(old.get("required", [])) - set(new.get("required", [])):
            if field in new_props:
                changes.append(f"field {field} no longer always present")
    else:
        for field in set(new.get("required", [])) - set(old.get("required", [])):
            changes.append(f"field {field} newly required")
    for field, spec in new_props.items():
        before = old_props.get(field)
        if before is None:
            continue
        if before.get("type") and spec.get("type") and before["type"] != spec["type"]:
            changes.append(f"field {field} changed type {before['type']} -> {spec['type']}")
        if kind == "response" and nullable(spec) and not nullable(before):
            changes.append(f"field {field} may now be null")
        if kind == "request" and nullable(before) and not nullable(spec):
            changes.append(f"field {field} no longer accepts null")
        lost = set(before.get("enum", [])) - set(spec.get("enum", before.get("enum", [])))
        if kind == "request" and lost:
            changes.append(f"field {field} no longer accepts {sorted(lost)}")
        gained = set(spec.get("enum", [])) - set(before.get("enum", spec.get("enum", [])))
        if kind == "response" and gained and before.get("enum"):
            changes.append(f"field {field} may now be {sorted(gained)}")
    return changes


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.contract.snapshot --write")
    SNAPSHOT.write_text(dumps(served_document()))
    print(f"wrote {SNAPSHOT}")
