"""The one app of a test session, built on first use: the fixtures and the schemathesis module
(which reads the OpenAPI document when it is collected) share it."""

import functools

from flask import Flask

from app import create_app
from tests import composition


@functools.cache
def session_app() -> Flask:
    app = create_app("testing")
    app.register_blueprint(composition.blp)
    return app
