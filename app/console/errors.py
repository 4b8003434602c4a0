"""Errors on the console are pages in the member's language, never problem+json."""

from flask import g, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.console import bp
from app.extensions import login_manager
from app.problems import DETAILS, RETRY_AFTER_SECONDS, TITLES, service_error_detail
from services.errors import ServiceError

CONSOLE_PREFIX = "/console/"


def is_console_request() -> bool:
    return request.path.startswith(CONSOLE_PREFIX) or request.path == "/console"


@bp.app_errorhandler(CSRFError)
def form_expired(error: CSRFError):
    return error_page(
        400,
        gettext(
            "This form could not be checked (it may have been open in another tab, or your "
            "session ended). Go back, reload the page and send it again."
        ),
    )


@bp.errorhandler(ServiceError)
def refused(error: ServiceError):
    return error_page(error.status, service_error_detail(error))


def http_error_page(error: HTTPException):
    status = error.code or 500
    return error_page(status, str(DETAILS.get(status, DETAILS[400])))


def error_page(status: int, detail: str):
    title = str(TITLES.get(status, TITLES[400]))
    return render_template("console/error.html", status=status, title=title, detail=detail), status


def unavailable_page():
    """The database is out of reach: a page that reads nothing from it (not even the member's
    residences for the menu), asking to try again in a moment."""
    if g.get("_login_user") is None:
        # Flask-Login's template context would look the member up again, in the database.
        g._login_user = login_manager.anonymous_user()
    page = render_template(
        "console/unavailable.html", title=str(TITLES[503]), detail=str(DETAILS[503])
    )
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
