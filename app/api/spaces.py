"""Shared spaces: their rules and opening hours, closures, photos and availability."""

from flask_login import login_required
from flask_smorest import Blueprint

from app.api import rate_limits
from app.auth import signed_in_user
from app.schemas.common import PhotoSchema, PhotoUploadSchema
from app.schemas.spaces import (
    AvailabilityArgs,
    AvailabilitySchema,
    ClosureSchema,
    SpaceChangesSchema,
    SpaceListSchema,
    SpaceSchema,
)
from services import availability, spaces

blp = Blueprint("spaces", __name__, description="Shared spaces")


@blp.route("/residences/<int:residence_id>/spaces", methods=["GET"])
@login_required
@blp.response(200, SpaceListSchema)
def list_spaces(residence_id):
    return {"items": spaces.list_spaces(signed_in_user(), residence_id)}


@blp.route("/residences/<int:residence_id>/spaces", methods=["POST"])
@login_required
@blp.arguments(SpaceSchema)
@blp.response(201, SpaceSchema)
def create_space(data, residence_id):
    """Staff (or solidaires, where the residence allows it): a space, its rules and hours."""
    return spaces.create_space(signed_in_user(), residence_id, data)


@blp.route("/spaces/<int:space_id>", methods=["GET"])
@login_required
@blp.response(200, SpaceSchema)
def get_space(space_id):
    return spaces.get_space(signed_in_user(), space_id)


@blp.route("/spaces/<int:space_id>", methods=["PATCH"])
@login_required
@blp.arguments(SpaceChangesSchema)
@blp.response(200, SpaceSchema)
def update_space(data, space_id):
    """Change rules; `opening_hours`, if given, replaces all the ranges."""
    return spaces.update_space(signed_in_user(), space_id, data)


@blp.route("/spaces/<int:space_id>/closures", methods=["POST"])
@login_required
@blp.arguments(ClosureSchema)
@blp.response(201, ClosureSchema)
def add_closure(data, space_id):
    return spaces.add_closure(signed_in_user(), space_id, data)


@blp.route("/spaces/<int:space_id>/closures/<int:closure_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def remove_closure(space_id, closure_id):
    spaces.remove_closure(signed_in_user(), space_id, closure_id)


@blp.route("/spaces/<int:space_id>/photos", methods=["POST"])
@login_required
@rate_limits.photo_uploads
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
def add_photo(files, space_id):
    """A JPEG, PNG or WebP photo of at most 5 MB (multipart field `photo`)."""
    return spaces.add_photo(signed_in_user(), space_id, files["photo"].read())


@blp.route("/spaces/<int:space_id>/availability", methods=["GET"])
@login_required
@blp.arguments(AvailabilityArgs, location="query")
@blp.response(200, AvailabilitySchema)
def get_availability(args, space_id):
    """Free and busy times between two local days, in the residence's time zone."""
    return availability.space_availability(signed_in_user(), space_id, args["from_"], args["to"])
