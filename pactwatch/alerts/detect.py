"""Change detection: new claims -> alerts + outbox rows, idempotently.

For every subject the new articles touch, the whole history is replayed from
asserted claims in event order (alerts.state). A segment (a stretch with one
state) becomes an alert when

- it holds one of the new articles and no article already known tells of a
  later time (an old article read late updates history but raises nothing);
- no baseline read reports that state (the baseline knew it: not news);
- there was a previous state to change from (counts only: "17 -> 13" needs a 17);
- enough independent outlets report it (`min_sources`: distinct sources, where
  copies of one story syndicated to several outlets count once) and the subject
  passes the `coalitions` filter.

When the subject's latest alert already announces that state, the new articles
become more evidence on it instead: several outlets, one alert. Alert ids are
derived from kind, subject and state, so re-running, re-reading or
re-extracting never makes a second alert. Each new alert gets one pending
delivery row per channel in the same transaction.

Detection is incremental: each subject's replay ends in a tail stored in
`subject_state`. When every new claim about a subject comes after that tail
(the usual case: news arrives in order), only the new claims are read and
replayed on from it, so the cost follows the new claims, not the history. An
old article read late, or a subject whose tail was forgotten (a claim replaced,
an actor mapped anew), is replayed in full; both ways give the same alerts.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import duckdb

from pactwatch.alerts.options import AlertOptions
from pactwatch.alerts.state import (
    Count,
    Observation,
    Segment,
    Supporter,
    Tail,
    replay_counts,
    replay_statuses,
    resumable,
)
from pactwatch.clock import iso_utc
from pactwatch.parsers.event_dates import PRECISIONS, EventDate
from pactwatch.warehouse.alert_log import (
    AlertRow,
    EvidenceRow,
    announced,
    insert_alerts,
    insert_evidence,
    insert_evidence_of_claims,
    queue_deliveries,
)
from pactwatch.warehouse.db import transaction
from pactwatch.warehouse.history import (
    CountClaim,
    MembershipClaim,
    PartnershipClaim,
    SeenIn,
    all_subjects,
    count_history,
    mark_baseline,
    membership_history,
    partnership_history,
    subjects_of,
)
from pactwatch.warehouse.subject_state import load_tails, save_tails

__all__ = ["alert_id_for", "build_tails", "detect"]

K = TypeVar("K", str, tuple[str, str])


def alert_id_for(kind: str, subject: str, state_key: str, occurrence: int = 0) -> str:
    """Deterministic alert id; `occurrence` counts earlier returns to the same state."""
    base = f"{kind}\x1f{subject}\x1f{state_key}"
    if occurrence:
        base += f"\x1f{occurrence}"
    return hashlib.sha256(base.encode()).hexdigest()[:24]


def _observation(seen: SeenIn, **what: Any) -> Observation:
    return Observation(**seen._asdict(), **what)


def _count_observations(rows: Sequence[CountClaim]) -> dict[str, list[Observation]]:
    out: dict[str, list[Observation]] = defaultdict(list)
    for row in rows:
        if row.kind == "joined":
            count, from_ordinal = Count(None, row.ordinal, None, True), True
        elif row.value is None and row.low is None and row.high is None:
            continue
        else:
            count, from_ordinal = Count(row.value, row.low, row.high, row.approx), False
        out[row.coalition].append(_observation(row.seen, count=count, from_ordinal=from_ordinal))
    return out


def _membership_observations(
    rows: Sequence[MembershipClaim],
) -> dict[tuple[str, str], list[Observation]]:
    out: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for row in rows:
        out[(row.coalition, row.actor)].append(
            _observation(row.seen, status=row.status, ordinal=row.ordinal)
        )
    return out


def _partnership_observations(
    rows: Sequence[PartnershipClaim],
) -> dict[tuple[str, str], list[Observation]]:
    out: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for row in rows:
        out[(row.actor_a, row.actor_b)].append(
            _observation(row.seen, status=row.status, topic=row.topic)
        )
    return out


def _kept(observations: list[Observation], options: AlertOptions) -> list[Observation]:
    """The observations detection replays: attributed ones go with `ignore_attributed`."""
    if options.ignore_attributed:
        return [o for o in observations if o.attributed_to is None]
    return observations


def _variant(options: AlertOptions) -> str:
    """The `subject_state.variant` the options replay: which claims `_kept` keeps."""
    return "unattributed" if options.ignore_attributed else "all"


class _Detector:
    """Walks subjects, decides, and collects rows; `flush` writes them in a few statements."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        new_ids: set[str],
        baseline_sources: set[str],
        channels: Sequence[str],
        options: AlertOptions,
        now: datetime,
        run_id: str | None,
    ) -> None:
        self.con = con
        self.new_ids = new_ids
        self.baseline_sources = baseline_sources
        self.channels = list(dict.fromkeys(channels))
        self.options = options
        self.now = now
        self.run_id = run_id
        self.created: list[str] = []
        self.latest: dict[str, tuple[str, str]] = {}  # subject -> (alert id, state key)
        self.occurrences: dict[tuple[str, str], int] = {}
        self.alert_rows: list[AlertRow] = []
        # evidence in the order it was found; earlier replays' supporters are read at flush
        self.evidence: dict[tuple[str, str], Observation | Supporter] = {}

    def load_alerts(self, subjects: Sequence[str]) -> None:
        """What was already announced about these subjects: latest state, and how often each."""
        for row in announced(self.con, subjects):  # oldest first: the last one per subject wins
            self.occurrences[(row.subject, row.state_key)] = row.times
            self.latest[row.subject] = (row.latest_id, row.state_key)

    def _is_baseline(self, obs: Observation) -> bool:
        if obs.article_id in self.new_ids:
            return obs.source in self.baseline_sources or obs.baseline
        return obs.baseline

    def _baseline(self, seg: Segment) -> bool:
        """`Segment.baseline`, with this run's baseline sources counted for new reads."""
        return seg.baseline or any(self._is_baseline(o) for o in seg.supporters)

    def settled(self, tails: Mapping[str, Tail]) -> dict[str, dict[str, Any]]:
        """The tails to store, judged after this run's alerts (see `_settle`)."""
        return _settle(tails, self.latest, self._baseline)

    def _keep(self, observations: list[Observation]) -> list[Observation]:
        return _kept(observations, self.options)

    def _wanted(self, coalitions: Sequence[str]) -> bool:
        wanted = self.options.coalitions
        return wanted is None or any(c in wanted for c in coalitions)

    def subject(
        self,
        segments: list[Segment],
        *,
        subject: str,
        kind_of: dict[str, str] | str,
        coalition: str | None,
        actor: str | None,
        actors: list[str] | None,
        filter_on: Sequence[str],
        needs_previous: bool,
    ) -> None:
        for index, seg in enumerate(segments):
            fresh = seg.article_ids & self.new_ids
            if not fresh:
                continue
            others = [
                o
                for later in segments[index + 1 :]
                for o in later.seen
                if o.article_id not in self.new_ids
            ]
            if any(o.event_time > seg.changer.event_time for o in others):
                continue  # history: something already known is newer
            latest = self.latest.get(subject)
            if latest is not None and latest[1] == seg.state_key:
                self._evidence(latest[0], [o for o in seg.supporters if o.article_id in fresh])
                continue
            if self._baseline(seg):
                continue  # a baseline read already knew this state: not news
            if not self._wanted(filter_on):
                continue
            if needs_previous and seg.previous is None:
                continue
            if seg.independent_reports < self.options.min_sources:
                continue
            kind = kind_of if isinstance(kind_of, str) else kind_of[seg.state_key]
            self._raise(
                seg, kind=kind, subject=subject, coalition=coalition, actor=actor, actors=actors
            )

    def _raise(
        self,
        seg: Segment,
        *,
        kind: str,
        subject: str,
        coalition: str | None,
        actor: str | None,
        actors: list[str] | None,
    ) -> None:
        key = (subject, seg.state_key)
        earlier = self.occurrences.get(key, 0)
        alert_id = alert_id_for(kind, subject, seg.state_key, earlier)
        self.occurrences[key] = earlier + 1
        self.latest[subject] = (alert_id, seg.state_key)
        previous, current = _describe(seg)
        self.alert_rows.append(
            AlertRow(
                id=alert_id,
                kind=kind,
                subject=subject,
                state_key=seg.state_key,
                coalition=coalition,
                actor=actor,
                actors=actors,
                previous=json.dumps(previous),
                current=json.dumps(current),
                created_at=self.now,
                run_id=self.run_id,
            )
        )
        self._evidence(alert_id, [*seg.earlier, *seg.supporters])
        self.created.append(alert_id)

    def _evidence(self, alert_id: str, observations: Sequence[Observation | Supporter]) -> None:
        for o in observations:
            self.evidence.setdefault((alert_id, o.article_id), o)

    def _evidence_row(self, alert_id: str, o: Observation) -> EvidenceRow:
        return EvidenceRow(
            alert_id=alert_id,
            article_id=o.article_id,
            claim_id=o.claim_id,
            url=None if o.url.startswith("urn:pactwatch:") else o.url,
            title=o.title,
            published_at=o.published_at,
            sentence=o.sentence,
            attributed_to=o.attributed_to,
            source=o.source,
            added_at=self.now,
        )

    def flush(self) -> None:
        insert_alerts(self.con, self.alert_rows)
        insert_evidence(
            self.con,
            [
                self._evidence_row(alert_id, o)
                for (alert_id, _), o in self.evidence.items()
                if isinstance(o, Observation)
            ],
        )
        insert_evidence_of_claims(  # supporters an earlier replay saw: stored claims
            self.con,
            [
                (alert_id, o.claim_id)
                for (alert_id, _), o in self.evidence.items()
                if isinstance(o, Supporter)
            ],
            now=self.now,
        )
        queue_deliveries(self.con, self.created, self.channels, now=self.now)


def _when(obs: Observation | None) -> str | None:
    return iso_utc(obs.published_at) if obs is not None else None


def _event(obs: Observation | None) -> dict[str, Any]:
    """`event_date` and its precision when the claim's sentence dated the event."""
    if obs is None or obs.event_date is None or obs.event_date_precision is None:
        return {}
    precision = PRECISIONS.get(obs.event_date_precision)
    if precision is None:
        return {}
    return {
        "event_date": EventDate(obs.event_date, precision).iso(),
        "event_date_precision": precision,
    }


def _describe(seg: Segment) -> tuple[dict[str, Any], dict[str, Any]]:
    """The payload's previous/current objects (documented in alerts.payload)."""
    if isinstance(seg.state, Count):
        prev = seg.previous if isinstance(seg.previous, Count) else Count(None, None, None)
        return (
            {**prev.as_json(), "published_at": _when(seg.previous_obs), **_event(seg.previous_obs)},
            {**seg.state.as_json(), "published_at": _when(seg.changer), **_event(seg.changer)},
        )
    previous: dict[str, Any] = {
        "status": seg.previous,
        "published_at": _when(seg.previous_obs),
        **_event(seg.previous_obs),
    }
    current: dict[str, Any] = {
        "status": seg.state,
        "published_at": _when(seg.changer),
        **_event(seg.changer),
    }
    if seg.changer.ordinal is not None:
        current["ordinal"] = seg.changer.ordinal
    if seg.changer.topic is not None:
        current["topic"] = seg.changer.topic
    return previous, current


def _latest_alerts(
    con: duckdb.DuckDBPyConnection, subjects: Sequence[str]
) -> dict[str, tuple[str, str]]:
    """Each subject's latest alert: (alert id, state key)."""
    return {row.subject: (row.latest_id, row.state_key) for row in announced(con, subjects)}


def _settle(
    tails: Mapping[str, Tail],
    latest: Mapping[str, tuple[str, str]],
    baseline: Callable[[Segment], bool],
) -> dict[str, dict[str, Any]]:
    """The tails as stored, each settled (its supporters dropped) when its segment can
    raise nothing more: its state is the subject's latest alert's, or a baseline
    read knew it, or it is a count's first segment (`Tail.settle`)."""
    out = {}
    for name, tail in tails.items():
        known = latest.get(name)
        announced_by = known[0] if known and known[1] == tail.segment.state_key else None
        tail.settle(announced_by=announced_by, baseline=baseline(tail.segment))
        out[name] = tail.as_json()
    return out


class _Replays:
    """Each subject's segments: replayed on from its stored tail when every new
    observation comes after it, else from its whole history (read in one query per
    kind of subject). Collects the tails to store."""

    def __init__(
        self,
        stored: dict[str, dict[str, Any]],
        keep: Callable[[list[Observation]], list[Observation]],
        latest: Mapping[str, tuple[str, str]],
    ) -> None:
        self.stored = stored
        self.keep = keep
        self.latest = latest
        self.tails: dict[str, Tail] = {}

    def _tail(self, key: str) -> Tail | None:
        """The stored tail, if it can be gone on from: a tail settled by an alert only
        while that alert is still the subject's latest (options replayed differently
        since, e.g. attributed claims dropped, may have announced another state)."""
        data = self.stored.get(key)
        tail = Tail.from_json(data) if data is not None else None
        if tail is not None and tail.announced_by is not None:
            latest = self.latest.get(key)
            if latest is None or latest[0] != tail.announced_by:
                return None
        return tail

    def _run(
        self,
        prefix: str,
        fresh: Mapping[K, list[Observation]],
        whole: Callable[[set[K]], Mapping[K, list[Observation]]],
        replay: Callable[[list[Observation], Tail | None], tuple[list[Segment], Tail | None]],
        *,
        counts: bool,
    ) -> list[tuple[K, list[Segment]]]:

        def name(subject: K) -> str:
            parts: tuple[str, ...] = (subject,) if isinstance(subject, str) else subject
            return ":".join((prefix, *parts))

        starts: dict[K, Tail] = {}
        for subject, observations in fresh.items():
            tail = self._tail(name(subject))
            if tail is not None and resumable(tail, self.keep(observations), counts=counts):
                starts[subject] = tail
        replayed = whole({s for s in fresh if s not in starts})
        out = []
        for subject in sorted(fresh):
            start = starts.get(subject)
            history = fresh[subject] if start is not None else list(replayed.get(subject, []))
            segments, tail = replay(self.keep(history), start)
            if tail is not None:
                self.tails[name(subject)] = tail
            out.append((subject, segments))
        return out

    def counts(
        self,
        fresh: Mapping[str, list[Observation]],
        whole: Callable[[set[str]], Mapping[str, list[Observation]]],
    ) -> list[tuple[str, list[Segment]]]:
        return self._run("count", fresh, whole, replay_counts, counts=True)

    def statuses(
        self,
        prefix: str,
        fresh: Mapping[tuple[str, str], list[Observation]],
        whole: Callable[[set[tuple[str, str]]], Mapping[tuple[str, str], list[Observation]]],
    ) -> list[tuple[tuple[str, str], list[Segment]]]:
        return self._run(prefix, fresh, whole, replay_statuses, counts=False)


def detect(
    con: duckdb.DuckDBPyConnection,
    *,
    article_ids: Sequence[str],
    baseline_sources: set[str] | frozenset[str] = frozenset(),
    channels: Sequence[str] = (),
    options: AlertOptions | None = None,
    now: datetime,
    run_id: str | None = None,
) -> list[str]:
    """Detect changes caused by `article_ids` (new or changed articles). Returns new alert ids.

    Articles of `baseline_sources` are marked as baseline reads: they move state
    but never raise. Runs in one transaction (or joins the caller's).
    """
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return []
    opts = options or AlertOptions()
    with transaction(con):
        mark_baseline(con, ids, baseline_sources)
        det = _Detector(
            con,
            new_ids=set(ids),
            baseline_sources=set(baseline_sources),
            channels=channels,
            options=opts,
            now=now,
            run_id=run_id,
        )
        subjects = subjects_of(con, ids)
        det.load_alerts(subjects.keys())
        variant = _variant(opts)
        replays = _Replays(load_tails(con, subjects.keys(), variant), det._keep, det.latest)
        # memberships first: a join and the count it implies read in that order
        members = replays.statuses(
            "membership",
            _membership_observations(membership_history(con, subjects.members, article_ids=ids)),
            lambda wanted: _membership_observations(membership_history(con, wanted)),
        )
        counts = replays.counts(
            _count_observations(count_history(con, subjects.counts, article_ids=ids)),
            lambda wanted: _count_observations(count_history(con, wanted)),
        )
        pairs = replays.statuses(
            "partnership",
            _partnership_observations(partnership_history(con, subjects.pairs, article_ids=ids)),
            lambda wanted: _partnership_observations(partnership_history(con, wanted)),
        )
        for (coalition, actor), segments in members:
            det.subject(
                segments,
                subject=f"membership:{coalition}:{actor}",
                kind_of={"member": "member_joined", "left": "member_left"},
                coalition=coalition,
                actor=actor,
                actors=None,
                filter_on=[coalition],
                needs_previous=False,
            )
        for coalition, segments in counts:
            det.subject(
                segments,
                subject=f"count:{coalition}",
                kind_of="member_count_changed",
                coalition=coalition,
                actor=None,
                actors=None,
                filter_on=[coalition],
                needs_previous=True,
            )
        for (a, b), segments in pairs:
            det.subject(
                segments,
                subject=f"partnership:{a}:{b}",
                kind_of={"active": "partnership_formed", "ended": "partnership_ended"},
                coalition=None,
                actor=None,
                actors=[a, b],
                filter_on=[a, b],
                needs_previous=False,
            )
        save_tails(con, det.settled(replays.tails), variant, now=now)
        det.flush()
    return det.created


def _any_baseline(seg: Segment) -> bool:
    return seg.baseline


def _already(
    history: Mapping[K, list[Observation]],
) -> Callable[[set[K]], Mapping[K, list[Observation]]]:
    """A whole-history reader for histories read already."""
    return lambda _wanted: history


def build_tails(
    con: duckdb.DuckDBPyConnection,
    *,
    options: AlertOptions | None = None,
    now: datetime,
    chunk: int = 500,
) -> int:
    """Replay every subject's whole history once and store its tail, raising nothing.

    Detection builds tails as it goes; this does it in one pass, after a bulk load
    or an upgrade, so the next runs resume everywhere. Returns how many subjects.
    """
    opts = options or AlertOptions()
    variant = _variant(opts)

    def keep(observations: list[Observation]) -> list[Observation]:
        return _kept(observations, opts)

    subjects = all_subjects(con)
    done = 0
    with transaction(con):
        counts = sorted(subjects.counts)
        members = sorted(subjects.members)
        pairs = sorted(subjects.pairs)
        for lo in range(0, max(len(counts), len(members), len(pairs)), chunk):
            replays = _Replays({}, keep, {})
            part_c, part_m, part_p = (
                set(counts[lo : lo + chunk]),
                set(members[lo : lo + chunk]),
                set(pairs[lo : lo + chunk]),
            )
            # no stored tail: each subject's history is read once and replayed whole
            c_obs = _count_observations(count_history(con, part_c))
            m_obs = _membership_observations(membership_history(con, part_m))
            p_obs = _partnership_observations(partnership_history(con, part_p))
            replays.counts(c_obs, _already(c_obs))
            replays.statuses("membership", m_obs, _already(m_obs))
            replays.statuses("partnership", p_obs, _already(p_obs))
            latest = _latest_alerts(con, list(replays.tails))
            save_tails(con, _settle(replays.tails, latest, _any_baseline), variant, now=now)
            done += len(replays.tails)
    return done
