"""Listings: objects to lend or give, help offered or asked for; their photos."""

from flask_login import login_required
from flask_smorest import Blueprint

from app.api import rate_limits
from app.auth import signed_in_user
from app.schemas.common import PhotoSchema, PhotoUploadSchema
from app.schemas.listings import (
    ListingHitPageSchema,
    ListingSchema,
    ListingSearchArgs,
    ListingUpdateSchema,
)
from services import listings

blp = Blueprint("listings", __name__, description="Lending, gifts and mutual help: listings")


@blp.route("/listings", methods=["GET"])
@login_required
@blp.arguments(ListingSearchArgs, location="query")
@blp.response(200, ListingHitPageSchema)
def search_listings(args):
    """Listings in my reach (building, residence, nearby), newest or nearest first."""
    cursor, limit = args.pop("cursor", None), args.pop("limit")
    return listings.search_listings(signed_in_user(), args, cursor, limit)


@blp.route("/listings", methods=["POST"])
@login_required
@blp.arguments(ListingSchema)
@blp.response(201, ListingSchema)
def create_listing(data):
    return listings.create_listing(signed_in_user(), data)


@blp.route("/listings/<int:listing_id>", methods=["GET"])
@login_required
@blp.response(200, ListingSchema)
def get_listing(listing_id):
    return listings.get_listing(signed_in_user(), listing_id)


@blp.route("/listings/<int:listing_id>", methods=["PATCH"])
@login_required
@blp.arguments(ListingUpdateSchema)
@blp.response(200, ListingSchema)
def update_listing(changes, listing_id):
    """The author changes the listing, or pauses or closes it."""
    return listings.update_listing(signed_in_user(), listing_id, changes)


@blp.route("/listings/<int:listing_id>/photos", methods=["POST"])
@login_required
@rate_limits.photo_uploads
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
def add_photo(files, listing_id):
    """A JPEG, PNG or WebP photo of at most 5 MB (multipart field `photo`)."""
    return listings.add_photo(signed_in_user(), listing_id, files["photo"].read())


@blp.route("/listings/<int:listing_id>/photos/<int:photo_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def remove_photo(listing_id, photo_id):
    listings.remove_photo(signed_in_user(), listing_id, photo_id)
