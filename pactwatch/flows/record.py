"""Store a batch and detect what it changed, in one transaction.

This is orchestration, not alerting: it joins the warehouse's writes and
`pactwatch.alerts.detect` in one transaction, as plain functions (no Prefect),
so the pipeline, `pactwatch reextract`, tests and benchmarks share them.
Claims, alerts, evidence and outbox rows commit together: a process that dies
afterwards loses nothing (the outbox still holds the deliveries), and one that
dies before commit leaves no half-recorded state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from pactwatch.alerts.detect import detect
from pactwatch.alerts.options import AlertOptions
from pactwatch.parsers.event_dates import with_event_dates
from pactwatch.parsers.model import Article, Claim
from pactwatch.warehouse.articles import StoreResult, articles_for_reextract, store_articles
from pactwatch.warehouse.claims import replace_claims
from pactwatch.warehouse.db import DEFAULT_WRITE_LOCK_TIMEOUT, Location, open_writer, transaction

__all__ = [
    "RecordResult",
    "ReextractResult",
    "record_and_detect",
    "reextract_all",
    "reextract_and_detect",
]


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What one batch did to the warehouse."""

    store: StoreResult
    new_alert_ids: list[str] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        return self.store.article_ids

    @property
    def changed_article_ids(self) -> list[str]:
        """New articles and articles whose text changed."""
        return self.store.changed_article_ids

    @property
    def new_claim_ids(self) -> list[str]:
        return self.store.new_claim_ids


@dataclass(frozen=True, slots=True)
class ReextractResult:
    """What `reextract_all` did: articles read again, claims extracted, alerts raised."""

    articles: int = 0
    claims: int = 0
    changed_article_ids: list[str] = field(default_factory=list)
    new_alert_ids: list[str] = field(default_factory=list)

    @property
    def alerts_new(self) -> int:
        return len(self.new_alert_ids)


def record_and_detect(
    con: duckdb.DuckDBPyConnection,
    source: str,
    batch: Sequence[tuple[Article, Sequence[Claim]]],
    *,
    extractor_version: str,
    fetched_at: datetime,
    baseline: bool,
    channels: Sequence[str],
    options: AlertOptions,
    now: datetime,
    run_id: str | None = None,
) -> RecordResult:
    """store_articles + detect for one source's batch, atomically.

    `baseline` says this batch is the source's baseline read: it records state
    and raises nothing (the caller decides from `options.baseline` and whether
    the source completed a run before).
    """
    with transaction(con):
        stored = store_articles(
            con, source, batch, extractor_version=extractor_version, fetched_at=fetched_at
        )
        alert_ids = detect(
            con,
            article_ids=stored.changed_article_ids,
            baseline_sources={source} if baseline else set(),
            channels=channels,
            options=options,
            now=now,
            run_id=run_id,
        )
    return RecordResult(store=stored, new_alert_ids=alert_ids)


def reextract_and_detect(
    con: duckdb.DuckDBPyConnection,
    batch: Sequence[tuple[str, Sequence[Claim]]],
    *,
    extractor_version: str,
    channels: Sequence[str],
    options: AlertOptions,
    now: datetime,
    run_id: str | None = None,
) -> tuple[list[str], list[str]]:
    """Replace claims of stored articles (article id, new claims) and detect, atomically.

    Returns (ids of articles whose claims changed, new alert ids). Articles keep
    their baseline mark, so re-extracting a baseline read stays silent, and
    alert ids are deterministic, so nothing already announced is announced again.
    """
    with transaction(con):
        changed = [
            article_id
            for article_id, claims in batch
            if replace_claims(con, article_id, claims, extractor_version, now=now)
        ]
        alert_ids = detect(
            con,
            article_ids=changed,
            channels=channels,
            options=options,
            now=now,
            run_id=run_id,
        )
    return changed, alert_ids


Extract = Callable[[str, str | None], Sequence[Claim]]


def reextract_all(
    path: Location,
    *,
    extract: Extract,
    extractor_version: str,
    channels: Sequence[str],
    options: AlertOptions,
    now: datetime,
    only_outdated: bool = True,
    lock_timeout: float = DEFAULT_WRITE_LOCK_TIMEOUT,
    run_id: str | None = None,
) -> ReextractResult:
    """`pactwatch reextract`: run `extract(text, title)` over stored articles again.

    Reads in one short connection, extracts with the warehouse closed, writes
    claims + alerts in another (one transaction). With `only_outdated`, only
    articles extracted by another extractor version are read again.
    """
    with open_writer(path, lock_timeout=lock_timeout) as con:
        stored = articles_for_reextract(
            con, extractor_version=extractor_version if only_outdated else None
        )
    batch = [
        (s.id, with_event_dates(extract(s.article.text, s.article.title), s.article.published_at))
        for s in stored
    ]
    if not batch:
        return ReextractResult()
    with open_writer(path, lock_timeout=lock_timeout) as con:
        changed, alert_ids = reextract_and_detect(
            con,
            batch,
            extractor_version=extractor_version,
            channels=channels,
            options=options,
            now=now,
            run_id=run_id,
        )
    return ReextractResult(
        articles=len(batch),
        claims=sum(len(claims) for _, claims in batch),
        changed_article_ids=changed,
        new_alert_ids=alert_ids,
    )
