-- When one sentence of one article gives a subject two statuses (a mis-read
-- "ended their joint work" yields both `partnership` and `partnership_ended`),
-- the ending wins, as in change detection (alerts.state), instead of whichever
-- row the window happened to see first. Otherwise as in 002_views.sql.

CREATE OR REPLACE VIEW memberships AS
WITH ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY coalition, actor
        ORDER BY as_of DESC, fetched_at DESC, span_start DESC, (status = 'left') DESC, claim_id DESC
    ) AS rn
    FROM membership_claims
),
latest AS (SELECT * FROM ranked WHERE rn = 1),
other AS (
    SELECT m.coalition, m.actor, max(m.as_of) AS as_of
    FROM membership_claims m JOIN latest l ON l.coalition = m.coalition AND l.actor = m.actor
    WHERE m.status <> l.status GROUP BY m.coalition, m.actor
),
since AS (
    SELECT m.coalition, m.actor, min(m.as_of) AS since
    FROM membership_claims m
    JOIN latest l ON l.coalition = m.coalition AND l.actor = m.actor
    LEFT JOIN other o ON o.coalition = m.coalition AND o.actor = m.actor
    WHERE m.status = l.status AND (o.as_of IS NULL OR m.as_of > o.as_of)
    GROUP BY m.coalition, m.actor
)
SELECT l.coalition, l.actor, l.status, coalesce(s.since, l.as_of) AS since, l.article_url,
       l.as_of, l.attributed_to, l.sentence, l.source
FROM latest l LEFT JOIN since s ON s.coalition = l.coalition AND s.actor = l.actor;

CREATE OR REPLACE VIEW partnerships AS
WITH ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY actor_a, actor_b
        ORDER BY as_of DESC, fetched_at DESC, span_start DESC, (status = 'ended') DESC, claim_id DESC
    ) AS rn
    FROM partnership_claims
),
latest AS (SELECT * FROM ranked WHERE rn = 1),
other AS (
    SELECT m.actor_a, m.actor_b, max(m.as_of) AS as_of
    FROM partnership_claims m JOIN latest l ON l.actor_a = m.actor_a AND l.actor_b = m.actor_b
    WHERE m.status <> l.status GROUP BY m.actor_a, m.actor_b
),
since AS (
    SELECT m.actor_a, m.actor_b, min(m.as_of) AS since
    FROM partnership_claims m
    JOIN latest l ON l.actor_a = m.actor_a AND l.actor_b = m.actor_b
    LEFT JOIN other o ON o.actor_a = m.actor_a AND o.actor_b = m.actor_b
    WHERE m.status = l.status AND (o.as_of IS NULL OR m.as_of > o.as_of)
    GROUP BY m.actor_a, m.actor_b
)
SELECT l.actor_a, l.actor_b, l.topic, l.status, coalesce(s.since, l.as_of) AS since,
       l.article_url, l.as_of, l.attributed_to, l.sentence, l.source
FROM latest l LEFT JOIN since s ON s.actor_a = l.actor_a AND s.actor_b = l.actor_b;
