"""Sources that disagree about the same month: both claims kept, and the alert says so."""

from __future__ import annotations

from pathlib import Path

from pactwatch.alerts.channels.email import build_message
from pactwatch.alerts.channels.render import text_block

from .wh_helpers import Desk, article, count, day


def test_count_alert_reports_disagreeing_sources(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "w.duckdb")
    desk.feed("wire-a", [(article("feb", day(2026, 2, 10)), [count("ilrs", 17)])], baseline=True)
    desk.feed("wire-a", [(article("mar-1", day(2026, 3, 2)), [count("ilrs", 13)])])
    desk.feed("wire-b", [(article("mar-2", day(2026, 3, 5)), [count("ilrs", 13)])])
    desk.feed("wire-c", [(article("mar-3", day(2026, 3, 9)), [count("ilrs", 17)])])

    counts = [a for a in desk.alerts() if a["kind"] == "member_count_changed"]
    drop = next(a for a in counts if a["current"]["value"] == 13)
    assert drop["previous"]["value"] == 17
    assert drop["conflict"] == "2 articles say 13, 1 article says 17"
    # Both figures stay in the warehouse, and the conflicts view names them.
    assert desk.sql("select summary from conflicts where coalition = 'ilrs'") == [
        ("2 articles say 13, 1 article says 17",)
    ]
    assert "sources disagree this month: 2 articles say 13, 1 article says 17" in text_block(drop)
    html = build_message(drop, sender="p@localhost", to=["d@localhost"]).get_body(("html",))
    assert html is not None and "Sources disagree this month" in html.get_content()


def test_no_conflict_means_null(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "w.duckdb")
    desk.feed("wire-a", [(article("feb", day(2026, 2, 10)), [count("ilrs", 17)])], baseline=True)
    desk.feed("wire-a", [(article("mar", day(2026, 3, 2)), [count("ilrs", 18)])])
    [alert] = desk.alerts()
    assert alert["conflict"] is None
    assert "disagree" not in text_block(alert)
