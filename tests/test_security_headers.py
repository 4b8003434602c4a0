import base64
import hashlib
import re

from werkzeug.middleware.proxy_fix import ProxyFix

from tests.world import PASSWORD

SWAGGER_UI = "/assets/swagger-ui-dist/"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} twice"
        parsed[name] = sources
    return parsed


def test_every_answer_says_nosniff_and_no_referrer(client, world):
    answers = [
        client.get("/api/v1/residences", headers=world.headers("resident")),  # 200
        client.get("/api/v1/residences"),  # 401 problem
        client.get("/api/v1/no-such-thing"),  # 404 problem
        client.get("/api/v1/openapi.json"),
        client.get("/api/docs"),
    ]
    for answer in answers:
        assert answer.headers["X-Content-Type-Options"] == "nosniff", answer.request.path
        assert answer.headers["Referrer-Policy"] == "no-referrer", answer.request.path
        assert "Content-Security-Policy" in answer.headers, answer.request.path
        assert "Strict-Transport-Security" not in answer.headers  # plain HTTP here


def test_authenticated_and_token_bearing_answers_are_not_stored(client, world):
    mine = client.get("/api/v1/residences", headers=world.headers("resident"))
    assert mine.status_code == 200 and mine.headers["Cache-Control"] == "no-store"
    signed_in = client.post(
        "/api/v1/auth/login",
        json={"email": world.users["resident"].email, "password": PASSWORD, "device_name": "t"},
    )
    assert signed_in.status_code == 200 and "token" in signed_in.json
    assert signed_in.headers["Cache-Control"] == "no-store"  # no credentials, but a token
    refused = client.get("/api/v1/residences")
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"
    # The OpenAPI document is the same for everyone: it keeps its own caching.
    assert "no-store" not in client.get("/api/v1/openapi.json").headers.get("Cache-Control", "")


def test_the_api_allows_no_content_and_no_framing(client, world):
    answer = client.get("/api/v1/residences", headers=world.headers("resident"))
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_the_docs_page_policy_allows_exactly_swagger_ui(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    policy = directives(page.headers["Content-Security-Policy"])
    html = page.get_data(as_text=True)
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(inline) == 1 and "SwaggerUIBundle" in inline[0]
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert policy == {
        "default-src": ["'none'"],
        "script-src": ["'self'", f"'sha256-{digest}'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    # Everything the page loads is Swagger UI's files, served by the app itself.
    loaded = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert loaded and all(url.startswith(SWAGGER_UI) for url in loaded), loaded
    for url in loaded:
        served = client.get(url)
        assert served.status_code == 200 and len(served.data) > 10_000, url
        served.close()  # the file it was read from
    # No validator badge from validator.swagger.io, which the policy would block.
    assert '"validatorUrl": null' in inline[0]


def test_hsts_over_https_only(client, world):
    secure = client.get("/api/v1/residences", base_url="https://palier.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    forged = client.get("/api/v1/residences", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers  # no trusted proxy: ignored


def test_hsts_behind_a_trusted_proxy(app, client, monkeypatch):
    # What create_app installs when TRUSTED_PROXIES=1.
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1))
    behind = client.get("/api/v1/openapi.json", headers={"X-Forwarded-Proto": "https"})
    assert behind.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/api/v1/openapi.json").headers
