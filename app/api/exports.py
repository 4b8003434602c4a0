"""Copies of my data (RGPD articles 15 and 20): ask, follow, download once."""

from flask import send_file, url_for
from flask_login import login_required

from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.common import PageArgs
from app.schemas.exports import ExportLinkSchema, ExportPageSchema, ExportSchema
from services import exports

blp = ApiBlueprint(
    "exports",
    __name__,
    description="A copy of my data: a ZIP archive built in the background, downloaded once.",
)


@blp.route("/me/export", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.response(202, ExportSchema)
def request_my_export():
    """Ask for a copy of my data

    A ZIP archive of everything Palier keeps about me (a JSON file per kind of data, the
    photos of my listings and posts, a README in my language) is built in the background; I
    am notified when it is ready. Asking again while one is being built returns that one.
    """
    return exports.request_export(signed_in_user())


@blp.route("/me/exports", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, ExportPageSchema)
def list_my_exports(args):
    """List my data exports

    My requests for a copy of my data, newest first, with their state.
    """
    return exports.list_exports(signed_in_user(), args.get("cursor"), args["limit"])


@blp.route("/me/exports/<int:export_id>/link", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.response(201, ExportLinkSchema)
@blp.errors(409)
def create_export_link(export_id):
    """Get a download link for my archive

    A link that downloads the archive once, without the bearer token (open it in a browser);
    a new link ends the previous one. 409 unless the archive is ready (being built, already
    downloaded or expired).
    """
    request, token = exports.issue_link(signed_in_user(), export_id)
    url = url_for("exports.download_export", token=token, _external=True)
    return {"url": url, "expires_at": request.expires_at}


@blp.route("/exports/<string:token>", methods=["GET"])
@blp.doc(
    security=[],
    responses={
        200: {
            "description": "The archive (ZIP).",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def download_export(token):
    """Download my archive

    The link from `POST /me/exports/<id>/link`: the token in the address is the only key,
    and it works once. 404 for a link used, replaced or past its end.
    """
    path = exports.claim_download(token)
    response = send_file(
        path, mimetype="application/zip", as_attachment=True, download_name="palier-my-data.zip"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
