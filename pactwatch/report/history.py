"""`pactwatch history SLUG`: one coalition's count timeline and roster changes, newest last.

Each entry is one asserted claim: a count (or a join whose ordinal implies one), a
join or a departure, with the outlet (the configured source that read it), the
speaker and the article. Hedged and negated claims are left out, as they are from
state and alerts.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import duckdb

from pactwatch.alerts.channels.render import actor_name, count_text
from pactwatch.clock import iso_utc
from pactwatch.errors import UsageError
from pactwatch.warehouse.timeline import (
    CountPoint,
    RosterChange,
    count_points,
    known_coalitions,
    roster_changes,
)

__all__ = ["HistoryEntry", "coalition_history", "count_label", "format_entry"]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of a coalition's history (`--json` prints `as_json()`)."""

    date: datetime
    kind: str  # count | joined | left
    coalition: str
    what: str  # "48", "about 60", "Senegal (SN)"
    outlet: str
    speaker: str | None
    url: str
    title: str | None
    sentence: str
    value: int | None = None
    low: int | None = None
    high: int | None = None
    approx: bool | None = None
    basis: str | None = None
    actor: str | None = None

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["date"] = iso_utc(self.date)
        return out


def count_label(point: CountPoint) -> str:
    """`48`, `about 60`, `at least 50`, `50-60`; `41 (ordinal)` for an ordinal join."""
    text = count_text(
        {"value": point.value, "low": point.low, "high": point.high, "approx": point.approx}
        if point.approx
        else {"value": point.value, "low": point.low, "high": point.high}
    )
    return f"{text} (ordinal)" if point.basis == "ordinal" else text


def _from_count(p: CountPoint) -> HistoryEntry:
    return HistoryEntry(
        date=p.as_of,
        kind="count",
        coalition=p.coalition,
        what=count_label(p),
        outlet=p.source,
        speaker=p.attributed_to,
        url=p.url,
        title=p.title,
        sentence=p.sentence,
        value=p.value,
        low=p.low,
        high=p.high,
        approx=p.approx,
        basis=p.basis,
    )


def _from_change(c: RosterChange) -> HistoryEntry:
    return HistoryEntry(
        date=c.as_of,
        kind="joined" if c.status == "member" else "left",
        coalition=c.coalition,
        what=actor_name(c.actor),
        outlet=c.source,
        speaker=c.attributed_to,
        url=c.url,
        title=c.title,
        sentence=c.sentence,
        actor=c.actor,
    )


def coalition_history(
    con: duckdb.DuckDBPyConnection, slug: str, *, since: datetime | None = None
) -> list[HistoryEntry]:
    """Counts, joins and departures of `slug`, oldest first (newest last).

    Raises `UsageError` naming the closest known coalition when no claim ever spoke
    of `slug`."""
    known = known_coalitions(con)
    if slug not in known:
        close = difflib.get_close_matches(slug, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        listed = ", ".join(known) if known else "none yet"
        raise UsageError(f"no claims about coalition {slug!r}{hint}; known: {listed}")
    entries = [_from_count(p) for p in count_points(con, coalitions=[slug], since=since)]
    entries += [_from_change(c) for c in roster_changes(con, coalitions=[slug], since=since)]
    order = {"count": 1, "joined": 0, "left": 0}
    return sorted(entries, key=lambda e: (e.date, order[e.kind], e.what))


def format_entry(entry: HistoryEntry) -> str:
    """One terminal line: date, what, outlet, speaker."""
    what = f"count {entry.what}" if entry.kind == "count" else f"{entry.kind} {entry.what}"
    speaker = f"according to {entry.speaker}" if entry.speaker else "-"
    return f"{entry.date:%Y-%m-%d}  {what:<34}  {entry.outlet:<18}  {speaker}"
