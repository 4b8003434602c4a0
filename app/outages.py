"""The database cannot be reached: the API answers 503 problem+json with Retry-After, never 500.

While PostgreSQL restarts, fails over or refuses connections, every query of a request fails,
whichever comes first: the bearer-token lookup, a service, the final commit. Those errors answer
503 (`problem(503)` with Retry-After), in the language of Accept-Language (else French): the
error answer never reads the database (app/i18n.py). The request's session is rolled back
after the answer (app/transactions.py) and removed with the app context, and the engine tests
each pooled connection before lending it (`pool_pre_ping`), so the app serves again as soon as
the database does, without a restart.

What counts as "cannot be reached", and nothing else (a real bug stays a 500, logged):
- an error SQLAlchemy recognised as a lost connection (`connection_invalidated`);
- an `InterfaceError` (the driver's connection is unusable), wrapped by SQLAlchemy or not (the
  scheduler's lock connection is plain psycopg);
- a psycopg `OperationalError` from the connection or the server's state: no SQLSTATE (refused,
  reset, closed), class 08 (connection exception), 53 (too many connections, out of memory or
  disk) or 57P (shutting down, starting up). Deadlocks, serialization failures and statement
  timeouts are OperationalErrors too, but they are ours to fix: they stay 500s;
- a `PendingRollbackError` in a request that has already met one of the above (a caller that
  caught the first error, such as a rate limiter, and went on with the broken session).
"""

import logging

import psycopg
from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, InterfaceError, PendingRollbackError

from app.problems import service_unavailable
from models import db

log = logging.getLogger(__name__)

UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57P")


def init_app(app: Flask) -> None:
    for error_class in (DBAPIError, PendingRollbackError, psycopg.Error):
        app.register_error_handler(error_class, _unavailable_or_raise)
    with app.app_context():
        event.listen(db.engine, "handle_error", _remember_outage)


def database_unreachable(error: BaseException) -> bool:
    """Whether the error says the database cannot be reached (see the module's docstring)."""
    if isinstance(error, DBAPIError):
        if error.connection_invalidated or isinstance(error, InterfaceError):
            return True
        error = error.orig
    if isinstance(error, psycopg.InterfaceError):  # a psycopg connection already closed
        return True
    if isinstance(error, psycopg.OperationalError):
        return error.sqlstate is None or error.sqlstate.startswith(UNAVAILABLE_SQLSTATE_PREFIXES)
    return False


def _remember_outage(context) -> None:
    """Every database error passes here, even one that a caller catches and ignores."""
    if has_request_context() and (
        context.is_disconnect or database_unreachable(context.original_exception)
    ):
        g.database_unreachable = True


def _unavailable_or_raise(error: Exception):
    unreachable = database_unreachable(error) or (
        isinstance(error, PendingRollbackError) and g.get("database_unreachable", False)
    )
    if not unreachable:
        # Not an outage: Flask answers 500 and logs it (app/problems.py), as without this handler.
        raise error
    g.database_unreachable = True
    log.warning("Database unreachable, answering 503: %s", str(error).splitlines()[0])
    from app.console.errors import is_console_request, unavailable_page

    return unavailable_page() if is_console_request() else service_unavailable()
