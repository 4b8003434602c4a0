"""Monthly reports benchmark: one month's reports for a landlord and all its residences.

    make bench-reports       (starts its own PostgreSQL; or set TEST_DATABASE_URL)

Builds in SQL a landlord with 50 residences and 20,000 members, and a smaller one with 10
residences and 4,000 members, then their activity over 2025 (loans, help exchanges, bookings,
posts, comments, reactions, reads, notifications and their deliveries, messages, thanks): first
100,000 rows for the big landlord (20,000 for the small one), then up to 1,000,000 (200,000).
At each size it times `landlord_figures` and `build_month` for June 2025 (the 11 months before
stored, for the trend; best of 3 after a warm-up, each rolled back), counts their SQL
statements, and prints the growth ratio (goal: at most linear), the statements of both
landlords (goal: the same count), the time of each family of figures and the plan of the
slowest statement (BENCH_EXPLAIN=5: of the five slowest).
"""

import os
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
MONTH = date(2025, 6, 1)
# Before any activity (members joined then, nothing else happened).
QUIET_MONTH = date(2024, 6, 1)
SIZES = (100_000, 1_000_000)
SMALL_SHARE = 5  # the small landlord has a fifth of the big one's activity
RUNS = 3
GOAL_GROWTH = 10
# Bookings fall on two-hour slots from 8:00 to 22:00 (7 a day) of 2025, one space per
# residence, each slot used once: no two confirmed bookings of a space overlap.
SLOTS_A_DAY, DAYS = 7, 365
SLOT_STEP = 2011  # prime to 7 × 365: slot k of a space lands on (k × 2011) mod 2555
# Percent of the activity rows of each kind (they add up to 100).
SHARES = {
    "loans": 4,
    "help_exchanges": 4,
    "bookings": 4,
    "posts": 5,
    "comments": 15,
    "reactions": 18,
    "post_reads": 18,
    "notifications": 12,
    "deliveries": 12,
    "messages": 6,
    "thanks": 2,
}
LISTINGS_PER_RESIDENCE = 100  # 40 to lend, 20 to give, 25 offers of help, 15 requests
LEND_PER_RESIDENCE = 40


def main() -> None:
    url = os.environ["TEST_DATABASE_URL"]
    started = time.perf_counter()
    reset(url)
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi", "PALIER_CONFIG": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    os.environ["DATABASE_URL"] = url

    from app import create_app
    from models import db

    app = create_app("development")
    recorder = None
    with psycopg.connect(psycopg_url(url)) as connection:
        seeding = time.perf_counter()
        big = Seeder(connection, "Bailleur du banc d'essai", residences=50, members=20_000)
        small = Seeder(connection, "Petit bailleur du banc", residences=10, members=4_000)
        connection.commit()
        print(
            f"base data: {big.describe()}; {small.describe()}; "
            f"built in {time.perf_counter() - seeding:.0f} s"
        )
        results = {}
        for size in SIZES:
            seeding = time.perf_counter()
            big.grow_to(size)
            small.grow_to(size // SMALL_SHARE)
            connection.commit()
            analyze(url)
            print(
                f"\nactivity: big landlord {big.rows:,} rows, small landlord {small.rows:,} "
                f"(in the database: {count_activity(connection):,}); "
                f"built and analyzed in {time.perf_counter() - seeding:.0f} s"
            )
            print("  " + ", ".join(f"{kind} {count:,}" for kind, count in big.counts().items()))
            with app.app_context():
                landlords = {"big": big.landlord, "small": small.landlord}
                if recorder is None:
                    store_earlier_months(landlords.values())
                    recorder = Recorder(db.engine)
                results[size] = measure_all(recorder, landlords)
            show_step(size, results[size])
    with app.app_context():
        report(results)
    print(f"\nwhole benchmark: {time.perf_counter() - started:.0f} s")


# Data


def reset(url: str) -> None:
    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")


def analyze(url: str) -> None:
    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def count_activity(connection) -> int:
    """Rows of all the activity tables (named as the kinds of SHARES)."""
    return sum(
        connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in SHARES
    )


# An instant of 2025 between 7:00 and 22:00, Paris time, spread over the year by g.
AT_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.bench_at(g bigint, salt int) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
  SELECT (timestamp '2025-01-01'
          + ((g * 7919 + salt * 104729) % 365) * interval '1 day'
          + (420 + (g * 31 + salt * 17) % 900) * interval '1 minute') AT TIME ZONE 'Europe/Paris'
$$
"""

# Member k (0 to K - 1) of residence r (0 to R - 1) is user usr0 + 1 + r + R × k.
BASE = [
    (
        "residences",
        """
        INSERT INTO residences (landlord_id, name, address, time_zone, footprint, location,
                                solidaires_manage_spaces, auto_hide_threshold, households,
                                created_at, updated_at)
        SELECT {landlord}, {name} || ' — résidence ' || (g + 1), (g + 1) || ' rue du Banc',
               'Europe/Paris', ST_Multi(ST_Expand(p.point, 0.0005)), p.point, false, 3,
               {households}, '2023-01-01 00:00+01', '2023-01-01 00:00+01'
        FROM generate_series(0, {R} - 1) AS g,
             LATERAL (SELECT ST_SetSRID(ST_MakePoint(4.80 + (g % 10) * 0.01,
                                                     45.70 + {landlord} * 0.1 + (g / 10) * 0.01),
                                        4326) AS point) AS p
        ORDER BY g
        """,
    ),
    (
        None,
        """
        INSERT INTO buildings (residence_id, name, location, created_at, updated_at)
        SELECT r.id, 'Bâtiment ' || chr(65 + b), r.location, r.created_at, r.created_at
        FROM residences AS r CROSS JOIN generate_series(0, 3) AS b
        WHERE r.landlord_id = {landlord}
        """,
    ),
    (
        "spaces",
        """
        INSERT INTO spaces (residence_id, name, description, capacity, min_duration_min,
                            max_duration_min, slot_min, min_notice_min, max_advance_days,
                            max_future_bookings, buffer_min, approval_required,
                            cancellation_deadline_min, created_at, updated_at)
        SELECT id, 'Salle commune', '', 30, 30, 240, 30, 60, 60, 3, 0, false, 120, created_at,
               created_at
        FROM residences WHERE landlord_id = {landlord} ORDER BY id
        """,
    ),
    (
        None,
        """
        INSERT INTO opening_hours (space_id, weekday, opens_min, closes_min)
        SELECT s.id, d, 480, 1320
        FROM spaces AS s JOIN residences AS r ON r.id = s.residence_id
        CROSS JOIN generate_series(0, 6) AS d
        WHERE r.landlord_id = {landlord}
        """,
    ),
    (
        None,
        """
        INSERT INTO closures (space_id, starts_on, ends_on, reason)
        SELECT s.id, '2025-08-01', '2025-08-15', 'Travaux d''été'
        FROM spaces AS s JOIN residences AS r ON r.id = s.residence_id
        WHERE r.landlord_id = {landlord}
        """,
    ),
    (
        "users",
        """
        INSERT INTO users (email, password_hash, display_name, locale, is_platform_admin,
                           created_at, updated_at)
        SELECT 'voisin' || i || '.b' || {landlord} || '@bench.palier', 'no-password',
               'Voisin ' || i, 'fr', false, '2023-01-01 00:00+01', '2023-01-01 00:00+01'
        FROM generate_series(0, {M} - 1) AS i ORDER BY i
        """,
    ),
    (
        # User i lives in residence i mod R; one in twenty has left; joins from 2023 to 2025.
        None,
        """
        INSERT INTO memberships (user_id, residence_id, building_id, role, status, joined_at,
                                 created_at, updated_at)
        SELECT {usr0} + 1 + i, {res0} + 1 + i % {R}, b.id,
               CASE WHEN (i / {R}) % 50 = 1 THEN 'solidaire' ELSE 'resident' END,
               CASE WHEN i % 20 = 19 THEN 'left' ELSE 'active' END, j.at, j.at, j.at
        FROM generate_series(0, {M} - 1) AS i
        CROSS JOIN LATERAL (SELECT timestamptz '2023-01-01 09:00+01'
                                   + ((i * 7919) % 1000) * interval '1 day' AS at) AS j
        JOIN buildings AS b ON b.residence_id = {res0} + 1 + i % {R}
                           AND b.name = 'Bâtiment ' || chr(65 + (i / {R}) % 4)
        """,
    ),
    (
        None,
        """
        INSERT INTO membership_events (residence_id, user_id, change, reason, at)
        SELECT residence_id, user_id, 'joined', 'invite_code', joined_at
        FROM memberships WHERE residence_id BETWEEN {res0} + 1 AND {res0} + {R}
        UNION ALL
        SELECT residence_id, user_id, 'left', 'left', joined_at + interval '200 days'
        FROM memberships
        WHERE residence_id BETWEEN {res0} + 1 AND {res0} + {R} AND status = 'left'
        """,
    ),
    (
        None,
        """
        INSERT INTO devices (user_id, token, platform, last_seen_at, created_at, updated_at)
        SELECT user_id, 'bench-phone-' || user_id,
               CASE WHEN user_id % 2 = 0 THEN 'android' ELSE 'ios' END,
               joined_at, joined_at, joined_at
        FROM memberships
        WHERE residence_id BETWEEN {res0} + 1 AND {res0} + {R} AND user_id % 5 < 3
        """,
    ),
    (
        # Listing n belongs to residence n mod R; its kind and category follow n / R.
        "listings",
        """
        INSERT INTO listings (residence_id, owner_id, kind, category, title, description,
                              estimated_value_eur, scope, status, visibility, created_at,
                              updated_at)
        SELECT {res0} + 1 + n % {R}, {usr0} + 1 + n % {R} + {R} * ((n / {R} * 7) % {K}),
               CASE WHEN n / {R} < 40 THEN 'lend' WHEN n / {R} < 60 THEN 'give'
                    WHEN n / {R} < 85 THEN 'offer_help' ELSE 'request_help' END,
               CASE WHEN n / {R} < 60
                    THEN (ARRAY['tools', 'kitchen', 'diy', 'children', 'garden', 'sport',
                                'electronics', 'books', 'mobility', 'other'])[1 + n % 10]
                    ELSE (ARRAY['shopping', 'pets', 'paperwork', 'small_repairs', 'company',
                                'translation', 'lifts', 'childcare', 'other'])[1 + n % 9] END,
               'Annonce ' || n, '', CASE WHEN n % 3 = 0 THEN NULL ELSE 10 + n % 200 END,
               'residence', 'open', 'visible', t.at, t.at
        FROM generate_series(0, {R} * {per_residence} - 1) AS n
        CROSS JOIN LATERAL (SELECT pg_temp.bench_at(n, 3) - interval '180 days' AS at) AS t
        ORDER BY n
        """,
    ),
]

# Another member of the listing's residence than its owner (from the row number g).
OTHER_MEMBER = (
    "{usr0} + 1 + (l.residence_id - {res0} - 1) "
    "+ {R} * (((l.owner_id - {usr0} - 1) / {R} + 1 + g % ({K} - 1)) % {K})"
)
# Each kind's rows g in [a, b) of the landlord; comments, reactions and reads go to the posts of
# the same batch, messages and thanks to its loans and exchanges. Rows are written in the order
# of their time, as an app writes them.
ACTIVITY = {
    # One in a hundred is not back (status handed_over, on a listing of its own); one in ten
    # was declined or cancelled; the others were handed over and returned.
    "loans": """
        INSERT INTO loans (listing_id, residence_id, owner_id, borrower_id, starts_on, due_on,
                           status, message, status_changed_at, handed_over_at, returned_at,
                           created_at, updated_at)
        SELECT l.id, l.residence_id, l.owner_id, {other_member},
               (h.at AT TIME ZONE 'Europe/Paris')::date,
               (h.at AT TIME ZONE 'Europe/Paris')::date + 3 + (g % 12)::int, s.status, '',
               coalesce(h.returned, h.handed, s.created + interval '1 day'), h.handed,
               h.returned, s.created, s.created
        FROM generate_series({a}, {b} - 1) AS g
        CROSS JOIN LATERAL (
          SELECT CASE WHEN g % 100 = 50 THEN 'handed_over' WHEN g % 20 = 0 THEN 'declined'
                      WHEN g % 20 = 1 THEN 'cancelled' ELSE 'returned' END AS status,
                 pg_temp.bench_at(g, 11) AS created) AS s
        CROSS JOIN LATERAL (
          SELECT s.created + (1 + g % 3) * interval '1 day' AS at,
                 CASE WHEN s.status IN ('handed_over', 'returned')
                      THEN s.created + (1 + g % 3) * interval '1 day' END AS handed,
                 CASE WHEN s.status = 'returned'
                      THEN s.created + (3 + g % 3 + g % 14) * interval '1 day' END AS returned
        ) AS h
        JOIN listings AS l ON l.id = {lst0} + 1 + CASE WHEN g % 100 = 50
                                                       THEN (g / 100) % ({R} * {lend})
                                                       ELSE (g * 7) % ({R} * {lend}) END
        ORDER BY s.created
    """,
    "help_exchanges": """
        INSERT INTO help_exchanges (listing_id, residence_id, owner_id, member_id, exclusive,
                                    status, message, status_changed_at, completed_at,
                                    help_minutes, created_at, updated_at)
        SELECT l.id, l.residence_id, l.owner_id, {other_member}, false, s.status, '',
               s.created + interval '1 day', s.completed,
               CASE WHEN s.completed IS NOT NULL AND l.kind <> 'give'
                    THEN 30 + (g % 6) * 30 END,
               s.created, s.created
        FROM generate_series({a}, {b} - 1) AS g
        CROSS JOIN LATERAL (
          SELECT CASE g % 20 WHEN 0 THEN 'declined' WHEN 1 THEN 'cancelled'
                             WHEN 2 THEN 'proposed' ELSE 'done' END AS status,
                 pg_temp.bench_at(g, 13) AS created,
                 CASE WHEN g % 20 > 2
                      THEN pg_temp.bench_at(g, 13) + (1 + g % 5) * interval '1 day' END
                      AS completed
        ) AS s
        JOIN listings AS l
          ON l.id = {lst0} + 1 + {R} * {lend} + (g * 7) % ({R} * ({per_residence} - {lend}))
        ORDER BY s.created
    """,
    "bookings": """
        INSERT INTO bookings (space_id, residence_id, member_id, starts_at, ends_at,
                              blocked_until, status, purpose, people, status_changed_at,
                              created_at, updated_at)
        SELECT {spc0} + 1 + g % {R}, {res0} + 1 + g % {R},
               {usr0} + 1 + g % {R} + {R} * ((g * 7) % {K}),
               t.starts, t.starts + (60 + 30 * (g % 3)) * interval '1 minute',
               t.starts + (60 + 30 * (g % 3)) * interval '1 minute',
               CASE g % 20 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'cancelled'
                           WHEN 2 THEN 'declined' WHEN 3 THEN 'pending' ELSE 'confirmed' END,
               'Réunion de famille', 1 + g % 10,
               t.starts - (1 + g % 20) * interval '1 day',
               t.starts - (1 + g % 20) * interval '1 day',
               t.starts - (1 + g % 20) * interval '1 day'
        FROM generate_series({a}, {b} - 1) AS g
        CROSS JOIN LATERAL (SELECT ((g / {R}) * {slot_step}) % {slots} AS slot) AS s
        CROSS JOIN LATERAL (
          SELECT (timestamp '2025-01-01' + (s.slot / {slots_a_day}) * interval '1 day'
                  + (8 + 2 * (s.slot % {slots_a_day})) * interval '1 hour')
                 AT TIME ZONE 'Europe/Paris' AS starts
        ) AS t
        ORDER BY t.starts - (1 + g % 20) * interval '1 day'
    """,
    # Two in twenty are announcements, one an alert, two events, one a poll; one in fifty
    # was deleted.
    "posts": """
        INSERT INTO posts (residence_id, author_id, kind, title, body, scope, visibility,
                           urgent, deleted_at, publish_at, published_at, targeted_count,
                           starts_at, ends_at, closes_at, results_after_close, created_at,
                           updated_at)
        SELECT {res0} + 1 + g % {R}, {usr0} + 1 + g % {R} + {R} * ((g * 13) % {K}), k.kind,
               CASE WHEN k.kind <> 'post' THEN 'Information ' || g END,
               'Message ' || g || ' : qui a vu le chat roux du deuxième ?', 'residence',
               'visible', k.kind = 'alert',
               CASE WHEN g % 50 = 49 THEN k.at + interval '1 day' END, k.at, k.at, {K},
               CASE WHEN k.kind = 'event' THEN k.at + interval '7 days' END,
               CASE WHEN k.kind = 'event' THEN k.at + interval '7 days 2 hours' END,
               CASE WHEN k.kind = 'poll' THEN k.at + interval '7 days' END,
               false, k.at, k.at
        FROM generate_series({a}, {b} - 1) AS g
        CROSS JOIN LATERAL (
          SELECT CASE WHEN g % 20 < 2 THEN 'announcement' WHEN g % 20 = 2 THEN 'alert'
                      WHEN g % 20 < 5 THEN 'event' WHEN g % 20 = 5 THEN 'poll'
                      ELSE 'post' END AS kind,
                 pg_temp.bench_at(g, 17) AS at
        ) AS k
        ORDER BY k.at
    """,
    "comments": """
        INSERT INTO comments (post_id, author_id, body, visibility, created_at)
        SELECT p.id, {usr0} + 1 + (p.residence_id - {res0} - 1) + {R} * ((g * 31) % {K}),
               'Merci pour l''information !', 'visible',
               p.published_at + ((g * 37) % 4320) * interval '1 minute'
        FROM generate_series({a}, {b} - 1) AS g
        JOIN posts AS p ON p.id = {post_first} + ((g - {a}) * 7919) % {posts}
        ORDER BY p.published_at + ((g * 37) % 4320) * interval '1 minute'
    """,
    # Post x mod P of the batch; (x / P) tells the members apart, so (post, user) is unique.
    "reactions": """
        INSERT INTO reactions (post_id, user_id, kind, created_at)
        SELECT p.id,
               {usr0} + 1 + (p.residence_id - {res0} - 1)
               + {R} * ((((g - {a}) / {posts}) * 37 + p.id) % {K}),
               (ARRAY['like', 'thanks', 'love', 'laugh', 'sad'])[1 + g % 5],
               p.published_at + ((g * 41) % 2880) * interval '1 minute'
        FROM generate_series({a}, {b} - 1) AS g
        JOIN posts AS p ON p.id = {post_first} + (g - {a}) % {posts}
        ORDER BY p.published_at + ((g * 41) % 2880) * interval '1 minute'
    """,
    "post_reads": """
        INSERT INTO post_reads (post_id, user_id, read_at)
        SELECT p.id,
               {usr0} + 1 + (p.residence_id - {res0} - 1)
               + {R} * ((((g - {a}) / {posts}) * 41 + p.id + 200) % {K}),
               p.published_at + (5 + (g * 43) % 1440) * interval '1 minute'
        FROM generate_series({a}, {b} - 1) AS g
        JOIN posts AS p ON p.id = {post_first} + (g - {a}) % {posts}
        ORDER BY p.published_at + (5 + (g * 43) % 1440) * interval '1 minute'
    """,
    "notifications": """
        INSERT INTO notifications (recipient_id, kind, payload, idempotency_key, urgent, status,
                                   attempts, not_before, created_at, sent_at)
        SELECT {usr0} + 1 + (g * 7919) % {M}, 'new_post', jsonb_build_object(),
               'bench:' || {landlord} || ':' || g, false, 'sent', 1, t.at, t.at,
               t.at + interval '4 seconds'
        FROM generate_series({a}, {b} - 1) AS g
        CROSS JOIN LATERAL (SELECT pg_temp.bench_at(g, 19) AS at) AS t
        ORDER BY t.at
    """,
    # One per notification of the batch, to the member's phone if any; one in ten failed.
    "deliveries": """
        INSERT INTO deliveries (notification_id, device_id, outcome, error_code, created_at)
        SELECT n.id, d.id, CASE WHEN n.id % 10 = 0 THEN 'failed' ELSE 'sent' END,
               CASE WHEN n.id % 10 = 0 THEN 'UNAVAILABLE' END, n.sent_at
        FROM notifications AS n LEFT JOIN devices AS d ON d.user_id = n.recipient_id
        WHERE n.id BETWEEN {notification_first} AND {notification_last}
        ORDER BY n.id
    """,
    # Half on loans, half on exchanges of the batch.
    "messages": """
        INSERT INTO messages (loan_id, exchange_id, author_id, body, visibility, created_at)
        SELECT * FROM (
          SELECT l.id AS loan_id, NULL::integer AS exchange_id,
                 CASE WHEN g % 4 = 0 THEN l.owner_id ELSE l.borrower_id END AS author_id,
                 'Bonjour, toujours disponible ?' AS body, 'visible' AS visibility,
                 l.created_at + (g % 48) * interval '1 hour' AS created_at
          FROM generate_series({a}, ({a} + {b}) / 2 - 1) AS g
          JOIN loans AS l ON l.id = {loan_first} + ((g - {a}) * 7) % {loans}
          UNION ALL
          SELECT NULL, e.id, CASE WHEN g % 4 = 0 THEN e.owner_id ELSE e.member_id END,
                 'Je peux passer demain.', 'visible', e.created_at + (g % 48) * interval '1 hour'
          FROM generate_series(({a} + {b}) / 2, {b} - 1) AS g
          JOIN help_exchanges AS e
            ON e.id = {exchange_first} + ((g - ({a} + {b}) / 2) * 7) % {exchanges}
        ) AS m
        ORDER BY m.created_at
    """,
    # From the borrower or the member who was helped, once per loan or exchange, spread evenly
    # over the batch's loans and exchanges (and so over the year).
    "thanks": """
        INSERT INTO thanks (loan_id, exchange_id, author_id, recipient_id, text, created_at)
        SELECT * FROM (
          SELECT l.id AS loan_id, NULL::integer AS exchange_id, l.borrower_id AS author_id,
                 l.owner_id AS recipient_id, 'Merci beaucoup !' AS text,
                 coalesce(l.returned_at, l.created_at) + interval '2 hours' AS created_at
          FROM generate_series({a}, ({a} + {b}) / 2 - 1) AS g
          JOIN loans AS l ON l.id = {loan_first} + (g - {a}) * {loans} / (({a} + {b}) / 2 - {a})
          UNION ALL
          SELECT NULL, e.id, e.member_id, e.owner_id, 'Merci pour le coup de main !',
                 coalesce(e.completed_at, e.created_at) + interval '2 hours'
          FROM generate_series(({a} + {b}) / 2, {b} - 1) AS g
          JOIN help_exchanges AS e
            ON e.id = {exchange_first}
                      + (g - ({a} + {b}) / 2) * {exchanges} / ({b} - ({a} + {b}) / 2)
        ) AS t
        ORDER BY t.created_at
    """,
}


@dataclass
class Seeder:
    """A landlord, its residences, buildings, spaces, members and listings; then activity
    added batch by batch (`grow_to`)."""

    connection: psycopg.Connection
    name: str
    residences: int
    members: int
    rows: int = 0
    values: dict = field(default_factory=dict)

    def __post_init__(self):
        assert self.members % self.residences == 0
        self.connection.execute(AT_FUNCTION)
        self.landlord = self.connection.execute(
            "INSERT INTO landlords (name, created_at, updated_at) "
            "VALUES (%s, '2023-01-01 00:00+01', '2023-01-01 00:00+01') RETURNING id",
            (self.name,),
        ).fetchone()[0]
        self.values = {
            "landlord": self.landlord,
            "name": self.name,
            "R": self.residences,
            "M": self.members,
            "K": self.members // self.residences,
            "households": self.members // self.residences * 9 // 8,
            "per_residence": LISTINGS_PER_RESIDENCE,
            "lend": LEND_PER_RESIDENCE,
            "slots": SLOTS_A_DAY * DAYS,
            "slots_a_day": SLOTS_A_DAY,
            "slot_step": SLOT_STEP,
        }
        first = {"residences": "res0", "spaces": "spc0", "users": "usr0", "listings": "lst0"}
        for table, statement in BASE:
            if table is None:
                self.execute(statement)
            else:
                self.values[first[table]] = self.insert_range(statement)[0] - 1

    def describe(self) -> str:
        return (
            f"{self.name}: {self.residences} residences, {self.members:,} members, "
            f"{self.residences * LISTINGS_PER_RESIDENCE:,} listings"
        )

    def counts(self, total: int | None = None) -> dict[str, int]:
        total = self.rows if total is None else total
        return {kind: total * share // 100 for kind, share in SHARES.items()}

    def grow_to(self, total: int) -> None:
        """Add activity rows up to `total` for this landlord."""
        assert total % 100 == 0 and sum(SHARES.values()) == 100
        before, after = self.counts(), self.counts(total)
        assert after["bookings"] // self.residences <= SLOTS_A_DAY * DAYS, "too many bookings"
        assert after["loans"] // 100 <= self.residences * LEND_PER_RESIDENCE
        ranges = {kind: {"a": before[kind], "b": after[kind]} for kind in SHARES}
        batch = {
            kind: self.insert_range(ACTIVITY[kind], **ranges[kind])
            for kind in ("loans", "help_exchanges", "posts", "notifications")
        }
        self.execute(ACTIVITY["bookings"], **ranges["bookings"])
        self.execute(
            "INSERT INTO post_residences (post_id, residence_id, published_at) "
            "SELECT id, residence_id, published_at FROM posts "
            "WHERE id BETWEEN {first} AND {last}",
            first=batch["posts"][0],
            last=batch["posts"][1],
        )
        links = {
            "post_first": batch["posts"][0],
            "posts": batch["posts"][1] - batch["posts"][0] + 1,
            "loan_first": batch["loans"][0],
            "loans": batch["loans"][1] - batch["loans"][0] + 1,
            "exchange_first": batch["help_exchanges"][0],
            "exchanges": batch["help_exchanges"][1] - batch["help_exchanges"][0] + 1,
            "notification_first": batch["notifications"][0],
            "notification_last": batch["notifications"][1],
        }
        # Reactions and reads tell members apart by (row / posts of the batch): fewer than K.
        reactions = ranges["reactions"]["b"] - ranges["reactions"]["a"]
        assert reactions // links["posts"] < self.values["K"]
        for kind in ("comments", "reactions", "post_reads", "deliveries", "messages", "thanks"):
            inserted = self.execute(ACTIVITY[kind], **ranges[kind], **links)
            expected = ranges[kind]["b"] - ranges[kind]["a"]
            assert inserted == expected, f"{kind}: {inserted} rows instead of {expected}"
        self.rows = total

    def render(self, statement: str, **extra) -> str:
        values = {**self.values, **extra}
        # Our own integers and names, as literals (the SQL is full of % operators).
        return statement.replace("{other_member}", OTHER_MEMBER).format(
            **{key: sql.Literal(value).as_string(self.connection) for key, value in values.items()}
        )

    def execute(self, statement: str, **extra) -> int:
        return self.connection.execute(self.render(statement, **extra)).rowcount

    def insert_range(self, statement: str, **extra) -> tuple[int, int]:
        """Run an INSERT ... SELECT; the first and last ids it gave, which must follow each
        other (the statements of the activity count on it)."""
        insert = self.render(statement, **extra).rstrip()
        first, last, count = self.connection.execute(
            f"WITH inserted AS ({insert}\nRETURNING id) "
            "SELECT min(id), max(id), count(*) FROM inserted"
        ).fetchone()
        assert count and last - first + 1 == count, f"ids not consecutive: {first}..{last}"
        return first, last


# Measures


def store_earlier_months(landlords) -> None:
    """The reports of the months before MONTH, stored as the scheduler would: build_month then
    reads them back for the changes and the 12-month trend."""
    from models import Landlord, db
    from services.local_time import previous_month
    from services.reports.snapshots import TREND_MONTHS, build_month

    started = time.perf_counter()
    months = [MONTH]
    while len(months) < TREND_MONTHS:
        months.insert(0, previous_month(months[0]))
    for landlord_id in landlords:
        for first_day in months[:-1]:
            build_month(db.session.get(Landlord, landlord_id), first_day)
            db.session.commit()
    print(
        f"stored the reports of {months[0]:%B %Y} to {months[-2]:%B %Y} in "
        f"{time.perf_counter() - started:.0f} s"
    )


@dataclass
class Call:
    seconds: float
    family: str  # the function of services/reports that ran the statement
    statement: str
    parameters: object


@dataclass
class Run:
    seconds: float
    calls: list[Call]
    answer: object = None

    def sql(self) -> float:
        """Seconds spent in SQL statements (the rest is Python)."""
        return sum(call.seconds for call in self.calls)

    def families(self) -> dict[str, tuple[int, float]]:
        """Statements and seconds of each family of figures."""
        families = defaultdict(lambda: [0, 0.0])
        for call in self.calls:
            families[call.family][0] += 1
            families[call.family][1] += call.seconds
        return {family: tuple(value) for family, value in families.items()}


class Recorder:
    """Every SQL statement the engine runs: how long it took and which function ran it."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.calls: list[Call] = []
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, connection, cursor, statement, parameters, context, executemany):
        connection.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(self, connection, cursor, statement, parameters, context, executemany):
        seconds = time.perf_counter() - connection.info["bench_started"].pop()
        self.calls.append(Call(seconds, caller(), statement, parameters))


def caller() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if f"services{os.sep}reports{os.sep}" in path:
            return frame.f_code.co_name
        frame = frame.f_back
    return "(other)"


def measure(recorder: Recorder, landlord_id: int, first_day: date, what: str) -> Run:
    """The best of RUNS runs after a warm-up, each in a transaction rolled back."""
    from models import Landlord, db
    from services.reports.figures import landlord_figures
    from services.reports.snapshots import build_month

    build = {"landlord_figures": landlord_figures, "build_month": build_month}[what]
    runs = []
    for attempt in range(RUNS + 1):
        db.session.rollback()
        db.session.expunge_all()
        landlord = db.session.get(Landlord, landlord_id)
        recorder.calls = []
        started = time.perf_counter()
        answer = build(landlord, first_day)
        seconds = time.perf_counter() - started
        calls, recorder.calls = recorder.calls, []
        db.session.rollback()
        if attempt:
            runs.append(Run(seconds, calls, answer if what == "landlord_figures" else None))
    return min(runs, key=lambda run: run.seconds)


MEASURES = (
    ("big", "landlord_figures", MONTH),
    ("big", "build_month", MONTH),
    ("small", "landlord_figures", MONTH),
    ("small", "build_month", MONTH),
    ("big", "quiet_month", QUIET_MONTH),
)


def measure_all(recorder: Recorder, landlords: dict[str, int]) -> dict[tuple, Run]:
    results = {}
    for who, what, first_day in MEASURES:
        function = "landlord_figures" if what == "quiet_month" else what
        results[who, what] = measure(recorder, landlords[who], first_day, function)
    return results


def show_step(size: int, results: dict[tuple, Run]) -> None:
    print(f"{MONTH:%B %Y}, best of {RUNS} after a warm-up (the big landlord at {size:,} rows):")
    for who in ("big", "small"):
        parts = [
            f"{what} {results[who, what].seconds:6.3f} s (SQL {results[who, what].sql():.3f} s, "
            f"{len(results[who, what].calls)} statements)"
            for what in ("landlord_figures", "build_month")
        ]
        print(f"  {who + ' landlord':15} " + "   ".join(parts))
    total, _ = results["big", "landlord_figures"].answer
    members, lending, spaces = total["members"], total["lending"], total["spaces"]
    news, push = total["news"], total["push"]
    print(
        f"  the big landlord's figures: {members['total']:,} members, {members['active']:,} "
        f"active, {lending['loans_started']:,} loans started, {lending['loans_overdue']:,} "
        f"overdue, {lending['help_done']:,} help done ({lending['help_hours']:,} h), "
        f"{spaces['bookings']:,} bookings (occupancy {spaces['occupancy']}), "
        f"{sum(news['posts'].values()):,} posts, {news['comments']:,} comments, reach "
        f"{news['announcements']['reach']}, {push['notifications_sent']:,} notifications"
    )
    quiet = results["big", "quiet_month"]
    print(
        f"  big landlord, {QUIET_MONTH:%B %Y} (no activity yet): landlord_figures "
        f"{quiet.seconds:6.3f} s (SQL {quiet.sql():.3f} s)"
    )


def report(results: dict[int, dict[tuple, Run]]) -> None:
    small_size, big_size = SIZES
    first, last = results[small_size], results[big_size]
    growth = big_size // small_size
    print(
        f"\n== big landlord, {MONTH:%B %Y}: from {small_size:,} to {big_size:,} rows "
        f"(x{growth}; goal: at most x{GOAL_GROWTH})"
    )
    worst = 0.0
    for what in ("landlord_figures", "build_month", "quiet_month"):
        before, after = first["big", what].seconds, last["big", what].seconds
        worst = max(worst, after / before) if what != "quiet_month" else worst
        label = what if what != "quiet_month" else f"{QUIET_MONTH:%B %Y}, no activity"
        print(
            f"  {label:24} {before:7.3f} s  {after:7.3f} s   x{after / before:5.1f}   "
            f"statements {len(first['big', what].calls)} / {len(last['big', what].calls)}"
        )
    print(f"  growth goal {'met' if worst <= GOAL_GROWTH else 'NOT met'} (worst x{worst:.1f})")

    print("\n== statements: big landlord (50 residences, 20,000 members) and small (10, 4,000)")
    same = True
    for what in ("landlord_figures", "build_month"):
        big, small = last["big", what], last["small", what]
        print(f"  {what:24} {len(big.calls):5} {len(small.calls):5}")
        big_families, small_families = big.families(), small.families()
        for family in sorted(set(big_families) | set(small_families)):
            counts = (big_families.get(family, (0,))[0], small_families.get(family, (0,))[0])
            if counts[0] != counts[1]:
                same = False
                print(f"    differ in {family}: {counts[0]} and {counts[1]}")
    print(f"  goal (the same count) {'met' if same else 'NOT met'}")
    figures = set(last["big", "landlord_figures"].families())
    for who in ("big", "small"):
        rest = [
            f"{family} {count} ({seconds * 1000:.0f} ms)"
            for family, (count, seconds) in last[who, "build_month"].families().items()
            if family not in figures
        ]
        print(f"  build_month besides the figures, {who} landlord: " + ", ".join(rest))

    print(f"\n== time by family, landlord_figures, big landlord, {MONTH:%B %Y}")
    print(f"  {'function':24} {'statements':>10} {small_size:>12,} {big_size:>12,}   growth")
    before, after = first["big", "landlord_figures"], last["big", "landlord_figures"]
    families_before, families_after = before.families(), after.families()
    for family, (count, seconds) in sorted(families_after.items(), key=lambda item: -item[1][1]):
        earlier = families_before.get(family, (0, 0.0))[1]
        ratio = f"x{seconds / earlier:5.1f}" if earlier else ""
        print(
            f"  {family:24} {count:>10} {earlier * 1000:9.1f} ms {seconds * 1000:9.1f} ms   {ratio}"
        )
    python = (before.seconds - before.sql(), after.seconds - after.sql())
    print(
        f"  {'(Python, rows to figures)':35} {python[0] * 1000:9.1f} ms {python[1] * 1000:9.1f} ms"
        f"   x{python[1] / python[0]:5.1f}"
    )
    slowest = sorted(after.calls, key=lambda call: -call.seconds)
    explain(slowest[: int(os.environ.get("BENCH_EXPLAIN", "1"))], big_size)


def explain(calls: list[Call], size: int) -> None:
    from models import db

    for call in calls:
        print(
            f"\n== EXPLAIN (ANALYZE, BUFFERS) of the slowest statement{'s' * (len(calls) > 1)} "
            f"at {size:,} rows: {call.family}, {call.seconds * 1000:.0f} ms"
        )
        plan = db.session.connection().exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + call.statement, call.parameters
        )
        for (line,) in plan:
            print("  " + line)
        db.session.rollback()


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


if __name__ == "__main__":
    main()
