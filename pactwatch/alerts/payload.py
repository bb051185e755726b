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

`current` and `previous` also carry `event_date` (ISO 8601 at its precision:
"2023", "2023-09", "2023-09-14") and `event_date_precision` (`day`, `month`,
`year`) when the claim's sentence dated the event; the keys are absent
otherwise. `published_at` stays the time the change was first reported.

`conflict` (an addition to DESIGN section 6) is null, or for a count alert how
figures about the same moment disagree, e.g. "2 articles say 13, 1 article says
17": figures from the same article, with the same event date, or published by
different outlets within `[alerts] conflict_window` hours (default 48) of the
alert's figure (the `disagreements_within` table macro). A later figure is a
change, not a disagreement. Both figures are kept, and the reader is told.

`source` (an addition) is the source's name for the operational kinds
`source_unhealthy` and `source_recovered`, null for the others; their `previous`
and `current` are described in `pactwatch.alerts.health` (state, reason,
failures in a row, last error, last success, last new article) and their
`evidence` is empty.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb

from pactwatch.alerts.channels.render import headline
from pactwatch.clock import iso_utc
from pactwatch.warehouse.alert_log import (
    StoredAlert,
    conflict_summary,
    evidence_of,
    find_alert,
    stored_alerts,
)
from pactwatch.warehouse.deliveries import delivery_states
from pactwatch.warehouse.health import HEALTH_KINDS

__all__ = ["DEFAULT_CONFLICT_WINDOW", "alert_payload", "list_alerts", "render_line"]

DEFAULT_CONFLICT_WINDOW = 48.0
"""Hours within which figures from different outlets are about the same moment."""


def _evidence(
    con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in alert_ids}
    for e in evidence_of(con, alert_ids):
        out[e.alert_id].append(
            {
                "url": e.url,
                "title": e.title,
                "published_at": iso_utc(e.published_at),
                "sentence": e.sentence,
                "attributed_to": e.attributed_to,
            }
        )
    return out


def _deliveries(
    con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in alert_ids}
    for d in delivery_states(con, alert_ids):
        out[d.alert_id].append(
            {
                "channel": d.channel,
                "status": d.status,
                "attempts": d.attempts,
                "last_error": d.last_error,
                "next_attempt_at": iso_utc(d.next_attempt_at),
                "delivered_at": iso_utc(d.delivered_at),
            }
        )
    return out


def _conflict(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    coalition: str | None,
    current: dict[str, Any] | None,
    window: float,
) -> str | None:
    """For a count alert: how sources disagree about the same moment ("2 articles say 13, ...")."""
    if kind != "member_count_changed" or not coalition or not current:
        return None
    when = current.get("published_at")
    if not when:
        return None
    return conflict_summary(con, coalition, str(when), window_hours=window)


def _payload(
    con: duckdb.DuckDBPyConnection,
    alert: StoredAlert,
    evidence: list[dict[str, Any]],
    window: float = DEFAULT_CONFLICT_WINDOW,
) -> dict[str, Any]:
    current_state = json.loads(alert.current) if alert.current else None
    return {
        "id": alert.id,
        "kind": alert.kind,
        "coalition": alert.coalition,
        "actor": alert.actor,
        "actors": list(alert.actors) if alert.actors is not None else None,
        "previous": json.loads(alert.previous) if alert.previous else None,
        "current": current_state,
        "evidence": evidence,
        "created_at": iso_utc(alert.created_at),
        # Beyond DESIGN section 6 (added, never renamed): null unless sources disagree.
        "conflict": _conflict(con, alert.kind, alert.coalition, current_state, window),
        "source": _source(alert.kind, current_state),
    }


def _source(kind: str, current: dict[str, Any] | None) -> str | None:
    """The source a health alert is about; null for the other kinds."""
    if kind not in HEALTH_KINDS or not isinstance(current, dict):
        return None
    name = current.get("source")
    return str(name) if name is not None else None


def alert_payload(
    con: duckdb.DuckDBPyConnection,
    alert_id: str,
    *,
    conflict_window: float = DEFAULT_CONFLICT_WINDOW,
) -> dict[str, Any]:
    """The webhook JSON of one alert. Raises KeyError when there is no such alert."""
    alert = find_alert(con, alert_id)
    if alert is None:
        raise KeyError(alert_id)
    return _payload(con, alert, _evidence(con, [alert_id])[alert_id], conflict_window)


def list_alerts(
    con: duckdb.DuckDBPyConnection,
    *,
    pending_only: bool = False,
    conflict_window: float = DEFAULT_CONFLICT_WINDOW,
    since: datetime | None = None,
    coalitions: Sequence[str] = (),
    kinds: Sequence[str] = (),
    limit: int | None = None,
    run_id: str | None = None,
) -> list[dict[str, Any]]:
    """Alerts (oldest first) as their payload plus `deliveries`.

    `pending_only` keeps alerts with any delivery not yet delivered (pending or failed);
    `since`, `coalitions`, `kinds`, `limit` and `run_id` filter as `stored_alerts` says.
    """
    alerts = stored_alerts(
        con,
        pending_only=pending_only,
        since=since,
        coalitions=coalitions,
        kinds=kinds,
        limit=limit,
        run_id=run_id,
    )
    ids = [a.id for a in alerts]
    evidence = _evidence(con, ids)
    deliveries = _deliveries(con, ids)
    out = []
    for alert in alerts:
        item = _payload(con, alert, evidence[alert.id], conflict_window)
        item["deliveries"] = deliveries[alert.id]
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
