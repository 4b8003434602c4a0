"""The JSON API under /api/v1: one blueprint per feature."""

from flask import Flask, request

from app import uploads
from app.api import (
    accounts,
    bookings,
    calendars,
    devices,
    exchanges,
    listings,
    loans,
    memberships,
    news,
    profiles,
    residences,
    spaces,
    word_filters,
)
from app.extensions import api
from app.problems import problem_from_service_error
from services.errors import ServiceError
from services.photos import MAX_PHOTO_BYTES

BLUEPRINTS = (
    accounts.blp,
    residences.blp,
    memberships.blp,
    listings.blp,
    loans.blp,
    exchanges.blp,
    profiles.blp,
    spaces.blp,
    bookings.blp,
    calendars.blp,
    news.blp,
    devices.blp,
    word_filters.blp,
)


# Endpoints that take a photo of up to 5 MB, above the app's limit for JSON bodies.
PHOTO_UPLOADS = {"listings.add_listing_photo", "spaces.add_space_photo", "news.add_post_photo"}


def register_api(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    app.before_request(_allow_photo_uploads)
    app.register_error_handler(ServiceError, problem_from_service_error)
    api.register_blueprint(uploads.blp)


def _allow_photo_uploads():
    # The service checks the exact size; this only lets such a request in.
    if request.endpoint in PHOTO_UPLOADS:
        request.max_content_length = MAX_PHOTO_BYTES + 64 * 1024
