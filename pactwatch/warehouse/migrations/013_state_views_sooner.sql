-- The same rows again, sooner (issue 15). Over a million claims `memberships`
-- took 0.4 to 0.5 s and `partnerships` 1.5 s. Three costs went:
-- - `partnership_claims` unnested each claim's actors in a lateral join, which
--   DuckDB plans as a correlated join over every partnership claim (1 s of the
--   1.5); a set-returning unnest in the select list gives the same rows;
-- - the latest claim per subject was picked by two arg_max over the same
--   ranking key (a struct compared twice per row); one arg_max now returns the
--   status and the claim together;
-- - the latest claim's article was fetched by joining every claim to its article
--   before keeping the few latest; the claims are filtered by those ids first.
-- Names, columns, order and every row are unchanged; tests/test_views_speed.py
-- compares them with migration 007's definitions.
--
-- `current_state` shows the latest count by time, then the highest figure; two
-- counts tied on both (two outlets giving one figure at one instant) used to be
-- picked in whatever order the scan met them, so `count_article_url` could
-- differ between two reads of one warehouse. The claim id now breaks the tie.
-- CREATE OR REPLACE drops comments: they are given again below.

CREATE OR REPLACE VIEW partnership_claims AS
WITH ua AS MATERIALIZED (
    SELECT DISTINCT u.claim_id, coalesce(x.stands_for, u.actor) AS actor
    FROM (
        SELECT c.id AS claim_id, unnest(c.actors) AS actor
        FROM claims c
        WHERE c.kind IN ('partnership', 'partnership_ended') AND c.modality = 'asserted'
    ) AS u
    LEFT JOIN actors x ON x.id = u.actor
)
SELECT p.actor AS actor_a, q.actor AS actor_b,
       CASE c.kind WHEN 'partnership' THEN 'active' ELSE 'ended' END AS status,
       c.topic,
       coalesce(a.published_at, a.dated_at, a.fetched_at) AS as_of,
       a.fetched_at, c.span_start, a.url AS article_url, a.source,
       c.attributed_to, c.sentence, c.id AS claim_id, c.article_id,
       c.event_date, c.event_date_precision
FROM ua p
JOIN ua q ON q.claim_id = p.claim_id AND p.actor < q.actor
JOIN claims c ON c.id = p.claim_id
JOIN articles a ON a.id = c.article_id;

CREATE OR REPLACE VIEW memberships AS
WITH m AS MATERIALIZED (
    SELECT coalition, actor, status, as_of, claim_id, event_date_precision,
           coalesce(timezone('UTC', event_date::TIMESTAMP), as_of) AS event_at,
           (as_of, fetched_at, coalesce(span_start, -1), status = 'left', claim_id) AS rank_key
    FROM membership_claims
),
latest AS (
    SELECT coalition, actor, pick.status AS status, pick.claim_id AS claim_id
    FROM (
        SELECT coalition, actor,
               arg_max({'status': status, 'claim_id': claim_id}, rank_key) AS pick
        FROM m GROUP BY coalition, actor
    )
),
other AS (
    SELECT m.coalition, m.actor, max(m.as_of) AS as_of
    FROM m JOIN latest k ON k.coalition = m.coalition AND k.actor = m.actor
    WHERE m.status <> k.status GROUP BY m.coalition, m.actor
),
since AS (
    SELECT m.coalition, m.actor, min(m.as_of) AS first_reported, min(m.event_at) AS since,
           arg_min(m.event_date_precision, m.event_at) AS since_precision
    FROM m
    JOIN latest k ON k.coalition = m.coalition AND k.actor = m.actor
    LEFT JOIN other o ON o.coalition = m.coalition AND o.actor = m.actor
    WHERE m.status = k.status AND (o.as_of IS NULL OR m.as_of > o.as_of)
    GROUP BY m.coalition, m.actor
)
SELECT k.coalition, k.actor, k.status, coalesce(s.since, l.as_of) AS since,
       l.article_url, l.as_of, l.attributed_to, l.sentence, l.source,
       s.since_precision, coalesce(s.first_reported, l.as_of) AS first_reported
FROM latest k
JOIN (
    SELECT c.id AS claim_id, a.url AS article_url,
           coalesce(a.published_at, a.dated_at, a.fetched_at) AS as_of,
           c.attributed_to, c.sentence, a.source
    FROM claims c JOIN articles a ON a.id = c.article_id
    WHERE c.id IN (SELECT claim_id FROM latest)
) AS l ON l.claim_id = k.claim_id
LEFT JOIN since s ON s.coalition = k.coalition AND s.actor = k.actor;

CREATE OR REPLACE VIEW partnerships AS
WITH m AS MATERIALIZED (
    SELECT actor_a, actor_b, status, as_of, claim_id, event_date_precision,
           coalesce(timezone('UTC', event_date::TIMESTAMP), as_of) AS event_at,
           (as_of, fetched_at, coalesce(span_start, -1), status = 'ended', claim_id) AS rank_key
    FROM partnership_claims
),
latest AS (
    SELECT actor_a, actor_b, pick.status AS status, pick.claim_id AS claim_id
    FROM (
        SELECT actor_a, actor_b,
               arg_max({'status': status, 'claim_id': claim_id}, rank_key) AS pick
        FROM m GROUP BY actor_a, actor_b
    )
),
other AS (
    SELECT m.actor_a, m.actor_b, max(m.as_of) AS as_of
    FROM m JOIN latest k ON k.actor_a = m.actor_a AND k.actor_b = m.actor_b
    WHERE m.status <> k.status GROUP BY m.actor_a, m.actor_b
),
since AS (
    SELECT m.actor_a, m.actor_b, min(m.as_of) AS first_reported, min(m.event_at) AS since,
           arg_min(m.event_date_precision, m.event_at) AS since_precision
    FROM m
    JOIN latest k ON k.actor_a = m.actor_a AND k.actor_b = m.actor_b
    LEFT JOIN other o ON o.actor_a = m.actor_a AND o.actor_b = m.actor_b
    WHERE m.status = k.status AND (o.as_of IS NULL OR m.as_of > o.as_of)
    GROUP BY m.actor_a, m.actor_b
)
SELECT k.actor_a, k.actor_b, l.topic, k.status, coalesce(s.since, l.as_of) AS since,
       l.article_url, l.as_of, l.attributed_to, l.sentence, l.source,
       s.since_precision, coalesce(s.first_reported, l.as_of) AS first_reported
FROM latest k
JOIN (
    SELECT c.id AS claim_id, c.topic, a.url AS article_url,
           coalesce(a.published_at, a.dated_at, a.fetched_at) AS as_of,
           c.attributed_to, c.sentence, a.source
    FROM claims c JOIN articles a ON a.id = c.article_id
    WHERE c.id IN (SELECT claim_id FROM latest)
) AS l ON l.claim_id = k.claim_id
LEFT JOIN since s ON s.actor_a = k.actor_a AND s.actor_b = k.actor_b;

CREATE OR REPLACE VIEW current_state AS
WITH counts AS (
    SELECT coalition,
           arg_max(c, (as_of, coalesce(value, low, high, -1), claim_id)) AS c
    FROM (
        SELECT coalition, value, low, high, approx, as_of, article_url, claim_id
        FROM member_counts WHERE modality = 'asserted'
    ) AS c
    GROUP BY coalition
),
latest AS (
    SELECT coalition, actor,
           arg_max(status, (as_of, fetched_at, coalesce(span_start, -1), status = 'left', claim_id))
               AS status,
           max(as_of) AS as_of
    FROM membership_claims GROUP BY coalition, actor
),
members AS (
    SELECT coalition,
           count(*) FILTER (WHERE status = 'member') AS members_known,
           max(as_of) AS as_of
    FROM latest GROUP BY coalition
),
coalitions AS (
    SELECT coalition FROM counts UNION SELECT coalition FROM members
)
SELECT k.coalition, c.c.value AS value, c.c.low AS low, c.c.high AS high, c.c.approx AS approx,
       coalesce(m.members_known, 0) AS members_known,
       greatest(c.c.as_of, m.as_of) AS as_of,
       c.c.article_url AS count_article_url
FROM coalitions k
LEFT JOIN counts c ON c.coalition = k.coalition
LEFT JOIN members m ON m.coalition = k.coalition;

COMMENT ON VIEW memberships IS 'Latest asserted status per coalition and actor: member or left, since when';
COMMENT ON COLUMN memberships.coalition IS 'Coalition';
COMMENT ON COLUMN memberships.actor IS 'Actor, a national agency read as its country';
COMMENT ON COLUMN memberships.status IS 'member or left';
COMMENT ON COLUMN memberships.since IS 'When this status began: the earliest event date its claims give, else when it was first reported after the last claim saying otherwise';
COMMENT ON COLUMN memberships.article_url IS 'Article of the latest claim';
COMMENT ON COLUMN memberships.as_of IS 'Time of the latest claim';
COMMENT ON COLUMN memberships.attributed_to IS 'Speaker of the latest claim';
COMMENT ON COLUMN memberships.sentence IS 'Sentence of the latest claim';
COMMENT ON COLUMN memberships.source IS 'Source of the latest claim';
COMMENT ON COLUMN memberships.since_precision IS 'Precision of since when an event date gave it (day, month, year); NULL when since is a report time';
COMMENT ON COLUMN memberships.first_reported IS 'When this status was first reported after the last claim saying otherwise';
COMMENT ON VIEW partnerships IS 'Latest asserted status per pair of actors: active or ended, since when';
COMMENT ON COLUMN partnerships.actor_a IS 'First actor of the pair (alphabetical)';
COMMENT ON COLUMN partnerships.actor_b IS 'Second actor of the pair';
COMMENT ON COLUMN partnerships.topic IS 'Topic of the latest claim';
COMMENT ON COLUMN partnerships.status IS 'active or ended';
COMMENT ON COLUMN partnerships.since IS 'When this status began: the earliest event date its claims give, else when it was first reported after the last claim saying otherwise';
COMMENT ON COLUMN partnerships.article_url IS 'Article of the latest claim';
COMMENT ON COLUMN partnerships.as_of IS 'Time of the latest claim';
COMMENT ON COLUMN partnerships.attributed_to IS 'Speaker of the latest claim';
COMMENT ON COLUMN partnerships.sentence IS 'Sentence of the latest claim';
COMMENT ON COLUMN partnerships.source IS 'Source of the latest claim';
COMMENT ON COLUMN partnerships.since_precision IS 'Precision of since when an event date gave it (day, month, year); NULL when since is a report time';
COMMENT ON COLUMN partnerships.first_reported IS 'When this status was first reported after the last claim saying otherwise';
COMMENT ON VIEW partnership_claims IS 'Asserted partnership claims, one row per unordered pair of actors';
COMMENT ON COLUMN partnership_claims.actor_a IS 'First actor of the pair (alphabetical)';
COMMENT ON COLUMN partnership_claims.actor_b IS 'Second actor of the pair';
COMMENT ON COLUMN partnership_claims.status IS 'active (formed) or ended';
COMMENT ON COLUMN partnership_claims.topic IS 'What the partnership is about';
COMMENT ON COLUMN partnership_claims.as_of IS 'Article publication time, else its best available time (articles.dated_at), else fetch time';
COMMENT ON COLUMN partnership_claims.fetched_at IS 'When the article was read';
COMMENT ON COLUMN partnership_claims.span_start IS 'Offset of the sentence in the article (later wins ties)';
COMMENT ON COLUMN partnership_claims.article_url IS 'Article URL';
COMMENT ON COLUMN partnership_claims.source IS 'Source that brought the article';
COMMENT ON COLUMN partnership_claims.attributed_to IS 'Speaker';
COMMENT ON COLUMN partnership_claims.sentence IS 'Sentence of the claim';
COMMENT ON COLUMN partnership_claims.claim_id IS 'Claim (claims.id)';
COMMENT ON COLUMN partnership_claims.article_id IS 'Article (articles.id)';
COMMENT ON COLUMN partnership_claims.event_date IS 'First day of the period the sentence dates the partnership event to; NULL when undated';
COMMENT ON COLUMN partnership_claims.event_date_precision IS 'day, month or year';
COMMENT ON VIEW current_state IS 'One row per coalition: latest asserted count, members known, as of';
COMMENT ON COLUMN current_state.coalition IS 'Coalition';
COMMENT ON COLUMN current_state.value IS 'Latest asserted count';
COMMENT ON COLUMN current_state.low IS 'Its lower bound';
COMMENT ON COLUMN current_state.high IS 'Its upper bound';
COMMENT ON COLUMN current_state.approx IS 'True when the latest count is approximate or a bound';
COMMENT ON COLUMN current_state.members_known IS 'Actors whose latest status is member';
COMMENT ON COLUMN current_state.as_of IS 'Time of the latest count or membership claim';
COMMENT ON COLUMN current_state.count_article_url IS 'Article of the latest count';
