"""Keyset (cursor) pagination: stable under inserts, no OFFSET scans.

A cursor is the opaque, URL-safe encoding of the sort key of the last row of a page.
"""

import base64
import json
from dataclasses import dataclass

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
        query = query.where(tuple_(*sort_columns) > tuple_(*_decode(cursor, len(sort_columns))))
    rows = list(db.session.scalars(query.order_by(*sort_columns).limit(limit + 1)))
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    last = rows[-1]
    key = [getattr(last, column.key) for column in sort_columns]
    return Page(rows, _encode(key))


def _encode(key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        key = None
    if not isinstance(key, list) or len(key) != size or not all(
        isinstance(value, (int, str)) for value in key
    ):
        raise field_error("cursor", "This cursor was not issued by this list.")
    return key
