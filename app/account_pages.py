"""Pages that the links e-mailed to members open in a browser: confirming an address,
choosing a new password, confirming a new address.

A member may tap the link in their phone's mail app rather than in Palier's app (which opens
the same address itself and calls the API). Mail scanners fetch links before people do, so
opening a page (GET) only shows what the link will do, and a button (POST) does it. The link's
secret token is what authorises the POST: these pages have no session and set no cookie, so a
forged form can do nothing its sender could not do with the token anyway. French unless the
browser prefers English (Accept-Language).
"""

from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale, gettext
from marshmallow import ValidationError
from werkzeug.exceptions import TooManyRequests

from app.api import rate_limits
from app.problems import DETAILS
from app.schemas.accounts import PasswordResetSchema
from models import LinkPurpose
from services import account_links, email_changes, email_verification, password_resets
from services.errors import ServiceError

bp = Blueprint("account_pages", __name__, url_prefix="/account")

# Only the page's own style; forms post to this origin; nothing may frame it.
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.after_request
def _page_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    # A page holding a token is nobody's to cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ServiceError)
def _refused(error: ServiceError):
    messages = error.field_errors.get("token") if error.field_errors else None
    detail = gettext(messages[0][0]) if messages else gettext(error.detail, **error.params)
    return _page("account/refused.html", error.status, detail=detail)


@bp.errorhandler(TooManyRequests)
def _too_many(error):
    return _page("account/refused.html", 429, detail=str(DETAILS[429]))


@bp.route("/verify-email", methods=["GET"])
def show_email_verification():
    token = _token()
    link = account_links.find(token, LinkPurpose.VERIFY_EMAIL)
    return _page("account/verify_email.html", token=token, email=link.email)


@bp.route("/verify-email", methods=["POST"])
@rate_limits.link_use_per_ip
def verify_email():
    user = email_verification.verify_email(_token())
    return _page(
        "account/done.html", message=gettext("Your e-mail address is confirmed."), email=user.email
    )


@bp.route("/reset-password", methods=["GET"])
def show_password_reset():
    token = _token()
    link = account_links.find(token, LinkPurpose.RESET_PASSWORD)
    return _page("account/reset_password.html", token=token, email=link.email, errors={})


@bp.route("/reset-password", methods=["POST"])
@rate_limits.link_use_per_ip
def reset_password():
    token = _token()
    new_password = request.form.get("new_password", "")
    try:
        PasswordResetSchema().load({"token": token, "new_password": new_password})
    except ValidationError as error:
        link = account_links.find(token, LinkPurpose.RESET_PASSWORD)
        errors = {"new_password": error.messages.get("new_password", [])}
        return _page(
            "account/reset_password.html", 422, token=token, email=link.email, errors=errors
        )
    if request.form.get("confirmation", "") != new_password:
        link = account_links.find(token, LinkPurpose.RESET_PASSWORD)
        errors = {"confirmation": [gettext("The two passwords are not the same.")]}
        return _page(
            "account/reset_password.html", 422, token=token, email=link.email, errors=errors
        )
    user = password_resets.reset_password(token, new_password)
    return _page(
        "account/done.html",
        message=gettext("Your password is changed: sign in with it."),
        email=user.email,
    )


@bp.route("/confirm-email", methods=["GET"])
def show_email_change():
    token = _token()
    link = account_links.find(token, LinkPurpose.CHANGE_EMAIL)
    return _page("account/confirm_email.html", token=token, email=link.email)


@bp.route("/confirm-email", methods=["POST"])
@rate_limits.link_use_per_ip
def confirm_email_change():
    user = email_changes.confirm_change(_token())
    return _page(
        "account/done.html", message=gettext("Your e-mail address is changed."), email=user.email
    )


def _token() -> str:
    """The link's token: in the address on GET, in the form on POST."""
    source = request.form if request.method == "POST" else request.args
    return source.get("token", "")


def _page(template: str, status: int = 200, **context):
    html = render_template(template, locale=str(get_locale()), **context)
    return Response(html, status=status, mimetype="text/html")
