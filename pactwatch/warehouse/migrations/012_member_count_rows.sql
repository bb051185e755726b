-- member_counts stored, not computed on each read (issue 15). Over a million
-- claims the view joined claims to articles on every read: 0.6 s for 360k rows.
-- Its rows now live in member_count_rows, filled here from the view as it was
-- (migration 007) and kept by the writers in the transaction of each write that
-- changes them (pactwatch.warehouse.count_rows): articles stored or stored again,
-- claims inserted or replaced, the fetch time of an undated article moved. The
-- view keeps its name, columns, order and rows; current_state and conflicts read
-- it as before. No key: DuckLake has none, and claim_id is unique by construction
-- (one row per claim and basis; a claim is a count or a join, never both).

CREATE TABLE member_count_rows (
    coalition VARCHAR NOT NULL,
    value BIGINT,
    low BIGINT,
    high BIGINT,
    approx BOOLEAN,
    published_at TIMESTAMPTZ,
    article_url VARCHAR NOT NULL,
    attributed_to VARCHAR,
    modality VARCHAR NOT NULL,
    sentence VARCHAR NOT NULL,
    basis VARCHAR NOT NULL,
    as_of TIMESTAMPTZ NOT NULL,
    source VARCHAR NOT NULL,
    article_title VARCHAR,
    claim_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    event_date DATE,
    event_date_precision VARCHAR
);

INSERT INTO member_count_rows
SELECT coalition, value, low, high, approx, published_at, article_url, attributed_to,
       modality, sentence, basis, as_of, source, article_title, claim_id, article_id,
       event_date, event_date_precision
FROM member_counts;

CREATE OR REPLACE VIEW member_counts AS
SELECT coalition, value, low, high, approx, published_at, article_url, attributed_to,
       modality, sentence, basis, as_of, source, article_title, claim_id, article_id,
       event_date, event_date_precision
FROM member_count_rows;

COMMENT ON TABLE member_count_rows IS 'The rows of member_counts, kept by the writers with the claims and articles they come from (derived: pactwatch.warehouse.count_rows rebuilds them)';
COMMENT ON COLUMN member_count_rows.coalition IS 'Coalition';
COMMENT ON COLUMN member_count_rows.value IS 'Count; NULL for a bound only';
COMMENT ON COLUMN member_count_rows.low IS 'Lower bound';
COMMENT ON COLUMN member_count_rows.high IS 'Upper bound';
COMMENT ON COLUMN member_count_rows.approx IS 'True for an approximate figure or a bound';
COMMENT ON COLUMN member_count_rows.published_at IS 'Article publication time';
COMMENT ON COLUMN member_count_rows.article_url IS 'Article URL';
COMMENT ON COLUMN member_count_rows.attributed_to IS 'Speaker';
COMMENT ON COLUMN member_count_rows.modality IS 'asserted, hedged or negated';
COMMENT ON COLUMN member_count_rows.sentence IS 'Sentence of the claim';
COMMENT ON COLUMN member_count_rows.basis IS 'stated (a figure) or ordinal (the 41st to join implies 41)';
COMMENT ON COLUMN member_count_rows.as_of IS 'Time the figure is judged by: published_at, else dated_at, else fetch time';
COMMENT ON COLUMN member_count_rows.source IS 'Source that brought the article';
COMMENT ON COLUMN member_count_rows.article_title IS 'Article title';
COMMENT ON COLUMN member_count_rows.claim_id IS 'Claim (claims.id)';
COMMENT ON COLUMN member_count_rows.article_id IS 'Article (articles.id)';
COMMENT ON COLUMN member_count_rows.event_date IS 'First day of the period the sentence dates the figure to (in 2024: 2024-01-01); NULL when undated';
COMMENT ON COLUMN member_count_rows.event_date_precision IS 'day, month or year';

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
COMMENT ON COLUMN member_counts.event_date IS 'First day of the period the sentence dates the figure to (in 2024: 2024-01-01); NULL when undated';
COMMENT ON COLUMN member_counts.event_date_precision IS 'day, month or year';
