"""Latest state per subject, replayed from claims in the order events happened.

A subject is a coalition's member count, one actor's membership of one
coalition, or one unordered pair's partnership. Each article contributes at most
one state per subject; replaying articles by event time (published_at, fetch
time when unknown) cuts the history into segments: a segment starts where an
article changes the state and collects the later articles that restate it.
Detection (alerts.detect) turns segments into alerts. Pure code, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Count:
    """A member count as a claim states it: exact (value=low=high) or a range."""

    value: int | None
    low: int | None
    high: int | None
    approx: bool = False

    @property
    def exact(self) -> bool:
        return self.value is not None and not self.approx

    @property
    def point(self) -> int | None:
        """The single figure to rank by: the value, else the lower, else the upper bound."""
        if self.value is not None:
            return self.value
        return self.low if self.low is not None else self.high

    def interval(self) -> tuple[float, float]:
        """The range of true counts this statement allows."""
        if self.exact:
            assert self.value is not None
            return float(self.value), float(self.value)
        lo = float(self.low) if self.low is not None else -math.inf
        hi = float(self.high) if self.high is not None else math.inf
        if self.value is not None:  # "about 60": a tenth either side unless bounds say more
            margin = max(1, round(self.value / 10))
            lo = max(lo, self.value - margin) if self.low is None else lo
            hi = min(hi, self.value + margin) if self.high is None else hi
        return lo, hi

    def overlaps(self, other: Count) -> bool:
        a_lo, a_hi = self.interval()
        b_lo, b_hi = other.interval()
        return a_lo <= b_hi and b_lo <= a_hi

    def key(self) -> str:
        return f"{self.value}|{self.low}|{self.high}|{int(self.approx)}"

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True, slots=True)
class Observation:
    """One asserted claim about one subject, with the article it came from."""

    article_id: str
    claim_id: str
    source: str
    url: str
    title: str | None
    published_at: datetime | None
    fetched_at: datetime
    baseline: bool
    attributed_to: str | None
    sentence: str
    span_start: int
    story: str | None = None  # the near-duplicate group (articles.story_id)
    # what it says: a Count for counts (ordinal joins as a lower bound), else a status
    count: Count | None = None
    from_ordinal: bool = False
    status: str | None = None
    topic: str | None = None
    ordinal: int | None = None
    dated_at: datetime | None = None  # articles.dated_at: best available time when undated
    event_date: date | None = None  # when the sentence dates the event (claims.event_date)
    event_date_precision: str | None = None

    @property
    def event_time(self) -> datetime:
        """When the article told it: published_at, else its best available time, else
        fetch time. State is replayed in this order (the event date is reported, not
        used for ordering: a join dated 2023 first read in 2026 is news in 2026)."""
        return self.published_at or self.dated_at or self.fetched_at

    @property
    def order(self) -> tuple[datetime, int, datetime, str]:
        # On a tie in time (undated files read in one run), a count replays smallest
        # figure first, so a tie never yields a change that runs backwards (53 -> 51).
        point = self.count.point if self.count is not None else None
        return (self.event_time, point or 0, self.fetched_at, self.article_id)


@dataclass(slots=True)
class Segment:
    """A stretch of history with one state: who changed it, who restated it."""

    state: Count | str
    previous: Count | str | None
    previous_obs: Observation | None
    changer: Observation
    supporters: list[Observation] = field(default_factory=list)
    # every observation read while this state held, restating it or not
    seen: list[Observation] = field(default_factory=list)

    @property
    def state_key(self) -> str:
        return self.state.key() if isinstance(self.state, Count) else self.state

    @property
    def article_ids(self) -> set[str]:
        return {o.article_id for o in self.supporters}

    @property
    def sources(self) -> set[str]:
        return {o.source for o in self.supporters}

    @property
    def independent_reports(self) -> int:
        """Outlets reporting this state on their own: distinct sources, but one story
        carried by several outlets (a syndicated wire copy) counts once."""
        stories = {o.story or o.article_id for o in self.supporters}
        return min(len(self.sources), len(stories))


_ENDINGS = frozenset({"left", "ended"})


def _per_article(observations: Iterable[Observation], *, counts: bool) -> list[Observation]:
    """One observation per article, in event order.

    Counts: the highest figure the article supports (exact preferred on ties).
    Statuses: the claim latest in the text; when one sentence says both (a mis-read
    "ended their joint work" gives `partnership` and `partnership_ended`), the
    ending wins, as in the `memberships` and `partnerships` views, so the state
    never depends on the order rows come back in.
    """
    best: dict[str, Observation] = {}
    for obs in observations:
        held = best.get(obs.article_id)
        if held is None:
            best[obs.article_id] = obs
            continue
        if counts:
            assert obs.count is not None and held.count is not None
            # on a tie the earlier sentence (the lede) is the evidence, whatever the row order
            if (obs.count.point or 0, obs.count.exact, -obs.span_start, obs.claim_id) > (
                held.count.point or 0,
                held.count.exact,
                -held.span_start,
                held.claim_id,
            ):
                best[obs.article_id] = obs
        elif (obs.span_start, obs.status in _ENDINGS, obs.claim_id) >= (
            held.span_start,
            held.status in _ENDINGS,
            held.claim_id,
        ):
            best[obs.article_id] = obs
    return sorted(best.values(), key=lambda o: o.order)


def count_segments(observations: Iterable[Observation]) -> list[Segment]:
    """Replay a coalition's counts. A figure that agrees with the state (overlapping
    ranges) does not change it; an exact figure inside a range refines it silently;
    an ordinal above the state moves it to exactly the ordinal."""
    segments: list[Segment] = []
    current: Count | None = None
    current_obs: Observation | None = None
    for obs in _per_article(observations, counts=True):
        figure = obs.count
        assert figure is not None
        if obs.from_ordinal and figure.low is not None:
            settled = Count(figure.low, figure.low, figure.low, False)
        else:
            settled = figure
        if current is not None and figure.overlaps(current):
            segments[-1].seen.append(obs)
            if segments and settled == segments[-1].state:
                segments[-1].supporters.append(obs)
            elif settled.exact and not current.exact:
                current, current_obs = settled, obs
            continue
        segments.append(Segment(settled, current, current_obs, obs, [obs], [obs]))
        current, current_obs = settled, obs
    return segments


def status_segments(observations: Iterable[Observation]) -> list[Segment]:
    """Replay a membership (member/left) or partnership (active/ended) subject."""
    segments: list[Segment] = []
    for obs in _per_article(observations, counts=False):
        assert obs.status is not None
        if segments and segments[-1].state == obs.status:
            segments[-1].supporters.append(obs)
            segments[-1].seen.append(obs)
            continue
        previous = segments[-1] if segments else None
        segments.append(
            Segment(
                obs.status,
                previous.state if previous else None,
                previous.changer if previous else None,
                obs,
                [obs],
                [obs],
            )
        )
    return segments
