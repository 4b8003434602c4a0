"""One unit of work per request, scheduler job and CLI command, committed at the edge.

Services only flush, so that they compose: a request that hides a post, warns its author and
writes the audit log keeps all three or none. The edge decides: a request is committed when it
answers with a success (1xx-3xx) and rolled back on any error answer or exception; a job or a
command is committed when it returns and rolled back when it raises.
"""

import logging
from contextlib import contextmanager

from flask import Flask, Response
from sqlalchemy.exc import SQLAlchemyError

from app.outages import database_unreachable
from app.problems import problem, service_unavailable
from models import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.after_request(_commit_or_roll_back)


def _commit_or_roll_back(response: Response) -> Response:
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.exception("The request's changes could not be committed")
        # The database went away (or refused) at the very end: nothing was written.
        return service_unavailable() if database_unreachable(error) else problem(500)
    return response


@contextmanager
def unit_of_work():
    """A job's or a command's work: committed if the block ends normally, else rolled back."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
