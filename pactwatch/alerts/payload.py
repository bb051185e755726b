"""The alert payload (DESIGN section 6) and the `pactwatch alerts --json` listing.

`previous` and `current` depend on the kind:

- `member_count_changed`: `{"value", "low", "high", "published_at"}` — the count
  before and after; `published_at` is that of the article that set it (null
  when the source gave no date).
- `member_joined` / `member_left`: `{"status", "published_at"}` with status
  `member`, `left`, or null when nothing was known before; `current` also has
  `ordinal` when the join carried one ("the 41st signatory").
- `partnership_formed` / `partnership_ended`: `{"status", "published_at"}` with
  status `active`, `ended` or null; `current` also has `topic` when known.

`coalition` is set for count and membership alerts, `actor` for membership
alerts, `actors` (the unordered pair, sorted) for partnership alerts; the rest
are null. Evidence is ordered by publication time, oldest first.

`conflict` (an addition to DESIGN section 6) is null, or for a count alert the
`conflicts` view's summary for that coalition and month, e.g. "3 articles say
13, 1 article says 17": both figures are kept, and the reader is told.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from pactwatch.alerts.channels.render import headline
from pactwatch.clock import iso_utc

__all__ = ["alert_payload", "list_alerts", "render_line"]

_ALERT_COLUMNS = "id, kind, coalition, actor, actors, previous, current, created_at"


_EVIDENCE_QUERY = (
    "SELECT alert_id, url, title, published_at, sentence, attributed_to FROM alert_evidence"
    " WHERE alert_id IN (SELECT unnest(?::VARCHAR[]))"
    " ORDER BY alert_id, published_at NULLS LAST, added_at, article_id"
)
_DELIVERY_QUERY = (
    "SELECT alert_id, channel, status, attempts, last_error, next_attempt_at, delivered_at"
    " FROM deliveries WHERE alert_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY alert_id, channel"
)


def _evidence(
    con: duckdb.DuckDBPyConnection, alert_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in alert_ids}
    for alert_id, url, title, published, sentence, attributed in con.execute(
        _EVIDENCE_QUERY, [alert_ids]
    ).fetchall():
        out[alert_id].append(
            {
                "url": url,
                "title": title,
                "published_at": iso_utc(published),
                "sentence": sentence,
                "attributed_to": attributed,
            }
        )
    return out


def _deliveries(
    con: duckdb.DuckDBPyConnection, alert_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in alert_ids}
    for alert_id, channel, status, attempts, last_error, next_at, delivered in con.execute(
        _DELIVERY_QUERY, [alert_ids]
    ).fetchall():
        out[alert_id].append(
            {
                "channel": channel,
                "status": status,
                "attempts": attempts,
                "last_error": last_error,
                "next_attempt_at": iso_utc(next_at),
                "delivered_at": iso_utc(delivered),
            }
        )
    return out


_CONFLICT_QUERY = (
    "SELECT summary FROM conflicts WHERE coalition = ?"
    " AND period = date_trunc('month', ?::TIMESTAMPTZ)"
)


def _conflict(
    con: duckdb.DuckDBPyConnection, kind: str, coalition: str | None, current: dict[str, Any] | None
) -> str | None:
    """For a count alert: how sources disagree about that month ("3 articles say 13, ...")."""
    if kind != "member_count_changed" or not coalition or not current:
        return None
    when = current.get("published_at")
    if not when:
        return None
    row = con.execute(_CONFLICT_QUERY, [coalition, when]).fetchone()
    return str(row[0]) if row else None


def _payload(
    con: duckdb.DuckDBPyConnection, row: tuple[Any, ...], evidence: list[dict[str, Any]]
) -> dict[str, Any]:
    alert_id, kind, coalition, actor, actors, previous, current, created_at = row
    current_state = json.loads(current) if current else None
    return {
        "id": alert_id,
        "kind": kind,
        "coalition": coalition,
        "actor": actor,
        "actors": list(actors) if actors is not None else None,
        "previous": json.loads(previous) if previous else None,
        "current": current_state,
        "evidence": evidence,
        "created_at": iso_utc(created_at),
        # Beyond DESIGN section 6 (added, never renamed): null unless sources disagree.
        "conflict": _conflict(con, kind, coalition, current_state),
    }


def alert_payload(con: duckdb.DuckDBPyConnection, alert_id: str) -> dict[str, Any]:
    """The webhook JSON of one alert. Raises KeyError when there is no such alert."""
    row = con.execute(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = ?", [alert_id]).fetchone()
    if row is None:
        raise KeyError(alert_id)
    return _payload(con, row, _evidence(con, [alert_id])[alert_id])


def list_alerts(
    con: duckdb.DuckDBPyConnection, *, pending_only: bool = False
) -> list[dict[str, Any]]:
    """Every alert (oldest first) as its payload plus `deliveries`.

    `pending_only` keeps alerts with any delivery not yet delivered (pending or failed).
    """
    query = f"SELECT {_ALERT_COLUMNS} FROM alerts"
    if pending_only:
        query += " WHERE id IN (SELECT alert_id FROM deliveries WHERE status <> 'delivered')"
    rows = con.execute(query + " ORDER BY seq").fetchall()
    ids = [str(r[0]) for r in rows]
    evidence = _evidence(con, ids)
    deliveries = _deliveries(con, ids)
    out = []
    for row in rows:
        item = _payload(con, row, evidence[row[0]])
        item["deliveries"] = deliveries[row[0]]
        out.append(item)
    return out


def render_line(alert: dict[str, Any]) -> str:
    """One human line for `pactwatch alerts`: when, what, how many sources, delivery states."""
    deliveries = alert.get("deliveries") or []
    states = " ".join(f"{d['channel']}={d['status']}" for d in deliveries) or "no channels"
    evidence = len(alert.get("evidence") or [])
    return (
        f"{alert.get('created_at') or '?'}  {headline(alert)}"
        f"  [{evidence} source{'s' if evidence != 1 else ''}; {states}]  {alert.get('id')}"
    )
