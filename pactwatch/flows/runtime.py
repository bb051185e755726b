"""Objects a run needs, built from configuration. Prefect-free, so `extract`,
`deliver` and `reextract` start fast and tests can call them directly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pactwatch.alerts.options import AlertOptions
from pactwatch.alerts.outbox import DeliveryReport, deliver_pending
from pactwatch.clock import now_utc
from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.nlp import load_pipeline

from .channels import build_channels
from .config import ActorEntry, Config, SourceConfig
from .fetch import Fetcher, shared_host_gate


def deliver(cfg: Config, *, due_only: bool = True) -> DeliveryReport:
    """Send pending deliveries (also `pactwatch deliver`, without Prefect).

    A run sends what is due; `due_only=False` (`pactwatch deliver`) also sends
    what is still waiting out its retry backoff.
    """
    channels = build_channels(cfg.channels)
    return deliver_pending(
        cfg.warehouse_path,
        channels,
        now=now_utc(),
        max_attempts=cfg.alerts.max_attempts,
        lock_timeout=cfg.lock_timeout,
        retry_delay=timedelta(seconds=cfg.alerts.retry_delay),
        due_only=due_only,
        conflict_window=cfg.alerts.conflict_window,
    )


def load_extractor(cfg: Config) -> None:
    """Load the `[extract] model` pipeline now, once per process, so a missing model
    stops a command before it fetches anything (`ModelMissing`: one line, exit 2)."""
    load_pipeline(cfg.extract.model)


def gazetteer_for(cfg: Config) -> Gazetteer:
    gaz = Gazetteer.default()
    if cfg.gazetteer.actors:
        gaz = gaz.with_extra({"actors": [_actor_table(a) for a in cfg.gazetteer.actors]})
    return gaz


def _actor_table(entry: ActorEntry) -> dict[str, Any]:
    """An actor entry in the shape `Gazetteer.with_extra` reads (unset keys left out)."""
    table: dict[str, Any] = {"id": entry.id, "aliases": list(entry.aliases)}
    for key in ("kind", "name", "stands_for"):
        value = getattr(entry, key)
        if value is not None:
            table[key] = value
    return table


def alert_options(cfg: Config) -> AlertOptions:
    a = cfg.alerts
    return AlertOptions(
        baseline=a.baseline,
        min_sources=a.min_sources,
        ignore_attributed=a.ignore_attributed,
        coalitions=a.coalitions or None,
    )


def make_fetcher(cfg: Config, *, deadline: float | None = None) -> Fetcher:
    """A fetcher with the `[fetch]` limits; every fetch ends by `deadline` (monotonic)."""
    f = cfg.fetch
    return Fetcher(
        timeout_connect=f.timeout_connect,
        timeout_read=f.timeout_read,
        max_bytes=f.max_bytes,
        max_redirects=f.max_redirects,
        user_agent=f.user_agent,
        per_host_concurrency=f.per_host_concurrency,
        per_host_delay=f.per_host_delay,
        timeout_total=f.timeout_total,
        gate=shared_host_gate(concurrency=f.per_host_concurrency, delay=f.per_host_delay),
        deadline=deadline,
    )


def select_sources(cfg: Config, names: Sequence[str] | None) -> list[SourceConfig]:
    if names:
        return [cfg.source(n) for n in names]
    return [s for s in cfg.sources if s.enabled]
