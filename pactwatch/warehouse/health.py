"""How each source has fared across runs (`pactwatch sources`): last success, last
error, failures in a row, last run that brought a new article.

Read from the `runs` summaries (one entry per source and run: ok, problems,
new_articles) and the `sources` table, newest runs first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

__all__ = ["SourceHealth", "source_health"]

# Enough history for a streak of failures and the last success of a live source.
_RUNS_READ = 2000


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
    _streak_open: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


def source_health(con: duckdb.DuckDBPyConnection) -> list[SourceHealth]:
    """Every registered source, by name, with what the latest runs say about it."""
    health = {
        str(name): SourceHealth(str(name), str(kind), None if loc is None else str(loc))
        for name, kind, loc in con.execute(
            "SELECT name, kind, location FROM sources ORDER BY name"
        ).fetchall()
    }
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
                _add(h, entry, started_at)
    return list(health.values())


def _add(h: SourceHealth, entry: dict[str, Any], at: datetime) -> None:
    """One run's entry for the source, newest first."""
    h.runs += 1
    if entry.get("ok"):
        h._streak_open = False
        if h.last_success is None:
            h.last_success = at
    else:
        if h._streak_open:
            h.consecutive_failures += 1
        if h.last_error is None:
            problems = entry.get("problems") or []
            h.last_error = str(problems[0]) if problems else "failed"
            h.last_error_at = at
    if h.last_new_article is None and (entry.get("new_articles") or 0) > 0:
        h.last_new_article = at
