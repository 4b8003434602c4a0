"""The baseline of the feed benchmark: a bare WSGI app that answers GET /api/v1/feed with the
feed's SQL run directly through psycopg, and the same JSON as the app's first page.

Run by gunicorn (`gunicorn bench.bare_feed:app`), with BENCH_DATABASE_URL set.
"""

import hashlib
import json
import os

import psycopg
from psycopg.rows import dict_row

# The same statements the app's feed sends (services/scoping.py, services/news/feed.py), by hand.
MEMBERSHIPS = """
SELECT residence_id, building_id FROM memberships WHERE user_id = %(user)s AND status = 'active'
"""
MODERATED = """
SELECT r.id FROM residences r
WHERE r.id IN (SELECT m.residence_id FROM memberships m WHERE m.user_id = %(user)s
               AND m.status = 'active' AND m.role IN ('solidaire', 'staff'))
   OR r.landlord_id IN (SELECT s.landlord_id FROM landlord_staff s
                        WHERE s.user_id = %(user)s AND s.active)
"""
COLUMNS = """
SELECT p.id, p.residence_id, p.kind, p.title, p.body, p.scope, p.urgent, p.visibility,
       p.published_at, p.pinned_until, p.starts_at, p.ends_at, p.place, p.capacity, p.closes_at,
       u.id AS author_id, u.display_name,
       coalesce((SELECT m.role FROM memberships m
                 WHERE m.user_id = p.author_id AND m.residence_id = p.residence_id),
                'staff') AS role,
       (SELECT count(*) FROM comments c
        WHERE c.post_id = p.id AND c.visibility = 'visible') AS comments,
       (SELECT count(*) FROM reactions r WHERE r.post_id = p.id) AS reactions,
       (SELECT count(*) FROM event_rsvps e WHERE e.post_id = p.id AND e.answer = 'going') AS going,
       (SELECT r.kind FROM reactions r
        WHERE r.post_id = p.id AND r.user_id = %(user)s) AS my_reaction,
       (SELECT e.answer FROM event_rsvps e
        WHERE e.post_id = p.id AND e.user_id = %(user)s) AS my_rsvp,
       (SELECT v.option_id FROM votes v WHERE v.post_id = p.id AND v.user_id = %(user)s) AS my_vote
FROM posts p JOIN users u ON u.id = p.author_id
"""
SOURCES = """
SELECT id FROM (SELECT p2.id, p2.published_at FROM posts p2
                WHERE p2.residence_id = ANY(%(moderated)s) AND p2.published_at IS NOT NULL
                  AND {pin} ORDER BY p2.published_at DESC, p2.id DESC {limit}) AS moderated
UNION
SELECT id FROM (SELECT pr.post_id AS id, pr.published_at FROM post_residences pr
                JOIN posts p2 ON p2.id = pr.post_id
                WHERE pr.residence_id = ANY(%(residences)s) AND pr.published_at IS NOT NULL
                  AND (p2.visibility = 'visible' OR p2.author_id = %(user)s) AND {pin}
                ORDER BY pr.published_at DESC, pr.post_id DESC {limit}) AS residences
UNION
SELECT id FROM (SELECT pb.post_id AS id, pb.published_at FROM post_buildings pb
                JOIN posts p2 ON p2.id = pb.post_id
                WHERE pb.building_id = ANY(%(buildings)s) AND pb.published_at IS NOT NULL
                  AND (p2.visibility = 'visible' OR p2.author_id = %(user)s) AND {pin}
                ORDER BY pb.published_at DESC, pb.post_id DESC {limit}) AS buildings
"""
NEWEST = (
    COLUMNS
    + "WHERE p.id IN ("
    + SOURCES.format(pin="(p2.pinned_until IS NULL OR p2.pinned_until <= now())", limit="LIMIT 21")
    + ") ORDER BY p.published_at DESC, p.id DESC LIMIT 21"
)
PINNED = (
    COLUMNS
    + "WHERE p.id IN ("
    + SOURCES.format(pin="p2.pinned_until > now()", limit="")
    + ") ORDER BY p.published_at DESC, p.id DESC"
)
TOKEN = "SELECT user_id FROM api_tokens WHERE token_hash = %s AND revoked_at IS NULL"
PHOTOS = (
    "SELECT post_id, filename, width, height FROM post_photos "
    "WHERE post_id = ANY(%s) ORDER BY position"
)
OPTIONS = "SELECT post_id, id, label FROM poll_options WHERE post_id = ANY(%s) ORDER BY position"

_connection = None


def connection():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(
            os.environ["BENCH_DATABASE_URL"], autocommit=True, row_factory=dict_row
        )
    return _connection


def app(environ, start_response):
    secret = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    db = connection()
    token = db.execute(TOKEN, (hashlib.sha256(secret.encode()).hexdigest(),)).fetchone()
    if token is None:
        start_response("401 Unauthorized", [("Content-Type", "application/problem+json")])
        return [b'{"status": 401}']
    user = token["user_id"]
    memberships = db.execute(MEMBERSHIPS, {"user": user}).fetchall()
    params = {
        "user": user,
        "residences": [m["residence_id"] for m in memberships],
        "buildings": [m["building_id"] for m in memberships if m["building_id"] is not None],
        "moderated": [row["id"] for row in db.execute(MODERATED, {"user": user})],
    }
    rows = db.execute(NEWEST, params).fetchall()
    page, more = rows[:20], len(rows) > 20
    page = db.execute(PINNED, params).fetchall() + page
    ids = [row["id"] for row in page]
    photos, options = {}, {}
    for row in db.execute(PHOTOS, (ids,)):
        photos.setdefault(row["post_id"], []).append(
            {"url": "/uploads/" + row["filename"], "width": row["width"], "height": row["height"]}
        )
    for row in db.execute(OPTIONS, (ids,)):
        options.setdefault(row["post_id"], []).append({"id": row["id"], "label": row["label"]})
    items = [
        {
            "id": row["id"],
            "residence_id": row["residence_id"],
            "kind": row["kind"],
            "title": row["title"],
            "body": row["body"],
            "scope": row["scope"],
            "urgent": row["urgent"],
            "visibility": row["visibility"],
            "published_at": row["published_at"].isoformat(),
            "pinned_until": row["pinned_until"] and row["pinned_until"].isoformat(),
            "author": {
                "id": row["author_id"],
                "display_name": row["display_name"],
                "role": row["role"],
            },
            "photos": photos.get(row["id"], []),
            "comments": row["comments"],
            "reactions": row["reactions"],
            "my_reaction": row["my_reaction"],
            "starts_at": row["starts_at"] and row["starts_at"].isoformat(),
            "ends_at": row["ends_at"] and row["ends_at"].isoformat(),
            "place": row["place"],
            "capacity": row["capacity"],
            "going": row["going"],
            "my_rsvp": row["my_rsvp"],
            "options": options.get(row["id"], []),
            "closes_at": row["closes_at"] and row["closes_at"].isoformat(),
            "my_vote": row["my_vote"],
            "results": None,
        }
        for row in page
    ]
    body = json.dumps({"items": items, "next_cursor": "…" if more else None}).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
