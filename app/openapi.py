"""How the API document is made true for the clients generated from it.

- Each operation is named after its view (`accept_loan` -> `acceptLoan`).
- Each operation lists the errors it can answer, all as application/problem+json: those that
  follow from its shape (401 without a token, 404 with an id in its path, 400/413/422 with a
  body, 429 on writes, all limited per account, 503 while the database is out of reach) and
  those its view declares (`@blp.errors(403, 409)`, 429 where an anonymous call is limited);
  403 on every write but those a suspended member may still make.
- A response schema (`ResponseSchema`) lists every field as required: marshmallow writes every
  field of an answer, null where `allow_none` says so, so none is ever missing.
"""

import http

from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from flask_smorest import Blueprint

from app.problems import PROBLEM_MIMETYPE

WRITES = {"post", "put", "patch", "delete"}
RATE_LIMIT_HEADERS = {
    "Retry-After": ("integer", "Seconds to wait before trying again."),
    "X-RateLimit-Limit": ("integer", "Requests allowed in the current window."),
    "X-RateLimit-Remaining": ("integer", "Requests left in the current window."),
    "X-RateLimit-Reset": ("integer", "When the window ends (Unix time)."),
}


def operation_id(view_name: str) -> str:
    first, *rest = view_name.split("_")
    return first + "".join(word.capitalize() for word in rest)


class ApiBlueprint(Blueprint):
    """flask-smorest's Blueprint, naming operations after their views and listing their errors."""

    def errors(self, *statuses: int):
        """Declare the errors a view answers beyond those its shape implies (403, 409...)."""

        def decorator(view):
            view._problem_statuses = (*getattr(view, "_problem_statuses", ()), *statuses)
            return view

        return decorator

    @staticmethod
    def allowed_while_suspended(view):
        """Mark a write that a suspended member may still make (their account, their safety):
        every other write answers 403 to them (app/api/__init__.py)."""
        view.allowed_while_suspended = True
        return view

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)
        for method, doc in self._docs[endpoint].items():
            if method == "parameters":
                continue
            manual = doc.setdefault("manual_doc", {})
            manual.setdefault("operationId", operation_id(obj.__name__))
            extra = getattr(obj, "_problem_statuses", ())
            if method in WRITES and not getattr(obj, "allowed_while_suspended", False):
                extra = (*extra, 403)  # refused to a suspended member
            if extra:
                manual.setdefault("x-problem-statuses", sorted(set(extra)))


class ProblemResponses(BasePlugin):
    """Adds each operation's error answers, as references to the problem+json responses."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            # 503: the database (or another service the answer needs) is briefly out of reach.
            statuses = {503, *operation.pop("x-problem-statuses", ())}
            if operation.get("security") != []:
                statuses.add(401)
                if method in WRITES:  # every write is limited per account (app/extensions.py)
                    statuses.add(429)
            if "{" in (path or ""):
                statuses.add(404)
            if "requestBody" in operation:
                statuses |= {400, 413, 422}
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                responses.setdefault(str(status), http.HTTPStatus(status).name)


class ResponseConverter(OpenAPIConverter):
    def field2nullable(self, field, ret) -> dict:
        """A nullable reference as `anyOf: [$ref, null]`, the null written as a schema that only
        null matches: OpenAPI 3.0's exact form, which every generator here reads as an
        optional type (`Photo?`, `Photo | null`), unlike apispec's `anyOf` with an empty
        object first or `allOf` beside `nullable`."""
        if not field.allow_none:
            return {}
        ref = ret.pop("$ref", None)
        if ref is None and len(ret.get("allOf", ())) == 1:
            ref = ret.pop("allOf")[0]["$ref"]
        if ref is None:
            return {"nullable": True}
        kind = ret.pop("type", "object")
        return {"anyOf": [{"$ref": ref}, {"type": kind, "nullable": True, "enum": [None]}]}

    def schema2jsonschema(self, schema):
        jsonschema = super().schema2jsonschema(schema)
        if getattr(schema, "answers_every_field", False):
            jsonschema["required"] = sorted(jsonschema.get("properties", {}))
        return jsonschema


class PalierMarshmallowPlugin(MarshmallowPlugin):
    Converter = ResponseConverter


def problem_response(status: http.HTTPStatus) -> dict:
    """The component response for an error status, with the rate-limit headers on 429."""
    response = {
        "description": status.phrase,
        "content": {PROBLEM_MIMETYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == http.HTTPStatus.TOO_MANY_REQUESTS:
        response["headers"] = {
            name: {"description": text, "schema": {"type": kind}}
            for name, (kind, text) in RATE_LIMIT_HEADERS.items()
        }
    return response
