-- One-line descriptions of every table, view and column, stored in the catalog so
-- `pactwatch sql --schema`, `duckdb_tables()`, `duckdb_views()`, `duckdb_columns()`
-- and any DuckDB client show them. A migration that recreates a view (CREATE OR
-- REPLACE drops its comments) repeats that view's comments; a test checks that
-- every table, view and column has one.

COMMENT ON TABLE schema_migrations IS 'Schema migrations applied to this warehouse, one row each';
COMMENT ON COLUMN schema_migrations.version IS 'Migration number (migrations/NNN_name.sql)';
COMMENT ON COLUMN schema_migrations.name IS 'Migration name';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied (UTC)';

COMMENT ON TABLE sources IS 'Configured sources seen by a run: feeds, pages and local paths';
COMMENT ON COLUMN sources.name IS 'Source name from the configuration';
COMMENT ON COLUMN sources.kind IS 'feed, page or path';
COMMENT ON COLUMN sources.location IS 'Feed or page URL, or the local path';
COMMENT ON COLUMN sources.first_seen_at IS 'First run that read this source';
COMMENT ON COLUMN sources.baseline_done IS 'True once the baseline run (state stored, no alerts) has succeeded';

COMMENT ON TABLE fetches IS 'One row per HTTP request or file read: status, validators, size, error';
COMMENT ON COLUMN fetches.id IS 'Row number';
COMMENT ON COLUMN fetches.run_id IS 'Run that made the fetch (runs.id)';
COMMENT ON COLUMN fetches.source IS 'Source name (sources.name)';
COMMENT ON COLUMN fetches.url IS 'URL or file URL read';
COMMENT ON COLUMN fetches.fetched_at IS 'When it was read (UTC)';
COMMENT ON COLUMN fetches.status IS 'HTTP status; NULL for a file or a failed connection';
COMMENT ON COLUMN fetches.etag IS 'ETag the server sent, for conditional GET';
COMMENT ON COLUMN fetches.last_modified IS 'Last-Modified the server sent, as written';
COMMENT ON COLUMN fetches.bytes IS 'Body size in bytes';
COMMENT ON COLUMN fetches.content_type IS 'Content-Type the server sent';
COMMENT ON COLUMN fetches.not_modified IS 'True when the server answered 304 or the file was unchanged';
COMMENT ON COLUMN fetches.error IS 'One-line problem (HTTP error, broken feed); NULL when none';

COMMENT ON TABLE articles IS 'Stored articles: canonical URL, title, dates and extracted main text';
COMMENT ON COLUMN articles.id IS 'Stable article id';
COMMENT ON COLUMN articles.url IS 'Canonical URL (tracking parameters dropped, rel=canonical honoured)';
COMMENT ON COLUMN articles.source IS 'Source that first brought it (sources.name)';
COMMENT ON COLUMN articles.source_url IS 'Feed or page the article was found through';
COMMENT ON COLUMN articles.title IS 'Headline';
COMMENT ON COLUMN articles.published_at IS 'Publication time the source gives (UTC); NULL when none';
COMMENT ON COLUMN articles.fetched_at IS 'When pactwatch read it (UTC)';
COMMENT ON COLUMN articles.content_hash IS 'sha256 of the extracted text; an unchanged text is not extracted again';
COMMENT ON COLUMN articles.text IS 'Extracted main text (no navigation, ads or comments)';
COMMENT ON COLUMN articles.language IS 'Language code when known';
COMMENT ON COLUMN articles.story_id IS 'Same story under other URLs (syndicated or lightly edited copies) share it';
COMMENT ON COLUMN articles.extractor_version IS 'Claim extractor version that read it';
COMMENT ON COLUMN articles.baseline IS 'Stored during a baseline run (its changes were not alerted)';
COMMENT ON COLUMN articles.fingerprint IS '64-bit similarity fingerprint of the text, for near-duplicate stories';

COMMENT ON TABLE actors IS 'Actors named by stored claims: countries, agencies, coalitions, organisations';
COMMENT ON COLUMN actors.id IS 'ISO 3166-1 alpha-2 code for a country, else a lower-case slug';
COMMENT ON COLUMN actors.kind IS 'country, agency, coalition, organisation or person';
COMMENT ON COLUMN actors.name IS 'Display name';
COMMENT ON COLUMN actors.stands_for IS 'Country a national agency stands for when actors are compared (nasa: US)';

COMMENT ON TABLE actor_aliases IS 'Names and abbreviations by which an actor is recognised';
COMMENT ON COLUMN actor_aliases.alias IS 'Name as written in text';
COMMENT ON COLUMN actor_aliases.actor_id IS 'Actor it names (actors.id)';

COMMENT ON TABLE claims IS 'Every claim read from an article: counts, joins, departures, partnerships, with modality and evidence';
COMMENT ON COLUMN claims.id IS 'Stable claim id';
COMMENT ON COLUMN claims.article_id IS 'Article it was read from (articles.id)';
COMMENT ON COLUMN claims.kind IS 'member_count, joined, left, partnership or partnership_ended';
COMMENT ON COLUMN claims.coalition IS 'Coalition of a count, join or departure';
COMMENT ON COLUMN claims.actor IS 'Actor that joined or left';
COMMENT ON COLUMN claims.actors IS 'The sides of a partnership';
COMMENT ON COLUMN claims.value IS 'Exact or approximate member count; NULL for a bound only';
COMMENT ON COLUMN claims.low IS 'Lower bound of the count (more than 50: 51)';
COMMENT ON COLUMN claims.high IS 'Upper bound of the count (fewer than 20: 19)';
COMMENT ON COLUMN claims.approx IS 'True for about, nearly, more than, at least';
COMMENT ON COLUMN claims.ordinal IS 'Coalition-wide ordinal of a join (the 41st to sign: 41)';
COMMENT ON COLUMN claims.topic IS 'What a partnership is about, cut from the sentence';
COMMENT ON COLUMN claims.modality IS 'asserted, hedged or negated; only asserted claims move state';
COMMENT ON COLUMN claims.attributed_to IS 'Speaker when the article reports a statement';
COMMENT ON COLUMN claims.sentence IS 'Sentence the claim was read from';
COMMENT ON COLUMN claims.span_start IS 'Start offset of the sentence in articles.text';
COMMENT ON COLUMN claims.span_end IS 'End offset of the sentence in articles.text';
COMMENT ON COLUMN claims.extractor_version IS 'Claim extractor version that read it';
COMMENT ON COLUMN claims.created_at IS 'When it was stored (UTC)';

COMMENT ON TABLE alerts IS 'The alert outbox: one row per detected change, sent to every channel';
COMMENT ON COLUMN alerts.id IS 'Alert id, also the webhook Idempotency-Key';
COMMENT ON COLUMN alerts.seq IS 'Order of creation';
COMMENT ON COLUMN alerts.kind IS 'member_count_changed, member_joined, member_left, partnership_formed, partnership_ended, source_unhealthy, source_recovered';
COMMENT ON COLUMN alerts.subject IS 'Headline of the alert';
COMMENT ON COLUMN alerts.state_key IS 'Subject whose state changed (a count, a membership, a pair)';
COMMENT ON COLUMN alerts.coalition IS 'Coalition concerned, when any';
COMMENT ON COLUMN alerts.actor IS 'Actor that joined or left, when any';
COMMENT ON COLUMN alerts.actors IS 'The pair of a partnership alert';
COMMENT ON COLUMN alerts.previous IS 'State before the change (JSON, as in the webhook payload)';
COMMENT ON COLUMN alerts.current IS 'State after the change (JSON, as in the webhook payload)';
COMMENT ON COLUMN alerts.created_at IS 'When the change was detected (UTC)';
COMMENT ON COLUMN alerts.run_id IS 'Run that detected it (runs.id)';

COMMENT ON TABLE alert_evidence IS 'Articles behind each alert, kept as a snapshot that survives re-extraction';
COMMENT ON COLUMN alert_evidence.alert_id IS 'Alert (alerts.id)';
COMMENT ON COLUMN alert_evidence.article_id IS 'Article (articles.id)';
COMMENT ON COLUMN alert_evidence.claim_id IS 'Claim at the time (claims.id); may be gone after re-extraction';
COMMENT ON COLUMN alert_evidence.url IS 'Article URL';
COMMENT ON COLUMN alert_evidence.title IS 'Article title';
COMMENT ON COLUMN alert_evidence.published_at IS 'Article publication time';
COMMENT ON COLUMN alert_evidence.sentence IS 'Sentence of the claim';
COMMENT ON COLUMN alert_evidence.attributed_to IS 'Speaker of the claim';
COMMENT ON COLUMN alert_evidence.source IS 'Source that brought the article';
COMMENT ON COLUMN alert_evidence.added_at IS 'When this evidence was added to the alert';

COMMENT ON TABLE deliveries IS 'One row per alert and channel: delivery state, attempts, next retry';
COMMENT ON COLUMN deliveries.alert_id IS 'Alert (alerts.id)';
COMMENT ON COLUMN deliveries.channel IS 'Channel name';
COMMENT ON COLUMN deliveries.status IS 'pending, delivered or failed';
COMMENT ON COLUMN deliveries.attempts IS 'Attempts so far';
COMMENT ON COLUMN deliveries.last_error IS 'One-line error of the last failed attempt';
COMMENT ON COLUMN deliveries.next_attempt_at IS 'Earliest time of the next attempt (backoff)';
COMMENT ON COLUMN deliveries.delivered_at IS 'When the channel accepted it';
COMMENT ON COLUMN deliveries.created_at IS 'When the delivery was queued';
COMMENT ON COLUMN deliveries.lease_until IS 'A deliverer holds the row until then, so it is never sent twice at once';

COMMENT ON TABLE runs IS 'One row per pipeline run: status and summary';
COMMENT ON COLUMN runs.id IS 'Run id';
COMMENT ON COLUMN runs.started_at IS 'Start (UTC)';
COMMENT ON COLUMN runs.finished_at IS 'End (UTC); NULL while running';
COMMENT ON COLUMN runs.status IS 'running, ok, failed, crashed or interrupted';
COMMENT ON COLUMN runs.summary IS 'Counts and problems of the run (JSON)';

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
COMMENT ON COLUMN member_counts.as_of IS 'Time the figure is judged by: published_at, else fetch time';
COMMENT ON COLUMN member_counts.source IS 'Source that brought the article';
COMMENT ON COLUMN member_counts.article_title IS 'Article title';
COMMENT ON COLUMN member_counts.claim_id IS 'Claim (claims.id)';
COMMENT ON COLUMN member_counts.article_id IS 'Article (articles.id)';

COMMENT ON VIEW membership_claims IS 'Asserted joins and departures per coalition and actor (agencies as their country)';
COMMENT ON COLUMN membership_claims.coalition IS 'Coalition';
COMMENT ON COLUMN membership_claims.actor IS 'Actor, a national agency read as its country';
COMMENT ON COLUMN membership_claims.status IS 'member (joined) or left';
COMMENT ON COLUMN membership_claims.as_of IS 'Article publication time, else fetch time';
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
COMMENT ON COLUMN memberships.since IS 'When this status was first reported after the last claim saying otherwise';
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
COMMENT ON COLUMN partnership_claims.as_of IS 'Article publication time, else fetch time';
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
COMMENT ON COLUMN partnerships.since IS 'When this status was first reported after the last claim saying otherwise';
COMMENT ON COLUMN partnerships.article_url IS 'Article of the latest claim';
COMMENT ON COLUMN partnerships.as_of IS 'Time of the latest claim';
COMMENT ON COLUMN partnerships.attributed_to IS 'Speaker of the latest claim';
COMMENT ON COLUMN partnerships.sentence IS 'Sentence of the latest claim';
COMMENT ON COLUMN partnerships.source IS 'Source of the latest claim';

COMMENT ON VIEW current_state IS 'One row per coalition: latest asserted count, members known, as of';
COMMENT ON COLUMN current_state.coalition IS 'Coalition';
COMMENT ON COLUMN current_state.value IS 'Latest asserted count';
COMMENT ON COLUMN current_state.low IS 'Its lower bound';
COMMENT ON COLUMN current_state.high IS 'Its upper bound';
COMMENT ON COLUMN current_state.approx IS 'True when the latest count is approximate or a bound';
COMMENT ON COLUMN current_state.members_known IS 'Actors whose latest status is member';
COMMENT ON COLUMN current_state.as_of IS 'Time of the latest count or membership claim';
COMMENT ON COLUMN current_state.count_article_url IS 'Article of the latest count';

COMMENT ON VIEW conflicts IS 'Asserted exact counts of one coalition in one calendar month that disagree';
COMMENT ON COLUMN conflicts.coalition IS 'Coalition';
COMMENT ON COLUMN conflicts.period IS 'Month the figures are dated in';
COMMENT ON COLUMN conflicts.figures IS 'Number of different figures';
COMMENT ON COLUMN conflicts.articles IS 'Articles giving them';
COMMENT ON COLUMN conflicts.summary IS 'Who says what (2 articles say 13, 1 article says 17)';
COMMENT ON COLUMN conflicts.breakdown IS 'Per figure: value, articles, sources, article URLs';
