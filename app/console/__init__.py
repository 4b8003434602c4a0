"""The console: server-rendered pages for the landlord's staff and the habitants solidaires.

The same services as the API underneath; only the way in differs. A console page is signed in
by the console's own session (app/auth.py, services/console_sessions.py), every form carries a
CSRF token, and errors are pages, not problem+json. Each module registers the pages of one
purpose on the one blueprint `console`.
"""

from flask import Blueprint, Flask, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
csrf = CSRFProtect()

# Pages open to anyone: the sign-in form, the language switch, the console's own files.
PUBLIC_ENDPOINTS = {"console.sign_in", "console.choose_language", "console.static"}


def init_app(app: Flask) -> None:
    from app.console import (  # noqa: F401  (each module adds its pages to `bp`)
        announcements,
        audit,
        bookings,
        context,
        errors,
        invitations,
        members,
        moderation,
        reports,
        residences,
        sign_in,
        spaces,
    )

    csrf.init_app(app)
    app.register_blueprint(bp)
    app.add_url_rule("/", "front_door", _front_door)


def _front_door():
    return redirect(url_for("console.home"))


@bp.before_request
def _signed_in_and_same_origin():
    """Every form is checked for its CSRF token (the API is never: it reads no cookie), and
    every page but the public ones wants a console session."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return redirect(url_for("console.sign_in", next=request.full_path.rstrip("?")))
    return None
