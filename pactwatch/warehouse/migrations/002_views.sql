-- Views users query by name (DESIGN section 5). Event time is the article's
-- published_at, or its fetch time when the source gives none. Whenever actors
-- are compared, a national agency stands for its country (actors.stands_for).

CREATE VIEW member_counts AS
SELECT c.coalition, c.value, c.low, c.high, c.approx,
       a.published_at, a.url AS article_url, c.attributed_to, c.modality, c.sentence,
       'stated' AS basis,
       coalesce(a.published_at, a.fetched_at) AS as_of,
       a.source, a.title AS article_title, c.id AS claim_id, c.article_id
FROM claims c JOIN articles a ON a.id = c.article_id
WHERE c.kind = 'member_count' AND c.coalition IS NOT NULL
UNION ALL
-- "became the 41st member" implies a count of 41
SELECT c.coalition, c.ordinal, c.ordinal, c.ordinal, false,
       a.published_at, a.url, c.attributed_to, c.modality, c.sentence,
       'ordinal',
       coalesce(a.published_at, a.fetched_at),
       a.source, a.title, c.id, c.article_id
FROM claims c JOIN articles a ON a.id = c.article_id
WHERE c.kind = 'joined' AND c.ordinal IS NOT NULL AND c.coalition IS NOT NULL;

CREATE VIEW membership_claims AS
SELECT c.coalition,
       coalesce(x.stands_for, c.actor) AS actor,
       CASE c.kind WHEN 'joined' THEN 'member' ELSE 'left' END AS status,
       coalesce(a.published_at, a.fetched_at) AS as_of,
       a.fetched_at, c.span_start, a.url AS article_url, a.source,
       c.attributed_to, c.sentence, c.id AS claim_id, c.article_id
FROM claims c
JOIN articles a ON a.id = c.article_id
LEFT JOIN actors x ON x.id = c.actor
WHERE c.kind IN ('joined', 'left') AND c.modality = 'asserted'
  AND c.coalition IS NOT NULL AND c.actor IS NOT NULL;

-- status is that of the latest asserted claim (later in the text breaks ties
-- within an article); since is when that status was first reported after the
-- last claim saying otherwise; article_url is the latest claim's article.
CREATE VIEW memberships AS
WITH ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY coalition, actor ORDER BY as_of DESC, fetched_at DESC, span_start DESC
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

-- One row per unordered pair of (normalised) actors named by a partnership claim.
CREATE VIEW partnership_claims AS
WITH ua AS (
    SELECT DISTINCT c.id AS claim_id, coalesce(x.stands_for, u.actor) AS actor
    FROM claims c
    CROSS JOIN unnest(c.actors) AS u(actor)
    LEFT JOIN actors x ON x.id = u.actor
    WHERE c.kind IN ('partnership', 'partnership_ended') AND c.modality = 'asserted'
)
SELECT p.actor AS actor_a, q.actor AS actor_b,
       CASE c.kind WHEN 'partnership' THEN 'active' ELSE 'ended' END AS status,
       c.topic,
       coalesce(a.published_at, a.fetched_at) AS as_of,
       a.fetched_at, c.span_start, a.url AS article_url, a.source,
       c.attributed_to, c.sentence, c.id AS claim_id, c.article_id
FROM ua p
JOIN ua q ON q.claim_id = p.claim_id AND p.actor < q.actor
JOIN claims c ON c.id = p.claim_id
JOIN articles a ON a.id = c.article_id;

CREATE VIEW partnerships AS
WITH ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY actor_a, actor_b ORDER BY as_of DESC, fetched_at DESC, span_start DESC
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

CREATE VIEW current_state AS
WITH counts AS (
    SELECT coalition, value, low, high, approx, as_of, article_url,
           row_number() OVER (
               PARTITION BY coalition
               ORDER BY as_of DESC, coalesce(value, low, high) DESC NULLS LAST
           ) AS rn
    FROM member_counts WHERE modality = 'asserted'
),
members AS (
    SELECT coalition,
           count(*) FILTER (WHERE status = 'member') AS members_known,
           max(as_of) AS as_of
    FROM memberships GROUP BY coalition
),
coalitions AS (
    SELECT coalition FROM counts UNION SELECT coalition FROM members
)
SELECT k.coalition, c.value, c.low, c.high, c.approx,
       coalesce(m.members_known, 0) AS members_known,
       greatest(c.as_of, m.as_of) AS as_of,
       c.article_url AS count_article_url
FROM coalitions k
LEFT JOIN counts c ON c.coalition = k.coalition AND c.rn = 1
LEFT JOIN members m ON m.coalition = k.coalition;

-- Issue 6: asserted exact counts for the same coalition in the same calendar
-- month that disagree. Both claims are kept; this view says who says what.
CREATE VIEW conflicts AS
WITH figs AS (
    SELECT coalition, date_trunc('month', as_of) AS period, value,
           count(DISTINCT article_url) AS articles,
           count(DISTINCT source) AS sources,
           list(DISTINCT article_url ORDER BY article_url) AS article_urls
    FROM member_counts
    WHERE modality = 'asserted' AND basis = 'stated' AND value IS NOT NULL AND NOT approx
    GROUP BY coalition, date_trunc('month', as_of), value
)
SELECT coalition, period,
       count(*) AS figures,
       sum(articles) AS articles,
       string_agg(
           articles::VARCHAR || CASE WHEN articles = 1 THEN ' article says ' ELSE ' articles say ' END
               || value::VARCHAR,
           ', ' ORDER BY articles DESC, value
       ) AS summary,
       list({'value': value, 'articles': articles, 'sources': sources, 'article_urls': article_urls}
            ORDER BY articles DESC, value) AS breakdown
FROM figs
GROUP BY coalition, period
HAVING count(*) > 1;
