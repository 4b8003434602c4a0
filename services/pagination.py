"""Keyset (cursor) pagination: stable under inserts, no OFFSET scans.

A cursor is the opaque, URL-safe encoding of the sort key of the last row of a page.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Select, tuple_

from models import db
from models.base import INT32_MAX, INT32_MIN
from services.errors import field_error

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass
class Page:
    items: list
    next_cursor: str | None


def paginate(
    query: Select,
    sort_keys: list,
    cursor: str | None,
    limit: int | None,
    *,
    descending: bool = False,
    whole_rows: bool = False,
) -> Page:
    """One page of `query`, ordered by `sort_keys` (together unique), ascending or descending.

    Items are the first entity of each row, or, with `whole_rows`, the rows themselves
    (for queries that also select computed values such as a distance).
    """
    limit = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    keys = [key.label(f"sort_key_{number}") for number, key in enumerate(sort_keys)]
    if cursor:
        after = tuple_(*sort_keys)
        start = tuple_(*decode_cursor(cursor, sort_keys))
        query = query.where(after < start if descending else after > start)
    order = [key.desc() if descending else key.asc() for key in sort_keys]
    rows = db.session.execute(query.add_columns(*keys).order_by(*order).limit(limit + 1)).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1]._mapping[key.name] for key in keys])
    width = len(rows[0]) - len(keys) if rows else 0
    items = [tuple(row[:width]) if whole_rows else row[0] for row in rows]
    return Page(items, next_cursor)


def encode_cursor(key: list) -> str:
    """The cursor that starts the next page after a row of sort key `key`."""
    text = json.dumps(
        [value.isoformat() if isinstance(value, datetime) else value for value in key]
    )
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort_keys: list) -> list:
    """The sort key in a cursor, each value of its column's type; a 422 for anything else."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(key, list) or len(key) != len(sort_keys):
            raise ValueError
        return [_typed(value, column) for value, column in zip(key, sort_keys, strict=True)]
    except (ValueError, TypeError):
        raise field_error("cursor", "This cursor was not issued by this list.") from None


def _typed(value, column):
    python_type = column.type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is float and type(value) is int:
        return float(value)
    if type(value) is not python_type:
        raise ValueError
    narrow = python_type is int and not isinstance(column.type, BigInteger)
    if narrow and not INT32_MIN <= value <= INT32_MAX:
        raise ValueError  # beyond the column's type: the database would refuse it
    if python_type is str and "\x00" in value:
        raise ValueError  # PostgreSQL text cannot hold it
    return value
