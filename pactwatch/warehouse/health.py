"""How each source has fared across runs (`pactwatch sources`, health alerts): last
success, last error, failures in a row, last new article, and the health alert
still open for it.

Read from the `runs` summaries (one entry per source and run: ok, problems,
new_articles), the `sources` table, `articles` (the newest article a source
brought) and `alerts` (the latest `source_unhealthy`/`source_recovered`), newest
runs first. Everything comes from the warehouse, so any process sees the same
health: a run, `pactwatch sources`, a notebook.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from pactwatch.clock import as_utc

__all__ = [
    "HEALTH_KINDS",
    "SourceHealth",
    "known_alert_ids",
    "open_health_alerts",
    "source_health",
]

# Enough history for a streak of failures and the last success of a live source.
_RUNS_READ = 2000

HEALTH_KINDS = ("source_unhealthy", "source_recovered")


@dataclass
class SourceHealth:
    name: str
    kind: str
    location: str | None
    runs: int = 0
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    last_new_article: datetime | None = None
    first_seen: datetime | None = None
    _latest_ok: bool | None = None  # the newest run's verdict on the source; None: never run
    _failing_since: datetime | None = None  # the oldest run of the current failure streak
    _streak_open: bool = True

    @property
    def latest_ok(self) -> bool | None:
        return self._latest_ok

    @property
    def failing_since(self) -> datetime | None:
        return self._failing_since

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


def source_health(
    con: duckdb.DuckDBPyConnection,
    *,
    current: Mapping[str, dict[str, Any]] | None = None,
    current_at: datetime | None = None,
) -> list[SourceHealth]:
    """Every registered source, by name, with what the latest runs say about it.

    `current` adds the entries of a run not yet finished (the run judging health
    before it delivers), as if it were the newest run, started at `current_at`.
    """
    health = {
        str(name): SourceHealth(
            str(name),
            str(kind),
            None if loc is None else str(loc),
            first_seen=None if seen is None else as_utc(seen),
        )
        for name, kind, loc, seen in con.execute(
            "SELECT name, kind, location, first_seen_at FROM sources ORDER BY name"
        ).fetchall()
    }
    if current and current_at is not None:
        for name, entry in current.items():
            h = health.get(name)
            if h is not None:
                _add(h, entry, as_utc(current_at))
    rows = con.execute(
        "SELECT started_at, summary FROM runs"
        " WHERE finished_at IS NOT NULL AND summary IS NOT NULL"
        " ORDER BY started_at DESC LIMIT ?",
        [_RUNS_READ],
    ).fetchall()
    for started_at, summary in rows:
        try:
            entries = json.loads(summary).get("sources") or []
        except (TypeError, ValueError, AttributeError):
            continue
        for entry in entries:
            h = health.get(str(entry.get("name")))
            if h is not None:
                _add(h, entry, as_utc(started_at))
    # The newest article a source brought also counts when its run is older than
    # the runs read above (a quiet source polled every few minutes for weeks).
    for source, newest in con.execute(
        "SELECT source, max(fetched_at) FROM articles GROUP BY source"
    ).fetchall():
        h = health.get(str(source))
        if h is not None and newest is not None:
            newest = as_utc(newest)
            if h.last_new_article is None or newest > h.last_new_article:
                h.last_new_article = newest
    return list(health.values())


def _add(h: SourceHealth, entry: dict[str, Any], at: datetime) -> None:
    """One run's entry for the source, newest first."""
    h.runs += 1
    ok = bool(entry.get("ok"))
    if h._latest_ok is None:
        h._latest_ok = ok
    if ok:
        h._streak_open = False
        if h.last_success is None:
            h.last_success = at
    else:
        if h._streak_open:
            h.consecutive_failures += 1
            h._failing_since = at
        if h.last_error is None:
            problems = entry.get("problems") or []
            h.last_error = str(problems[0]) if problems else "failed"
            h.last_error_at = at
    if h.last_new_article is None and (entry.get("new_articles") or 0) > 0:
        h.last_new_article = at


def open_health_alerts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Source name -> id of its `source_unhealthy` alert not yet followed by a
    `source_recovered` (an unhealthy spell still open)."""
    rows = con.execute(
        "SELECT subject, arg_max(kind, seq), arg_max(id, seq) FROM alerts"
        " WHERE kind IN ('source_unhealthy', 'source_recovered') GROUP BY subject"
    ).fetchall()
    return {
        str(subject).removeprefix("source:"): str(alert_id)
        for subject, kind, alert_id in rows
        if kind == "source_unhealthy"
    }


def known_alert_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
    """Those of `ids` already in `alerts`."""
    if not ids:
        return set()
    rows = con.execute(
        "SELECT id FROM alerts WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]
    ).fetchall()
    return {str(r[0]) for r in rows}
