"""Sources that disagree about the same moment: both claims kept, and the alert says so.

The same moment (issue 12): the same article, the same event date, or different
outlets within `[alerts] conflict_window` hours (48 by default). A later figure is
a change, not a disagreement.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from pactwatch.alerts.channels.email import build_message
from pactwatch.alerts.channels.render import text_block

from .wh_helpers import Desk, article, count, day


def at(d: datetime, hours: int) -> datetime:
    return d + timedelta(hours=hours)


def test_count_alert_reports_disagreeing_sources(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "w.duckdb")
    desk.feed("wire-a", [(article("feb", day(2026, 2, 10)), [count("ilrs", 17)])], baseline=True)
    # Three outlets within 48 hours of the first report of 13: the same moment.
    desk.feed("wire-a", [(article("mar-1", at(day(2026, 3, 2), 8)), [count("ilrs", 13)])])
    desk.feed("wire-b", [(article("mar-2", at(day(2026, 3, 3), 7)), [count("ilrs", 13)])])
    desk.feed("wire-c", [(article("mar-3", at(day(2026, 3, 3), 20)), [count("ilrs", 17)])])

    counts = [a for a in desk.alerts() if a["kind"] == "member_count_changed"]
    drop = next(a for a in counts if a["current"]["value"] == 13)
    assert drop["previous"]["value"] == 17
    assert drop["conflict"] == "2 articles say 13, 1 article says 17"
    # Both figures stay in the warehouse, and the conflicts view names them.
    assert desk.sql("select summary from conflicts where coalition = 'ilrs'") == [
        ("2 articles say 13, 1 article says 17",)
    ]
    assert desk.sql("select summary from disagreements where coalition = 'ilrs'") == [
        ("2 articles say 13, 1 article says 17",)
    ]
    assert (
        "sources disagree about the same moment: 2 articles say 13, 1 article says 17"
        in text_block(drop)
    )
    html = build_message(drop, sender="p@localhost", to=["d@localhost"]).get_body(("html",))
    assert html is not None and "Sources disagree about the same moment" in html.get_content()


def test_no_conflict_means_null(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "w.duckdb")
    desk.feed("wire-a", [(article("feb", day(2026, 2, 10)), [count("ilrs", 17)])], baseline=True)
    desk.feed("wire-a", [(article("mar", day(2026, 3, 2)), [count("ilrs", 18)])])
    [alert] = desk.alerts()
    assert alert["conflict"] is None
    assert "disagree" not in text_block(alert)


def test_a_later_figure_is_a_change_not_a_disagreement(tmp_path: Path) -> None:
    # 15 members on 5 February, 17 on 10 February: the roster grew.
    desk = Desk(tmp_path / "w.duckdb")
    desk.feed("wire-a", [(article("feb-5", day(2026, 2, 5)), [count("ilrs", 15)])], baseline=True)
    desk.feed("wire-b", [(article("feb-10", day(2026, 2, 10)), [count("ilrs", 17)])])
    [alert] = desk.alerts()
    assert (alert["previous"]["value"], alert["current"]["value"]) == (15, 17)
    assert alert["conflict"] is None
    assert "disagree" not in text_block(alert)
    assert desk.sql("select * from disagreements") == []


def test_one_outlet_correcting_itself_is_a_change(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "w.duckdb")
    desk.feed(
        "wire-a", [(article("am", at(day(2026, 2, 5), 8)), [count("ilrs", 15)])], baseline=True
    )
    desk.feed("wire-a", [(article("pm", at(day(2026, 2, 5), 20)), [count("ilrs", 17)])])
    [alert] = desk.alerts()
    assert alert["conflict"] is None


def test_the_same_event_date_is_the_same_moment_whenever_published(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "w.duckdb")
    dated = {"event_date": "2025", "event_date_precision": "year"}
    desk.feed("wire-a", [(article("a", day(2026, 1, 10)), [count("ilrs", 9)])], baseline=True)
    desk.feed("wire-a", [(article("b", day(2026, 2, 1)), [count("ilrs", 13, **dated)])])
    desk.feed("wire-a", [(article("c", day(2026, 2, 20)), [count("ilrs", 14, **dated)])])
    first = next(a for a in desk.alerts() if a["current"]["value"] == 13)
    assert first["current"]["event_date"] == "2025"
    assert first["current"]["event_date_precision"] == "year"
    assert first["conflict"] == "1 article says 13, 1 article says 14"


def test_the_window_is_configurable(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "w.duckdb")
    desk.feed("wire-a", [(article("a", day(2026, 2, 1)), [count("ilrs", 9)])], baseline=True)
    desk.feed("wire-a", [(article("b", at(day(2026, 2, 5), 0)), [count("ilrs", 13)])])
    desk.feed("wire-b", [(article("c", at(day(2026, 2, 5), 30)), [count("ilrs", 14)])])
    from pactwatch.alerts.payload import list_alerts
    from pactwatch.warehouse.db import open_reader

    with open_reader(desk.path) as con:
        wide = {a["current"]["value"]: a["conflict"] for a in list_alerts(con)}
        narrow = {
            a["current"]["value"]: a["conflict"] for a in list_alerts(con, conflict_window=24)
        }
    assert wide[13] == "1 article says 13, 1 article says 14"
    assert narrow[13] is None
