"""The snapshot's reviewer names what breaks existing clients, and only that."""

import copy

from tests.contract.snapshot import breaking_changes

BASE = {
    "paths": {
        "/loans/{loan_id}": {
            "get": {
                "operationId": "getLoan",
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Loan"}}
                        }
                    }
                },
            },
            "patch": {
                "operationId": "updateLoan",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/LoanEdit"}}
                    }
                },
                "responses": {"200": {"description": "OK"}},
            },
        }
    },
    "components": {
        "schemas": {
            "Loan": {
                "type": "object",
                "required": ["id", "status"],
                "properties": {
                    "id": {"type": "integer"},
                    "status": {"type": "string", "enum": ["requested", "accepted"]},
                    "due_on": {"type": "string"},
                },
            },
            "LoanEdit": {
                "type": "object",
                "properties": {
                    "message": {"type": "string"},
                    "status": {"type": "string", "enum": ["accepted", "declined"]},
                },
            },
        }
    },
}


def changed(edit) -> list[str]:
    new = copy.deepcopy(BASE)
    edit(new)
    return breaking_changes(BASE, new)


def test_the_same_document_breaks_nothing():
    assert breaking_changes(BASE, copy.deepcopy(BASE)) == []


def test_an_added_optional_field_or_operation_breaks_nothing():
    def add(doc):
        doc["components"]["schemas"]["Loan"]["properties"]["note"] = {"type": "string"}
        doc["components"]["schemas"]["LoanEdit"]["properties"]["note"] = {"type": "string"}
        doc["paths"]["/loans"] = {"get": {"operationId": "listLoans", "responses": {}}}

    assert changed(add) == []


def test_a_removed_operation_breaks():
    assert changed(lambda d: d["paths"]["/loans/{loan_id}"].pop("patch")) == [
        "updateLoan: operation removed"
    ]


def test_a_removed_response_field_breaks():
    def remove(doc):
        doc["components"]["schemas"]["Loan"]["properties"].pop("due_on")

    assert changed(remove) == ["getLoan response: field due_on removed"]


def test_a_newly_required_request_field_breaks():
    def require(doc):
        doc["components"]["schemas"]["LoanEdit"]["required"] = ["message"]

    assert changed(require) == ["updateLoan request: field message newly required"]


def test_a_narrowed_type_breaks():
    def narrow(doc):
        doc["components"]["schemas"]["Loan"]["properties"]["id"] = {"type": "string"}

    assert changed(narrow) == ["getLoan response: field id changed type integer -> string"]


def test_a_request_enum_that_loses_a_value_breaks():
    def narrow(doc):
        doc["components"]["schemas"]["LoanEdit"]["properties"]["status"]["enum"] = ["accepted"]

    assert changed(narrow) == ["updateLoan request: field status no longer accepts ['declined']"]


def test_a_response_field_that_becomes_nullable_or_optional_breaks():
    def loosen(doc):
        loan = doc["components"]["schemas"]["Loan"]
        loan["required"] = ["id"]
        loan["properties"]["id"]["nullable"] = True

    assert sorted(changed(loosen)) == [
        "getLoan response: field id may now be null",
        "getLoan response: field status no longer always present",
    ]
