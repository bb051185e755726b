"""The `runs` table: one row per pipeline run, closed with a status and a summary."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import duckdb

from pactwatch.clock import now_utc

__all__ = ["STALE_RUN", "finish_run", "start_run"]

STALE_RUN = timedelta(hours=6)


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str | None = None,
    *,
    started_at: datetime | None = None,
) -> str:
    """Record the start of a run; returns its id (a new one unless given).

    Runs still `running` that started more than STALE_RUN ago died without
    closing (a killed process): they are marked `interrupted`, so `runs` tells
    the truth. No real run lasts that long with one writer and short writes.
    """
    rid = run_id or uuid.uuid4().hex[:12]
    started = started_at or now_utc()
    con.execute(
        "UPDATE runs SET status = 'interrupted'"
        " WHERE status = 'running' AND finished_at IS NULL AND started_at < ?",
        [started - STALE_RUN],
    )
    con.execute(
        "INSERT INTO runs (id, started_at, status) VALUES (?, ?, 'running')"
        " ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, status = 'running'",
        [rid, started],
    )
    return rid


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    status: str,
    summary: dict[str, Any] | None = None,
    finished_at: datetime | None = None,
) -> None:
    """Close a run with a status (ok, failed) and a JSON summary."""
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
        [finished_at or now_utc(), status, json.dumps(summary or {}, default=str), run_id],
    )
