"""Flask extensions, created here once and bound to the app in `create_app`."""

import http

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_smorest import Api

from app.openapi import PalierMarshmallowPlugin, ProblemResponses, problem_response
from app.problems import ProblemSchema, problem_from_http_exception
from models import db
from models.accounts import LOCALES


class PalierApi(Api):
    """flask-smorest's Api, answering errors as application/problem+json, and documenting them
    so (see app/openapi.py)."""

    ERROR_SCHEMA = ProblemSchema
    # No catch-all `default`: each operation lists the errors it answers (app/openapi.py).
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error):
        return problem_from_http_exception(error)

    def _init_spec(self, **options):
        # Fresh plugins for each app: they hold the spec they work on.
        options["marshmallow_plugin"] = PalierMarshmallowPlugin()
        options["extra_plugins"] = [ProblemResponses()]
        super()._init_spec(**options)
        self.spec.components.schema("Problem", schema=ProblemSchema)
        self.spec.components.schema(
            "Language",
            {"type": "string", "enum": list(LOCALES), "description": "fr (default) or en"},
        )

    def _register_pagination_header(self):
        """Lists carry their cursor in the body (`next_cursor`), not in a header."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            if status >= 400:
                self.spec.components.response(status.name, problem_response(status), lazy=True)


WRITES = ("POST", "PATCH", "PUT", "DELETE")


def account_key() -> str:
    """Rate limits per account: the bearer token's user, or the address of anonymous callers."""
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return get_remote_address() or ""


def _not_an_account_write() -> bool:
    # Anonymous writes (sign-in, registration) have limits of their own, by address.
    return not request.path.startswith("/api/") or not current_user.is_authenticated


api = PalierApi()
babel = Babel()
limiter = Limiter(
    key_func=get_remote_address,
    application_limits=[
        # Every write of the API (POST, PATCH, PUT, DELETE), per account, whatever the endpoint:
        # checked before the view, with the limits the views declare themselves.
        ApplicationLimit(
            limit_provider=lambda: current_app.config["WRITE_RATE_LIMIT_PER_ACCOUNT"],
            key_function=account_key,
            scope="writes",
            methods=WRITES,
            exempt_when=_not_an_account_write,
            cost=1,
        )
    ],
)
login_manager = LoginManager()
migrate = Migrate()

__all__ = ["api", "babel", "db", "limiter", "login_manager", "migrate"]
