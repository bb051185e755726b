-- Event time beside publication time (issue 12).
--
-- claims.event_date / event_date_precision: when the claim's sentence dates the
-- event ("signed in 2023": 2023-01-01, 'year'), resolved against the article's
-- published_at by pactwatch.parsers.event_dates. articles.dated_at: the best
-- available time of an article with no published_at (a page's Last-Modified, a
-- file's modification time, else its place in fetch order), so undated articles
-- read in one run replay in a stable order instead of by id.
--
-- Views: every as_of is published_at, else dated_at, else fetched_at; the claim
-- views carry event_date and event_date_precision; memberships and partnerships
-- take `since` from the earliest event date of the current status (else when it
-- was first reported, as before) and add since_precision and first_reported. All
-- columns are added at the end: existing ones keep their names and places.
-- `disagreements` lists figures about the same moment that differ (the rule the
-- alert payload's `conflict` follows); `conflicts` (same calendar month) is kept.

ALTER TABLE claims ADD COLUMN event_date DATE;
ALTER TABLE claims ADD COLUMN event_date_precision VARCHAR;
ALTER TABLE articles ADD COLUMN dated_at TIMESTAMPTZ;

COMMENT ON COLUMN claims.event_date IS 'First day of the period the sentence dates the event to (signed in 2023: 2023-01-01); NULL when undated';
COMMENT ON COLUMN claims.event_date_precision IS 'Precision of event_date: day, month or year';
COMMENT ON COLUMN articles.dated_at IS 'Best available time when published_at is NULL: Last-Modified, file modification time, else fetch order';

CREATE OR REPLACE VIEW member_counts AS
SELECT c.coalition, c.value, c.low, c.high, c.approx,
       a.published_at, a.url AS article_url, c.attributed_to, c.modality, c.sentence,
       'stated' AS basis,
       coalesce(a.published_at, a.dated_at, a.fetched_at) AS as_of,
       a.source, a.title AS article_title, c.id AS claim_id, c.article_id,
       c.event_date, c.event_date_precision
FROM claims c JOIN articles a ON a.id = c.article_id
WHERE c.kind = 'member_count' AND c.coalition IS NOT NULL
UNION ALL
-- "became the 41st member" implies a count of 41
SELECT c.coalition, c.ordinal, c.ordinal, c.ordinal, false,
       a.published_at, a.url, c.attributed_to, c.modality, c.sentence,
       'ordinal',
       coalesce(a.published_at, a.dated_at, a.fetched_at),
       a.source, a.title, c.id, c.article_id,
       c.event_date, c.event_date_precision
FROM claims c JOIN articles a ON a.id = c.article_id
WHERE c.kind = 'joined' AND c.ordinal IS NOT NULL AND c.coalition IS NOT NULL;

CREATE OR REPLACE VIEW membership_claims AS
SELECT c.coalition,
       coalesce(x.stands_for, c.actor) AS actor,
       CASE c.kind WHEN 'joined' THEN 'member' ELSE 'left' END AS status,
       coalesce(a.published_at, a.dated_at, a.fetched_at) AS as_of,
       a.fetched_at, c.span_start, a.url AS article_url, a.source,
       c.attributed_to, c.sentence, c.id AS claim_id, c.article_id,
       c.event_date, c.event_date_precision
FROM claims c
JOIN articles a ON a.id = c.article_id
LEFT JOIN actors x ON x.id = c.actor
WHERE c.kind IN ('joined', 'left') AND c.modality = 'asserted'
  AND c.coalition IS NOT NULL AND c.actor IS NOT NULL;

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
    SELECT m.coalition, m.actor, min(m.as_of) AS first_reported,
           min(coalesce(timezone('UTC', m.event_date::TIMESTAMP), m.as_of)) AS since,
           arg_min(m.event_date_precision, coalesce(timezone('UTC', m.event_date::TIMESTAMP), m.as_of))
               AS since_precision
    FROM membership_claims m
    JOIN latest l ON l.coalition = m.coalition AND l.actor = m.actor
    LEFT JOIN other o ON o.coalition = m.coalition AND o.actor = m.actor
    WHERE m.status = l.status AND (o.as_of IS NULL OR m.as_of > o.as_of)
    GROUP BY m.coalition, m.actor
)
SELECT l.coalition, l.actor, l.status, coalesce(s.since, l.as_of) AS since, l.article_url,
       l.as_of, l.attributed_to, l.sentence, l.source,
       s.since_precision, coalesce(s.first_reported, l.as_of) AS first_reported
FROM latest l LEFT JOIN since s ON s.coalition = l.coalition AND s.actor = l.actor;

CREATE OR REPLACE VIEW partnership_claims AS
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
       coalesce(a.published_at, a.dated_at, a.fetched_at) AS as_of,
       a.fetched_at, c.span_start, a.url AS article_url, a.source,
       c.attributed_to, c.sentence, c.id AS claim_id, c.article_id,
       c.event_date, c.event_date_precision
FROM ua p
JOIN ua q ON q.claim_id = p.claim_id AND p.actor < q.actor
JOIN claims c ON c.id = p.claim_id
JOIN articles a ON a.id = c.article_id;

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
    SELECT m.actor_a, m.actor_b, min(m.as_of) AS first_reported,
           min(coalesce(timezone('UTC', m.event_date::TIMESTAMP), m.as_of)) AS since,
           arg_min(m.event_date_precision, coalesce(timezone('UTC', m.event_date::TIMESTAMP), m.as_of))
               AS since_precision
    FROM partnership_claims m
    JOIN latest l ON l.actor_a = m.actor_a AND l.actor_b = m.actor_b
    LEFT JOIN other o ON o.actor_a = m.actor_a AND o.actor_b = m.actor_b
    WHERE m.status = l.status AND (o.as_of IS NULL OR m.as_of > o.as_of)
    GROUP BY m.actor_a, m.actor_b
)
SELECT l.actor_a, l.actor_b, l.topic, l.status, coalesce(s.since, l.as_of) AS since,
       l.article_url, l.as_of, l.attributed_to, l.sentence, l.source,
       s.since_precision, coalesce(s.first_reported, l.as_of) AS first_reported
FROM latest l LEFT JOIN since s ON s.actor_a = l.actor_a AND s.actor_b = l.actor_b;

-- Figures about the same moment that differ. Two asserted exact figures for one
-- coalition are about the same moment when they come from the same article, give
-- the same event date (at the same precision), or were published within `hours`
-- of each other by different sources, unless both give event dates and those
-- differ. A figure published later by the same outlet, or days later, is a change,
-- not a disagreement. One row per anchor figure with something to disagree with.
CREATE MACRO disagreements_within(hours) AS TABLE
WITH figs AS (
    SELECT coalition, value, article_id, article_url, source, as_of, event_date,
           event_date_precision, claim_id
    FROM member_counts
    WHERE modality = 'asserted' AND basis = 'stated' AND value IS NOT NULL AND NOT approx
),
moments AS (
    SELECT a.claim_id AS anchor, a.coalition, a.as_of AS anchor_as_of, f.value, f.article_url,
           f.source, f.as_of
    FROM figs a JOIN figs f ON f.coalition = a.coalition AND (
        f.article_id = a.article_id
        OR (a.event_date IS NOT NULL AND f.event_date = a.event_date
            AND f.event_date_precision = a.event_date_precision)
        OR (f.source <> a.source
            AND abs(epoch(f.as_of) - epoch(a.as_of)) <= hours * 3600
            AND NOT (a.event_date IS NOT NULL AND f.event_date IS NOT NULL
                     AND (f.event_date <> a.event_date
                          OR f.event_date_precision <> a.event_date_precision)))
    )
),
per_value AS (
    SELECT anchor, coalition, anchor_as_of, value,
           count(DISTINCT article_url) AS articles,
           count(DISTINCT source) AS sources,
           list(DISTINCT article_url ORDER BY article_url) AS article_urls,
           min(as_of) AS first_as_of
    FROM moments GROUP BY anchor, coalition, anchor_as_of, value
)
SELECT coalition, anchor AS anchor_claim_id, anchor_as_of,
       min(first_as_of) AS period,
       count(*) AS figures,
       sum(articles) AS articles,
       string_agg(
           articles::VARCHAR || CASE WHEN articles = 1 THEN ' article says ' ELSE ' articles say ' END
               || value::VARCHAR,
           ', ' ORDER BY articles DESC, value
       ) AS summary,
       list({'value': value, 'articles': articles, 'sources': sources, 'article_urls': article_urls}
            ORDER BY articles DESC, value) AS breakdown
FROM per_value
GROUP BY coalition, anchor, anchor_as_of
HAVING count(*) > 1;

-- The same rule with the default window (48 hours), one row per distinct set of
-- disagreeing figures. The alert payload applies `[alerts] conflict_window`.
CREATE VIEW disagreements AS
SELECT coalition, min(period) AS period, any_value(figures) AS figures,
       any_value(articles) AS articles, any_value(summary) AS summary, breakdown
FROM disagreements_within(48)
GROUP BY coalition, breakdown;

COMMENT ON VIEW member_counts IS 'Every member count claim, stated or implied by a join ordinal, with its article';
COMMENT ON COLUMN member_counts.coalition IS 'Coalition';
COMMENT ON COLUMN member_counts.value IS 'Count; NULL for a bound only';
COMMENT ON COLUMN member_counts.low IS 'Lower bound';
COMMENT ON COLUMN member_counts.high IS 'Upper bound';
COMMENT ON COLUMN member_counts.approx IS 'True for an approximate figure or a bound';
COMMENT ON COLUMN member_counts.published_at IS 'Article publication time';
COMMENT ON COLUMN member_counts.article_url IS 'Article URL';
COMMENT ON COLUMN member_counts.attributed_to IS 'Speaker';
COMMENT ON COLUMN member_counts.modality IS 'asserted, hedged or negated';
COMMENT ON COLUMN member_counts.sentence IS 'Sentence of the claim';
COMMENT ON COLUMN member_counts.basis IS 'stated (a figure) or ordinal (the 41st to join implies 41)';
COMMENT ON COLUMN member_counts.as_of IS 'Time the figure is judged by: published_at, else dated_at, else fetch time';
COMMENT ON COLUMN member_counts.source IS 'Source that brought the article';
COMMENT ON COLUMN member_counts.article_title IS 'Article title';
COMMENT ON COLUMN member_counts.claim_id IS 'Claim (claims.id)';
COMMENT ON COLUMN member_counts.article_id IS 'Article (articles.id)';
COMMENT ON VIEW membership_claims IS 'Asserted joins and departures per coalition and actor (agencies as their country)';
COMMENT ON COLUMN membership_claims.coalition IS 'Coalition';
COMMENT ON COLUMN membership_claims.actor IS 'Actor, a national agency read as its country';
COMMENT ON COLUMN membership_claims.status IS 'member (joined) or left';
COMMENT ON COLUMN membership_claims.as_of IS 'Article publication time, else its best available time (articles.dated_at), else fetch time';
COMMENT ON COLUMN membership_claims.fetched_at IS 'When the article was read';
COMMENT ON COLUMN membership_claims.span_start IS 'Offset of the sentence in the article (later wins ties)';
COMMENT ON COLUMN membership_claims.article_url IS 'Article URL';
COMMENT ON COLUMN membership_claims.source IS 'Source that brought the article';
COMMENT ON COLUMN membership_claims.attributed_to IS 'Speaker';
COMMENT ON COLUMN membership_claims.sentence IS 'Sentence of the claim';
COMMENT ON COLUMN membership_claims.claim_id IS 'Claim (claims.id)';
COMMENT ON COLUMN membership_claims.article_id IS 'Article (articles.id)';
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
COMMENT ON COLUMN member_counts.event_date IS 'First day of the period the sentence dates the figure to (in 2024: 2024-01-01); NULL when undated';
COMMENT ON COLUMN member_counts.event_date_precision IS 'day, month or year';
COMMENT ON COLUMN membership_claims.event_date IS 'First day of the period the sentence dates the join or departure to; NULL when undated';
COMMENT ON COLUMN membership_claims.event_date_precision IS 'day, month or year';
COMMENT ON COLUMN memberships.since_precision IS 'Precision of since when an event date gave it (day, month, year); NULL when since is a report time';
COMMENT ON COLUMN memberships.first_reported IS 'When this status was first reported after the last claim saying otherwise';
COMMENT ON COLUMN partnership_claims.event_date IS 'First day of the period the sentence dates the partnership event to; NULL when undated';
COMMENT ON COLUMN partnership_claims.event_date_precision IS 'day, month or year';
COMMENT ON COLUMN partnerships.since_precision IS 'Precision of since when an event date gave it (day, month, year); NULL when since is a report time';
COMMENT ON COLUMN partnerships.first_reported IS 'When this status was first reported after the last claim saying otherwise';

COMMENT ON VIEW disagreements IS 'Asserted exact counts about the same moment that differ (same article, same event date, or other outlets within 48 hours)';
COMMENT ON COLUMN disagreements.coalition IS 'Coalition';
COMMENT ON COLUMN disagreements.period IS 'Earliest publication among the disagreeing figures';
COMMENT ON COLUMN disagreements.figures IS 'Number of different figures';
COMMENT ON COLUMN disagreements.articles IS 'Articles giving them';
COMMENT ON COLUMN disagreements.summary IS 'Who says what (1 article says 15, 1 article says 17)';
COMMENT ON COLUMN disagreements.breakdown IS 'Per figure: value, articles, sources, article URLs';
