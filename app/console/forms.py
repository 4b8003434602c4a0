"""Console forms are read by the API's own schemas, so a rule and its message are the same
whichever way a member comes in; errors come back per field, in the member's language."""

import marshmallow as ma
from flask import render_template
from werkzeug.datastructures import MultiDict

from app.problems import service_error_detail, translated_field_errors
from services.errors import InvalidInput, ServiceError

FORM_ONLY_FIELDS = ("csrf_token",)


def form_data(schema: ma.Schema, form: MultiDict, *, lists: tuple[str, ...] = ()) -> dict:
    """The form loaded by `schema`: a field left blank is left out (a form sends "" for it),
    the fields named in `lists` are read as lists (checkboxes of one name); 422 otherwise."""
    data = {}
    for name in form:
        if name in FORM_ONLY_FIELDS:
            continue
        if name in lists:
            data[name] = [value for value in form.getlist(name) if value != ""]
        elif form[name] != "":
            data[name] = form[name]
    try:
        return schema.load(data)
    except ma.ValidationError as error:
        raise InvalidInput(
            "Some fields need your attention.", field_errors=error.messages
        ) from None


def form_again(template: str, error: ServiceError, **context):
    """The form shown again, as typed, with the refusal next to its fields; nothing written."""
    errors = translated_field_errors(error.field_errors) if error.field_errors else {}
    return (
        render_template(template, errors=errors, error=service_error_detail(error), **context),
        error.status,
    )
