"""Shared spaces: their rules and opening hours, closures, photos and availability."""

from flask_login import login_required

from app.api import rate_limits
from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.common import PhotoSchema, PhotoUploadSchema
from app.schemas.spaces import (
    AvailabilityArgs,
    AvailabilitySchema,
    ClosureRequestSchema,
    ClosureSchema,
    SpaceChangesSchema,
    SpaceListSchema,
    SpaceRequestSchema,
    SpaceSchema,
)
from services import availability, spaces

blp = ApiBlueprint(
    "spaces",
    __name__,
    description="Shared rooms of a residence (common room, laundry, garden): their rules, "
    "opening hours, closures, photos and free times.",
)


@blp.route("/residences/<int:residence_id>/spaces", methods=["GET"])
@login_required
@blp.response(200, SpaceListSchema)
def list_spaces(residence_id):
    """List a residence's spaces

    The shared spaces of a residence I belong to or manage, with their rules and hours.
    """
    return {"items": spaces.list_spaces(signed_in_user(), residence_id)}


@blp.route("/residences/<int:residence_id>/spaces", methods=["POST"])
@login_required
@blp.arguments(SpaceRequestSchema)
@blp.response(201, SpaceSchema)
@blp.errors(403)
def create_space(data, residence_id):
    """Create a space

    Staff (or solidaires, where the residence allows it): a space, its rules and its opening
    hours, in the residence's time zone.
    """
    return spaces.create_space(signed_in_user(), residence_id, data)


@blp.route("/spaces/<int:space_id>", methods=["GET"])
@login_required
@blp.response(200, SpaceSchema)
def get_space(space_id):
    """Get a space

    A space of a residence I belong to or manage; 404 otherwise.
    """
    return spaces.get_space(signed_in_user(), space_id)


@blp.route("/spaces/<int:space_id>", methods=["PATCH"])
@login_required
@blp.arguments(SpaceChangesSchema)
@blp.response(200, SpaceSchema)
@blp.errors(403)
def update_space(data, space_id):
    """Change a space

    Change its rules; `opening_hours`, if given, replaces all the ranges. Bookings already
    made stay.
    """
    return spaces.update_space(signed_in_user(), space_id, data)


@blp.route("/spaces/<int:space_id>/closures", methods=["POST"])
@login_required
@blp.arguments(ClosureRequestSchema)
@blp.response(201, ClosureSchema)
@blp.errors(403)
def add_closure(data, space_id):
    """Close a space for some days

    From the first to the last day, both included, with a reason shown to members.
    """
    return spaces.add_closure(signed_in_user(), space_id, data)


@blp.route("/spaces/<int:space_id>/closures/<int:closure_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.errors(403)
def remove_closure(space_id, closure_id):
    """Remove a closure

    The space opens again on those days, as its opening hours say.
    """
    spaces.remove_closure(signed_in_user(), space_id, closure_id)


@blp.route("/spaces/<int:space_id>/photos", methods=["POST"])
@login_required
@rate_limits.photo_uploads
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
@blp.errors(403, 409)
def add_space_photo(files, space_id):
    """Add a photo to a space

    A JPEG, PNG or WebP photo of at most 5 MB (multipart field `photo`), at most 4 a space,
    re-encoded without its EXIF data.
    """
    return spaces.add_photo(signed_in_user(), space_id, files["photo"].read())


@blp.route("/spaces/<int:space_id>/availability", methods=["GET"])
@login_required
@blp.arguments(AvailabilityArgs, location="query")
@blp.response(200, AvailabilitySchema)
def get_availability(args, space_id):
    """Get a space's free times

    Free and busy times between two local days (at most 62), in the residence's time zone;
    busy times include the cleaning buffer.
    """
    return availability.space_availability(signed_in_user(), space_id, args["from_"], args["to"])
