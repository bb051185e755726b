"""Alert scenarios about partnerships: formed then ended, and one sentence with two statuses.

Scenarios over the local newsroom of tests/newsroom.py: the real CLI and Prefect
flow, a local web server for feeds, pages and the webhook, a real SMTP server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .newsroom import NO_BASELINE, Newsroom, story

pytestmark = pytest.mark.integration


# --- 6. a partnership formed, then ended ---------------------------------------------------


def test_partnership_formed_then_ended(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian"], alerts=NO_BASELINE)
    room.publish(
        "meridian",
        story(
            "japan-india-moon",
            "Tokyo and New Delhi team up for the Moon",
            "2026-06-12T05:00:00Z",
            "TOKYO — Japan and India signed an agreement to cooperate on lunar exploration, "
            "the two governments said on Friday.",
        ),
    )
    desk.run()
    room.publish(
        "meridian",
        story(
            "japan-india-split",
            "Japan and India wind down joint Moon work",
            "2026-11-18T05:00:00Z",
            "TOKYO — Japan and India ended their cooperation on lunar exploration "
            "after a dispute over funding.",
        ),
    )
    desk.run()
    alerts = desk.alerts()
    assert [(a["kind"], a["actors"]) for a in alerts] == [
        ("partnership_formed", ["IN", "JP"]),
        ("partnership_ended", ["IN", "JP"]),
    ]
    assert alerts[1]["previous"]["status"] == "active"
    assert [p["kind"] for p in room.sent] == ["partnership_formed", "partnership_ended"]
    assert len(desk.sink.messages) == 2
    [pair] = desk.sql("select actor_a, actor_b, status from partnerships")
    assert pair == {"actor_a": "IN", "actor_b": "JP", "status": "ended"}


# --- one sentence, two statuses ------------------------------------------------------------------


@pytest.mark.parametrize("ended_first", [True, False])
def test_one_sentence_with_two_statuses_resolves_the_same_way_everywhere(
    tmp_path: Path, ended_first: bool
) -> None:
    """A mis-read sentence can give a pair both `partnership` and `partnership_ended`:
    detection and the `partnerships` view agree (the ending wins), whatever the order."""
    from tests.wh_helpers import Desk as LibraryDesk
    from tests.wh_helpers import article, day, partner

    desk = LibraryDesk(tmp_path / "w.duckdb")
    desk.feed("wire", [(article("formed", day(2026, 6, 12)), [partner("IN", "JP")])])
    both = [partner("IN", "JP", ended=True), partner("IN", "JP")]
    desk.feed("wire", [(article("muddled", day(2026, 11, 18)), both[:: 1 if ended_first else -1])])
    assert [a["kind"] for a in desk.alerts()] == ["partnership_formed", "partnership_ended"]
    assert desk.sql("select status from partnerships") == [("ended",)]
