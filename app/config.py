"""Settings, read from the environment with safe defaults for a newcomer's machine."""

import os
from pathlib import Path

from redis.backoff import NoBackoff
from redis.retry import Retry

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"

# Published in this repository: good for a laptop and the tests, never for a server.
DEVELOPMENT_SECRET_KEY = "palier-development-only-secret"
MIN_SECRET_KEY_LENGTH = 32
LOG_FORMATS = ("json", "text")


class ConfigurationError(RuntimeError):
    """The app refuses to start: a setting is missing or unsafe."""


def _database_url(url: str) -> str:
    # psycopg 3 is the driver; accept the plain URLs that hosting platforms hand out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


class Config:
    # Which configuration runs: some commands refuse production (`flask palier demo`).
    PALIER_ENVIRONMENT = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # Only the development server (`make run`, bound to 127.0.0.1) and the tests may run on
    # the published key; anything else refuses to start with it.
    DEVELOPMENT_SECRET_KEY_ALLOWED = False
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'palier.sqlite'}")
    )
    # Each pooled connection is tested (a `SELECT 1`) before it serves a request: after a
    # database restart the app serves again at once, instead of failing once per stale
    # connection (app/outages.py).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    FIREBASE_CREDENTIALS = os.environ.get("FIREBASE_CREDENTIALS")
    # Number of reverse proxies in front of the app whose X-Forwarded-For can be trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Sent on answers served over HTTPS (app/security_headers.py).
    STRICT_TRANSPORT_SECURITY = "max-age=31536000"

    # JSON bodies are small; photo uploads get their own, larger limit (app/api/listings.py).
    MAX_CONTENT_LENGTH = 1024 * 1024
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))

    ARGON2_PARAMETERS: dict = {}

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis is unreachable, keep limiting in memory rather than failing sign-ins: each
    # worker counts on its own until Redis answers again (app/extensions.py, SharedLimiter).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {
        # Redis errors come as limits' StorageError, which SharedLimiter tells from others.
        "wrap_exceptions": True,
        # A Redis that hangs (frozen, cut off) costs a request at most two half-second waits,
        # then memory takes over; redis-py would otherwise wait forever, and retry three
        # times with backoffs of up to seconds.
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        "retry": Retry(NoBackoff(), 1),
    }
    LOGIN_RATE_LIMIT_PER_IP = "20 per minute"
    LOGIN_RATE_LIMIT_PER_ACCOUNT = "5 per minute"
    REGISTER_RATE_LIMIT_PER_IP = "10 per hour"
    REGISTER_RATE_LIMIT_PER_ACCOUNT = "3 per hour"
    # Per signed-in account (bearer token) unless said otherwise.
    WRITE_RATE_LIMIT_PER_ACCOUNT = os.environ.get("WRITE_RATE_LIMIT_PER_ACCOUNT", "60 per minute")
    JOIN_RATE_LIMIT_PER_ACCOUNT = os.environ.get("JOIN_RATE_LIMIT_PER_ACCOUNT", "10 per hour")
    JOIN_RATE_LIMIT_PER_IP = os.environ.get("JOIN_RATE_LIMIT_PER_IP", "30 per hour")
    PHOTO_RATE_LIMIT_PER_ACCOUNT = os.environ.get("PHOTO_RATE_LIMIT_PER_ACCOUNT", "30 per hour")
    LOAN_EXCHANGE_RATE_LIMIT_PER_ACCOUNT = os.environ.get(
        "LOAN_EXCHANGE_RATE_LIMIT_PER_ACCOUNT", "20 per hour"
    )

    # Invite codes expire after this many days unless staff choose a date, or none.
    INVITE_CODE_DAYS = int(os.environ.get("INVITE_CODE_DAYS", "90"))

    # Bearer tokens end after this many days without use, and this many days after sign-in.
    TOKEN_IDLE_DAYS = int(os.environ.get("TOKEN_IDLE_DAYS", "60"))
    TOKEN_LIFETIME_DAYS = int(os.environ.get("TOKEN_LIFETIME_DAYS", "365"))
    # Attempts at the current password when changing it, per member.
    PASSWORD_CHANGE_RATE_LIMIT = "5 per hour"

    # Links in e-mails (address checks, password resets) open pages of this server.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    # An account whose address is not confirmed works this many days after registration, and
    # its member is reminded once, this many days after it.
    EMAIL_VERIFICATION_GRACE_DAYS = int(os.environ.get("EMAIL_VERIFICATION_GRACE_DAYS", "7"))
    EMAIL_VERIFICATION_REMINDER_DAYS = int(os.environ.get("EMAIL_VERIFICATION_REMINDER_DAYS", "3"))
    # Asking for a link by e-mail (a new address check, a password reset): per address and
    # per client address. Opening links (whose tokens cannot be guessed): per client address.
    EMAIL_LINK_RATE_LIMIT_PER_ADDRESS = "3 per hour"
    EMAIL_LINK_RATE_LIMIT_PER_IP = "10 per hour"
    LINK_USE_RATE_LIMIT_PER_IP = "30 per hour"
    # Changes of address asked for, per member (each checks the password and sends an e-mail).
    EMAIL_CHANGE_RATE_LIMIT = "5 per hour"

    SCHEDULER_DISPATCH_SECONDS = int(os.environ.get("SCHEDULER_DISPATCH_SECONDS", "5"))

    # Logs (app/logs.py): `json` (one object a line) or `text` (for people); the level.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    # GET /metrics answers 404 unless this is set; then it wants `Authorization: Bearer <it>`.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    # Several gunicorn workers: an empty directory where prometheus_client keeps each worker's
    # counts (read by prometheus_client itself from the environment, at import).
    PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
    # The scheduler process serves its own metrics on this port when it is set.
    SCHEDULER_METRICS_PORT = int(os.environ.get("SCHEDULER_METRICS_PORT") or 0) or None
    SCHEDULER_METRICS_ADDRESS = os.environ.get("SCHEDULER_METRICS_ADDRESS", "127.0.0.1")
    # Unhandled errors go to Sentry when set; nothing is initialised without it.
    SENTRY_DSN = os.environ.get("SENTRY_DSN") or None

    # E-mail through SMTP (Flask-Mail, notifications/mail.py). Without MAIL_SERVER nothing is
    # sent: each e-mail is written to the log instead (development).
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    # STARTTLS after connecting (port 587 usually).
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Palier <palier@localhost>")
    # Flask-Mail would silently drop every e-mail of an app under TESTING: the tests send to a
    # real SMTP server on 127.0.0.1 instead, and without a server e-mails go to the log.
    MAIL_SUPPRESS_SEND = False

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")

    API_TITLE = "Palier"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "v1/openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"
    # No badge from validator.swagger.io: the docs page loads nothing beyond the CDN folder.
    OPENAPI_SWAGGER_UI_CONFIG = {"validatorUrl": None}
    API_SPEC_OPTIONS = {
        "info": {
            "description": (
                "Palier: neighbourhood mutual aid for social-housing residences. Errors are "
                "application/problem+json (RFC 9457) in the caller's language (Accept-Language: "
                "fr by default, en); lists are cursor-paginated (`limit`, `cursor`)."
            ),
            "contact": {"name": "Palier"},
            # To be confirmed by the project: the licence under which the API is published.
            "license": {
                "name": "AGPL-3.0-or-later",
                "url": "https://www.gnu.org/licenses/agpl-3.0",
            },
        },
        "servers": [{"url": "/", "description": "The server that serves this document"}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    }

    @classmethod
    def check(cls) -> None:
        """Refuse to build an app whose settings are unsafe (called by `create_app`)."""
        if cls.SECRET_KEY == DEVELOPMENT_SECRET_KEY and not cls.DEVELOPMENT_SECRET_KEY_ALLOWED:
            raise ConfigurationError(
                "SECRET_KEY is the development key published with the code: set SECRET_KEY "
                "in the environment (e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')."
            )
        if cls.TOKEN_IDLE_DAYS < 1 or cls.TOKEN_LIFETIME_DAYS < 1:
            raise ConfigurationError("TOKEN_IDLE_DAYS and TOKEN_LIFETIME_DAYS must be at least 1.")
        if not 0 < cls.EMAIL_VERIFICATION_REMINDER_DAYS < cls.EMAIL_VERIFICATION_GRACE_DAYS:
            raise ConfigurationError(
                "EMAIL_VERIFICATION_REMINDER_DAYS must be at least 1 and fewer than "
                "EMAIL_VERIFICATION_GRACE_DAYS."
            )
        if not cls.PUBLIC_BASE_URL.startswith(("https://", "http://")):
            raise ConfigurationError(
                "PUBLIC_BASE_URL must be the address members open, e.g. https://palier.example.org"
            )
        if cls.LOG_FORMAT not in LOG_FORMATS:
            raise ConfigurationError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}.")
        if cls.PROMETHEUS_MULTIPROC_DIR and not Path(cls.PROMETHEUS_MULTIPROC_DIR).is_dir():
            raise ConfigurationError(
                "PROMETHEUS_MULTIPROC_DIR must name an existing directory (empty it before "
                "the web workers start)."
            )


class DevelopmentConfig(Config):
    DEVELOPMENT_SECRET_KEY_ALLOWED = True
    # Cheap enough for a laptop, still Argon2id.
    ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}


class TestingConfig(Config):
    PALIER_ENVIRONMENT = "testing"
    TESTING = True
    # The tests read the logs production writes.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    DEVELOPMENT_SECRET_KEY_ALLOWED = True
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("TEST_DATABASE_URL", "postgresql://127.0.0.1/palier_test")
    )
    # The lowest Argon2id cost: the tests check behaviour, not hashing strength.
    ARGON2_PARAMETERS = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    PALIER_ENVIRONMENT = "production"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigurationError(f"Set {', '.join(missing)} in the environment for production.")
        super().check()
        if len(cls.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                f"SECRET_KEY is too short for production: use at least "
                f"{MIN_SECRET_KEY_LENGTH} random characters."
            )
        if os.environ.get("MAIL_SERVER") and not os.environ.get("MAIL_DEFAULT_SENDER"):
            raise ConfigurationError(
                "Set MAIL_DEFAULT_SENDER (e.g. Palier <palier@example.org>) with MAIL_SERVER: "
                "mail servers refuse the default sender of development."
            )
        if os.environ.get("MAIL_SERVER") and not os.environ.get("PUBLIC_BASE_URL"):
            raise ConfigurationError(
                "Set PUBLIC_BASE_URL (e.g. https://palier.example.org) with MAIL_SERVER: the "
                "links e-mailed to members would otherwise point at 127.0.0.1."
            )
        # Counters in each worker's memory multiply every limit by the number of workers.
        if not os.environ.get("REDIS_URL") and not _flag("RATELIMIT_ALLOW_MEMORY"):
            raise ConfigurationError(
                "Set REDIS_URL for the rate limits in production "
                "(or RATELIMIT_ALLOW_MEMORY=1 to keep them in each worker's memory)."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """The configuration PALIER_CONFIG names. There is no default: a server started without it
    must not quietly run the development settings (`make run` sets `development`)."""
    name = os.environ.get("PALIER_CONFIG", "").strip()
    if name not in CONFIGS:
        raise ConfigurationError(
            f"Set PALIER_CONFIG to one of {', '.join(CONFIGS)} (got {name or 'nothing'!r})."
        )
    return CONFIGS[name]
