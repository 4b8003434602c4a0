"""The baseline of the feed benchmark: a bare WSGI app that answers GET /api/v1/feed with the
feed's SQL run directly through psycopg, and the same JSON as the app's first page.

Run by gunicorn (`gunicorn bench.bare_feed:app`), with BENCH_DATABASE_URL set.
"""

import hashlib
import json
import os

import psycopg
from psycopg.rows import dict_row

# The same statements the app's feed sends (services/accounts.py, services/scoping.py,
# services/news/feed.py), by hand.
TOKEN = """
SELECT t.user_id, u.email, u.display_name, u.locale, u.is_platform_admin
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = %s AND t.revoked_at IS NULL
"""
REACH = """
SELECT 'residence' AS kind, m.residence_id AS id FROM memberships m
WHERE m.user_id = %(user)s AND m.status = 'active'
UNION ALL
SELECT 'building', m.building_id FROM memberships m
WHERE m.user_id = %(user)s AND m.status = 'active' AND m.building_id IS NOT NULL
UNION ALL
SELECT 'blocked', b.blocked_id FROM blocks b WHERE b.blocker_id = %(user)s
UNION ALL
SELECT 'blocked', b.blocker_id FROM blocks b WHERE b.blocked_id = %(user)s
UNION ALL
SELECT 'moderated', r.id FROM residences r
WHERE r.id IN (SELECT m.residence_id FROM memberships m WHERE m.user_id = %(user)s
               AND m.status = 'active' AND m.role IN ('solidaire', 'staff'))
   OR r.landlord_id IN (SELECT s.landlord_id FROM landlord_staff s
                        WHERE s.user_id = %(user)s AND s.active)
"""
# An erased member's name, as Palier shows it (services/profiles.py), in French.
FORMER_NEIGHBOUR = "Ancien voisin"
COLUMNS = """
SELECT p.id, p.residence_id, p.kind, p.title, p.body, p.scope, p.urgent, p.visibility,
       p.published_at, p.pinned_until, p.edited_at, p.starts_at, p.ends_at, p.place, p.capacity,
       p.closes_at, p.results_after_close, u.id AS author_id, u.display_name, u.erased_at,
       coalesce((SELECT m.role FROM memberships m
                 WHERE m.user_id = p.author_id AND m.residence_id = p.residence_id),
                'staff') AS role,
       p.comment_count AS comments, p.reaction_count AS reactions, p.going_count AS going,
       (SELECT r.kind FROM reactions r
        WHERE r.post_id = p.id AND r.user_id = %(user)s) AS my_reaction,
       (SELECT e.answer FROM event_rsvps e
        WHERE e.post_id = p.id AND e.user_id = %(user)s) AS my_rsvp,
       (SELECT v.option_id FROM votes v WHERE v.post_id = p.id AND v.user_id = %(user)s) AS my_vote
FROM posts p JOIN users u ON u.id = p.author_id
"""
# The bench's members are members of one residence, moderate nothing and block nobody.
SOURCES = """
SELECT id, published_at FROM (
    SELECT pr.post_id AS id, pr.published_at FROM post_residences pr
    JOIN posts p2 ON p2.id = pr.post_id
    WHERE pr.residence_id = ANY(%(residences)s)
      AND (p2.visibility = 'visible' OR p2.author_id = %(user)s)
      AND pr.published_at IS NOT NULL AND p2.deleted_at IS NULL AND {pin}
    ORDER BY pr.published_at DESC, pr.post_id DESC {limit}) AS residences
"""
NEWEST = (
    COLUMNS
    + "WHERE p.id IN (SELECT id FROM ("
    + SOURCES.format(pin="(p2.pinned_until IS NULL OR p2.pinned_until <= now())", limit="LIMIT 21")
    + ") AS sources) ORDER BY p.published_at DESC, p.id DESC LIMIT 21"
)
PINNED = (
    COLUMNS
    + "WHERE p.id IN (SELECT id FROM ("
    + SOURCES.format(pin="p2.pinned_until > now()", limit="")
    + ") AS sources) ORDER BY p.published_at DESC, p.id DESC"
)
PHOTOS = (
    "SELECT post_id, id, filename, width, height FROM post_photos "
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
    reach = {"residence": [], "building": [], "blocked": [], "moderated": []}
    for row in db.execute(REACH, {"user": user}):
        reach[row["kind"]].append(row["id"])
    assert not (reach["blocked"] or reach["moderated"] or reach["building"]), "not in the bench"
    params = {"user": user, "residences": reach["residence"]}
    rows = db.execute(NEWEST, params).fetchall()
    page, more = rows[:20], len(rows) > 20
    page = db.execute(PINNED, params).fetchall() + page
    ids = [row["id"] for row in page]
    photos, options = {}, {}
    for row in db.execute(PHOTOS, (ids,)):
        photos.setdefault(row["post_id"], []).append(
            {
                "id": row["id"],
                "url": "/uploads/" + row["filename"],
                "width": row["width"],
                "height": row["height"],
            }
        )
    polls = [row["id"] for row in page if row["kind"] == "poll"]
    for row in db.execute(OPTIONS, (polls,)) if polls else ():
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
            "edited_at": row["edited_at"] and row["edited_at"].isoformat(),
            "author": {
                "id": row["author_id"],
                "display_name": FORMER_NEIGHBOUR if row["erased_at"] else row["display_name"],
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
