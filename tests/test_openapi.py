import re


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
