"""Keyset (cursor) pagination: stable under inserts, no OFFSET scans.

A cursor is the opaque, URL-safe encoding of the sort key of the last row of a page.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, tuple_

from models import db
from services.errors import field_error

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass
class Page:
    items: list
    next_cursor: str | None


def paginate(query: Select, sort_columns: list, cursor: str | None, limit: int | None) -> Page:
    """Rows of `query` in ascending order of `sort_columns` (the last one unique), one page."""
    limit = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    if cursor:
        query = query.where(tuple_(*sort_columns) > tuple_(*_decode(cursor, sort_columns)))
    rows = list(db.session.scalars(query.order_by(*sort_columns).limit(limit + 1)))
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    last = rows[-1]
    key = [getattr(last, column.key) for column in sort_columns]
    return Page(rows, _encode(key))


def _encode(key: list) -> str:
    text = json.dumps(
        [value.isoformat() if isinstance(value, datetime) else value for value in key]
    )
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, sort_columns: list) -> list:
    """The sort key in a cursor, each value of its column's type; a 422 for anything else."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(key, list) or len(key) != len(sort_columns):
            raise ValueError
        return [_typed(value, column) for value, column in zip(key, sort_columns, strict=True)]
    except (ValueError, TypeError):
        raise field_error("cursor", "This cursor was not issued by this list.") from None


def _typed(value, column):
    python_type = column.type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if type(value) is not python_type:
        raise ValueError
    return value
