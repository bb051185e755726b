-- Base schema: sources, fetches, articles, actors, claims, alerts, outbox, runs.
-- Claims are what an article says, never facts; views below derive state from them.

CREATE TABLE sources (
    name          VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    location      VARCHAR,
    first_seen_at TIMESTAMPTZ NOT NULL,
    baseline_done BOOLEAN NOT NULL DEFAULT false
);

CREATE SEQUENCE fetches_id_seq;

CREATE TABLE fetches (
    id            BIGINT PRIMARY KEY DEFAULT nextval('fetches_id_seq'),
    run_id        VARCHAR,
    source        VARCHAR,
    url           VARCHAR NOT NULL,
    fetched_at    TIMESTAMPTZ NOT NULL,
    status        INTEGER,
    etag          VARCHAR,
    last_modified VARCHAR,
    bytes         BIGINT,
    content_type  VARCHAR,
    not_modified  BOOLEAN NOT NULL DEFAULT false,
    error         VARCHAR
);

CREATE TABLE articles (
    id                VARCHAR PRIMARY KEY,
    url               VARCHAR NOT NULL UNIQUE,
    source            VARCHAR NOT NULL,
    source_url        VARCHAR,
    title             VARCHAR,
    published_at      TIMESTAMPTZ,
    fetched_at        TIMESTAMPTZ NOT NULL,
    content_hash      VARCHAR NOT NULL,
    text              VARCHAR NOT NULL,
    language          VARCHAR,
    story_id          VARCHAR,
    extractor_version VARCHAR,
    baseline          BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE actors (
    id         VARCHAR PRIMARY KEY,
    kind       VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    stands_for VARCHAR
);

CREATE TABLE actor_aliases (
    alias    VARCHAR NOT NULL,
    actor_id VARCHAR NOT NULL,
    PRIMARY KEY (alias, actor_id)
);

CREATE TABLE claims (
    id                VARCHAR PRIMARY KEY,
    article_id        VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,
    coalition         VARCHAR,
    actor             VARCHAR,
    actors            VARCHAR[],
    value             BIGINT,
    low               BIGINT,
    high              BIGINT,
    approx            BOOLEAN NOT NULL DEFAULT false,
    ordinal           BIGINT,
    topic             VARCHAR,
    modality          VARCHAR NOT NULL,
    attributed_to     VARCHAR,
    sentence          VARCHAR NOT NULL,
    span_start        INTEGER,
    span_end          INTEGER,
    extractor_version VARCHAR,
    created_at        TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE alerts_seq;

CREATE TABLE alerts (
    id          VARCHAR PRIMARY KEY,
    seq         BIGINT NOT NULL DEFAULT nextval('alerts_seq'),
    kind        VARCHAR NOT NULL,
    subject     VARCHAR NOT NULL,
    state_key   VARCHAR NOT NULL,
    coalition   VARCHAR,
    actor       VARCHAR,
    actors      VARCHAR[],
    previous    JSON,
    current     JSON,
    created_at  TIMESTAMPTZ NOT NULL,
    run_id      VARCHAR
);

-- Evidence is a snapshot: it survives re-extraction replacing the claims it came from.
CREATE TABLE alert_evidence (
    alert_id      VARCHAR NOT NULL,
    article_id    VARCHAR NOT NULL,
    claim_id      VARCHAR,
    url           VARCHAR,
    title         VARCHAR,
    published_at  TIMESTAMPTZ,
    sentence      VARCHAR,
    attributed_to VARCHAR,
    source        VARCHAR,
    added_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (alert_id, article_id)
);

CREATE TABLE deliveries (
    alert_id        VARCHAR NOT NULL,
    channel         VARCHAR NOT NULL,
    status          VARCHAR NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      VARCHAR,
    next_attempt_at TIMESTAMPTZ,
    delivered_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (alert_id, channel)
);

CREATE TABLE runs (
    id          VARCHAR PRIMARY KEY,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL DEFAULT 'running',
    summary     JSON
);

CREATE INDEX fetches_url_idx ON fetches (url);
CREATE INDEX claims_article_idx ON claims (article_id);
