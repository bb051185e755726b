"""Alert scenarios about time (issue 12): a join dated years before the article that
reports it, figures about the same moment versus a later figure, and undated local
files read in one run.

Through the real CLI and Prefect flow, the local newsroom (tests/newsroom.py) for
feeds, pages and the webhook, and a real SMTP server.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from .newsroom import NO_BASELINE, Newsroom, story

pytestmark = pytest.mark.integration


def test_a_past_dated_join_says_when_it_happened(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian"], alerts=NO_BASELINE)
    room.publish(
        "meridian",
        story(
            "gabon-lunar-plans",
            "Gabon sets out its lunar plans",
            "2026-11-22T08:30:00Z",
            "LIBREVILLE — Gabon signed the Artemis Accords in 2023, its science minister"
            " reminded reporters at a briefing on lunar research.",
        ),
    )
    desk.run()
    [alert] = desk.alerts()
    assert (alert["kind"], alert["actor"]) == ("member_joined", "GA")
    assert alert["current"]["event_date"] == "2023"
    assert alert["current"]["event_date_precision"] == "year"
    assert alert["current"]["published_at"] == "2026-11-22T08:30:00Z"
    assert desk.subjects == [
        "[pactwatch] Artemis Accords: Gabon (GA) joined in 2023, first reported 2026-11-22"
    ]
    assert room.sent[0]["current"]["event_date"] == "2023"
    [member] = desk.sql("select actor, since, since_precision, first_reported from memberships")
    assert member == {
        "actor": "GA",
        "since": "2023-01-01T00:00:00Z",
        "since_precision": "year",
        "first_reported": "2026-11-22T08:30:00Z",
    }
    [claim] = desk.sql("select event_date, event_date_precision from claims")
    assert claim == {"event_date": "2023-01-01", "event_date_precision": "year"}


def test_a_recent_join_reads_as_before(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian"], alerts=NO_BASELINE)
    room.publish(
        "meridian",
        story(
            "kenya-accords",
            "Kenya signs the Artemis Accords",
            "2026-11-20T14:00:00Z",
            "NAIROBI — Kenya signed the Artemis Accords on Friday at a ceremony in the capital.",
        ),
    )
    desk.run()
    [alert] = desk.alerts()
    assert alert["current"]["event_date"] == "2026-11-20"
    assert desk.subjects == ["[pactwatch] Artemis Accords: Kenya (KE) joined"]


def _count_story(slug: str, published: str, figure: int) -> Any:
    return story(
        slug,
        f"Lunar station roster update {slug}",
        published,
        f"BEIJING — The International Lunar Research Station has {figure} members,"
        " the programme office said in a statement.",
    )


def test_a_later_figure_is_a_change(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian", "harbour"], alerts=NO_BASELINE)
    room.publish("meridian", _count_story("feb-five", "2026-02-05T09:00:00Z", 15))
    desk.run()
    room.publish("harbour", _count_story("feb-ten", "2026-02-10T09:00:00Z", 17))
    desk.run()
    [alert] = desk.alerts()
    assert (alert["previous"]["value"], alert["current"]["value"]) == (15, 17)
    assert alert["conflict"] is None
    assert "disagree" not in desk.sink.messages[0].get_body(("plain",)).get_content()


def test_outlets_within_the_window_disagree(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian", "harbour"], alerts=NO_BASELINE)
    room.publish("meridian", _count_story("early", "2026-02-01T09:00:00Z", 13))
    desk.run()
    room.publish("meridian", _count_story("morning", "2026-02-05T09:00:00Z", 15))
    room.publish("harbour", _count_story("evening", "2026-02-05T21:00:00Z", 17))
    desk.run()
    # Sources are stored and detected in the order they finish (a slow one never holds
    # back the others), so which of the two figures is alerted first depends on which
    # outlet answered first. Either way: the later figure's alert carries the
    # disagreement, a 15 alerted (meridian first: 13 -> 15, then 15 -> 17) carries it
    # too, and no alert runs backwards from the later figure to the earlier one.
    alerts = desk.alerts()
    changes = {a["current"]["value"]: a for a in alerts}
    assert changes[17]["conflict"] == "1 article says 15, 1 article says 17"
    if 15 in changes:
        assert changes[15]["conflict"] == "1 article says 15, 1 article says 17"
        assert changes[17]["previous"]["value"] == 15
    else:
        assert changes[17]["previous"]["value"] == 13
    assert not any(a["previous"]["value"] == 17 for a in alerts)
    assert [r["summary"] for r in desk.sql("select summary from disagreements")] == [
        "1 article says 15, 1 article says 17"
    ]


def _undated(folder: Path, name: str, figure: int, mtime: datetime) -> None:
    path = folder / name
    path.write_text(
        f"Lunar station roster\n\nThe International Lunar Research Station has {figure}"
        " members, according to the programme office.\n",
        encoding="utf-8",
    )
    stamp = mtime.timestamp()
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize(
    ("older", "newer", "expected"),
    [
        # by file time: the older file's figure, then the newer one's
        ((53, "2026-02-01"), (51, "2026-02-03"), (53, 51)),
        ((51, "2026-02-01"), (53, "2026-02-03"), (51, 53)),
        # the same time: a tie never yields a change that runs backwards
        ((53, "2026-02-01"), (51, "2026-02-01"), (51, 53)),
    ],
)
def test_undated_files_replay_by_their_times(
    desk_for: Any,
    tmp_path: Path,
    older: tuple[int, str],
    newer: tuple[int, str],
    expected: tuple[int, int],
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # Names sort against the file times, so fetch order alone would get it wrong.
    _undated(inbox, "b-older.txt", older[0], datetime.fromisoformat(older[1]).replace(tzinfo=UTC))
    _undated(inbox, "a-newer.txt", newer[0], datetime.fromisoformat(newer[1]).replace(tzinfo=UTC))
    desk = desk_for([], alerts=NO_BASELINE)
    desk.config.write_text(
        desk.config.read_text(encoding="utf-8")
        + f'\n[[sources]]\nname = "inbox"\npath = "{inbox}"\n',
        encoding="utf-8",
    )
    desk.run()
    [alert] = desk.alerts()
    assert (alert["previous"]["value"], alert["current"]["value"]) == expected
    dated = desk.sql("select published_at, dated_at from articles order by dated_at")
    assert all(r["published_at"] is None and r["dated_at"] for r in dated)
