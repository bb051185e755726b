"""The run's health step: after every source is stored and before delivery, judge
each source of the run (its past runs in the warehouse plus this run's outcome) and
queue `source_unhealthy` / `source_recovered` alerts in the same outbox as the
others, in one transaction (`pactwatch.alerts.health`). Prefect-free, so
`pactwatch sources` judges with the same rules without importing Prefect; the
pipeline wraps `judge_health` in its `source-health` task."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pactwatch.alerts.health import HealthRule, detect_health, health_line
from pactwatch.clock import now_utc
from pactwatch.warehouse.db import open_writer, transaction

from .config import Config, SourceConfig

__all__ = ["health_rule", "judge_health"]


def health_rule(cfg: Config, source: SourceConfig) -> HealthRule:
    """The source's thresholds: its own, else `[alerts] unhealthy_after_failures`."""
    failures = source.unhealthy_after_failures
    return HealthRule(
        source=source.name,
        failures=cfg.alerts.unhealthy_after_failures if failures is None else failures,
        stale_after=timedelta(seconds=source.stale_after) if source.stale_after else None,
    )


def judge_health(
    cfg: Config, run_id: str, sources: Sequence[SourceConfig], entries: dict[str, dict[str, Any]]
) -> list[str]:
    """Queue the health alerts due for `sources`; a line for each new one (no Prefect)."""
    with open_writer(cfg.warehouse_path, lock_timeout=cfg.lock_timeout) as con, transaction(con):
        fresh = detect_health(
            con,
            [health_rule(cfg, s) for s in sources],
            now=now_utc(),
            channels=[c.name for c in cfg.channels],
            run_id=run_id,
            current=entries,
        )
    return [health_line(row) for row in fresh]
