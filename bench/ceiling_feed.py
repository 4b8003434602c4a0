"""The ceiling of the feed benchmark: the least a feed can do on this machine.

A bare WSGI app, served by the same gunicorn settings, that checks the bearer token and answers
the 20 newest posts of the caller's residence, with their authors, from one indexed query
(post_residences' (residence_id, published_at, post_id) index), through psycopg and json.
No counts, no pinned posts, no blocks: whatever Palier's feed costs beyond this is its own work.

Run by gunicorn (`gunicorn bench.ceiling_feed:app`), with BENCH_DATABASE_URL set.
"""

import hashlib
import json
import os

import psycopg

TOKEN = "SELECT user_id FROM api_tokens WHERE token_hash = %s AND revoked_at IS NULL"
NEWEST = """
SELECT p.id, p.residence_id, p.kind, p.title, p.body, p.published_at, u.id, u.display_name
FROM post_residences pr
JOIN posts p ON p.id = pr.post_id
JOIN users u ON u.id = p.author_id
WHERE pr.residence_id = (SELECT m.residence_id FROM memberships m
                         WHERE m.user_id = %s AND m.status = 'active' LIMIT 1)
  AND pr.published_at IS NOT NULL
ORDER BY pr.published_at DESC, pr.post_id DESC
LIMIT 20
"""

_connection = None


def connection():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_DATABASE_URL"], autocommit=True)
    return _connection


def app(environ, start_response):
    secret = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    db = connection()
    token = db.execute(TOKEN, (hashlib.sha256(secret.encode()).hexdigest(),)).fetchone()
    if token is None:
        start_response("401 Unauthorized", [("Content-Type", "application/problem+json")])
        return [b'{"status": 401}']
    items = [
        {
            "id": post_id,
            "residence_id": residence_id,
            "kind": kind,
            "title": title,
            "body": body,
            "published_at": published_at.isoformat(),
            "author": {"id": author_id, "display_name": display_name},
        }
        for post_id, residence_id, kind, title, body, published_at, author_id, display_name in (
            db.execute(NEWEST, (token[0],))
        )
    ]
    body = json.dumps({"items": items}).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
