"""Change detection scenarios at the library level: hand-built batches, a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch.alerts.options import AlertOptions
from pactwatch.flows.record import reextract_and_detect
from pactwatch.warehouse.db import open_writer
from tests.wh_helpers import Desk, article, bound, count, day, joined, left, partner


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path / "w.duckdb", channels=("hook", "mail"))


def kinds(desk: Desk) -> list[tuple[str, str | None, str | None]]:
    return [(a["kind"], a["coalition"], a["actor"]) for a in desk.alerts()]


def test_baseline_is_silent_then_changes_alert(desk: Desk) -> None:
    base = desk.feed(
        "wire",
        [
            (
                article("b1", day(2024, 5, 3)),
                [count("ilrs", 17), joined("ilrs", "PK"), partner("CN", "RU")],
            )
        ],
        baseline=True,
    )
    assert base.new_alert_ids == [] and len(base.changed_article_ids) == 1
    assert desk.sql("SELECT count(*) FROM deliveries") == [(0,)]
    res = desk.feed("wire", [(article("n1", day(2025, 4, 20)), [count("ilrs", 13)])])
    assert len(res.new_alert_ids) == 1
    [alert] = desk.alerts()
    assert alert["kind"] == "member_count_changed" and alert["coalition"] == "ilrs"
    assert alert["previous"] == {
        "value": 17,
        "low": 17,
        "high": 17,
        "published_at": "2024-05-03T00:00:00Z",
    }
    assert alert["current"] == {
        "value": 13,
        "low": 13,
        "high": 13,
        "published_at": "2025-04-20T00:00:00Z",
    }
    assert [e["url"] for e in alert["evidence"]] == ["https://news.example/n1"]
    assert {(d["channel"], d["status"], d["attempts"]) for d in alert["deliveries"]} == {
        ("hook", "pending", 0),
        ("mail", "pending", 0),
    }


def test_growth_by_ordinal_joins(desk: Desk) -> None:
    desk.feed(
        "wire", [(article("b", day(2024, 1, 1)), [count("artemis-accords", 40)])], baseline=True
    )
    desk.feed("wire", [(article("pe", day(2024, 2, 1)), [joined("artemis-accords", "PE", 41)])])
    assert sorted(kinds(desk)) == [
        ("member_count_changed", "artemis-accords", None),
        ("member_joined", "artemis-accords", "PE"),
    ]
    # "the 42nd and 43rd signatories": two joins, one count change, to the highest figure
    desk.feed(
        "wire",
        [
            (
                article("two", day(2024, 3, 1)),
                [joined("artemis-accords", "AR", 42), joined("artemis-accords", "UY", 43)],
            )
        ],
    )
    counts = [a for a in desk.alerts() if a["kind"] == "member_count_changed"]
    assert [(a["previous"]["value"], a["current"]["value"]) for a in counts] == [(40, 41), (41, 43)]
    joins = [a for a in desk.alerts() if a["kind"] == "member_joined"]
    assert [(a["actor"], a["current"]["ordinal"]) for a in joins] == [
        ("PE", 41),
        ("AR", 42),
        ("UY", 43),
    ]
    # a late report of an ordinal below the current count is not a change
    desk.feed("other", [(article("late", day(2024, 3, 5)), [joined("artemis-accords", "PE", 41)])])
    assert len([a for a in desk.alerts() if a["kind"] == "member_count_changed"]) == 2


def test_count_drop_and_old_article_read_late(desk: Desk) -> None:
    desk.feed("wire", [(article("b", day(2024, 5, 3)), [count("ilrs", 17)])], baseline=True)
    desk.feed("wire", [(article("drop", day(2025, 4, 20)), [count("ilrs", 13)])])
    assert kinds(desk) == [("member_count_changed", "ilrs", None)]
    # an old article read late updates history but announces nothing
    late = desk.feed("archive", [(article("old", day(2024, 9, 1)), [count("ilrs", 15)])])
    older = desk.feed("archive", [(article("older", day(2023, 1, 1)), [count("ilrs", 10)])])
    assert late.new_alert_ids == [] and older.new_alert_ids == []
    assert len(desk.alerts()) == 1
    assert desk.sql("SELECT value FROM current_state") == [(13,)]


def test_same_join_in_two_outlets_is_one_alert_with_two_pieces_of_evidence(desk: Desk) -> None:
    desk.feed(
        "a", [(article("a0", day(2024, 1, 1)), [count("artemis-accords", 40)])], baseline=True
    )
    desk.feed(
        "b", [(article("b0", day(2024, 1, 1)), [count("artemis-accords", 40)])], baseline=True
    )
    first = desk.feed("a", [(article("a1", day(2024, 2, 1)), [joined("artemis-accords", "PE")])])
    second = desk.feed("b", [(article("b1", day(2024, 2, 2)), [joined("artemis-accords", "PE")])])
    assert len(first.new_alert_ids) == 1 and second.new_alert_ids == []
    [alert] = desk.alerts()
    assert [e["url"] for e in alert["evidence"]] == [
        "https://news.example/a1",
        "https://news.example/b1",
    ]
    assert desk.sql("SELECT count(*) FROM deliveries") == [(2,)]  # one per channel, not per outlet


def test_hedged_then_confirmed(desk: Desk) -> None:
    desk.feed("w", [(article("b", day(2024, 1, 1)), [count("brics", 10)])], baseline=True)
    hedged = desk.feed(
        "w", [(article("h", day(2024, 2, 1)), [joined("brics", "TH", modality="hedged")])]
    )
    negated = desk.feed(
        "w", [(article("n", day(2024, 2, 2)), [joined("brics", "MY", modality="negated")])]
    )
    assert hedged.new_alert_ids == [] and negated.new_alert_ids == []
    confirmed = desk.feed("w", [(article("c", day(2024, 3, 1)), [joined("brics", "TH")])])
    assert len(confirmed.new_alert_ids) == 1
    [alert] = desk.alerts()
    assert alert["kind"] == "member_joined" and alert["actor"] == "TH"
    assert alert["previous"]["status"] is None and alert["current"]["status"] == "member"
    assert [e["url"] for e in alert["evidence"]] == ["https://news.example/c"]


def test_partnership_formed_then_ended(desk: Desk) -> None:
    desk.feed("w", [(article("b", day(2024, 1, 1)), [count("ilrs", 17)])], baseline=True)
    desk.feed(
        "w", [(article("f", day(2024, 2, 1)), [partner("RU", "CN", topic="lunar nuclear power")])]
    )
    desk.feed("w", [(article("e", day(2024, 6, 1)), [partner("CN", "RU", ended=True)])])
    alerts = desk.alerts()
    assert [(a["kind"], a["actors"]) for a in alerts] == [
        ("partnership_formed", ["CN", "RU"]),
        ("partnership_ended", ["CN", "RU"]),
    ]
    assert alerts[0]["current"]["topic"] == "lunar nuclear power"
    assert alerts[1]["previous"] == {"status": "active", "published_at": "2024-02-01T00:00:00Z"}
    assert alerts[1]["coalition"] is None and alerts[1]["actor"] is None


def test_rerunning_and_reextracting_create_nothing_new(desk: Desk) -> None:
    batch = [(article("x", day(2024, 2, 1)), [joined("nato", "SE", 32), count("nato", 32)])]
    desk.feed("w", [(article("b", day(2024, 1, 1)), [count("nato", 31)])], baseline=True)
    first = desk.feed("w", batch)
    assert len(first.new_alert_ids) == 2
    evidence = desk.sql("SELECT count(*) FROM alert_evidence")
    again = desk.feed("w", batch)
    assert again.new_alert_ids == [] and again.changed_article_ids == []
    # the same article re-read under another source name, and a re-extraction
    other = desk.feed("mirror", batch)
    assert other.new_alert_ids == []
    [aid] = [r[0] for r in desk.sql("SELECT id FROM articles WHERE url LIKE '%/x'")]
    with open_writer(desk.path) as con:
        changed, alerts = reextract_and_detect(
            con,
            [
                (
                    aid,
                    [
                        joined("nato", "SE", 32),
                        count("nato", 32),
                        partner("SE", "FI", modality="hedged"),
                    ],
                )
            ],
            extractor_version="test-2",
            channels=desk.channels,
            options=AlertOptions(),
            now=day(2026, 2, 1),
        )
    assert changed == [aid] and alerts == []
    assert desk.sql("SELECT count(*) FROM alerts") == [(2,)]
    assert desk.sql("SELECT count(*) FROM alert_evidence") == evidence
    assert desk.sql("SELECT count(*) FROM deliveries") == [(4,)]


def test_agency_stands_for_its_country(desk: Desk) -> None:
    desk.feed(
        "w",
        [
            (
                article("b", day(2024, 1, 1)),
                [joined("artemis-accords", "nasa"), partner("cnsa", "roscosmos")],
            )
        ],
        baseline=True,
    )
    same = desk.feed(
        "w",
        [(article("s", day(2024, 2, 1)), [joined("artemis-accords", "US"), partner("CN", "RU")])],
    )
    assert same.new_alert_ids == []
    ended = desk.feed("w", [(article("e", day(2024, 3, 1)), [partner("RU", "cnsa", ended=True)])])
    assert len(ended.new_alert_ids) == 1
    assert [(a["kind"], a["actors"]) for a in desk.alerts()] == [
        ("partnership_ended", ["CN", "RU"])
    ]
    assert desk.sql("SELECT actor FROM memberships") == [("US",)]


def test_min_sources_waits_for_a_second_outlet(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "w.duckdb", options=AlertOptions(min_sources=2))
    desk.feed("a", [(article("b", day(2024, 1, 1)), [count("eu", 27)])], baseline=True)
    one = desk.feed("a", [(article("a1", day(2024, 2, 1)), [joined("eu", "UA")])])
    assert one.new_alert_ids == []
    same_source = desk.feed("a", [(article("a2", day(2024, 2, 2)), [joined("eu", "UA")])])
    assert same_source.new_alert_ids == []
    two = desk.feed("b", [(article("b1", day(2024, 2, 3)), [joined("eu", "UA")])])
    assert len(two.new_alert_ids) == 1
    [alert] = desk.alerts()
    assert len(alert["evidence"]) == 3


def test_ignore_attributed_and_coalition_filter(tmp_path: Path) -> None:
    desk = Desk(
        tmp_path / "w.duckdb", options=AlertOptions(ignore_attributed=True, coalitions=("ilrs",))
    )
    desk.feed(
        "w",
        [(article("b", day(2024, 1, 1)), [count("ilrs", 17), count("nato", 31)])],
        baseline=True,
    )
    said = desk.feed(
        "w", [(article("s", day(2024, 2, 1)), [left("ilrs", "esa", attributed_to="Wu Weiren")])]
    )
    other = desk.feed("w", [(article("n", day(2024, 2, 2)), [count("nato", 32)])])
    assert said.new_alert_ids == [] and other.new_alert_ids == []
    plain = desk.feed("w", [(article("p", day(2024, 3, 1)), [left("ilrs", "esa")])])
    assert [(a["kind"], a["actor"]) for a in desk.alerts()] == [("member_left", "esa")]
    assert len(plain.new_alert_ids) == 1


def test_less_precise_figures_agreeing_with_the_state_are_not_changes(desk: Desk) -> None:
    desk.feed("w", [(article("b", day(2024, 1, 1)), [count("artemis-accords", 56)])], baseline=True)
    vague = desk.feed("w", [(article("v", day(2024, 2, 1)), [bound("artemis-accords", low=50)])])
    assert vague.new_alert_ids == []
    jump = desk.feed("w", [(article("j", day(2024, 3, 1)), [bound("artemis-accords", low=61)])])
    [alert] = desk.alerts()
    assert len(jump.new_alert_ids) == 1
    assert alert["current"] == {
        "value": None,
        "low": 61,
        "high": None,
        "published_at": "2024-03-01T00:00:00Z",
    }


def test_rejoining_is_a_new_alert(desk: Desk) -> None:
    desk.feed("w", [(article("b", day(2024, 1, 1)), [count("ilrs", 17)])], baseline=True)
    desk.feed("w", [(article("j1", day(2024, 2, 1)), [joined("ilrs", "TH")])])
    desk.feed("w", [(article("l", day(2024, 3, 1)), [left("ilrs", "TH")])])
    desk.feed("w", [(article("j2", day(2024, 4, 1)), [joined("ilrs", "TH")])])
    alerts = desk.alerts()
    assert [a["kind"] for a in alerts] == ["member_joined", "member_left", "member_joined"]
    assert len({a["id"] for a in alerts}) == 3


def test_alert_ids_are_deterministic(tmp_path: Path) -> None:
    ids = []
    for name in ("one", "two"):
        desk = Desk(tmp_path / f"{name}.duckdb")
        desk.feed("w", [(article("b", day(2024, 1, 1)), [count("ilrs", 17)])], baseline=True)
        ids.append(
            desk.feed("w", [(article("c", day(2024, 2, 1)), [count("ilrs", 13)])]).new_alert_ids
        )
    assert ids[0] == ids[1] and len(ids[0]) == 1


def test_store_and_detect_are_one_transaction(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    from pactwatch.flows import record

    def boom(*args: object, **kwargs: object) -> list[str]:
        raise RuntimeError("crash during detection")

    monkeypatch.setattr(record, "detect", boom)
    with pytest.raises(RuntimeError):
        desk.feed("w", [(article("x", day(2024, 1, 1)), [count("ilrs", 17)])])
    assert desk.sql("SELECT count(*) FROM articles") == [(0,)]
    assert desk.sql("SELECT count(*) FROM claims") == [(0,)]


def test_reextract_all_after_an_extractor_change(desk: Desk) -> None:
    from pactwatch.alerts.payload import render_line
    from pactwatch.flows.record import reextract_all
    from pactwatch.parsers.model import Claim

    desk.feed(
        "w",
        [(article("b", day(2024, 1, 1), "ILRS has 17 members."), [count("ilrs", 17)])],
        baseline=True,
    )
    desk.feed(
        "w", [(article("c", day(2024, 2, 1), "Thailand joined ILRS."), [])]
    )  # the old extractor missed it

    def extract(text: str, title: str | None) -> list[Claim]:
        return [joined("ilrs", "TH")] if "Thailand" in text else [count("ilrs", 17)]

    kw = dict(
        extractor_version="test-2", channels=["hook"], options=AlertOptions(), now=day(2026, 2, 1)
    )
    result = reextract_all(desk.path, extract=extract, **kw)  # type: ignore[arg-type]
    assert (result.articles, result.alerts_new) == (2, 1)
    assert len(result.changed_article_ids) == 1  # the baseline article read the same claims again
    again = reextract_all(desk.path, extract=extract, **kw)  # type: ignore[arg-type]
    assert again.articles == 0
    forced = reextract_all(desk.path, extract=extract, only_outdated=False, **kw)  # type: ignore[arg-type]
    assert forced.articles == 2 and forced.alerts_new == 0
    [alert] = desk.alerts()
    assert alert["kind"] == "member_joined" and alert["actor"] == "TH"
    line = render_line(alert)
    assert "ILRS: Thailand (TH) joined" in line and "hook=pending" in line


def test_an_old_report_of_a_state_the_baseline_knew_is_silent(desk: Desk) -> None:
    desk.feed(
        "a",
        [
            (article("a1", day(2024, 1, 1)), [count("ilrs", 17)]),
            (article("a2", day(2025, 1, 1)), [count("ilrs", 13)]),
        ],
        baseline=True,
    )
    late = desk.feed("b", [(article("b1", day(2024, 6, 1)), [count("ilrs", 13)])])
    restated = desk.feed("b", [(article("b2", day(2025, 2, 1)), [count("ilrs", 13)])])
    assert late.new_alert_ids == [] and restated.new_alert_ids == []
    assert desk.alerts() == []
