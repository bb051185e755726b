"""Latest state per subject, replayed from claims in the order events happened.

A subject is a coalition's member count, one actor's membership of one
coalition, or one unordered pair's partnership. Each article contributes at most
one state per subject; replaying articles by event time (published_at, fetch
time when unknown) cuts the history into segments: a segment starts where an
article changes the state and collects the later articles that restate it.
Detection (alerts.detect) turns segments into alerts. Pure code, no I/O.

A replay can stop and go on later: its `Tail` (the last segment, the count it
had settled on and the order key of the last observation) is all a later run
needs when every observation it brings comes after that key (`resumable`). The
tail serialises to JSON for the warehouse's `subject_state` table; supporters of
the restored segment come back as `Supporter` references (enough to count
outlets, and to find the claim again when it becomes evidence).

A segment that can never raise an alert again needs none of them: detection
`settle`s its tail (the state was announced by a given alert, or a baseline read
knew it), so a state restated for years keeps a tail of constant size.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple


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


class Supporter(NamedTuple):
    """An observation that restated a segment's state in an earlier replay."""

    article_id: str
    claim_id: str
    source: str
    story: str  # the near-duplicate group, else the article id
    baseline: bool

    @classmethod
    def of(cls, obs: Observation) -> Supporter:
        return cls(
            obs.article_id, obs.claim_id, obs.source, obs.story or obs.article_id, obs.baseline
        )


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
    # supporters from an earlier replay this one went on from (see Tail)
    earlier: list[Supporter] = field(default_factory=list)
    # a baseline read restated it in an earlier replay whose supporters were dropped
    baseline_known: bool = False

    @property
    def state_key(self) -> str:
        return self.state.key() if isinstance(self.state, Count) else self.state

    @property
    def article_ids(self) -> set[str]:
        return {o.article_id for o in self.supporters} | {s.article_id for s in self.earlier}

    @property
    def sources(self) -> set[str]:
        return {o.source for o in self.supporters} | {s.source for s in self.earlier}

    @property
    def independent_reports(self) -> int:
        """Outlets reporting this state on their own: distinct sources, but one story
        carried by several outlets (a syndicated wire copy) counts once."""
        stories = {o.story or o.article_id for o in self.supporters}
        stories |= {s.story for s in self.earlier}
        return min(len(self.sources), len(stories))

    @property
    def baseline(self) -> bool:
        """Whether a baseline read reported this state (it is not news then)."""
        return (
            self.baseline_known
            or any(s.baseline for s in self.earlier)
            or any(o.baseline for o in self.supporters)
        )

    def all_supporters(self) -> list[Supporter]:
        return [*self.earlier, *(Supporter.of(o) for o in self.supporters)]


Order = tuple[datetime, int, datetime, str]

# Bumped whenever the tail's JSON changes shape: a stored tail of another format
# is ignored (that subject is replayed whole once and its tail written anew).
TAIL_FORMAT = 2


@dataclass(slots=True)
class Tail:
    """Where a subject's replay stopped: its last segment, the count it had settled
    on (counts only; an exact figure inside a range refines it without a new
    segment) and the order key of the last observation it replayed.

    A settled tail keeps no supporters: its segment can raise nothing any more.
    `announced_by` is the alert that announced its state (a later run goes on from
    the tail only while that alert is still the subject's latest); `baseline` says
    a baseline read knew the state; a count's first segment (no previous figure)
    never raises either."""

    last: Order
    segment: Segment
    current: Count | None = None
    current_obs: Observation | None = None
    settled: bool = False
    announced_by: str | None = None

    def settle(self, *, announced_by: str | None, baseline: bool) -> None:
        """Drop the segment's supporters when it can never raise again: a `baseline`
        read knew the state, or the state is `announced_by` that alert (the subject's
        latest), or it is a count's first segment."""
        seg = self.segment
        if baseline:
            seg.baseline_known = True
        elif announced_by is not None:
            self.announced_by = announced_by
        elif not (isinstance(seg.state, Count) and seg.previous is None):
            return
        self.settled = True

    def as_json(self) -> dict[str, Any]:
        seg = self.segment
        return {
            "format": TAIL_FORMAT,
            "last": [_time_out(self.last[0]), self.last[1], _time_out(self.last[2]), self.last[3]],
            "state": _state_out(seg.state),
            "previous": _state_out(seg.previous),
            "previous_obs": _obs_out(seg.previous_obs),
            "changer": _obs_out(seg.changer),
            "supporters": [] if self.settled else [list(s) for s in seg.all_supporters()],
            "settled": self.settled,
            "baseline": seg.baseline_known,
            "announced_by": self.announced_by,
            "current": _state_out(self.current),
            "current_obs": _obs_out(self.current_obs),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tail | None:
        """The tail `as_json` wrote; None for one of another format or shape."""
        if not isinstance(data, dict) or data.get("format") != TAIL_FORMAT:
            return None
        try:
            return cls._decode(data)
        except (KeyError, TypeError, ValueError):
            return None

    @classmethod
    def _decode(cls, data: dict[str, Any]) -> Tail:
        changer = _obs_in(data["changer"])
        state = _state_in(data["state"])
        if changer is None or state is None:
            raise ValueError("a tail without its segment")
        current = _state_in(data["current"])
        segment = Segment(
            state,
            _state_in(data["previous"]),
            _obs_in(data["previous_obs"]),
            changer,
            earlier=[
                Supporter(str(a), str(c), str(s), str(t), bool(b))
                for a, c, s, t, b in data["supporters"]
            ],
            baseline_known=bool(data["baseline"]),
        )
        announced_by = data["announced_by"]
        t, point, fetched, article = data["last"]
        return cls(
            (_time_in(t), int(point), _time_in(fetched), str(article)),
            segment,
            current if isinstance(current, Count) else None,
            _obs_in(data["current_obs"]),
            settled=bool(data["settled"]),
            announced_by=None if announced_by is None else str(announced_by),
        )


def _time_out(value: datetime) -> str:
    return value.isoformat()


def _time_in(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _state_out(state: Count | str | None) -> Any:
    if isinstance(state, Count):
        return {"value": state.value, "low": state.low, "high": state.high, "approx": state.approx}
    return state


def _state_in(data: Any) -> Count | str | None:
    if isinstance(data, dict):
        return Count(data["value"], data["low"], data["high"], bool(data["approx"]))
    return None if data is None else str(data)


_OBS_TIMES = ("published_at", "fetched_at", "dated_at")


def _obs_out(obs: Observation | None) -> dict[str, Any] | None:
    if obs is None:
        return None
    out: dict[str, Any] = {}
    for name in Observation.__slots__:
        value = getattr(obs, name)
        if name in _OBS_TIMES:
            value = None if value is None else _time_out(value)
        elif name == "event_date":
            value = None if value is None else value.isoformat()
        elif name == "count":
            value = _state_out(value)
        out[name] = value
    return out


def _obs_in(data: dict[str, Any] | None) -> Observation | None:
    if data is None:
        return None
    values = dict(data)
    for name in _OBS_TIMES:
        if values.get(name) is not None:
            values[name] = _time_in(values[name])
    if values.get("event_date") is not None:
        values["event_date"] = date.fromisoformat(values["event_date"])
    if values.get("count") is not None:
        values["count"] = _state_in(values["count"])
    return Observation(**values)


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


def resumable(tail: Tail | None, observations: Iterable[Observation], *, counts: bool) -> bool:
    """Whether replaying `observations` on from `tail` gives what a replay of the
    whole history would: every one of them comes after the last one replayed."""
    return tail is not None and all(
        o.order > tail.last for o in _per_article(observations, counts=counts)
    )


def _restored(tail: Tail | None) -> list[Segment]:
    if tail is None:
        return []
    seg = tail.segment
    return [
        Segment(
            seg.state,
            seg.previous,
            seg.previous_obs,
            seg.changer,
            earlier=list(seg.earlier),
            baseline_known=seg.baseline_known,
        )
    ]


def count_segments(observations: Iterable[Observation]) -> list[Segment]:
    return replay_counts(observations)[0]


def replay_counts(
    observations: Iterable[Observation], tail: Tail | None = None
) -> tuple[list[Segment], Tail | None]:
    """Replay a coalition's counts. A figure that agrees with the state (overlapping
    ranges) does not change it; an exact figure inside a range refines it silently;
    an ordinal above the state moves it to exactly the ordinal.

    With `tail`, go on from an earlier replay (only when `resumable`): the first
    segment returned is the tail's, restored. Returns the segments and the new tail."""
    segments = _restored(tail)
    current = tail.current if tail is not None else None
    current_obs = tail.current_obs if tail is not None else None
    last = tail.last if tail is not None else None
    for obs in _per_article(observations, counts=True):
        last = obs.order
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
    if not segments or last is None:
        return segments, None
    return segments, Tail(last, segments[-1], current, current_obs)


def status_segments(observations: Iterable[Observation]) -> list[Segment]:
    return replay_statuses(observations)[0]


def replay_statuses(
    observations: Iterable[Observation], tail: Tail | None = None
) -> tuple[list[Segment], Tail | None]:
    """Replay a membership (member/left) or partnership (active/ended) subject, from
    the start or on from `tail` (see `replay_counts`)."""
    segments = _restored(tail)
    last = tail.last if tail is not None else None
    for obs in _per_article(observations, counts=False):
        assert obs.status is not None
        last = obs.order
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
    if not segments or last is None:
        return segments, None
    return segments, Tail(last, segments[-1])
