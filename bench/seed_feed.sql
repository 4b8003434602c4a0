-- A realistic neighbourhood for the feed benchmark, built in SQL on an empty, migrated database:
-- 200 residences of one landlord on a grid around Villeurbanne, 20,000 members (100 each),
-- 500,000 posts over a year, 500,000 comments and about 500,000 reactions.
-- Members 1 to 16 (residences 1 to 16) get the bearer tokens 'bench-token-<id>'.

INSERT INTO landlords (name, created_at, updated_at) VALUES ('Bailleur du banc d''essai', now(), now());

INSERT INTO residences (landlord_id, name, address, time_zone, footprint, location,
                        solidaires_manage_spaces, created_at, updated_at)
SELECT 1, 'Résidence ' || g, g || ' rue du Banc', 'Europe/Paris',
       ST_Multi(ST_Expand(ST_SetSRID(ST_MakePoint(4.80 + (g % 20) * 0.01, 45.70 + (g / 20) * 0.01), 4326), 0.0005)),
       ST_SetSRID(ST_MakePoint(4.80 + (g % 20) * 0.01, 45.70 + (g / 20) * 0.01), 4326),
       false, now(), now()
FROM generate_series(0, 199) AS g;

INSERT INTO users (email, password_hash, display_name, locale, is_platform_admin, created_at, updated_at)
SELECT 'voisin' || g || '@bench.palier', 'no-password', 'Voisin ' || g, 'fr', false, now(), now()
FROM generate_series(1, 20000) AS g;

-- Member u lives in residence (u - 1) % 200 + 1.
INSERT INTO memberships (user_id, residence_id, role, status, joined_at, created_at, updated_at)
SELECT id, (id - 1) % 200 + 1, 'resident', 'active', now(), now(), now() FROM users;

INSERT INTO api_tokens (user_id, token_hash, device_name, created_at)
SELECT id, encode(sha256(convert_to('bench-token-' || id, 'UTF8')), 'hex'), 'bench', now()
FROM users WHERE id <= 16;

-- Post g is written in residence g % 200 + 1 by one of its members, a minute apart.
INSERT INTO posts (residence_id, author_id, kind, body, scope, visibility, urgent, publish_at,
                   published_at, targeted_count, results_after_close, created_at, updated_at)
SELECT g % 200 + 1, g % 200 + 1 + 200 * ((g / 200) % 100), 'post',
       'Message ' || g || ' : qui a vu le chat roux du deuxième ?', 'residence', 'visible', false,
       now() - g * interval '1 minute', now() - g * interval '1 minute', 100, false,
       now() - g * interval '1 minute', now() - g * interval '1 minute'
FROM generate_series(0, 499999) AS g;

INSERT INTO post_residences (post_id, residence_id, published_at)
SELECT id, residence_id, published_at FROM posts;

INSERT INTO comments (post_id, author_id, body, visibility, created_at)
SELECT (g::bigint * 7919) % 500000 + 1, (g::bigint * 104729) % 20000 + 1, 'Merci !', 'visible', now()
FROM generate_series(0, 499999) AS g;

INSERT INTO reactions (post_id, user_id, kind)
SELECT (g::bigint * 15485863) % 500000 + 1, (g::bigint * 32452843) % 20000 + 1, 'like'
FROM generate_series(0, 499999) AS g
ON CONFLICT DO NOTHING;

VACUUM ANALYZE;
