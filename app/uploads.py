"""Uploaded photos, served back by their unguessable names."""

from flask import Blueprint, current_app, send_from_directory

blp = Blueprint("uploads", __name__)


@blp.route("/uploads/<path:filename>")
def photo(filename):
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], filename, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
