"""Settings, read from the environment with safe defaults for a newcomer's machine."""

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _database_url(url: str) -> str:
    # psycopg 3 is the driver; accept the plain URLs that hosting platforms hand out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "palier-development-only-secret")
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'palier.sqlite'}")
    )
    REDIS_URL = os.environ.get("REDIS_URL")
    FIREBASE_CREDENTIALS = os.environ.get("FIREBASE_CREDENTIALS")
    # Number of reverse proxies in front of the app whose X-Forwarded-For can be trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # JSON bodies are small; photo uploads get their own, larger limit (app/api/listings.py).
    MAX_CONTENT_LENGTH = 1024 * 1024
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))

    ARGON2_PARAMETERS: dict = {}

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis is unreachable, keep limiting in memory rather than failing sign-ins.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_RATE_LIMIT_PER_IP = "20 per minute"
    LOGIN_RATE_LIMIT_PER_ACCOUNT = "5 per minute"
    REGISTER_RATE_LIMIT_PER_IP = "10 per hour"
    REGISTER_RATE_LIMIT_PER_ACCOUNT = "3 per hour"

    SCHEDULER_DISPATCH_SECONDS = int(os.environ.get("SCHEDULER_DISPATCH_SECONDS", "5"))

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")

    API_TITLE = "Palier"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "v1/openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"
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


class DevelopmentConfig(Config):
    # Cheap enough for a laptop, still Argon2id.
    ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("TEST_DATABASE_URL", "postgresql://127.0.0.1/palier_test")
    )
    # The lowest Argon2id cost: the tests check behaviour, not hashing strength.
    ARGON2_PARAMETERS = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Set {', '.join(missing)} in the environment for production.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
