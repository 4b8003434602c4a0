"""The JSON API under /api/v1: one blueprint per feature."""

from flask import Flask, current_app, request
from flask_login import current_user

from app import uploads
from app.api import (
    accounts,
    blocks,
    bookings,
    calendars,
    conversations,
    devices,
    exchanges,
    exports,
    inbox,
    listings,
    loans,
    memberships,
    moderation,
    news,
    profiles,
    reports,
    residences,
    spaces,
    word_filters,
)
from app.extensions import api
from app.problems import problem_from_service_error
from services.errors import ServiceError
from services.moderation.suspensions import refuse_if_suspended
from services.photos import MAX_PHOTO_BYTES

BLUEPRINTS = (
    accounts.blp,
    residences.blp,
    memberships.blp,
    listings.blp,
    loans.blp,
    exchanges.blp,
    conversations.blp,
    profiles.blp,
    blocks.blp,
    exports.blp,
    spaces.blp,
    bookings.blp,
    calendars.blp,
    news.blp,
    devices.blp,
    inbox.blp,
    moderation.blp,
    word_filters.blp,
    reports.blp,
)


# Endpoints that take a photo of up to 5 MB, above the app's limit for JSON bodies.
PHOTO_UPLOADS = {"listings.add_listing_photo", "spaces.add_space_photo", "news.add_post_photo"}


def register_api(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    app.before_request(_allow_photo_uploads)
    app.before_request(_refuse_writes_while_suspended)
    app.register_error_handler(ServiceError, problem_from_service_error)
    api.register_blueprint(uploads.blp)


def _allow_photo_uploads():
    # The service checks the exact size; this only lets such a request in.
    if request.endpoint in PHOTO_UPLOADS:
        request.max_content_length = MAX_PHOTO_BYTES + 64 * 1024


def _refuse_writes_while_suspended():
    """A suspended member may read, but every write answers 403 saying until when, except the
    views marked `allowed_while_suspended` (their account, devices, blocks and reports)."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "allowed_while_suspended", False) or not current_user.is_authenticated:
        return
    refuse_if_suspended(current_user._get_current_object())
