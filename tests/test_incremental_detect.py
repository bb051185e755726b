"""Incremental change detection gives exactly what replaying every subject's whole
history gives.

Each scenario is a seeded random sequence of runs into two real warehouse files.
One keeps its stored tails (`subject_state`), as the pipeline does; the other has
them deleted before every run, so every subject is replayed from its first claim.
The runs mix what makes resuming unsafe: reports published out of order, undated
and same-instant reports, pages re-read unchanged or changed, re-extraction,
attributed claims, baseline reads and an agency mapped to its country between
runs. Alerts (ids, order, payload states), their evidence and the delivery queue
must match row for row, and the first warehouse must have resumed most subjects.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pactwatch.alerts import detect as detect_module
from pactwatch.alerts.options import AlertOptions
from pactwatch.flows.record import record_and_detect, reextract_and_detect
from pactwatch.parsers.model import Actor, Article, Claim
from pactwatch.warehouse.actors import upsert_actors
from pactwatch.warehouse.db import open_writer

COALITIONS = ("lunar-pact", "orbit-club")
COUNTRIES = ("kenya", "peru", "chile", "oman")
SOURCES = ("wire", "daily", "weekly")
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    with open_writer(path):
        pass  # every migration applied once; scenarios copy the file
    return path


def _claim(rng: random.Random, number: int) -> Claim:
    kind = rng.choice(["member_count", "member_count", "joined", "left", "partnership", "ended"])
    sentence = f"Statement {number} about the pacts."
    attributed = "a minister" if rng.random() < 0.15 else None
    if kind == "member_count":
        value = rng.choice([12, 13, 13, 14, 15])
        if rng.random() < 0.2:  # a range that overlaps some exact figures
            return Claim(
                kind="member_count",
                sentence=sentence,
                span=(0, 10),
                coalition=rng.choice(COALITIONS),
                low=value - 1,
                high=value + 1,
                attributed_to=attributed,
            )
        return Claim(
            kind="member_count",
            sentence=sentence,
            span=(0, 10),
            coalition=rng.choice(COALITIONS),
            value=value,
            low=value,
            high=value,
            attributed_to=attributed,
        )
    if kind in ("joined", "left"):
        return Claim(
            kind=kind,  # type: ignore[arg-type]
            sentence=sentence,
            span=(rng.randint(0, 3), 20),
            coalition=rng.choice(COALITIONS),
            actor=rng.choice([*COUNTRIES, "space-agency-k"]),
            ordinal=rng.choice([None, None, 14, 15, 16]) if kind == "joined" else None,
            attributed_to=attributed,
        )
    pair = tuple(sorted(rng.sample([*COUNTRIES, "space-agency-k"], 2)))
    return Claim(
        kind="partnership" if kind == "partnership" else "partnership_ended",
        sentence=sentence,
        span=(rng.randint(0, 3), 20),
        actors=pair,
        topic=rng.choice([None, "lunar rovers"]),
        attributed_to=attributed,
    )


def _published(rng: random.Random, clock: datetime, earlier: list[datetime]) -> datetime | None:
    roll = rng.random()
    if roll < 0.1:
        return None  # undated: its time is its fetch time
    if roll < 0.25 and earlier:
        return rng.choice(earlier)  # the same instant as an earlier report
    if roll < 0.4:
        return clock - timedelta(days=rng.randint(1, 20))  # an old article read late
    return clock


class _Scenario:
    """`changing`: the alert options change between runs too (a user editing the
    configuration): attributed claims kept or dropped, `min_sources`, a coalition
    filter. Runs per scenario: 10, or `runs`."""

    def __init__(self, seed: int, *, changing: bool = False, runs: int = 10) -> None:
        self.rng = random.Random(seed)
        self.changing = changing
        self.runs = runs
        self.options = self._options()
        self.pages: dict[str, tuple[Article, list[Claim]]] = {}
        self.times: list[datetime] = []
        self.number = 0

    def _options(self) -> AlertOptions:
        rng = self.rng
        options = AlertOptions(
            min_sources=rng.choice([1, 1, 2]),
            ignore_attributed=rng.random() < 0.3,
        )
        if self.changing:
            options = AlertOptions(
                min_sources=options.min_sources,
                ignore_attributed=rng.random() < 0.5,
                coalitions=rng.choice([None, None, {COALITIONS[0]}]),
            )
        return options

    def steps(self) -> Iterator[tuple[str, Any]]:
        rng = self.rng
        clock = START
        for run in range(self.runs):
            clock += timedelta(hours=rng.randint(1, 30))
            if self.changing and run and rng.random() < 0.5:
                self.options = self._options()
            if run == 6:
                yield "actor", None  # the agency now stands for Kenya
            if run > 2 and self.pages and rng.random() < 0.4:
                url = rng.choice(sorted(self.pages))
                yield "reextract", (url, [_claim(rng, self._next()) for _ in range(2)])
            source = rng.choice(SOURCES)
            batch = []
            for _ in range(rng.randint(1, 4)):
                if self.pages and rng.random() < 0.25:  # a page read again
                    url = rng.choice(sorted(self.pages))
                    article, claims = self.pages[url]
                    if rng.random() < 0.5:  # changed since
                        claims = [_claim(rng, self._next())]
                        article = Article(
                            url, article.title, article.published_at, f"{article.text} More."
                        )
                    batch.append((article, claims))
                    self.pages[url] = (article, claims)
                    continue
                n = self._next()
                published = _published(rng, clock, self.times)
                if published is not None:
                    self.times.append(published)
                url = f"https://{source}.example/story-{n}"
                article = Article(url, f"Story {n}", published, f"Story {n} text.")
                claims = [_claim(rng, self._next()) for _ in range(rng.randint(1, 3))]
                self.pages[url] = (article, claims)
                batch.append((article, claims))
            yield "record", (source, batch, clock, run == 0 or rng.random() < 0.1)

    def _next(self) -> int:
        self.number += 1
        return self.number


def _play(db: Path, seed: int, *, forget: bool, changing: bool = False, runs: int = 10) -> None:
    scenario = _Scenario(seed, changing=changing, runs=runs)
    with open_writer(db) as con:
        for step, payload in scenario.steps():
            if forget:
                con.execute("DELETE FROM subject_state")
            if step == "actor":
                upsert_actors(
                    con, [Actor("space-agency-k", "agency", "Space Agency K", stands_for="kenya")]
                )
            elif step == "reextract":
                url, claims = payload
                (article_id,) = con.execute(
                    "SELECT id FROM articles WHERE url = ?", [url]
                ).fetchone()
                reextract_and_detect(
                    con,
                    [(str(article_id), claims)],
                    extractor_version="test-2",
                    channels=["console", "webhook"],
                    options=scenario.options,
                    now=START,
                )
            else:
                source, batch, clock, baseline = payload
                record_and_detect(
                    con,
                    source,
                    batch,
                    extractor_version="test-1",
                    fetched_at=clock,
                    baseline=baseline,
                    channels=["console", "webhook"],
                    options=scenario.options,
                    now=clock,
                )


def _outcome(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "alerts": con.execute(
                "SELECT seq, id, kind, subject, state_key, previous::VARCHAR, current::VARCHAR"
                " FROM alerts ORDER BY seq"
            ).fetchall(),
            "evidence": con.execute(
                "SELECT alert_id, article_id, claim_id, url, sentence FROM alert_evidence"
                " ORDER BY ALL"
            ).fetchall(),
            "deliveries": con.execute(
                "SELECT alert_id, channel, status FROM deliveries ORDER BY ALL"
            ).fetchall(),
        }
    finally:
        con.close()


@pytest.mark.parametrize("seed", range(16))
def test_resuming_from_stored_tails_matches_a_full_replay(
    seed: int, template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resumed: list[bool] = []
    real = detect_module.resumable

    def counting(*args: Any, **kwargs: Any) -> bool:
        answer = real(*args, **kwargs)
        resumed.append(answer)
        return answer

    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    shutil.copy(template, incremental)
    shutil.copy(template, full)
    monkeypatch.setattr(detect_module, "resumable", counting)
    _play(incremental, seed, forget=False)
    monkeypatch.setattr(detect_module, "resumable", real)
    _play(full, seed, forget=True)

    ours, theirs = _outcome(incremental), _outcome(full)
    assert ours["alerts"], "the scenario raised no alert at all"
    assert ours == theirs
    assert any(resumed), "no subject went on from its stored tail"


@pytest.mark.parametrize("seed", range(12))
def test_settled_tails_match_a_full_replay_when_the_options_change(
    seed: int, template: Path, tmp_path: Path
) -> None:
    """Settled tails keep no supporters; they stay right when the configuration
    changes between runs (attributed claims dropped then kept again can announce
    another state, after which a tail settled by the former alert is not gone on
    from). Longer scenarios, so that states are restated after their alert."""
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    shutil.copy(template, incremental)
    shutil.copy(template, full)
    _play(incremental, seed, forget=False, changing=True, runs=18)
    _play(full, seed, forget=True, changing=True, runs=18)
    ours, theirs = _outcome(incremental), _outcome(full)
    assert ours["alerts"], "the scenario raised no alert at all"
    assert ours == theirs
    con = duckdb.connect(str(incremental), read_only=True)
    try:
        settled = con.execute(
            "SELECT count(*) FILTER (WHERE (tail->>'settled')::BOOLEAN), count(*)"
            " FROM subject_state"
        ).fetchone()
    finally:
        con.close()
    assert settled is not None and 0 < settled[0] < settled[1], settled


def _restate(
    db: Path, runs: int, *, baseline_first: bool, forget: bool = False, first: int = 0
) -> list[int]:
    """A partnership, a count and a membership restated by a new outlet every run (the
    count moves once, 12 -> 13, unless the first read is a baseline); the size of the
    largest stored tail after every run."""
    sizes: list[int] = []
    with open_writer(db) as con:
        for run in range(first, first + runs):
            if forget:
                con.execute("DELETE FROM subject_state")
            at = START + timedelta(days=run)
            figure = 12 if run == 1 and not baseline_first else 13
            claims = [
                Claim(
                    kind="partnership",
                    sentence="Two agencies work together.",
                    span=(0, 5),
                    actors=("chile", "peru"),
                    topic="lunar landers",
                ),
                Claim(
                    kind="member_count",
                    sentence=f"The pact has {figure} members.",
                    span=(0, 5),
                    coalition="orbit-club",
                    value=figure,
                    low=figure,
                    high=figure,
                ),
                Claim(
                    kind="joined",
                    sentence="Oman is in the pact.",
                    span=(0, 5),
                    coalition="orbit-club",
                    actor="oman",
                ),
            ]
            article = Article(f"https://outlet-{run}.example/a", f"Report {run}", at, f"R {run}.")
            record_and_detect(
                con,
                f"outlet-{run}",
                [(article, claims)],
                extractor_version="t",
                fetched_at=at,
                baseline=baseline_first and run == 0,
                channels=["console"],
                options=AlertOptions(),
                now=at,
            )
            row = con.execute("SELECT max(length(tail::VARCHAR)) FROM subject_state").fetchone()
            sizes.append(int(row[0]) if row and row[0] is not None else 0)
    return sizes


@pytest.mark.parametrize("baseline_first", [False, True])
def test_a_state_restated_for_long_keeps_a_tail_of_constant_size(
    baseline_first: bool, template: Path, tmp_path: Path
) -> None:
    """Once a state is announced (or a baseline read knew it), restating it adds no
    supporter to its tail: the tail keeps its size however long the state holds, and
    the alerts and evidence are what a full replay gives."""
    db, full = tmp_path / "w.duckdb", tmp_path / "full.duckdb"
    shutil.copy(template, db)
    shutil.copy(template, full)
    sizes = _restate(db, 14, baseline_first=baseline_first)
    _restate(full, 14, baseline_first=baseline_first, forget=True)
    # the same size from the fourth run on (a longer article id at most adds digits)
    assert max(sizes[3:]) - min(sizes[3:]) <= 4, sizes
    con = duckdb.connect(str(db), read_only=True)
    try:
        tails = con.execute(
            "SELECT subject, tail->>'settled', json_array_length(tail->'supporters')"
            " FROM subject_state ORDER BY subject"
        ).fetchall()
    finally:
        con.close()
    assert len(tails) == 3 and all(t[1] == "true" and t[2] == 0 for t in tails), tails
    ours, theirs = _outcome(db), _outcome(full)
    assert ours == theirs
    if not baseline_first:  # each state announced once, then 12 more outlets as evidence
        assert len(ours["alerts"]) == 3 + 1  # partnership, membership, count 13 and its 12
        assert len(ours["evidence"]) > 3 * 12


def test_a_tail_settled_by_an_alert_that_is_gone_is_not_gone_on_from(
    template: Path, tmp_path: Path
) -> None:
    """An operator deletes an alert by hand (to have it raised again): the tail it
    settled no longer holds the evidence a new alert needs, so the subject is
    replayed whole and the alert comes back with every report, as a full replay
    would raise it."""
    db, full = tmp_path / "w.duckdb", tmp_path / "full.duckdb"
    shutil.copy(template, db)
    shutil.copy(template, full)
    for path, forget in ((db, False), (full, True)):
        _restate(path, 6, baseline_first=False, forget=forget)
        with open_writer(path) as con:
            for table, column in (
                ("deliveries", "alert_id"),
                ("alert_evidence", "alert_id"),
                ("alerts", "id"),
            ):
                con.execute(
                    f"DELETE FROM {table} WHERE {column} IN"
                    " (SELECT id FROM alerts WHERE subject LIKE 'partnership:%')"
                )
        _restate(path, 2, baseline_first=False, forget=forget, first=6)
    ours = _outcome(db)
    assert ours == _outcome(full)
    raised_again = [a for a in ours["alerts"] if str(a[3]).startswith("partnership:")]
    assert len(raised_again) == 1
    evidence = [e for e in ours["evidence"] if e[0] == raised_again[0][1]]
    assert len(evidence) == 8  # every outlet since the first, not only the last run's


def test_build_tails_lets_the_next_run_resume_everywhere(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A history stored without detection (a bulk load) gets its tails in one pass; a
    later run in time order then resumes every subject and reads no whole history,
    and raises what a full replay raises."""
    from pactwatch.alerts.detect import build_tails

    scenario = _Scenario(3)
    steps = [p for step, p in scenario.steps() if step == "record"]
    early, late = steps[:6], steps[6:]
    dbs = {name: tmp_path / f"{name}.duckdb" for name in ("built", "full")}
    for db in dbs.values():
        shutil.copy(template, db)
        with open_writer(db) as con:
            for source, batch, clock, _ in early:  # stored, never detected
                from pactwatch.warehouse.articles import store_articles

                store_articles(con, source, batch, extractor_version="t", fetched_at=clock)
    with open_writer(dbs["built"]) as con:
        assert build_tails(con, options=scenario.options, now=START) > 0
        stored = con.execute("SELECT count(*) FROM subject_state").fetchone()
        assert stored is not None and stored[0] > 0
    whole_reads: list[int] = []
    real = detect_module.count_history

    def spy(con: Any, coalitions: set[str], **kw: Any) -> Any:
        if kw.get("article_ids") is None:
            whole_reads.append(len(coalitions))
        return real(con, coalitions, **kw)

    later = START + timedelta(days=400)  # after everything stored: in order
    for name, db in dbs.items():
        if name == "built":
            monkeypatch.setattr(detect_module, "count_history", spy)
        with open_writer(db) as con:
            for i, (source, batch, _, _) in enumerate(late):
                fresh = [
                    (Article(f"{a.url}-late", a.title, later + timedelta(hours=i), a.text), c)
                    for a, c in batch
                ]
                record_and_detect(
                    con,
                    source,
                    fresh,
                    extractor_version="t",
                    fetched_at=later + timedelta(hours=i),
                    baseline=False,
                    channels=["console"],
                    options=scenario.options,
                    now=later,
                )
        monkeypatch.setattr(detect_module, "count_history", real)
    assert whole_reads and not any(whole_reads), whole_reads
    assert _outcome(dbs["built"]) == _outcome(dbs["full"])


def test_history_reads_give_the_rows_of_the_claim_views(template: Path, tmp_path: Path) -> None:
    """Detection reads memberships and partnerships from the tables with its filter on
    `claims` (fast); the `membership_claims` and `partnership_claims` views are the
    contract. After a scenario with agencies mapped to countries, both agree."""
    from pactwatch.warehouse.history import (
        all_subjects,
        membership_history,
        partnership_history,
        subjects_of,
    )

    db = tmp_path / "w.duckdb"
    shutil.copy(template, db)
    _play(db, 7, forget=False)
    with open_writer(db) as con:
        subjects = all_subjects(con)
        members = {
            (m.seen.claim_id, m.coalition, m.actor, m.status)
            for m in membership_history(con, subjects.members)
        }
        assert members == set(
            con.execute(
                "SELECT claim_id, coalition, actor, status FROM membership_claims"
            ).fetchall()
        )
        pairs = {
            (p.seen.claim_id, p.actor_a, p.actor_b, p.status, p.topic)
            for p in partnership_history(con, subjects.pairs)
        }
        assert pairs == set(
            con.execute(
                "SELECT claim_id, actor_a, actor_b, status, topic FROM partnership_claims"
            ).fetchall()
        )
        assert any(a == "kenya" for _, a in subjects.members)  # the mapped agency
        ids = [str(r[0]) for r in con.execute("SELECT id FROM articles").fetchall()]
        assert subjects_of(con, ids) == subjects
        one = ids[:3]
        assert {
            m.seen.claim_id for m in membership_history(con, subjects.members, article_ids=one)
        } == {
            str(r[0])
            for r in con.execute(
                "SELECT claim_id FROM membership_claims WHERE article_id IN (?, ?, ?)", one
            ).fetchall()
        }


def test_a_tail_of_another_format_is_replayed_whole(template: Path, tmp_path: Path) -> None:
    """Tails written by another version (or damaged) are set aside, never trusted and
    never a crash: the subject is replayed from its first claim and its tail rewritten."""
    from pactwatch.alerts.state import TAIL_FORMAT, Tail

    assert Tail.from_json({"format": TAIL_FORMAT + 1, "last": []}) is None
    assert Tail.from_json({"format": TAIL_FORMAT, "changer": None}) is None
    assert Tail.from_json({"format": TAIL_FORMAT}) is None

    odd, full = tmp_path / "odd.duckdb", tmp_path / "full.duckdb"
    for db in (odd, full):
        shutil.copy(template, db)
    scenario = _Scenario(4)
    steps = [p for step, p in scenario.steps() if step == "record"]
    for db in (odd, full):
        with open_writer(db) as con:
            for i, (source, batch, clock, baseline) in enumerate(steps):
                if db is odd and i == len(steps) // 2:
                    con.execute(
                        "UPDATE subject_state SET tail = json_object('format', 0, 'last', 'x')"
                    )
                if db is full:
                    con.execute("DELETE FROM subject_state")
                record_and_detect(
                    con,
                    source,
                    batch,
                    extractor_version="t",
                    fetched_at=clock,
                    baseline=baseline,
                    channels=["console"],
                    options=scenario.options,
                    now=clock,
                )
            formats = {
                r[0] for r in con.execute("SELECT tail->>'format' FROM subject_state").fetchall()
            }
    assert formats == {str(TAIL_FORMAT)}
    assert _outcome(odd) == _outcome(full)
