"""Listings: objects to lend or give, help offered or asked for; their photos."""

from flask_login import login_required

from app.api import rate_limits
from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.common import PhotoSchema, PhotoUploadSchema
from app.schemas.listings import (
    ListingHitPageSchema,
    ListingRequestSchema,
    ListingSchema,
    ListingSearchArgs,
    ListingUpdateSchema,
)
from services import listings

blp = ApiBlueprint(
    "listings",
    __name__,
    description="What neighbours offer or ask for: objects to lend or give, help.",
)


@blp.route("/listings", methods=["GET"])
@login_required
@blp.arguments(ListingSearchArgs, location="query")
@blp.response(200, ListingHitPageSchema)
@blp.errors(404)
def search_listings(args):
    """Search listings

    Listings in my reach (my building, my residence, and nearby ones shared with the
    neighbourhood), newest or nearest first, with words to find in French. 404 when
    `near_residence_id` is not one of mine.
    """
    cursor, limit = args.pop("cursor", None), args.pop("limit")
    return listings.search_listings(signed_in_user(), args, cursor, limit)


@blp.route("/listings", methods=["POST"])
@login_required
@blp.arguments(ListingRequestSchema)
@blp.response(201, ListingSchema)
@blp.errors(404)
def create_listing(data):
    """Create a listing

    Offer an object to lend or give, offer help or ask for it, in a residence I belong to,
    for my building, my residence or the neighbourhood (404 for a residence that is not
    mine).
    """
    return listings.create_listing(signed_in_user(), data)


@blp.route("/listings/<int:listing_id>", methods=["GET"])
@login_required
@blp.response(200, ListingSchema)
def get_listing(listing_id):
    """Get a listing

    A listing in my reach, with all its photos; 404 when it is out of reach.
    """
    return listings.get_listing(signed_in_user(), listing_id)


@blp.route("/listings/<int:listing_id>", methods=["PATCH"])
@login_required
@blp.arguments(ListingUpdateSchema)
@blp.response(200, ListingSchema)
@blp.errors(403)
def update_listing(changes, listing_id):
    """Change a listing

    The author changes the listing, or pauses or closes it. Fields left out keep their value.
    A new title or description shows when it was last edited (`edited_at`).
    """
    return listings.update_listing(signed_in_user(), listing_id, changes)


@blp.route("/listings/<int:listing_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.errors(403)
def delete_listing(listing_id):
    """Delete a listing

    The author deletes it: it is gone from search for everyone (404 from then on), its photos
    with it. Loans and exchanges already made on it go on.
    """
    listings.delete_own_listing(signed_in_user(), listing_id)


@blp.route("/listings/<int:listing_id>/photos", methods=["POST"])
@login_required
@rate_limits.photo_uploads
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
@blp.errors(403, 409)
def add_listing_photo(files, listing_id):
    """Add a photo to a listing

    A JPEG, PNG or WebP photo of at most 5 MB (multipart field `photo`), at most 4 a listing.
    It is re-encoded without its EXIF data, so the home's GPS position is never shared.
    """
    return listings.add_photo(signed_in_user(), listing_id, files["photo"].read())


@blp.route("/listings/<int:listing_id>/photos/<int:photo_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.errors(403)
def remove_listing_photo(listing_id, photo_id):
    """Remove a photo from a listing

    The author removes it; the file stops being served.
    """
    listings.remove_photo(signed_in_user(), listing_id, photo_id)
