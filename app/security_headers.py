"""Security headers on every answer.

- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere.
- `Cache-Control: no-store` on every JSON answer (they are personal, and sign-in answers carry
  a token) except the OpenAPI document, and on any answer to a request that carries
  credentials, unless the view chose its own (photos: `private`).
- `Content-Security-Policy`: the API answers nothing a browser should run or frame
  (`default-src 'none'; frame-ancestors 'none'`); the docs page gets a policy of its own that
  allows exactly what Swagger UI needs: its files from this origin (app/assets.py serves them
  from node_modules), the page's one inline bootstrap script by its hash (never
  'unsafe-inline' for scripts), fetches to this origin only.
- The console's pages get a policy of their own (`console_policy`).
- `Strict-Transport-Security` on answers served over HTTPS (`request.is_secure`, which reads
  X-Forwarded-Proto once ProxyFix is installed by TRUSTED_PROXIES).
"""

import base64
import hashlib
import re
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"
SPEC_ENDPOINT = "api-docs.openapi_json"
JSON_TYPES = {"application/json", "application/problem+json"}
# Only scripts without attributes: those with `src` are covered by 'self'.
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    if request.is_secure:
        headers["Strict-Transport-Security"] = current_app.config["STRICT_TRANSPORT_SECURITY"]
    if request.endpoint == DOCS_ENDPOINT:
        headers["Content-Security-Policy"] = docs_policy(response)
    elif request.blueprint == "console":
        headers["Content-Security-Policy"] = console_policy()
        headers["X-Frame-Options"] = "DENY"
    else:
        headers.setdefault("Content-Security-Policy", API_POLICY)
    if request.endpoint != SPEC_ENDPOINT and (
        response.mimetype in JSON_TYPES or (_has_credentials() and "Cache-Control" not in headers)
    ):
        headers["Cache-Control"] = "no-store"
    return response


def docs_policy(response: Response) -> str:
    """What the Swagger UI page loads: its stylesheet and two scripts, the OpenAPI document
    and the API (all from this origin), its inline bootstrap script (by hash), and the data:
    images of Swagger UI's stylesheet. Its bundle sets inline styles, hence 'unsafe-inline'
    for styles only; with img-src and connect-src closed, a style cannot send anything
    anywhere."""
    hashes = [
        f"'sha256-{_sha256(script)}'"
        for script in INLINE_SCRIPT.findall(response.get_data(as_text=True))
    ]
    return "; ".join(
        [
            "default-src 'none'",
            " ".join(["script-src", "'self'", *hashes]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def console_policy() -> str:
    """The console's pages load their scripts, styles and images from this origin only (the
    npm files of app/assets.py included), and map tiles from MAP_TILE_URL's host when one is
    set; no inline script; forms post to this origin only. Leaflet positions the map's tiles
    and markers with inline styles, hence 'unsafe-inline' for styles (not for scripts)."""
    images = ["'self'", "data:"]
    tiles = current_app.config["MAP_TILE_URL"]
    if tiles:
        parts = urlsplit(tiles)
        images.append(f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            " ".join(["img-src", *images]),
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _has_credentials() -> bool:
    """A bearer token, a session cookie, or a user Flask-Login already loaded."""
    user = g.get("_login_user")
    return (
        "Authorization" in request.headers
        or current_app.config["SESSION_COOKIE_NAME"] in request.cookies
        or bool(user is not None and user.is_authenticated)
    )
