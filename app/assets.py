"""Front-end files from npm, served by the app itself at `/assets/<package>/<file>`.

The packages are pinned in package.json and its lock file and installed into node_modules/ by
`npm ci` (`make run`, `make test`, the deployment): nothing is fetched from a CDN at run time
and nothing is copied into git. Only the files named here are served, never the rest of
node_modules (sources, licences, other packages' files).
"""

from pathlib import Path

from flask import Blueprint, Flask, abort, send_from_directory

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"

# package -> the files of it that pages load.
SERVED = {
    # The API docs page (flask-smorest's Swagger UI template, OPENAPI_SWAGGER_UI_URL).
    "swagger-ui-dist": {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
    },
}

bp = Blueprint("assets", __name__, url_prefix="/assets")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/<package>/<path:filename>")
def npm_file(package: str, filename: str):
    if filename not in SERVED.get(package, ()):
        abort(404)
    # The files change only with package.json's pins: a day's caching, revalidated after.
    return send_from_directory(NODE_MODULES / package, filename, max_age=86400)
