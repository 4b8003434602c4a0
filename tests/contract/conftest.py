"""The served API document, shared by the contract tests."""

import json
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def document(app):
    return app.test_client().get("/api/v1/openapi.json").json


@pytest.fixture(scope="session")
def document_file(document, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("contract") / "openapi.json"
    path.write_text(json.dumps(document))
    return path
