"""Front-end files installed from the npm registry (package.json, package-lock.json), served by
the app itself: no CDN, nothing vendored into git. Only the files listed here are served."""

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"

# name in the address -> (package folder, files served from it)
PACKAGES = {
    "leaflet": (
        "leaflet/dist",
        {
            "leaflet.js",
            "leaflet.css",
            "images/marker-icon.png",
            "images/marker-icon-2x.png",
            "images/marker-shadow.png",
        },
    ),
}

bp = Blueprint("assets", __name__, url_prefix="/assets")


@bp.route("/<name>/<path:filename>")
def npm_file(name: str, filename: str):
    package = PACKAGES.get(name)
    if package is None or filename not in package[1]:
        abort(404)
    # Cached for a day: the files change only when package-lock.json does.
    return send_from_directory(NODE_MODULES / package[0], filename, max_age=86400)
