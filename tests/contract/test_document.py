"""The served OpenAPI document is the mobile app's contract: it passes the validator and the
linters that mobile teams run, generates Kotlin and Swift clients without a warning, and any
change to it is seen in review against the committed snapshot."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from tests.contract.snapshot import SNAPSHOT, breaking_changes, dumps

ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = ROOT / "node_modules" / ".bin"
QUIET_NODE = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


def run(*command, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=QUIET_NODE, timeout=300
    )


def test_the_document_is_valid_openapi(document):
    validate(document)


def test_redocly_recommended_rules_find_nothing(document_file):
    result = run(
        str(NODE_BIN / "redocly"),
        "lint",
        "--config",
        "redocly.yaml",
        "--format",
        "json",
        "--max-problems",
        "10000",
        str(document_file),
    )
    problems = json.loads(result.stdout)["problems"]
    found = [f"{p['severity']} {p['ruleId']}: {p['message']}" for p in problems]
    assert found == [], "\n".join(found)
    assert result.returncode == 0, result.stderr


def test_spectral_oas_rules_find_nothing(document_file):
    result = run(
        str(NODE_BIN / "spectral"),
        "lint",
        "--ruleset",
        ".spectral.yaml",
        "--format",
        "json",
        "--quiet",
        str(document_file),
    )
    problems = json.loads(result.stdout or "[]")
    found = [f"{p['code']} at {'.'.join(map(str, p['path']))}: {p['message']}" for p in problems]
    assert found == [], "\n".join(found)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("generator", ["kotlin", "swift6"])
def test_openapi_generator_builds_mobile_clients_without_a_warning(
    document_file, generator, tmp_path
):
    result = run(
        str(ROOT / ".venv" / "bin" / "openapi-generator-cli"),
        "generate",
        "-i",
        str(document_file),
        "-g",
        generator,
        "-o",
        str(tmp_path / generator),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    warnings = [line for line in result.stdout.splitlines() if " WARN " in line]
    assert warnings == [], "\n".join(warnings)


def test_every_operation_is_named_summarised_described_and_tagged(document):
    ids = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert re.fullmatch(r"[a-z][A-Za-z]+", operation.get("operationId", "")), where
            assert operation.get("summary") and operation.get("description"), where
            assert len(operation.get("tags", [])) == 1, where
            ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))


def test_the_served_document_matches_the_snapshot(document):
    """A change to the contract changes tests/contract/openapi.json in the same commit."""
    committed = json.loads(SNAPSHOT.read_text())
    if committed == document:
        return
    breaking = breaking_changes(committed, document)
    pytest.fail(
        "The served API document differs from tests/contract/openapi.json: review the change, "
        "then run `make openapi-snapshot`.\n"
        + (
            "Changes that break clients generated from the snapshot:\n  " + "\n  ".join(breaking)
            if breaking
            else "No change breaks existing clients."
        )
    )


def test_the_snapshot_is_written_as_the_tool_writes_it():
    assert SNAPSHOT.read_text() == dumps(json.loads(SNAPSHOT.read_text()))
