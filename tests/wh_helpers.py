"""Builders for warehouse and alert tests: articles and claims by hand, real DuckDB files."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pactwatch.alerts.options import AlertOptions
from pactwatch.flows.record import RecordResult, record_and_detect
from pactwatch.parsers.model import Actor, Article, Claim
from pactwatch.warehouse.db import open_writer
from pactwatch.warehouse.store import upsert_actors

AGENCIES = [
    Actor("nasa", "agency", "NASA", ("NASA",), "US"),
    Actor("cnsa", "agency", "China National Space Administration", ("CNSA",), "CN"),
    Actor("roscosmos", "agency", "Roscosmos", ("Roscosmos",), "RU"),
    Actor("isro", "agency", "ISRO", ("ISRO",), "IN"),
    Actor("jaxa", "agency", "JAXA", ("JAXA",), "JP"),
    Actor("esa", "coalition", "European Space Agency", ("ESA",)),
    Actor("US", "country", "United States", ("United States", "US")),
]


def day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


def article(
    slug: str, published: datetime | None, text: str = "", title: str | None = None
) -> Article:
    return Article(
        url=f"https://news.example/{slug}",
        title=title or f"Story {slug}",
        published_at=published,
        text=text or f"Text of {slug}.",
    )


def count(coalition: str, value: int, sentence: str | None = None, **kw: Any) -> Claim:
    s = sentence or f"{coalition} has {value} members."
    return Claim(
        kind="member_count",
        sentence=s,
        span=(0, len(s)),
        coalition=coalition,
        value=value,
        low=value,
        high=value,
        **kw,
    )


def bound(coalition: str, *, low: int | None = None, high: int | None = None, **kw: Any) -> Claim:
    s = f"{coalition} has at least {low} or at most {high} members."
    return Claim(
        kind="member_count",
        sentence=s,
        span=(0, len(s)),
        coalition=coalition,
        low=low,
        high=high,
        approx=True,
        **kw,
    )


def joined(coalition: str, actor: str, ordinal: int | None = None, **kw: Any) -> Claim:
    s = f"{actor} joined {coalition}" + (f" as the {ordinal}th member." if ordinal else ".")
    return Claim(
        kind="joined",
        sentence=s,
        span=(0, len(s)),
        coalition=coalition,
        actor=actor,
        ordinal=ordinal,
        **kw,
    )


def left(coalition: str, actor: str, **kw: Any) -> Claim:
    s = f"{actor} left {coalition}."
    return Claim(kind="left", sentence=s, span=(0, len(s)), coalition=coalition, actor=actor, **kw)


def partner(*actors: str, ended: bool = False, topic: str = "lunar research", **kw: Any) -> Claim:
    s = f"{' and '.join(actors)} {'ended' if ended else 'formed'} a partnership on {topic}."
    return Claim(
        kind="partnership_ended" if ended else "partnership",
        sentence=s,
        span=(0, len(s)),
        actors=tuple(actors),
        topic=topic,
        **kw,
    )


class Desk:
    """A warehouse in a temp dir, fed batch by batch like a run would."""

    def __init__(
        self,
        path: Path,
        *,
        channels: Sequence[str] = ("hook",),
        options: AlertOptions | None = None,
    ) -> None:
        self.path = path
        self.channels = list(channels)
        self.options = options or AlertOptions()
        self.clock = day(2026, 1, 1)
        with open_writer(path) as con:
            upsert_actors(con, AGENCIES)

    def feed(
        self,
        source: str,
        batch: Sequence[tuple[Article, Sequence[Claim]]],
        *,
        baseline: bool = False,
        options: AlertOptions | None = None,
    ) -> RecordResult:
        self.clock = self.clock.replace(hour=(self.clock.hour + 1) % 24)
        with open_writer(self.path) as con:
            return record_and_detect(
                con,
                source,
                batch,
                extractor_version="test-1",
                fetched_at=self.clock,
                baseline=baseline,
                channels=self.channels,
                options=options or self.options,
                now=self.clock,
                run_id="r",
            )

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with open_writer(self.path) as con:
            return con.execute(query, list(params)).fetchall()

    def alerts(self) -> list[dict[str, Any]]:
        from pactwatch.alerts.payload import list_alerts

        with open_writer(self.path) as con:
            return list_alerts(con)
