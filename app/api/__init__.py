"""The JSON API under /api/v1: one blueprint per feature."""

from flask import Flask

from app import uploads
from app.api import auth, exchanges, listings, loans, members, memberships, residences
from app.extensions import api
from app.problems import problem_from_service_error
from services.errors import ServiceError

BLUEPRINTS = (
    auth.blp,
    residences.blp,
    memberships.blp,
    listings.blp,
    loans.blp,
    exchanges.blp,
    members.blp,
)


def register_api(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    app.register_error_handler(ServiceError, problem_from_service_error)
    app.register_blueprint(uploads.blp)
