"""Text search that compiles to PostgreSQL full-text search (French) or a plain LIKE on SQLite."""

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class matches_text(FunctionElement):  # noqa: N801 - reads as a SQL function
    """matches_text(title, body, query): the words of `query` appear in title or body.

    On PostgreSQL, the expression matches the GIN index `ix_listings_search` when given the
    listings' title and description.
    """

    type = Boolean()
    inherit_cache = True
    name = "matches_text"


@compiles(matches_text, "postgresql")
def _full_text(element, compiler, **kw):
    title, body, query = (compiler.process(clause, **kw) for clause in element.clauses)
    return (
        f"to_tsvector('french', {title} || ' ' || {body}) "
        f"@@ websearch_to_tsquery('french', {query})"
    )


@compiles(matches_text, "sqlite")
def _like(element, compiler, **kw):
    title, body, query = (compiler.process(clause, **kw) for clause in element.clauses)
    pattern = f"'%' || {query} || '%'"
    return f"({title} LIKE {pattern} OR {body} LIKE {pattern})"
