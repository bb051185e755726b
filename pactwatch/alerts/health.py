"""Health alerts: `source_unhealthy` once per unhealthy spell, `source_recovered` when
the source comes back, on the same channels and through the same outbox as the
other alerts.

A source is unhealthy when its last `failures` runs in a row failed (`failing`),
or when it has brought no new article for longer than its `stale_after`
(`stale`; measured from its first run while it has brought none, so a new
source is never stale at once). It recovers when a run reads it successfully
and it is not stale. The spell is read from the `alerts` table (the latest
health alert of the source), not from memory: any process, after any crash,
judges the same, and the alert ids are derived from the spell (the source and
when its failures or its silence began), so writing one twice leaves one row.

`previous` and `current` of a health alert (`previous.state` is `healthy` or
`unhealthy`):

    {"state": "unhealthy", "reason": "failing" | "stale", "source": NAME,
     "location": URL or path, "consecutive_failures": 3, "failures_threshold": 3,
     "last_error": "HTTP 503 ...", "last_error_at": ISO, "last_success_at": ISO,
     "last_new_article_at": ISO, "stale_after_seconds": 259200 | null}

`current.state` is `healthy` for `source_recovered`; times are ISO 8601 UTC or null.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import duckdb

from pactwatch.alerts.channels.render import health_headline
from pactwatch.clock import iso_utc
from pactwatch.warehouse.alert_log import AlertRow, insert_alerts, queue_deliveries
from pactwatch.warehouse.health import (
    SourceHealth,
    known_alert_ids,
    open_health_alerts,
    source_health,
)

__all__ = ["HealthRule", "HealthVerdict", "detect_health", "health_line", "judge"]

State = Literal["new", "healthy", "unhealthy", "stale"]


@dataclass(frozen=True, slots=True)
class HealthRule:
    """When a source counts as unhealthy: `failures` runs in a row (0: never), or
    `stale_after` without a new article (None: never)."""

    source: str
    failures: int = 3
    stale_after: timedelta | None = None


@dataclass(frozen=True, slots=True)
class HealthVerdict:
    state: State  # new (never run), healthy, unhealthy (failing) or stale
    failing: bool
    stale: bool

    @property
    def unhealthy(self) -> bool:
        return self.failing or self.stale


def judge(h: SourceHealth, rule: HealthRule, now: datetime) -> HealthVerdict:
    """The source's health now, by `rule`."""
    failing = rule.failures > 0 and h.consecutive_failures >= rule.failures
    quiet_since = h.last_new_article or h.first_seen
    stale = (
        rule.stale_after is not None
        and quiet_since is not None
        and now - quiet_since > rule.stale_after
    )
    state: State
    if failing:
        state = "unhealthy"
    elif stale:
        state = "stale"
    elif h.runs == 0:
        state = "new"
    else:
        state = "healthy"
    return HealthVerdict(state=state, failing=failing, stale=stale)


def _alert_id(kind: str, source: str, spell: str) -> str:
    return hashlib.sha256(f"{kind}\x1fsource:{source}\x1f{spell}".encode()).hexdigest()[:24]


def _spell(h: SourceHealth, verdict: HealthVerdict) -> str:
    """What identifies an unhealthy spell: when its failures or its silence began."""
    if verdict.failing:
        return f"failing:{iso_utc(h.failing_since)}"
    return f"stale:{iso_utc(h.last_new_article or h.first_seen)}"


def _state(h: SourceHealth, rule: HealthRule, verdict: HealthVerdict) -> dict[str, Any]:
    return {
        "state": "unhealthy" if verdict.unhealthy else "healthy",
        "reason": ("failing" if verdict.failing else "stale") if verdict.unhealthy else None,
        "source": h.name,
        "location": h.location,
        "consecutive_failures": h.consecutive_failures,
        "failures_threshold": rule.failures,
        "last_error": h.last_error,
        "last_error_at": iso_utc(h.last_error_at),
        "last_success_at": iso_utc(h.last_success),
        "last_new_article_at": iso_utc(h.last_new_article),
        "stale_after_seconds": rule.stale_after.total_seconds() if rule.stale_after else None,
    }


def detect_health(
    con: duckdb.DuckDBPyConnection,
    rules: Sequence[HealthRule],
    *,
    now: datetime,
    channels: Sequence[str],
    run_id: str | None = None,
    current: Mapping[str, dict[str, Any]] | None = None,
) -> list[AlertRow]:
    """Raise the health alerts due for the sources of `rules` and queue them on
    `channels`; returns the alerts new to the warehouse. `current` holds the
    run's own per-source entries (`ok`, `problems`, `new_articles`) before the run is
    finished. The caller holds the transaction."""
    health = {h.name: h for h in source_health(con, current=current, current_at=now)}
    spells = open_health_alerts(con)
    rows: list[AlertRow] = []
    for rule in rules:
        h = health.get(rule.source)
        if h is None:
            continue
        verdict = judge(h, rule, now)
        open_id = spells.get(rule.source)
        if open_id is None and verdict.unhealthy:
            kind, spell, before = "source_unhealthy", _spell(h, verdict), {"state": "healthy"}
        elif open_id is not None and not verdict.unhealthy and h.latest_ok:
            kind, spell, before = "source_recovered", open_id, {"state": "unhealthy"}
        else:
            continue
        rows.append(
            AlertRow(
                id=_alert_id(kind, rule.source, spell),
                kind=kind,
                subject=f"source:{rule.source}",
                state_key="unhealthy" if kind == "source_unhealthy" else "healthy",
                coalition=None,
                actor=None,
                actors=None,
                previous=json.dumps(before),
                current=json.dumps(_state(h, rule, verdict)),
                created_at=now,
                run_id=run_id,
            )
        )
    if not rows:
        return []
    ids = [r.id for r in rows]
    known = known_alert_ids(con, ids)
    insert_alerts(con, rows)
    fresh = [r for r in rows if r.id not in known]
    queue_deliveries(con, [r.id for r in fresh], channels, now=now)
    return fresh


def health_line(row: AlertRow) -> str:
    """One line for a run's summary: `source gazette unhealthy: failed 3 runs in a row`."""
    return health_headline({"kind": row.kind, "current": json.loads(row.current)}).replace(
        "Source ", "source ", 1
    )
