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
import queue
import sys
import threading
import time
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

import duckdb
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run as current_flow_run
from prefect.runtime import task_run as current_task_run
from prefect.states import Failed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import Task
from prefect.utilities.annotations import quote

from pactwatch.alerts.outbox import DeliveryReport
from pactwatch.clock import now_utc
from pactwatch.errors import FetchError, PactwatchError, TransientFetchError, is_transient
from pactwatch.parsers.claims import EXTRACTOR_VERSION
from pactwatch.parsers.nlp import ModelMissing
from pactwatch.warehouse import store
from pactwatch.warehouse.db import open_writer, transaction
from pactwatch.warehouse.fetches import FetchRecord
from pactwatch.warehouse.lake import redact

from . import progress
from .channels import build_channels
from .config import Config, SourceConfig, load_config
from .health import judge_health
from .ingest import (
    Extraction,
    FetchRow,
    Harvest,
    collect_source,
    extract_documents,
    join_chunks,
)
from .interrupt import reclaim_signals
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

if TYPE_CHECKING:
    from .dask_runner import DaskExtractor

T = TypeVar("T")


@dataclass
class SourceOutcome:
    name: str
    ok: bool = True
    articles: int = 0
    new_articles: int = 0
    claims: int = 0
    problems: list[str] = field(default_factory=list)
    fetched: int = 0  # requests and file reads
    not_modified: int = 0  # of which answered "not modified" (or an unchanged file)
    alerts: int = 0  # new alerts from this source's articles


@dataclass
class RunSummary:
    """What a run did; the CLI prints it and derives the exit code from it."""

    run_id: str
    sources: list[SourceOutcome] = field(default_factory=list)
    alerts_new: int = 0
    deliveries: DeliveryReport | None = None
    report_path: str | None = None  # the refreshed `[report] path`
    report_error: str | None = None
    health: list[str] = field(default_factory=list)  # health alerts this run raised

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
            out.append(f"deliveries: {self.deliveries.line()}")
        if self.report_path:
            out.append(f"report: {self.report_path}")
        if self.report_error:
            out.append(f"warning: report not written: {self.report_error}")
        return out

    def report(self, *, quiet: bool = False) -> list[str]:
        """What `pactwatch run` (and each run under `serve`) prints on stderr: a line
        per problem, then the summary (with `quiet`, only when something failed)."""
        out = [
            f"pactwatch: {'warning' if o.ok else 'error'}: source {o.name}: {problem}"
            for o in self.sources
            for problem in o.problems
        ]
        out += [f"pactwatch: warning: {line}" for line in self.health]
        if self.deliveries:
            out += [f"pactwatch: warning: delivery: {e}" for e in self.deliveries.errors]
        if not quiet or not self.ok:
            out += [f"pactwatch: {line}" for line in self.lines()]
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "sources": [s.__dict__ for s in self.sources],
            "alerts_new": self.alerts_new,
            "deliveries": self.deliveries.__dict__ if self.deliveries else None,
            "report": self.report_path,
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
        store.ensure_sources(con, [(s.name, s.kind, s.location) for s in sources])
        # A source stays in baseline until one run has read it successfully.
        first = store.baselines_pending(con, [s.name for s in sources])
        validators = store.latest_validators(con, [s.location for s in sources if s.kind != "path"])
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


def _q(value: T) -> T:
    """`value` wrapped in Prefect's `quote()` for a task parameter: the task receives
    `value` itself, and Prefect does not walk its elements looking for futures (for
    every task, at a cost that grows with the collection)."""
    return cast(T, quote(value))


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


def _honour_retry_after(
    exc: FetchError, *, retry_delay: float, limit: float = RETRY_AFTER_CAP
) -> None:
    """Sleep what the server asked for (429/503 Retry-After), up to RETRY_AFTER_CAP
    and `limit`, less the `retry_delay` Prefect waits anyway before the retry."""
    if exc.retry_after is None:
        return
    wait = min(exc.retry_after, RETRY_AFTER_CAP, limit) - retry_delay
    if wait > 0:
        time.sleep(wait)


# Each source's budget ends at a monotonic time fixed when its first attempt starts,
# so retries share it (key: "run_id:source").
_DEADLINES: dict[str, float] = {}
_DEADLINES_LOCK = threading.Lock()


def _source_deadline(key: str, budget: float) -> float:
    with _DEADLINES_LOCK:
        return _DEADLINES.setdefault(key, time.monotonic() + budget)


@task(name="fetch-source", cache_policy=NO_CACHE, retry_condition_fn=_transient)
def fetch_task(
    cfg: Config,
    source: SourceConfig,
    validators: Mapping[str, tuple[str | None, str | None]],
    known: Collection[str],
    digests: Mapping[str, str],
    retries: int,
    seen: Mapping[str, datetime] | None = None,
    budget_key: str | None = None,
) -> Harvest:
    """Read one source within its budget (`[fetch] source_budget` seconds, retries
    included). Transient errors raise (Prefect retries them) while the budget allows
    a retry; on the last attempt, and for terminal errors, the failure becomes data
    in the harvest."""
    f = cfg.fetch
    deadline = _source_deadline(budget_key or source.name, f.source_budget)
    try:
        with make_fetcher(cfg, deadline=deadline) as fetcher:
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
        left = deadline - time.monotonic()
        if is_transient(exc) and current_task_run.run_count <= retries and left > f.retry_delay:
            if isinstance(exc, FetchError):
                _honour_retry_after(exc, retry_delay=f.retry_delay, limit=left - f.retry_delay)
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
    """Write fetches, articles, claims, alerts and outbox rows: one transaction per source
    with articles, and one for all the sources without (`store_quiet`)."""
    extracted = {e.source: e for e in extractions}
    quiet = [h for h in harvests if not _articles_of(extracted.get(h.source))]
    outcomes: dict[str, SourceOutcome] = {}
    with open_writer(cfg.warehouse_path, lock_timeout=cfg.lock_timeout) as con:
        for outcome in store_quiet(con, run_id, quiet, extracted):
            outcomes[outcome.name] = outcome
        for h in harvests:
            if h.source not in outcomes:
                outcomes[h.source], _ = store_harvest(
                    con, cfg, run_id, h, extracted.get(h.source), first=first.get(h.source, False)
                )
    ordered = tuple(outcomes[h.source] for h in harvests)
    return Stored(outcomes=ordered, alerts_new=sum(o.alerts for o in ordered))


def _articles_of(ex: Extraction | None) -> bool:
    return bool(ex and ex.batch)


def _outcome(h: Harvest, ex: Extraction | None) -> SourceOutcome:
    """A source's outcome before its articles are stored (fetches, problems)."""
    return SourceOutcome(
        name=h.source,
        ok=not h.failed,
        problems=[*h.problems, *(ex.problems if ex else ())],
        fetched=len(h.fetches),
        not_modified=sum(1 for row in h.fetches if row.not_modified),
    )


def _fetch_records(run_id: str, harvests: Sequence[Harvest]) -> list[FetchRecord]:
    at = now_utc()
    return [
        FetchRecord(run_id=run_id, source=h.source, fetched_at=at, **row.__dict__)
        for h in harvests
        for row in h.fetches
    ]


def store_quiet(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    harvests: Sequence[Harvest],
    extractions: Mapping[str, Extraction] | None = None,
) -> list[SourceOutcome]:
    """Sources with no article to store (answered "not modified", unchanged files, every
    link known, pages unchanged, or failed): their fetch rows and baseline marks, all in
    ONE transaction and two statements. Nothing here describes an article, so these
    rows need no transaction of their own: if they are lost, the next run asks again
    with the validators it had."""
    extractions = extractions or {}
    outcomes = [_outcome(h, extractions.get(h.source)) for h in harvests]
    if not harvests:
        return outcomes
    with transaction(con):
        store.record_fetches(con, _fetch_records(run_id, harvests))
        store.mark_baselines_done(con, [h.source for h in harvests if not h.failed])
    return outcomes


def store_harvest(
    con: duckdb.DuckDBPyConnection,
    cfg: Config,
    run_id: str,
    h: Harvest,
    ex: Extraction | None,
    *,
    first: bool,
) -> tuple[SourceOutcome, int]:
    """One source's fetch rows, articles, claims, alerts, outbox rows and baseline mark,
    in ONE transaction: the fetch rows hold the validators and file digests that make
    the next run skip what this one read, so they must never commit without the
    articles they describe (a kill in between would lose those articles for good)."""
    options = alert_options(cfg)
    outcome = _outcome(h, ex)
    new_alerts = 0
    with transaction(con):
        store.record_fetches(con, _fetch_records(run_id, [h]))
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
                baseline=baseline and first,
                channels=[c.name for c in cfg.channels],
                options=options,
                now=now_utc(),
                run_id=run_id,
            )
            outcome.articles = len(batch)
            outcome.new_articles = len(result.changed_article_ids)
            outcome.claims = len(result.new_claim_ids)
            new_alerts = outcome.alerts = len(result.new_alert_ids)
        if not h.failed:
            store.mark_baselines_done(con, [h.source])
    return outcome, new_alerts


@task(name="source-health", cache_policy=NO_CACHE)
def health_task(
    cfg: Config, run_id: str, sources: Sequence[SourceConfig], entries: dict[str, dict[str, Any]]
) -> list[str]:
    """Queue the health alerts this run makes due (`flows.health`); a line for each."""
    return judge_health(cfg, run_id, sources, entries)


def _crash_point(step: str) -> None:
    """Test hook: `PACTWATCH_TEST_CRASH_AFTER=store` kills the process right after that
    step has committed (exit status 137, as SIGKILL gives), so tests can prove that
    alerts detected but not yet delivered are not lost."""
    if os.environ.get("PACTWATCH_TEST_CRASH_AFTER") == step:
        os._exit(137)


@task(name="deliver", cache_policy=NO_CACHE)
def deliver_task(cfg: Config) -> DeliveryReport:
    return deliver(cfg)


# Sources whose fetch ends past its budget plus this are given up as stuck
# (the fetch deadline should have ended them; this is the last line of defence).
_STUCK_GRACE = 5.0


@dataclass
class _Live:
    """Where the current run stands, for an interrupt handler in the same process."""

    run_id: str | None = None
    flow_run_id: str | None = None
    warehouse: str | None = None


live = _Live()


def new_run_id() -> str:
    """A run's id: its row in `runs`, and its Prefect flow-run name."""
    return uuid.uuid4().hex[:12]


def run_markdown(summary: RunSummary) -> str:
    """The run as a Prefect markdown artifact: one row per source, then deliveries."""
    rows = [
        f"# pactwatch run {summary.run_id}",
        "",
        "| source | result | fetched | not modified | new articles | claims | alerts | errors |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for o in summary.sources:
        errors = "; ".join(p.replace("|", "\\|") for p in o.problems) or ""
        rows.append(
            f"| {o.name} | {'ok' if o.ok else 'failed'} | {o.fetched} | {o.not_modified}"
            f" | {o.new_articles} | {o.claims} | {o.alerts} | {errors} |"
        )
    rows += ["", *summary.lines()]
    return "\n".join(rows) + "\n"


def _publish(summary: RunSummary) -> None:
    """The run's artifact in Prefect (key `pactwatch-run`, one version per run)."""
    from prefect.artifacts import create_markdown_artifact

    try:
        create_markdown_artifact(
            markdown=run_markdown(summary),
            key="pactwatch-run",
            description=summary.lines()[0],
        )
    except Exception as exc:  # the run's data is in the warehouse; the artifact is a view
        progress.reporter().step(f"could not publish the run's artifact ({type(exc).__name__})")


@flow(
    name="pactwatch-run",
    flow_run_name=new_run_id,
    # `pactwatch run` sets [fetch] workers through configured_flow(); scheduled runs
    # (a fresh process) read it from the environment that `pactwatch serve` sets.
    task_runner=ThreadPoolTaskRunner(  # type: ignore[arg-type]
        max_workers=int(os.environ.get("PACTWATCH_FETCH__WORKERS", "4"))
    ),
    log_prints=False,
)
def pactwatch_run(config_path: str | None = None, source_names: list[str] | None = None) -> Any:
    """One pipeline run: fetch, parse, extract, store, detect changes, deliver alerts.

    Returns the `RunSummary`; under `pactwatch serve` (PACTWATCH_SERVED set), a run
    with a failed source or delivery ends in Prefect's Failed state instead, so the
    flow run says what `pactwatch run`'s exit code would (and automations can fire).
    """
    reclaim_signals()  # `pactwatch run`: Ctrl-C and SIGTERM stop at once (flows.interrupt)
    cfg = load_config(config_path)
    build_channels(cfg.channels)  # fail on a missing secret before fetching anything
    load_extractor(cfg)  # and on a missing spaCy model
    sources = select_sources(cfg, source_names)
    run_id = str(current_flow_run.name or new_run_id())
    live.run_id, live.warehouse = run_id, str(cfg.warehouse_path)
    live.flow_run_id = str(current_flow_run.id) if current_flow_run.id else None
    summary = RunSummary(run_id=run_id)
    show = progress.reporter()
    show.step(f"run {run_id}: reading the warehouse")
    prep = prepare_task(_q(cfg), run_id, _q(sources))
    try:
        show.sources(len(sources))
        show.step(f"fetching {len(sources)} source(s)")
        with _extractor(cfg) as extractor:
            stored = _fetch_and_store(cfg, run_id, sources, prep, extractor)
        _crash_point("store")
        summary.sources = [o for o, _ in stored]
        summary.alerts_new = sum(n for _, n in stored)
        summary.health = health_task(
            _q(cfg), run_id, _q(sources), _q(_health_entries(summary.sources))
        )
        summary.alerts_new += len(summary.health)
        show.step("delivering alerts")
        summary.deliveries = deliver_task(_q(cfg))
        published = publish_task(_q(cfg), run_id)
        summary.report_path, summary.report_error = published.report, published.report_error
        with open_writer(cfg.warehouse_path, lock_timeout=cfg.lock_timeout) as con:
            store.finish_run(
                con,
                run_id,
                finished_at=now_utc(),
                status="ok" if summary.ok else "failed",
                summary=summary.as_dict(),
            )
        _publish(summary)
        if os.environ.get("PACTWATCH_SERVED"):
            # Scheduled runs say what `pactwatch run` says, on serve's stderr.
            print("\n".join(summary.report()), file=sys.stderr, flush=True)
            if not summary.ok:
                return Failed(message="; ".join(summary.lines()))
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
                summary={"error": redact(f"{type(exc).__name__}: {exc}", lake=cfg.lake)},
            )
        raise


def _fetch_and_store(
    cfg: Config,
    run_id: str,
    sources: Sequence[SourceConfig],
    prep: RunPlan,
    extractor: DaskExtractor | None = None,
) -> list[tuple[SourceOutcome, int]]:
    """Fetch every source in parallel; extract and store each one as soon as it is
    fetched, in completion order, so a slow source never holds back the others'
    articles and alerts. A source still running past its budget is recorded failed.

    A source with nothing to extract (not modified, unchanged, every link known, or
    failed) is held up to `_HOLD` seconds and stored with the others held, or with
    the next source that has articles: opening and closing the warehouse per source
    cost a rerun over a hundred unchanged feeds most of its time.

    With a Dask `extractor`, a fetched source's documents go to the workers in chunks
    and the loop goes on receiving other sources; the source is stored when its last
    chunk is back (still one store transaction per source, in this process)."""
    retries = cfg.fetch.retries
    fetch = fetch_task.with_options(retries=retries, retry_delay_seconds=cfg.fetch.retry_delay)
    budget = cfg.fetch.source_budget
    futures: dict[PrefectFuture[Harvest], SourceConfig] = {
        fetch.submit(
            # quote(): Prefect would otherwise walk every element of these (all known
            # URLs, every source of the configuration) looking for futures, for every
            # task: seconds per source at 10k.
            _q(cfg),
            _q(s),
            _q(prep.validators),
            _q(prep.known),
            _q(prep.digests.get(s.name, {})),
            retries,
            _q(prep.seen),
            budget_key=f"{run_id}:{s.name}",
        ): s
        for s in sources
    }
    # Queued sources start as workers free up; each has `budget` from its start.
    waves = -(-len(sources) // max(1, cfg.fetch.workers))
    limit = (budget + _STUCK_GRACE) * max(1, waves) + _retry_allowance(cfg)
    # Completion order through our own queue: Prefect's `as_completed(timeout=)` arms a
    # SIGALRM that would cancel whatever this thread runs when it fires (a store).
    # Events: a fetch done (its future), or a source's Dask chunks all back (its name).
    done: queue.Queue[PrefectFuture[Harvest] | str] = queue.Queue()
    for fut in futures:
        fut.add_done_callback(done.put)
    stores = _Stores(cfg, run_id, prep, extractor, done.put)
    end = time.monotonic() + limit
    fetching = len(futures)
    while fetching or stores.extracting:
        try:
            event = done.get(timeout=stores.wait(end if fetching else None))
        except queue.Empty:
            if not stores.flush_due() and time.monotonic() >= end:
                fetching = 0  # the stuck ones are given up below
            continue
        if isinstance(event, str):
            stores.chunks_back(event)
        elif fetching:  # a fetch that ends after it was given up stays given up
            fetching -= 1
            src = futures[event]
            try:
                harvest = event.result()
            except PactwatchError as exc:
                # Retries exhausted on a transient error: record it and go on with the others.
                harvest = _failed_harvest(src, exc)
            stores.fetched(harvest)
    for src in sources:
        if not stores.has(src.name):
            stuck = TransientFetchError(
                f"{src.location}: still fetching after {limit:.0f}s; given up for this run"
            )
            stores.fetched(_failed_harvest(src, stuck))
    stores.flush()
    return [stores.done[s.name] for s in sources]


# How long a fetched source with nothing to extract may wait to be stored with others.
_HOLD = 2.0


class _Stores:
    """A run's sources from fetched to stored. One with articles is extracted and
    stored at once (on Dask: when its chunks are back); one without is held up to
    `_HOLD` seconds and then stored with the others held, or earlier with the next
    source stored, in the same writer session."""

    def __init__(
        self,
        cfg: Config,
        run_id: str,
        prep: RunPlan,
        extractor: DaskExtractor | None,
        notify: Callable[[str], None],
    ) -> None:
        self.cfg, self.run_id, self.prep = cfg, run_id, prep
        self.extractor = extractor
        self.notify = notify  # called with a source's name when its Dask chunks are back
        self.done: dict[str, tuple[SourceOutcome, int]] = {}
        self.extracting: dict[str, tuple[Harvest, list[PrefectFuture[Extraction]]]] = {}
        self.held: list[Harvest] = []
        self.held_until = 0.0

    def has(self, name: str) -> bool:
        return name in self.done or any(h.source == name for h in self.held)

    def wait(self, end: float | None) -> float | None:
        """Seconds to wait for the next event: until `end` or the held sources are due."""
        ends = ([end] if end is not None else []) + ([self.held_until] if self.held else [])
        return max(0.0, min(ends) - time.monotonic()) if ends else None

    def fetched(self, harvest: Harvest) -> None:
        if not harvest.documents:
            if not self.held:
                self.held_until = time.monotonic() + _HOLD
            self.held.append(harvest)
        elif self.extractor is not None:
            on_done = partial(self.notify, harvest.source)
            chunks = self.extractor.submit(harvest, self.prep.hashes, on_done)
            self.extracting[harvest.source] = (harvest, chunks)
        else:
            held = self._take()
            self.done.update(_extract_and_store(self.cfg, self.run_id, harvest, self.prep, held))

    def chunks_back(self, name: str) -> None:
        harvest, chunks = self.extracting.pop(name)
        held = self._take()
        self.done.update(_store_chunks(self.cfg, self.run_id, harvest, chunks, self.prep, held))

    def flush_due(self) -> bool:
        """Store the held sources if their time has come; whether it had."""
        if not self.held or time.monotonic() < self.held_until:
            return False
        self.flush()
        return True

    def flush(self) -> None:
        held = self._take()
        if held:
            self.done.update(_store_and_report(self.cfg, self.run_id, held, (), self.prep))

    def _take(self) -> list[Harvest]:
        held, self.held = self.held, []
        return held


def _store_chunks(
    cfg: Config,
    run_id: str,
    harvest: Harvest,
    chunks: Sequence[PrefectFuture[Extraction]],
    prep: RunPlan,
    held: Sequence[Harvest] = (),
) -> dict[str, tuple[SourceOutcome, int]]:
    """Store a source whose chunks came back from Dask (with the `held` sources). A
    chunk that failed (a worker lost for good) fails the source for this run, and its
    fetch rows are not stored, so the next run reads those documents again: nothing
    is lost."""
    try:
        extraction = join_chunks(harvest.source, [c.result() for c in chunks])
    except ModelMissing:
        raise
    except Exception as exc:
        detail = str(exc).splitlines()[0] if str(exc) else ""
        failed = PactwatchError(
            f"parse-and-extract on Dask failed ({type(exc).__name__}{': ' if detail else ''}"
            f"{detail}); the source is read again next run"
        )
        lost = _failed_harvest(cfg.source(harvest.source), failed)
        return _store_and_report(cfg, run_id, [*held, lost], (), prep)
    return _store_and_report(cfg, run_id, [*held, harvest], (extraction,), prep)


def _extractor(cfg: Config) -> contextlib.AbstractContextManager[DaskExtractor | None]:
    """Dask workers for parse-and-extract under `[run] task_runner = "dask"`, else none
    (the default: extraction runs in this process, as it always has)."""
    if cfg.run.task_runner == "dask":
        from .dask_runner import DaskExtractor

        return DaskExtractor(cfg)
    return contextlib.nullcontext()


def _health_entries(outcomes: Sequence[SourceOutcome]) -> dict[str, dict[str, Any]]:
    """This run's verdict per source, in the shape of a `runs.summary` entry."""
    return {
        o.name: {"ok": o.ok, "problems": list(o.problems), "new_articles": o.new_articles}
        for o in outcomes
    }


def _retry_allowance(cfg: Config) -> float:
    f = cfg.fetch
    return f.retries * (f.retry_delay + RETRY_AFTER_CAP)


def _extract_and_store(
    cfg: Config, run_id: str, harvest: Harvest, prep: RunPlan, held: Sequence[Harvest] = ()
) -> dict[str, tuple[SourceOutcome, int]]:
    """Extract `harvest` and store it, with the `held` sources (nothing to extract)."""
    extractions = extract_task(_q(cfg), _q([harvest]), _q(prep.hashes))
    return _store_and_report(cfg, run_id, [*held, harvest], extractions, prep)


def _store_and_report(
    cfg: Config,
    run_id: str,
    harvests: Sequence[Harvest],
    extractions: Sequence[Extraction],
    prep: RunPlan,
) -> dict[str, tuple[SourceOutcome, int]]:
    # Sources with nothing to extract only record their fetch rows: that is done here,
    # without a task run, whose Prefect bookkeeping would cost more than the write.
    if extractions:
        stored = store_task(_q(cfg), run_id, _q(harvests), _q(extractions), _q(prep.first))
    else:
        stored = store_task.fn(cfg, run_id, harvests, (), prep.first)
    show = progress.reporter()
    for outcome in stored.outcomes:
        show.source_done(outcome.name, _source_line(outcome, outcome.alerts))
    return {o.name: (o, o.alerts) for o in stored.outcomes}


def _source_line(outcome: SourceOutcome, alerts: int) -> str:
    if not outcome.ok:
        return f"failed ({outcome.problems[0] if outcome.problems else 'error'})"
    return (
        f"{outcome.new_articles} new or changed article(s), {outcome.claims} claim(s),"
        f" {alerts} new alert(s)"
    )


def configured_flow(cfg: Config) -> Any:
    """The run flow with `[fetch] workers` threads for the per-source fetch tasks."""
    return pactwatch_run.with_options(
        task_runner=ThreadPoolTaskRunner(max_workers=cfg.fetch.workers)  # type: ignore[arg-type]
    )
