"""The warehouse's write surface, as the pipeline uses it: one import for a run's writes.

Each function lives in the module of its table family (`sources`, `fetches`,
`articles`, `claims`, `actors`, `runs`); this module only gathers them. Functions
take an open writer connection and never commit on their own when the caller
already opened a transaction (see `pactwatch.warehouse.db.transaction`), so a
run can store claims and the alerts they cause atomically.
"""

from __future__ import annotations

from pactwatch.warehouse.actors import upsert_actors
from pactwatch.warehouse.articles import (
    StoredArticle,
    StoreResult,
    article_id_for,
    articles_for_reextract,
    canonical_url,
    known_hashes,
    known_urls,
    last_fetched,
    store_articles,
)
from pactwatch.warehouse.claims import claim_id_for, replace_claims
from pactwatch.warehouse.fetches import (
    FetchRecord,
    fetch_validators,
    file_validators,
    latest_validators,
    record_fetch,
    record_fetches,
)
from pactwatch.warehouse.runs import finish_run, start_run
from pactwatch.warehouse.sources import (
    baseline_pending,
    baselines_pending,
    ensure_source,
    ensure_sources,
    mark_baseline_done,
    mark_baselines_done,
)

__all__ = [
    "FetchRecord",
    "StoreResult",
    "StoredArticle",
    "article_id_for",
    "articles_for_reextract",
    "baseline_pending",
    "baselines_pending",
    "canonical_url",
    "claim_id_for",
    "ensure_source",
    "ensure_sources",
    "fetch_validators",
    "file_validators",
    "finish_run",
    "known_hashes",
    "known_urls",
    "last_fetched",
    "latest_validators",
    "mark_baseline_done",
    "mark_baselines_done",
    "record_fetch",
    "record_fetches",
    "replace_claims",
    "start_run",
    "store_articles",
    "upsert_actors",
]
