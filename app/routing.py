"""Integer ids in addresses are PostgreSQL `integer`s: a larger number names no row.

Checked once the route is found rather than in the `int` converter: Werkzeug would then answer
405 to `PATCH /spaces/4209509249` (the address still matches the routes of other methods),
where any id that names nothing answers 404. The OpenAPI document is unchanged.
"""

from flask import Flask, abort

from models.base import INT32_MAX, INT32_MIN


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_refuse_ids_beyond_integer)


def _refuse_ids_beyond_integer(endpoint, values):
    for value in (values or {}).values():
        if isinstance(value, int) and not INT32_MIN <= value <= INT32_MAX:
            abort(404)
