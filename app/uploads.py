"""Uploaded photos, served back by their unguessable names while their content may be seen.

A photo whose row is gone, or whose listing or post is hidden by moderation, answers 404 like
one that never existed. All photos are residents' content: caches on the way must not keep
them (`private`), and a phone keeps one for an hour at most, so that hiding takes effect soon.
"""

from flask import Blueprint, current_app, send_from_directory
from werkzeug.exceptions import NotFound

from services import photos

blp = Blueprint("uploads", __name__)

MAX_AGE = 3600


@blp.route("/uploads/<path:filename>")
def photo(filename):
    if not photos.servable(filename):
        raise NotFound()
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], filename, max_age=MAX_AGE)
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
