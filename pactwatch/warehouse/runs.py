"""The `runs` table: one row per pipeline run, closed with a status and a summary."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import duckdb

from pactwatch.clock import now_utc
from pactwatch.warehouse.lake import redact
from pactwatch.warehouse.owners import process_token, token_is_dead

__all__ = ["STALE_RUN", "finish_run", "start_run"]

STALE_RUN = timedelta(hours=6)


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str | None = None,
    *,
    started_at: datetime | None = None,
) -> str:
    """Record the start of a run, owned by this process; returns its id (a new one unless given).

    Runs still `running` whose process is gone (killed on this host) are marked
    `interrupted` now; those that started more than STALE_RUN ago are too (a
    process on another host, or from before owners were recorded), so `runs`
    tells the truth. No real run lasts that long with one writer and short writes.
    """
    rid = run_id or uuid.uuid4().hex[:12]
    started = started_at or now_utc()
    open_runs = con.execute(
        "SELECT id, owner FROM runs WHERE status = 'running' AND finished_at IS NULL"
        " AND owner IS NOT NULL"
    ).fetchall()
    dead = [str(r[0]) for r in open_runs if token_is_dead(str(r[1]))]
    if dead:
        con.execute(
            "UPDATE runs SET status = 'interrupted' WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [dead],
        )
    con.execute(
        "UPDATE runs SET status = 'interrupted'"
        " WHERE status = 'running' AND finished_at IS NULL AND started_at < ?",
        [started - STALE_RUN],
    )
    # Update or insert by hand: a DuckLake table has no key for ON CONFLICT.
    if con.execute("SELECT 1 FROM runs WHERE id = ?", [rid]).fetchone():
        con.execute(
            "UPDATE runs SET started_at = ?, status = 'running', owner = ? WHERE id = ?",
            [started, process_token(), rid],
        )
    else:
        con.execute(
            "INSERT INTO runs (id, started_at, status, owner) VALUES (?, ?, 'running', ?)",
            [rid, started, process_token()],
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
        [
            finished_at or now_utc(),
            status,
            json.dumps(_redacted(summary or {}), default=str),
            run_id,
        ],
    )


def _redacted(value: Any) -> Any:
    """`value` with every text redacted: an error may quote a catalog connection
    string, and no password is stored."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    return value
