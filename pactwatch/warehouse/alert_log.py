"""The `alerts` and `alert_evidence` tables, and the outbox rows a new alert gets.

Writes are idempotent (a key already stored is skipped): alert ids are derived from
what they announce, so writing the same alert twice leaves one row. Reads return
typed rows (`StoredAlert`, `StoredEvidence`); turning them into the webhook
payload is `pactwatch.alerts.payload`' business.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import duckdb

from pactwatch.warehouse.batch import IN_TEXTS, columns_of, insert_rows, texts

__all__ = [
    "AlertRow",
    "Announced",
    "EvidenceRow",
    "StoredAlert",
    "StoredEvidence",
    "announced",
    "conflict_summary",
    "evidence_of",
    "find_alert",
    "insert_alerts",
    "insert_evidence",
    "queue_deliveries",
    "stored_alerts",
]


class AlertRow(NamedTuple):
    """One row of `alerts` before it is numbered (`seq` is given on insert)."""

    id: str
    kind: str
    subject: str
    state_key: str
    coalition: str | None
    actor: str | None
    actors: list[str] | None
    previous: str  # JSON
    current: str  # JSON
    created_at: datetime
    run_id: str | None


class EvidenceRow(NamedTuple):
    """One row of `alert_evidence`: an article that reports the alert's change."""

    alert_id: str
    article_id: str
    claim_id: str
    url: str | None
    title: str | None
    published_at: datetime | None
    sentence: str
    attributed_to: str | None
    source: str
    added_at: datetime


class _DeliveryRow(NamedTuple):
    alert_id: str
    channel: str
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime


class Announced(NamedTuple):
    """How often a subject's state was announced, and the latest alert that did."""

    subject: str
    state_key: str
    times: int
    latest_id: str


class StoredAlert(NamedTuple):
    """An alert as stored, for its payload; `previous` and `current` are JSON text."""

    id: str
    kind: str
    coalition: str | None
    actor: str | None
    actors: list[str] | None
    previous: str | None
    current: str | None
    created_at: datetime


class StoredEvidence(NamedTuple):
    """One piece of an alert's evidence, as the payload shows it."""

    alert_id: str
    url: str | None
    title: str | None
    published_at: datetime | None
    sentence: str
    attributed_to: str | None


_ALERT_COLUMNS = (
    *columns_of(
        AlertRow._fields,
        {
            "actors": "VARCHAR[]",
            "previous": "JSON",
            "current": "JSON",
            "created_at": "TIMESTAMPTZ",
        },
    ),
    ("seq", "BIGINT"),
)
_EVIDENCE_COLUMNS = columns_of(
    EvidenceRow._fields, {"published_at": "TIMESTAMPTZ", "added_at": "TIMESTAMPTZ"}
)
_DELIVERY_COLUMNS = columns_of(
    _DeliveryRow._fields,
    {"attempts": "INTEGER", "next_attempt_at": "TIMESTAMPTZ", "created_at": "TIMESTAMPTZ"},
)


def announced(con: duckdb.DuckDBPyConnection, subjects: Sequence[str]) -> list[Announced]:
    """What was already announced about `subjects`, one row per (subject, state), oldest first."""
    if not subjects:
        return []
    rows = con.execute(
        "SELECT subject, state_key, count(*), arg_max(id, seq) FROM alerts"
        f" WHERE subject IN {IN_TEXTS} GROUP BY subject, state_key"
        " ORDER BY max(seq)",
        [texts(sorted(set(subjects)))],
    ).fetchall()
    return [Announced(str(s), str(k), int(n), str(i)) for s, k, n, i in rows]


def insert_alerts(con: duckdb.DuckDBPyConnection, rows: Sequence[AlertRow]) -> None:
    """Append alerts in order, numbered after every alert already stored."""
    if not rows:
        return
    top = con.execute("SELECT coalesce(max(seq), 0) FROM alerts").fetchone()
    base = int(top[0]) if top else 0
    insert_rows(
        con,
        "alerts",
        _ALERT_COLUMNS,
        [(*row, base + i + 1) for i, row in enumerate(rows)],
        skip_existing=("id",),
    )


def insert_evidence(con: duckdb.DuckDBPyConnection, rows: Sequence[EvidenceRow]) -> None:
    insert_rows(
        con, "alert_evidence", _EVIDENCE_COLUMNS, rows, skip_existing=("alert_id", "article_id")
    )


def insert_evidence_of_claims(
    con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[str, str]], *, now: datetime
) -> None:
    """Evidence rows for (alert id, claim id) pairs, built from the stored claims and
    articles inside the database (the claims a stored tail refers to: they can be
    many, and never need to come to Python). As `insert_evidence`, one row per
    alert and article; an article whose URL is a `urn:pactwatch:` name gets none."""
    if not pairs:
        return
    con.execute(
        "INSERT INTO alert_evidence (alert_id, article_id, claim_id, url, title, published_at,"
        " sentence, attributed_to, source, added_at)"
        " SELECT k.alert_id, c.article_id, c.id,"
        " CASE WHEN starts_with(a.url, 'urn:pactwatch:') THEN NULL ELSE a.url END,"
        " a.title, a.published_at, c.sentence, c.attributed_to, a.source, ?"
        " FROM (SELECT unnest(string_split(?, chr(31))) AS alert_id,"
        " unnest(string_split(?, chr(31))) AS claim_id) AS k"
        " JOIN claims c ON c.id = k.claim_id JOIN articles a ON a.id = c.article_id"
        " WHERE NOT EXISTS (SELECT 1 FROM alert_evidence e"
        " WHERE e.alert_id = k.alert_id AND e.article_id = c.article_id)",
        [now, texts([a for a, _ in pairs]), texts([c for _, c in pairs])],
    )


def queue_deliveries(
    con: duckdb.DuckDBPyConnection,
    alert_ids: Sequence[str],
    channels: Sequence[str],
    *,
    now: datetime,
) -> None:
    """One pending delivery per alert and channel, due now."""
    insert_rows(
        con,
        "deliveries",
        _DELIVERY_COLUMNS,
        [_DeliveryRow(a, c, "pending", 0, now, now) for a in alert_ids for c in channels],
        skip_existing=("alert_id", "channel"),
    )


_STORED_ALERT = f"SELECT {', '.join(StoredAlert._fields)} FROM alerts"


def find_alert(con: duckdb.DuckDBPyConnection, alert_id: str) -> StoredAlert | None:
    """One alert by id, or None."""
    row = con.execute(_STORED_ALERT + " WHERE id = ?", [alert_id]).fetchone()
    return StoredAlert(*row) if row else None


def stored_alerts(
    con: duckdb.DuckDBPyConnection,
    *,
    pending_only: bool = False,
    since: datetime | None = None,
    coalitions: Sequence[str] = (),
    kinds: Sequence[str] = (),
    limit: int | None = None,
    run_id: str | None = None,
) -> list[StoredAlert]:
    """Alerts in the order they were raised; `pending_only` keeps alerts with any
    delivery not yet delivered (pending or failed). `since` keeps alerts raised at or
    after it; `coalitions` those about one of them (a partnership alert is about each
    of its two actors); `kinds` those of one of these kinds; `limit` the latest N;
    `run_id` those raised by that run."""
    clauses: list[str] = []
    params: list[object] = []
    if pending_only:
        clauses.append("id IN (SELECT alert_id FROM deliveries WHERE status <> 'delivered')")
    if since is not None:
        clauses.append("created_at >= ?")
        params.append(since)
    if coalitions:
        clauses.append(
            "(coalition IN (SELECT unnest(?::VARCHAR[]))"
            " OR list_has_any(coalesce(actors, []::VARCHAR[]), ?::VARCHAR[]))"
        )
        params += [sorted(set(coalitions))] * 2
    if kinds:
        clauses.append("kind IN (SELECT unnest(?::VARCHAR[]))")
        params.append(sorted(set(kinds)))
    if run_id is not None:
        clauses.append("run_id = ?")
        params.append(run_id)
    fields = ", ".join(StoredAlert._fields)
    query = f"SELECT {fields}, seq FROM alerts" + (
        " WHERE " + " AND ".join(clauses) if clauses else ""
    )
    if limit is not None:  # the latest N, still listed oldest first
        query += " ORDER BY seq DESC LIMIT ?"
        params.append(max(int(limit), 0))
    rows = con.execute(f"SELECT {fields} FROM ({query}) ORDER BY seq", params).fetchall()
    return [StoredAlert(*row) for row in rows]


def evidence_of(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str]) -> list[StoredEvidence]:
    """The evidence of `alert_ids`, by alert, then oldest publication first."""
    if not alert_ids:
        return []
    rows = con.execute(
        f"SELECT {', '.join(StoredEvidence._fields)} FROM alert_evidence"
        " WHERE alert_id IN (SELECT unnest(?::VARCHAR[]))"
        " ORDER BY alert_id, published_at NULLS LAST, added_at, article_id",
        [list(alert_ids)],
    ).fetchall()
    return [StoredEvidence(*row) for row in rows]


def conflict_summary(
    con: duckdb.DuckDBPyConnection, coalition: str, when: str, *, window_hours: float = 48.0
) -> str | None:
    """How figures about the same moment as the `coalition` figure published at `when`
    (ISO 8601) disagree, e.g. "2 articles say 13, 1 article says 17"; None when they
    agree. Same moment: the same article or event date, or other outlets within
    `window_hours` (the `disagreements_within` macro of migration 007)."""
    row = con.execute(
        "SELECT summary FROM disagreements_within(?::DOUBLE) WHERE coalition = ?"
        " AND anchor_as_of = ?::TIMESTAMPTZ ORDER BY figures DESC, articles DESC, summary"
        " LIMIT 1",
        [window_hours, coalition, when],
    ).fetchone()
    return str(row[0]) if row else None
