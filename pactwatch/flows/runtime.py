"""Objects a run needs, built from configuration. Prefect-free, so `extract`,
`deliver` and `reextract` start fast and tests can call them directly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from pactwatch.alerts.options import AlertOptions
from pactwatch.alerts.outbox import DeliveryReport, deliver_pending
from pactwatch.clock import now_utc
from pactwatch.parsers.gazetteer import Gazetteer

from .channels import build_channels
from .config import Config, SourceConfig
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
        max_attempts=int(cfg.alerts["max_attempts"]),
        lock_timeout=cfg.lock_timeout,
        retry_delay=timedelta(seconds=float(cfg.alerts["retry_delay"])),
        due_only=due_only,
    )


def gazetteer_for(cfg: Config) -> Gazetteer:
    gaz = Gazetteer.default()
    if cfg.gazetteer.get("actors"):
        gaz = gaz.with_extra({"actors": cfg.gazetteer["actors"]})
    return gaz


def alert_options(cfg: Config) -> AlertOptions:
    a = cfg.alerts
    return AlertOptions(
        baseline=bool(a["baseline"]),
        min_sources=int(a["min_sources"]),
        ignore_attributed=bool(a["ignore_attributed"]),
        coalitions=tuple(a["coalitions"]) or None,
    )


def make_fetcher(cfg: Config) -> Fetcher:
    f = cfg.fetch
    return Fetcher(
        timeout_connect=float(f["timeout_connect"]),
        timeout_read=float(f["timeout_read"]),
        max_bytes=int(f["max_bytes"]),
        max_redirects=int(f["max_redirects"]),
        user_agent=str(f["user_agent"]),
        per_host_concurrency=int(f["per_host_concurrency"]),
        per_host_delay=float(f["per_host_delay"]),
        gate=shared_host_gate(
            concurrency=int(f["per_host_concurrency"]), delay=float(f["per_host_delay"])
        ),
    )


def select_sources(cfg: Config, names: Sequence[str] | None) -> list[SourceConfig]:
    if names:
        return [cfg.source(n) for n in names]
    return [s for s in cfg.sources if s.enabled]
