"""The `sources` table: every configured source and whether its baseline run is done."""

from __future__ import annotations

from datetime import datetime

import duckdb

from pactwatch.clock import now_utc

__all__ = ["baseline_pending", "ensure_source", "mark_baseline_done"]


def ensure_source(
    con: duckdb.DuckDBPyConnection,
    name: str,
    kind: str,
    location: str | None,
    *,
    now: datetime | None = None,
) -> bool:
    """Register a source; True the first time it is seen. Kind and location follow the config."""
    row = con.execute("SELECT 1 FROM sources WHERE name = ?", [name]).fetchone()
    if row is None:
        con.execute(
            "INSERT INTO sources (name, kind, location, first_seen_at, baseline_done)"
            " VALUES (?, ?, ?, ?, false)",
            [name, kind, location, now or now_utc()],
        )
        return True
    con.execute("UPDATE sources SET kind = ?, location = ? WHERE name = ?", [kind, location, name])
    return False


def baseline_pending(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True while a source has not completed its baseline run (or is unknown)."""
    row = con.execute("SELECT baseline_done FROM sources WHERE name = ?", [name]).fetchone()
    return row is None or not row[0]


def mark_baseline_done(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute("UPDATE sources SET baseline_done = true WHERE name = ?", [name])
