"""The Flask application: `create_app` builds it for the web, the CLI and the tests."""

import os

from flask import Flask
from flask.logging import default_handler
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from app import error_reporting, extensions, logs
from app.config import CONFIGS, INSTANCE_DIR, config_from_environment
from app.extensions import babel, db, limiter, login_manager, mail, migrate
from app.i18n import select_locale
from app.schema_migrations import MIGRATE_OPTIONS


def create_app(config=None) -> Flask:
    """Build the app from a config name (development, testing, production) or object; without
    one, from PALIER_CONFIG, which must then be set."""
    if config is None:
        config_object = config_from_environment()
    else:
        config_object = CONFIGS[config] if isinstance(config, str) else config
    if hasattr(config_object, "check"):
        config_object.check()

    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(config_object)
    # Once, before anything logs: the web workers and every command (the scheduler's too).
    logs.configure_logging(app.config)
    app.logger.removeHandler(default_handler)
    error_reporting.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])

    _configure_database(app)
    migrate.init_app(app, db, **MIGRATE_OPTIONS)
    babel.init_app(app, locale_selector=select_locale)
    mail.init_app(app)
    from app import (
        account_pages,
        auth,
        cli,
        health,
        metrics,
        outages,
        routing,
        security_headers,
        transactions,
    )
    from app.api import register_api

    login_manager.init_app(app)
    # Before the limiter: the caller is loaded before any limit is counted (app/auth.py).
    auth.init_app(app)
    limiter.init_app(app)
    # Through the module: importing app.api above rebinds the package's name `api`.
    extensions.api.init_app(app)

    routing.init_app(app)
    # Their after_request hooks run in the reverse order of registration. The request log and
    # the metrics first, so that they run last and see the status really answered; then the
    # headers, so that even the answer of a failed commit gets them.
    logs.init_app(app)
    metrics.init_app(app)
    security_headers.init_app(app)
    transactions.init_app(app)
    outages.init_app(app)
    register_api(app)
    health.init_app(app)
    account_pages.init_app(app)
    cli.init_app(app)
    return app


def _configure_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    # A copy: the config object's own dict is shared by every app built from it.
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # SQL errors (logged, sent to Sentry) without their values: passwords' hashes, tokens'
    # hashes, residents' messages.
    options.setdefault("hide_parameters", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if uri.startswith("sqlite"):
        import pysqlite3.dbapi2 as sqlite_with_extensions

        INSTANCE_DIR.mkdir(exist_ok=True)
        # GeoAlchemy2 reads this; Debian's libsqlite3-mod-spatialite is found by name.
        os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
        options["module"] = sqlite_with_extensions
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _prepare_spatialite)


def _prepare_spatialite(dbapi_connection, connection_record):
    from geoalchemy2 import load_spatialite

    load_spatialite(dbapi_connection)
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
