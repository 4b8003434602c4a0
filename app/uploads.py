"""Uploaded photos, served back by their unguessable names while their content may be seen.

A photo whose row is gone, or whose listing or post is hidden by moderation or deleted, answers
404 like one that never existed. All photos are residents' content: caches on the way must not
keep them (`private`), and a phone keeps one for an hour at most, so that hiding takes effect
soon.
"""

from flask import current_app, send_from_directory
from werkzeug.exceptions import NotFound

from app.openapi import ApiBlueprint
from services import photos

blp = ApiBlueprint(
    "photos",
    __name__,
    description="Photos of listings, spaces and posts, at the addresses their answers give.",
)

MAX_AGE = 3600
IMAGE = {"schema": {"type": "string", "format": "binary"}}


@blp.route("/uploads/<path:filename>", methods=["GET"])
@blp.doc(
    security=[],
    responses={
        200: {
            "description": "The photo, re-encoded without its EXIF data.",
            "content": {kind: IMAGE for kind in ("image/jpeg", "image/png", "image/webp")},
        }
    },
)
def get_photo(filename):
    """Get a photo

    By the unguessable name in a photo's `url`; 404 once its listing or post is hidden or
    deleted, or the photo removed. Served `private`, for an hour at most.
    """
    if not photos.servable(filename):
        raise NotFound()
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], filename, max_age=MAX_AGE)
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
