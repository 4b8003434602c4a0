"""Flask extensions, created here once and bound to the app in `create_app`."""

import http
import logging
import threading

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_smorest import Api
from limits.errors import StorageError

from app.openapi import PalierMarshmallowPlugin, ProblemResponses, problem_response
from app.problems import ProblemSchema, problem_from_http_exception
from models import db
from models.accounts import LOCALES
from notifications.mail import mail


class PalierApi(Api):
    """flask-smorest's Api, answering errors as application/problem+json, and documenting them
    so (see app/openapi.py)."""

    ERROR_SCHEMA = ProblemSchema
    # No catch-all `default`: each operation lists the errors it answers (app/openapi.py).
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error):
        # Registered for the whole app: the console's own errors are pages.
        from app.console.errors import http_error_page, is_console_request

        if is_console_request():
            return http_error_page(error)
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


log = logging.getLogger(__name__)


class SharedLimiter(Limiter):
    """Flask-Limiter with Redis, falling back to each worker's memory while Redis is down, in
    every thread, and saying so once per outage.

    Flask-Limiter (4.1) falls back to memory only in the thread that finds Redis gone first:
    when it catches an error with the fallback already on, it re-raises it, so a thread whose
    call to Redis was under way at that moment answered 500, a correct sign-in included. Here
    such a request is counted in memory like the others. Its after-request hook, which reads
    the window for the X-RateLimit headers, has the same race: `_read_window_for_headers`
    reads it first (and leaves the headers of a 503 alone). Only Redis errors are absorbed
    (limits' StorageError: `wrap_exceptions` in RATELIMIT_STORAGE_OPTIONS); any other error
    goes on. Flask-Limiter's own warning goes to a logger that nothing shows (it has a
    NullHandler); this one is logged when Redis fails and when it answers again.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._outage_lock = threading.Lock()
        self._outage_reported = False

    def init_app(self, app) -> None:
        super().init_app(app)
        # Registered after Flask-Limiter's header hook, so it runs before it.
        app.after_request(self._read_window_for_headers)

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        try:
            super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)
        except StorageError:
            if not (self._in_memory_fallback_enabled and self._storage_dead):
                raise
            # Another thread switched to memory while this one waited on Redis.
            self.context.seen_limits.clear()
            super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)
        finally:
            self._report_storage_state()

    def _read_window_for_headers(self, response):
        if response.status_code == 503 and "Retry-After" in response.headers:
            # An outage's answer (app/outages.py): no limit decided it, and Flask-Limiter
            # would replace its Retry-After with the end of the limit's window.
            self.context.view_rate_limit = None
            return response
        limit = self.current_limit
        if limit is not None and self._headers_enabled:
            try:
                limit.window  # noqa: B018 (read now, kept for the headers)
            except StorageError:
                if not self._in_memory_fallback_enabled:
                    raise
                self._storage_dead = True  # the headers are read from memory then
                self._report_storage_state()
        return response

    def _report_storage_state(self) -> None:
        with self._outage_lock:
            if self._storage_dead and not self._outage_reported:
                self._outage_reported = True
                log.warning(
                    "Rate-limit storage (Redis) unreachable: limits are counted in this "
                    "worker's memory until it answers again"
                )
            elif not self._storage_dead and self._outage_reported:
                self._outage_reported = False
                log.warning("Rate-limit storage (Redis) answers again: limits are shared again")


api = PalierApi()
babel = Babel()
limiter = SharedLimiter(
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

__all__ = ["api", "babel", "db", "limiter", "login_manager", "mail", "migrate"]
