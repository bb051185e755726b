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
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb

from pactwatch.alerts.options import AlertOptions
from pactwatch.alerts.state import Count, Observation, Segment, count_segments, status_segments
from pactwatch.parsers.model import iso_utc
from pactwatch.warehouse.db import transaction
from pactwatch.warehouse.store import insert_rows

__all__ = ["alert_id_for", "detect"]

_OBS_COLUMNS = (
    "a.id, c.id, a.source, a.url, a.title, a.published_at, a.fetched_at, a.baseline,"
    " c.attributed_to, c.sentence, coalesce(c.span_start, 0), coalesce(a.story_id, a.id)"
)
_EXTRA = 12  # where the subject's own columns start in a history row


def alert_id_for(kind: str, subject: str, state_key: str, occurrence: int = 0) -> str:
    """Deterministic alert id; `occurrence` counts earlier returns to the same state."""
    base = f"{kind}\x1f{subject}\x1f{state_key}"
    if occurrence:
        base += f"\x1f{occurrence}"
    return hashlib.sha256(base.encode()).hexdigest()[:24]


def _obs(row: tuple[Any, ...], **what: Any) -> Observation:
    return Observation(
        article_id=row[0],
        claim_id=row[1],
        source=row[2],
        url=row[3],
        title=row[4],
        published_at=row[5],
        fetched_at=row[6],
        baseline=bool(row[7]),
        attributed_to=row[8],
        sentence=row[9],
        span_start=int(row[10]),
        story=str(row[11]),
        **what,
    )


def _subjects(
    con: duckdb.DuckDBPyConnection, article_ids: list[str]
) -> tuple[set[str], set[tuple[str, str]], set[tuple[str, str]]]:
    """Coalitions whose count, (coalition, actor) memberships and pairs the articles speak of."""
    counts = {
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT coalition FROM claims"
            " WHERE article_id IN (SELECT unnest(?::VARCHAR[])) AND modality = 'asserted'"
            " AND coalition IS NOT NULL"
            " AND (kind = 'member_count' OR (kind = 'joined' AND ordinal IS NOT NULL))",
            [article_ids],
        ).fetchall()
    }
    members = {
        (str(r[0]), str(r[1]))
        for r in con.execute(
            "SELECT DISTINCT coalition, actor FROM membership_claims"
            " WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [article_ids],
        ).fetchall()
    }
    pairs = {
        (str(r[0]), str(r[1]))
        for r in con.execute(
            "SELECT DISTINCT actor_a, actor_b FROM partnership_claims"
            " WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [article_ids],
        ).fetchall()
    }
    return counts, members, pairs


def _count_history(
    con: duckdb.DuckDBPyConnection, coalitions: set[str]
) -> dict[str, list[Observation]]:
    out: dict[str, list[Observation]] = defaultdict(list)
    if not coalitions:
        return out
    rows = con.execute(
        f"SELECT {_OBS_COLUMNS}, c.coalition, c.kind, c.value, c.low, c.high, c.approx, c.ordinal"
        " FROM claims c JOIN articles a ON a.id = c.article_id"
        " WHERE c.modality = 'asserted' AND c.coalition IN (SELECT unnest(?::VARCHAR[]))"
        " AND (c.kind = 'member_count' OR (c.kind = 'joined' AND c.ordinal IS NOT NULL))",
        [sorted(coalitions)],
    ).fetchall()
    for row in rows:
        coalition, kind, value, low, high, approx, ordinal = row[_EXTRA:]
        if kind == "joined":
            count, from_ordinal = Count(None, ordinal, None, True), True
        else:
            if value is None and low is None and high is None:
                continue
            count, from_ordinal = Count(value, low, high, bool(approx)), False
        out[coalition].append(_obs(row, count=count, from_ordinal=from_ordinal))
    return out


def _membership_history(
    con: duckdb.DuckDBPyConnection, subjects: set[tuple[str, str]]
) -> dict[tuple[str, str], list[Observation]]:
    out: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    if not subjects:
        return out
    rows = con.execute(
        f"SELECT {_OBS_COLUMNS}, m.coalition, m.actor, m.status, c.ordinal"
        " FROM membership_claims m JOIN claims c ON c.id = m.claim_id"
        " JOIN articles a ON a.id = c.article_id"
        " WHERE m.coalition IN (SELECT unnest(?::VARCHAR[]))"
        " AND m.actor IN (SELECT unnest(?::VARCHAR[]))",
        [sorted({s[0] for s in subjects}), sorted({s[1] for s in subjects})],
    ).fetchall()
    for row in rows:
        coalition, actor, status, ordinal = row[_EXTRA:]
        if (coalition, actor) in subjects:
            out[(coalition, actor)].append(_obs(row, status=status, ordinal=ordinal))
    return out


def _partnership_history(
    con: duckdb.DuckDBPyConnection, pairs: set[tuple[str, str]]
) -> dict[tuple[str, str], list[Observation]]:
    out: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    if not pairs:
        return out
    rows = con.execute(
        f"SELECT {_OBS_COLUMNS}, p.actor_a, p.actor_b, p.status, p.topic"
        " FROM partnership_claims p JOIN claims c ON c.id = p.claim_id"
        " JOIN articles a ON a.id = c.article_id"
        " WHERE p.actor_a IN (SELECT unnest(?::VARCHAR[]))"
        " AND p.actor_b IN (SELECT unnest(?::VARCHAR[]))",
        [sorted({p[0] for p in pairs}), sorted({p[1] for p in pairs})],
    ).fetchall()
    for row in rows:
        a, b, status, topic = row[_EXTRA:]
        if (a, b) in pairs:
            out[(a, b)].append(_obs(row, status=status, topic=topic))
    return out


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
        self.alert_rows: list[tuple[Any, ...]] = []
        self.evidence_rows: dict[tuple[str, str], tuple[Any, ...]] = {}

    def load_alerts(self, subjects: Sequence[str]) -> None:
        """What was already announced about these subjects: latest state, and how often each."""
        if not subjects:
            return
        rows = self.con.execute(
            "SELECT subject, state_key, count(*), arg_max(id, seq), max(seq) FROM alerts"
            " WHERE subject IN (SELECT unnest(?::VARCHAR[])) GROUP BY subject, state_key"
            " ORDER BY max(seq)",
            [sorted(set(subjects))],
        ).fetchall()
        for subject, state_key, n, alert_id, _ in rows:
            self.occurrences[(subject, state_key)] = int(n)
            self.latest[subject] = (alert_id, state_key)  # rows come oldest first

    def _is_baseline(self, obs: Observation) -> bool:
        if obs.article_id in self.new_ids:
            return obs.source in self.baseline_sources or obs.baseline
        return obs.baseline

    def _keep(self, observations: list[Observation]) -> list[Observation]:
        if self.options.ignore_attributed:
            return [o for o in observations if o.attributed_to is None]
        return observations

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
            if any(self._is_baseline(o) for o in seg.supporters):
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
            (
                alert_id,
                kind,
                subject,
                seg.state_key,
                coalition,
                actor,
                actors,
                json.dumps(previous),
                json.dumps(current),
                self.now,
                self.run_id,
            )
        )
        self._evidence(alert_id, seg.supporters)
        self.created.append(alert_id)

    def _evidence(self, alert_id: str, observations: Sequence[Observation]) -> None:
        for o in observations:
            self.evidence_rows.setdefault(
                (alert_id, o.article_id),
                (
                    alert_id,
                    o.article_id,
                    o.claim_id,
                    None if o.url.startswith("urn:pactwatch:") else o.url,
                    o.title,
                    o.published_at,
                    o.sentence,
                    o.attributed_to,
                    o.source,
                    self.now,
                ),
            )

    def flush(self) -> None:
        if self.alert_rows:
            top = self.con.execute("SELECT coalesce(max(seq), 0) FROM alerts").fetchone()
            base = int(top[0]) if top else 0
            insert_rows(
                self.con,
                "alerts",
                _ALERT_COLUMNS,
                [(*row, base + i + 1) for i, row in enumerate(self.alert_rows)],
                on_conflict_ignore=True,
            )
        insert_rows(
            self.con,
            "alert_evidence",
            _EVIDENCE_COLUMNS,
            list(self.evidence_rows.values()),
            on_conflict_ignore=True,
        )
        insert_rows(
            self.con,
            "deliveries",
            _DELIVERY_COLUMNS,
            [
                (alert_id, channel, "pending", 0, self.now, self.now)
                for alert_id in self.created
                for channel in self.channels
            ],
            on_conflict_ignore=True,
        )


_ALERT_COLUMNS = (
    ("id", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("subject", "VARCHAR"),
    ("state_key", "VARCHAR"),
    ("coalition", "VARCHAR"),
    ("actor", "VARCHAR"),
    ("actors", "VARCHAR[]"),
    ("previous", "JSON"),
    ("current", "JSON"),
    ("created_at", "TIMESTAMPTZ"),
    ("run_id", "VARCHAR"),
    ("seq", "BIGINT"),
)
_EVIDENCE_COLUMNS = (
    ("alert_id", "VARCHAR"),
    ("article_id", "VARCHAR"),
    ("claim_id", "VARCHAR"),
    ("url", "VARCHAR"),
    ("title", "VARCHAR"),
    ("published_at", "TIMESTAMPTZ"),
    ("sentence", "VARCHAR"),
    ("attributed_to", "VARCHAR"),
    ("source", "VARCHAR"),
    ("added_at", "TIMESTAMPTZ"),
)
_DELIVERY_COLUMNS = (
    ("alert_id", "VARCHAR"),
    ("channel", "VARCHAR"),
    ("status", "VARCHAR"),
    ("attempts", "INTEGER"),
    ("next_attempt_at", "TIMESTAMPTZ"),
    ("created_at", "TIMESTAMPTZ"),
)


def _when(obs: Observation | None) -> str | None:
    return iso_utc(obs.published_at) if obs is not None else None


def _describe(seg: Segment) -> tuple[dict[str, Any], dict[str, Any]]:
    """The payload's previous/current objects (documented in alerts.payload)."""
    if isinstance(seg.state, Count):
        prev = seg.previous if isinstance(seg.previous, Count) else Count(None, None, None)
        return (
            {**prev.as_json(), "published_at": _when(seg.previous_obs)},
            {**seg.state.as_json(), "published_at": _when(seg.changer)},
        )
    previous: dict[str, Any] = {"status": seg.previous, "published_at": _when(seg.previous_obs)}
    current: dict[str, Any] = {"status": seg.state, "published_at": _when(seg.changer)}
    if seg.changer.ordinal is not None:
        current["ordinal"] = seg.changer.ordinal
    if seg.changer.topic is not None:
        current["topic"] = seg.changer.topic
    return previous, current


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
        if baseline_sources:
            con.execute(
                "UPDATE articles SET baseline = true WHERE id IN (SELECT unnest(?::VARCHAR[]))"
                " AND source IN (SELECT unnest(?::VARCHAR[]))",
                [ids, sorted(baseline_sources)],
            )
        det = _Detector(
            con,
            new_ids=set(ids),
            baseline_sources=set(baseline_sources),
            channels=channels,
            options=opts,
            now=now,
            run_id=run_id,
        )
        counts, members, pairs = _subjects(con, ids)
        det.load_alerts(
            [f"count:{c}" for c in counts]
            + [f"membership:{c}:{a}" for c, a in members]
            + [f"partnership:{a}:{b}" for a, b in pairs]
        )
        # memberships first: a join and the count it implies read in that order
        for (coalition, actor), history in sorted(_membership_history(con, members).items()):
            det.subject(
                status_segments(det._keep(history)),
                subject=f"membership:{coalition}:{actor}",
                kind_of={"member": "member_joined", "left": "member_left"},
                coalition=coalition,
                actor=actor,
                actors=None,
                filter_on=[coalition],
                needs_previous=False,
            )
        for coalition, history in sorted(_count_history(con, counts).items()):
            det.subject(
                count_segments(det._keep(history)),
                subject=f"count:{coalition}",
                kind_of="member_count_changed",
                coalition=coalition,
                actor=None,
                actors=None,
                filter_on=[coalition],
                needs_previous=True,
            )
        for (a, b), history in sorted(_partnership_history(con, pairs).items()):
            det.subject(
                status_segments(det._keep(history)),
                subject=f"partnership:{a}:{b}",
                kind_of={"active": "partnership_formed", "ended": "partnership_ended"},
                coalition=None,
                actor=None,
                actors=[a, b],
                filter_on=[a, b],
                needs_previous=False,
            )
        det.flush()
    return det.created
