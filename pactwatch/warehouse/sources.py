"""The `sources` table: every configured source and whether its baseline run is done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb

from pactwatch.clock import now_utc

__all__ = [
    "baseline_pending",
    "baselines_pending",
    "ensure_source",
    "ensure_sources",
    "mark_baseline_done",
    "mark_baselines_done",
]


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


def mark_baselines_done(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> None:
    """`mark_baseline_done` for many sources in one statement; a source already done
    is not written again."""
    if names:
        con.execute(
            "UPDATE sources SET baseline_done = true"
            " WHERE NOT baseline_done AND name IN (SELECT unnest(?::VARCHAR[]))",
            [list(names)],
        )


def ensure_sources(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[tuple[str, str, str | None]],
    *,
    now: datetime | None = None,
) -> None:
    """`ensure_source` for many (name, kind, location): one read, and a write only for
    a source that is new or whose kind or location changed."""
    names = [name for name, _, _ in sources]
    stored = {
        str(r[0]): (r[1], r[2])
        for r in con.execute(
            "SELECT name, kind, location FROM sources WHERE name IN (SELECT unnest(?::VARCHAR[]))",
            [names],
        ).fetchall()
    }
    for name, kind, location in sources:
        if stored.get(name) != (kind, location):
            ensure_source(con, name, kind, location, now=now)


def baselines_pending(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> dict[str, bool]:
    """`baseline_pending` of each of `names`, in one read."""
    done = {
        str(r[0]): bool(r[1])
        for r in con.execute(
            "SELECT name, baseline_done FROM sources WHERE name IN (SELECT unnest(?::VARCHAR[]))",
            [list(names)],
        ).fetchall()
    }
    return {name: not done.get(name, False) for name in names}
