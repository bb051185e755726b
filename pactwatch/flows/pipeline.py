"""The Prefect flow: fetch -> parse+extract -> store+detect -> deliver, in few batched tasks.

A task call costs about 20 ms and a flow run about a second, so the work is
batched: one fetch task per source (so transient failures retry per source),
one extraction task for the whole run, one store-and-detect task, one delivery
task. The work itself lives in plain functions (`pactwatch.flows.ingest`, `warehouse`,
`alerts`) that tests call without Prefect.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.futures import PrefectFuture
from prefect.runtime import task_run as current_task_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import Task

from pactwatch.alerts.outbox import DeliveryReport
from pactwatch.clock import now_utc
from pactwatch.errors import FetchError, PactwatchError, is_transient
from pactwatch.parsers.claims import EXTRACTOR_VERSION
from pactwatch.parsers.model import Article, Claim
from pactwatch.warehouse import store
from pactwatch.warehouse.db import open_writer

from .channels import build_channels
from .config import Config, SourceConfig, load_config
from .ingest import FetchRow, Harvest, collect_source, extract_documents
from .publish import publish_task
from .record import record_and_detect
from .runtime import (
    alert_options,
    deliver,
    gazetteer_for,
    load_extractor,
    make_fetcher,
    select_sources,
)


@dataclass
class SourceOutcome:
    name: str
    ok: bool = True
    articles: int = 0
    new_articles: int = 0
    claims: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    """What a run did; the CLI prints it and derives the exit code from it."""

    run_id: str
    sources: list[SourceOutcome] = field(default_factory=list)
    alerts_new: int = 0
    deliveries: DeliveryReport | None = None
    report: str | None = None  # the refreshed `[report] path`
    report_error: str | None = None

    @property
    def failed_sources(self) -> list[SourceOutcome]:
        return [s for s in self.sources if not s.ok]

    @property
    def ok(self) -> bool:
        delivery_failed = bool(
            self.deliveries and (self.deliveries.failed or self.deliveries.errors)
        )
        return not self.failed_sources and not delivery_failed

    def lines(self) -> list[str]:
        """Human summary, one line per fact, for stderr."""
        new_articles = sum(s.new_articles for s in self.sources)
        claims = sum(s.claims for s in self.sources)
        out = [
            f"run {self.run_id}: {len(self.sources)} source(s), "
            f"{len(self.failed_sources)} failed; {new_articles} new or changed article(s), "
            f"{claims} claim(s); {self.alerts_new} new alert(s)"
        ]
        if self.deliveries is not None:
            d = self.deliveries
            out.append(
                f"deliveries: {d.delivered} delivered, {d.still_pending} pending, {d.failed} failed"
            )
        if self.report:
            out.append(f"report: {self.report}")
        if self.report_error:
            out.append(f"warning: report not written: {self.report_error}")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "sources": [s.__dict__ for s in self.sources],
            "alerts_new": self.alerts_new,
            "deliveries": self.deliveries.__dict__ if self.deliveries else None,
            "report": self.report,
        }


def _transient(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry only what may heal by itself: timeouts, 429, 5xx (`TransientFetchError`)."""
    exc = state.data if isinstance(state.data, BaseException) else None
    if exc is None:
        try:
            state.result()
        except BaseException as raised:  # the state re-raises the task's exception
            exc = raised
    return exc is not None and is_transient(exc)


@dataclass(frozen=True, slots=True)
class RunPlan:
    """What a run reads from the warehouse before fetching (`prepare_task`)."""

    first: Mapping[str, bool]  # source -> still in its baseline run
    validators: Mapping[str, tuple[str | None, str | None]]  # URL -> (ETag, Last-Modified)
    known: frozenset[str]  # article URLs already stored
    digests: Mapping[str, Mapping[str, str]]  # path source -> file URL -> content digest
    hashes: Mapping[str, str]  # page URL -> content hash of its stored text
    seen: Mapping[str, datetime]  # article URL -> when we last read it


@dataclass(frozen=True, slots=True)
class Extraction:
    """One source's articles with their claims, and the problems met extracting them."""

    source: str
    batch: tuple[tuple[Article, tuple[Claim, ...]], ...]
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stored:
    """What `store_task` wrote: one outcome per source, and how many alerts are new."""

    outcomes: tuple[SourceOutcome, ...]
    alerts_new: int


@task(name="prepare", cache_policy=NO_CACHE)
def prepare_task(cfg: Config, run_id: str, sources: Sequence[SourceConfig]) -> RunPlan:
    """Register sources and the run; read conditional-GET validators and known URLs."""
    gaz = gazetteer_for(cfg)
    with open_writer(cfg.warehouse_path, lock_timeout=cfg.lock_timeout) as con:
        store.upsert_actors(con, gaz.actors())
        store.start_run(con, run_id, started_at=now_utc())
        for s in sources:
            store.ensure_source(con, s.name, s.kind, s.location)
        # A source stays in baseline until one run has read it successfully.
        first = {s.name: store.baseline_pending(con, s.name) for s in sources}
        validators = {
            s.location: store.fetch_validators(con, s.location) for s in sources if s.kind != "path"
        }
        digests = {s.name: store.file_validators(con, s.name) for s in sources if s.kind == "path"}
        known = store.known_urls(con)
        seen = store.last_fetched(con)
        # Page sources are re-read when they change; an unchanged text is not re-extracted.
        hashes = store.known_hashes(con, [s.location for s in sources if s.kind == "page"])
    return RunPlan(
        first=first,
        validators=validators,
        known=frozenset(known),
        digests=digests,
        hashes=hashes,
        seen=seen,
    )


def _failed_harvest(source: SourceConfig, exc: PactwatchError) -> Harvest:
    return Harvest(
        source=source.name,
        fetches=[
            FetchRow(url=source.location, status=getattr(exc, "status", None), error=str(exc))
        ],
        problems=[str(exc)],
        failed=True,
    )


# The longest a fetch task waits for a server's Retry-After before its retry. A
# longer wish (Retry-After: 3600) is cut to this: the retry then likely fails
# again, the source is recorded as failed, and the next scheduled run tries anew.
RETRY_AFTER_CAP = 30.0


def _honour_retry_after(exc: FetchError, *, retry_delay: float) -> None:
    """Sleep what the server asked for (429/503 Retry-After), up to RETRY_AFTER_CAP,
    less the `retry_delay` Prefect waits anyway before the retry."""
    if exc.retry_after is None:
        return
    wait = min(exc.retry_after, RETRY_AFTER_CAP) - retry_delay
    if wait > 0:
        time.sleep(wait)


@task(name="fetch-source", cache_policy=NO_CACHE, retry_condition_fn=_transient)
def fetch_task(
    cfg: Config,
    source: SourceConfig,
    validators: Mapping[str, tuple[str | None, str | None]],
    known: Collection[str],
    digests: Mapping[str, str],
    retries: int,
    seen: Mapping[str, datetime] | None = None,
) -> Harvest:
    """Read one source. Transient errors raise (Prefect retries them); on the last
    attempt, and for terminal errors, the failure becomes data in the harvest."""
    f = cfg.fetch
    try:
        with make_fetcher(cfg) as fetcher:
            return collect_source(
                source,
                fetcher=fetcher,
                validators=validators,
                known_urls=known,
                follow_links=f.follow_links,
                max_links=f.max_links,
                file_digests=digests,
                last_fetched=seen,
            )
    except PactwatchError as exc:
        if is_transient(exc) and current_task_run.run_count <= retries:
            if isinstance(exc, FetchError):
                _honour_retry_after(exc, retry_delay=f.retry_delay)
            raise
        return _failed_harvest(source, exc)


@task(name="parse-and-extract", cache_policy=NO_CACHE)
def extract_task(
    cfg: Config, harvests: Sequence[Harvest], known_hashes: Mapping[str, str]
) -> tuple[Extraction, ...]:
    """Articles and claims for every harvest, in harvest order; the harvests are left as
    they are (their problems and the extraction's travel separately to `store_task`)."""
    gaz = gazetteer_for(cfg)
    out: list[Extraction] = []
    for h in harvests:
        batch, problems = extract_documents(
            h.documents, gazetteer=gaz, model=cfg.extract.model, known_hashes=known_hashes
        )
        out.append(
            Extraction(
                source=h.source,
                batch=tuple((article, tuple(claims)) for article, claims in batch),
                problems=tuple(problems),
            )
        )
    return tuple(out)


@task(name="store-and-detect", cache_policy=NO_CACHE)
def store_task(
    cfg: Config,
    run_id: str,
    harvests: Sequence[Harvest],
    extractions: Sequence[Extraction],
    first: Mapping[str, bool],
) -> Stored:
    """Write fetches, articles, claims, alerts and outbox rows: one transaction per source."""
    channel_names = [c.name for c in cfg.channels]
    options = alert_options(cfg)
    extracted = {e.source: e for e in extractions}
    outcomes: list[SourceOutcome] = []
    alerts_new = 0
    with open_writer(cfg.warehouse_path, lock_timeout=cfg.lock_timeout) as con:
        for h in harvests:
            ex = extracted.get(h.source)
            outcome = SourceOutcome(
                name=h.source,
                ok=not h.failed,
                problems=[*h.problems, *(ex.problems if ex else ())],
            )
            for row in h.fetches:
                store.record_fetch(con, run_id=run_id, source=h.source, **row.__dict__)
            batch = ex.batch if ex else ()
            if batch:
                src = cfg.source(h.source)
                baseline = src.baseline if src.baseline is not None else options.baseline
                result = record_and_detect(
                    con,
                    h.source,
                    batch,
                    extractor_version=EXTRACTOR_VERSION,
                    fetched_at=now_utc(),
                    baseline=baseline and first.get(h.source, False),
                    channels=channel_names,
                    options=options,
                    now=now_utc(),
                    run_id=run_id,
                )
                outcome.articles = len(batch)
                outcome.new_articles = len(result.changed_article_ids)
                outcome.claims = len(result.new_claim_ids)
                alerts_new += len(result.new_alert_ids)
            if not h.failed:
                store.mark_baseline_done(con, h.source)
            outcomes.append(outcome)
    return Stored(outcomes=tuple(outcomes), alerts_new=alerts_new)


def _crash_point(step: str) -> None:
    """Test hook: `PACTWATCH_TEST_CRASH_AFTER=store` kills the process right after that
    step has committed (exit status 137, as SIGKILL gives), so tests can prove that
    alerts detected but not yet delivered are not lost."""
    if os.environ.get("PACTWATCH_TEST_CRASH_AFTER") == step:
        os._exit(137)


@task(name="deliver", cache_policy=NO_CACHE)
def deliver_task(cfg: Config) -> DeliveryReport:
    return deliver(cfg)


@flow(
    name="pactwatch-run",
    # `pactwatch run` sets [fetch] workers through configured_flow(); scheduled runs
    # (a fresh process) read it from the environment that `pactwatch serve` sets.
    task_runner=ThreadPoolTaskRunner(  # type: ignore[arg-type]
        max_workers=int(os.environ.get("PACTWATCH_FETCH__WORKERS", "4"))
    ),
    log_prints=False,
)
def pactwatch_run(
    config_path: str | None = None, source_names: list[str] | None = None
) -> RunSummary:
    """One pipeline run: fetch, parse, extract, store, detect changes, deliver alerts."""
    cfg = load_config(config_path)
    build_channels(cfg.channels)  # fail on a missing secret before fetching anything
    load_extractor(cfg)  # and on a missing spaCy model
    sources = select_sources(cfg, source_names)
    run_id = uuid.uuid4().hex[:12]
    summary = RunSummary(run_id=run_id)
    prep = prepare_task(cfg, run_id, sources)
    try:
        retries = cfg.fetch.retries
        fetch = fetch_task.with_options(retries=retries, retry_delay_seconds=cfg.fetch.retry_delay)
        futures: list[tuple[SourceConfig, PrefectFuture[Harvest]]] = [
            (
                s,
                fetch.submit(
                    cfg,
                    s,
                    prep.validators,
                    prep.known,
                    prep.digests.get(s.name, {}),
                    retries,
                    prep.seen,
                ),
            )
            for s in sources
        ]
        harvests: list[Harvest] = []
        for src, fut in futures:
            try:
                harvests.append(fut.result())
            except PactwatchError as exc:
                # Retries exhausted on a transient error: record it and go on with the others.
                harvests.append(_failed_harvest(src, exc))

        extractions = extract_task(cfg, harvests, prep.hashes)
        stored = store_task(cfg, run_id, harvests, extractions, prep.first)
        _crash_point("store")
        summary.sources = list(stored.outcomes)
        summary.alerts_new = stored.alerts_new
        summary.deliveries = deliver_task(cfg)
        published = publish_task(cfg, run_id)
        summary.report, summary.report_error = published.report, published.report_error
        with open_writer(cfg.warehouse_path, lock_timeout=cfg.lock_timeout) as con:
            store.finish_run(
                con,
                run_id,
                finished_at=now_utc(),
                status="ok" if summary.ok else "failed",
                summary=summary.as_dict(),
            )
        return summary
    except Exception as exc:
        # Leave the truth in `runs`, then let the error surface as it would anyway.
        with (
            contextlib.suppress(Exception),
            open_writer(cfg.warehouse_path, lock_timeout=cfg.lock_timeout) as con,
        ):
            store.finish_run(
                con,
                run_id,
                finished_at=now_utc(),
                status="crashed",
                summary={"error": f"{type(exc).__name__}: {exc}"},
            )
        raise


def configured_flow(cfg: Config) -> Any:
    """The run flow with `[fetch] workers` threads for the per-source fetch tasks."""
    return pactwatch_run.with_options(
        task_runner=ThreadPoolTaskRunner(max_workers=cfg.fetch.workers)  # type: ignore[arg-type]
    )
