"""What the report shows, read from the warehouse in one read-only connection.

Per coalition: every count claim (the chart's points), the roster changes (the
chart's "named members" line), the current roster with evidence, and how many
members are known only from a count. Then partnerships, recent alerts with their
delivery state, and each source's health.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pactwatch.alerts.channels.render import display_name
from pactwatch.alerts.payload import list_alerts
from pactwatch.warehouse.alert_log import stored_alerts
from pactwatch.warehouse.db import Location, open_reader
from pactwatch.warehouse.timeline import (
    ConflictRow,
    CountPoint,
    PartnershipRow,
    RosterChange,
    RosterRow,
    SourceHealth,
    conflicts,
    count_points,
    known_coalitions,
    partnership_rows,
    roster,
    roster_changes,
    source_health,
)

__all__ = ["CoalitionData", "ReportData", "load_report_data"]

ALERTS_SHOWN = 100


@dataclass(frozen=True)
class CoalitionData:
    slug: str
    name: str
    points: list[CountPoint]
    changes: list[RosterChange]
    roster: list[RosterRow]
    conflicts: list[ConflictRow]
    latest: CountPoint | None  # the latest asserted count, the highest figure on that day

    @property
    def members_named(self) -> int:
        return sum(1 for r in self.roster if r.status == "member")

    @property
    def latest_figure(self) -> int | None:
        """The latest count as one number: the value, else the lower bound."""
        if self.latest is None:
            return None
        return self.latest.value if self.latest.value is not None else self.latest.low

    @property
    def unnamed(self) -> int:
        """Members known only from the latest count: the figure less those named."""
        figure = self.latest_figure
        return max(figure - self.members_named, 0) if figure is not None else 0


@dataclass(frozen=True)
class ReportData:
    generated_at: datetime
    warehouse: str
    since: datetime | None
    selected: tuple[str, ...]
    coalitions: list[CoalitionData]
    partnerships: list[PartnershipRow]
    alerts: list[dict[str, Any]]
    sources: list[SourceHealth]
    alerts_total: int = 0
    notes: list[str] = field(default_factory=list)


def _latest(points: Sequence[CountPoint]) -> CountPoint | None:
    def figure(p: CountPoint) -> int:
        return next((v for v in (p.value, p.low, p.high) if v is not None), -1)

    return max(points, key=lambda p: (p.as_of, figure(p)), default=None)


def load_report_data(
    path: Location,
    *,
    now: datetime,
    since: datetime | None = None,
    coalitions: Sequence[str] = (),
) -> ReportData:
    """Everything the report shows; `coalitions` limits it to those (and partnerships
    naming them or their members), `since` the timelines and alerts to that date on."""
    with open_reader(path) as con:
        known = known_coalitions(con)
        chosen = [c for c in known if not coalitions or c in coalitions]
        notes = [f"no claims about {c!r} in this warehouse" for c in coalitions if c not in known]
        points = count_points(con, coalitions=chosen, since=since)
        changes = roster_changes(con, coalitions=chosen, since=since)
        rows = roster(con, coalitions=chosen)
        disputes = conflicts(con, coalitions=chosen)
        sections = []
        for slug in chosen:
            mine = [p for p in points if p.coalition == slug]
            section = CoalitionData(
                slug=slug,
                name=display_name(slug),
                points=mine,
                changes=[c for c in changes if c.coalition == slug],
                roster=[r for r in rows if r.coalition == slug],
                conflicts=[d for d in disputes if d.coalition == slug],
                latest=_latest(mine),
            )
            if section.points or section.roster or section.changes:
                sections.append(section)
        actors: list[str] | None = None
        if coalitions:
            actors = sorted(set(chosen) | {r.actor for r in rows})
        pairs = partnership_rows(con, actors=actors)
        alerts = list_alerts(con, since=since, coalitions=tuple(coalitions), limit=ALERTS_SHOWN)
        total = len(stored_alerts(con, since=since, coalitions=tuple(coalitions)))
        health = source_health(con)
    return ReportData(
        generated_at=now,
        warehouse=str(path),
        since=since,
        selected=tuple(coalitions),
        coalitions=sections,
        partnerships=pairs,
        alerts=list(reversed(alerts)),  # newest first
        sources=health,
        alerts_total=total,
        notes=notes,
    )
