"""Signing in and out of the console, and its language."""

from urllib.parse import urlsplit

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.api import rate_limits
from app.auth import CONSOLE_SECRET, signed_in_user
from app.console import bp
from app.i18n import CHOSEN_LOCALE
from app.problems import service_error_detail
from models.accounts import LOCALES
from services import accounts, console_sessions
from services.errors import ServiceError


@bp.route("/sign-in", methods=["GET", "POST"])
@rate_limits.login_per_ip
@rate_limits.login_per_account
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("console.home"))
    error = None
    email = request.form.get("email", "")
    if request.method == "POST":
        try:
            user, secret = console_sessions.sign_in_to_console(
                email, request.form.get("password", "")
            )
        except ServiceError as refusal:
            error = refusal
        else:
            _start_session(user, secret)
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if error is not None and error.status == 401 else 403 if error else 200
    message = service_error_detail(error) if error is not None else None
    return render_template("console/sign_in.html", error=message, email=email), status


def _start_session(user, secret: str) -> None:
    """A new session at each sign-in: whatever the cookie held before (a fixed session, an
    earlier sign-in) is dropped, its console session ended."""
    console_sessions.sign_out_of_console(session.get(CONSOLE_SECRET))
    locale = session.get(CHOSEN_LOCALE)
    session.clear()
    login_user(user)
    session[CONSOLE_SECRET] = secret
    if locale in LOCALES and locale != user.locale:
        accounts.update_profile(user, {"locale": locale})


def _safe_next(target: str | None) -> str:
    """Back to the page asked for before signing in, if it is a page of this console."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/console/"):
            return target
    return url_for("console.home")


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    console_sessions.sign_out_of_console(session.get(CONSOLE_SECRET))
    logout_user()
    session.clear()
    return redirect(url_for("console.sign_in"))


sign_out.allowed_while_suspended = True


@bp.route("/language", methods=["POST"])
def choose_language():
    """French or English: the member's own setting once signed in, the session's before."""
    locale = request.form.get("locale")
    if locale in LOCALES:
        if current_user.is_authenticated:
            accounts.update_profile(signed_in_user(), {"locale": locale})
        else:
            session[CHOSEN_LOCALE] = locale
    return redirect(_safe_next(request.form.get("next")))


choose_language.allowed_while_suspended = True
