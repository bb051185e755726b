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
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.options = AlertOptions(
            min_sources=self.rng.choice([1, 1, 2]),
            ignore_attributed=self.rng.random() < 0.3,
        )
        self.pages: dict[str, tuple[Article, list[Claim]]] = {}
        self.times: list[datetime] = []
        self.number = 0

    def steps(self) -> Iterator[tuple[str, Any]]:
        rng = self.rng
        clock = START
        for run in range(10):
            clock += timedelta(hours=rng.randint(1, 30))
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


def _play(db: Path, seed: int, *, forget: bool) -> None:
    scenario = _Scenario(seed)
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
