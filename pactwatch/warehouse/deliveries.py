"""The `deliveries` table (the outbox): one row per alert and channel, with attempts,
last error, next attempt time and a lease that keeps two deliverers apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

import duckdb

from pactwatch.warehouse.db import transaction

__all__ = [
    "DeliveryState",
    "DueDelivery",
    "delivery_states",
    "fail_delivery",
    "failed_count",
    "lease_due",
    "lease_owners",
    "mark_delivered",
    "pending_count",
    "reschedule_delivery",
    "revive_failed",
]

# Every state change below applies only to a row still pending: a row another
# deliverer finished in the meantime keeps its outcome.
_PENDING_ROW = "WHERE alert_id = ? AND channel = ? AND status = 'pending'"


class DueDelivery(NamedTuple):
    alert_id: str
    channel: str
    attempts: int
    created_at: datetime


class DeliveryState(NamedTuple):
    """Where one alert's delivery on one channel stands (`pactwatch alerts --json`)."""

    alert_id: str
    channel: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None


def delivery_states(
    con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str]
) -> list[DeliveryState]:
    """The deliveries of `alert_ids`, by alert, then channel."""
    if not alert_ids:
        return []
    rows = con.execute(
        f"SELECT {', '.join(DeliveryState._fields)} FROM deliveries"
        " WHERE alert_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY alert_id, channel",
        [list(alert_ids)],
    ).fetchall()
    return [DeliveryState(*row) for row in rows]


def lease_due(
    con: duckdb.DuckDBPyConnection,
    channels: Sequence[str],
    *,
    now: datetime,
    lease_until: datetime,
    due_only: bool,
    created_before: datetime | None = None,
    owner: str | None = None,
    dead_owners: Sequence[str] = (),
) -> list[DueDelivery]:
    """Lease the pending deliveries of `channels` that nobody holds (due ones only, with
    `due_only`; queued before `created_before`, when given: a daily digest takes only
    days that are over) until `lease_until`; oldest alert first. A concurrent call
    skips them. A lease held by one of `dead_owners` (a process that died mid-send) is
    taken over."""
    # Select, then lease what was selected, in one transaction: a DuckLake table has
    # no UPDATE ... RETURNING, and writers are serialised, so nobody leases in between.
    with transaction(con):
        rows = con.execute(
            "SELECT alert_id, channel, attempts, created_at FROM deliveries"
            " WHERE status = 'pending'"
            " AND (NOT ? OR next_attempt_at IS NULL OR next_attempt_at <= ?)"
            " AND (lease_until IS NULL OR lease_until <= ?"
            "  OR lease_owner IN (SELECT unnest(?::VARCHAR[])))"
            " AND (?::TIMESTAMPTZ IS NULL OR created_at < ?::TIMESTAMPTZ)"
            " AND channel IN (SELECT unnest(?::VARCHAR[]))",
            [
                due_only,
                now,
                now,
                list(dead_owners),
                created_before,
                created_before,
                sorted(channels),
            ],
        ).fetchall()
        if rows:
            con.execute(
                "UPDATE deliveries SET lease_until = ?, lease_owner = ?"
                " WHERE (alert_id, channel) IN"
                " (SELECT (unnest(?::VARCHAR[]), unnest(?::VARCHAR[])))",
                [lease_until, owner, [str(r[0]) for r in rows], [str(r[1]) for r in rows]],
            )
    due = [DueDelivery(str(a), str(c), int(n), at) for a, c, n, at in rows]
    return sorted(due, key=lambda d: (d.created_at, d.alert_id, d.channel))


def lease_owners(con: duckdb.DuckDBPyConnection, *, now: datetime) -> list[str]:
    """Owners of the leases still running at `now` (to check which are dead)."""
    rows = con.execute(
        "SELECT DISTINCT lease_owner FROM deliveries WHERE status = 'pending'"
        " AND lease_until > ? AND lease_owner IS NOT NULL",
        [now],
    ).fetchall()
    return sorted(str(r[0]) for r in rows)


def mark_delivered(
    con: duckdb.DuckDBPyConnection, alert_id: str, channel: str, *, attempts: int, at: datetime
) -> None:
    con.execute(
        "UPDATE deliveries SET status = 'delivered', attempts = ?, delivered_at = ?,"
        " last_error = NULL, next_attempt_at = NULL, lease_until = NULL, lease_owner = NULL "
        + _PENDING_ROW,
        [attempts, at, alert_id, channel],
    )


def fail_delivery(
    con: duckdb.DuckDBPyConnection,
    alert_id: str,
    channel: str,
    *,
    error: str,
    attempts: int | None = None,
) -> None:
    """Give up on a delivery for good; `attempts` None leaves the count as it is."""
    con.execute(
        "UPDATE deliveries SET status = 'failed', attempts = coalesce(?, attempts),"
        " last_error = ?, next_attempt_at = NULL, lease_until = NULL, lease_owner = NULL "
        + _PENDING_ROW,
        [attempts, error, alert_id, channel],
    )


def reschedule_delivery(
    con: duckdb.DuckDBPyConnection,
    alert_id: str,
    channel: str,
    *,
    attempts: int,
    error: str,
    next_attempt_at: datetime,
) -> None:
    con.execute(
        "UPDATE deliveries SET attempts = ?, last_error = ?, next_attempt_at = ?,"
        " lease_until = NULL, lease_owner = NULL " + _PENDING_ROW,
        [attempts, error, next_attempt_at, alert_id, channel],
    )


def pending_count(con: duckdb.DuckDBPyConnection) -> int:
    """Every pending delivery, due or not."""
    row = con.execute("SELECT count(*) FROM deliveries WHERE status = 'pending'").fetchone()
    return int(row[0]) if row else 0


def failed_count(con: duckdb.DuckDBPyConnection) -> int:
    """Every delivery that gave up (until `revive_failed`)."""
    row = con.execute("SELECT count(*) FROM deliveries WHERE status = 'failed'").fetchone()
    return int(row[0]) if row else 0


def revive_failed(
    con: duckdb.DuckDBPyConnection, *, now: datetime, channel: str | None = None
) -> int:
    """Put failed deliveries back to pending with attempts reset. Returns how many."""
    where = " WHERE status = 'failed'"
    params: list[Any] = []
    if channel is not None:
        where += " AND channel = ?"
        params.append(channel)
    with transaction(con):
        row = con.execute("SELECT count(*) FROM deliveries" + where, params).fetchone()
        con.execute(
            "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?" + where,
            [now, *params],
        )
    return int(row[0]) if row else 0
