"""Alert scenarios about member counts: growth by ordinal joins, a drop, an old article read late.

Scenarios over the local newsroom of tests/newsroom.py: the real CLI and Prefect
flow, a local web server for feeds, pages and the webhook, a real SMTP server.
"""

from __future__ import annotations

from typing import Any

import pytest

from .newsroom import Newsroom, kinds, story

pytestmark = pytest.mark.integration


# --- 1. growth by ordinal joins ---------------------------------------------------


def test_growth_by_ordinal_joins(desk_for: Any, room: Newsroom) -> None:
    room.publish(
        "meridian",
        story(
            "accords-tally",
            "Lunar accords tally holds steady",
            "2026-10-01T09:00:00Z",
            "WASHINGTON — The Artemis Accords now have 49 signatories, officials said on Thursday.",
            "Talks with several more governments are under way.",
        ),
    )
    desk = desk_for(["meridian"])
    desk.run()  # baseline: the tally is known, nothing is sent
    assert desk.alerts() == [] and room.sent == [] and desk.sink.messages == []

    room.publish(
        "meridian",
        story(
            "new-zealand-accords",
            "New Zealand joins lunar exploration pact",
            "2026-11-02T21:00:00Z",
            "WELLINGTON — New Zealand signed the Artemis Accords on Monday, "
            "becoming the 50th country to join the US-led framework.",
            "The science minister called it a natural step for the country's young space sector.",
        ),
    )
    desk.run()
    assert sorted(kinds(desk.alerts())) == [
        ("member_count_changed", "artemis-accords", None),
        ("member_joined", "artemis-accords", "NZ"),
    ]
    assert "[pactwatch] Artemis Accords members: 49 -> 50" in desk.subjects

    room.publish(
        "meridian",
        story(
            "ireland-accords",
            "Ireland signs the Artemis Accords",
            "2026-11-09T10:30:00Z",
            "DUBLIN — Ireland became the 51st nation to sign the Artemis Accords on Tuesday.",
            "Officials said the move would open doors for Irish research groups.",
        ),
    )
    desk.run()
    alerts = desk.alerts()
    assert kinds(alerts)[2:] == [
        ("member_joined", "artemis-accords", "IE"),
        ("member_count_changed", "artemis-accords", None),
    ]
    joined_ie, count = alerts[2], alerts[3]
    assert joined_ie["current"]["ordinal"] == 51
    assert (count["previous"]["value"], count["current"]["value"]) == (50, 51)
    assert "[pactwatch] Artemis Accords members: 50 -> 51" in desk.subjects
    # every alert went out once on each channel
    assert sorted(p["id"] for p in room.sent) == sorted(a["id"] for a in alerts)
    assert len(desk.sink.messages) == 4
    [state] = desk.sql("select value from current_state where coalition = 'artemis-accords'")
    assert state["value"] == 51


# --- 2. a count drop ------------------------------------------------------------------


def _seventeen() -> Any:
    """The May story both count-drop scenarios start from: 17 members."""
    return story(
        "ilrs-seventeen",
        "Lunar station project counts its partners",
        "2026-05-04T07:00:00Z",
        "BEIJING — The International Lunar Research Station has 17 members, "
        "the project office said in a statement.",
    )


def test_a_count_drop_alerts_with_both_figures(desk_for: Any, room: Newsroom) -> None:
    room.publish(
        "meridian",
        _seventeen(),
    )
    desk = desk_for(["meridian"])
    desk.run()
    room.publish(
        "meridian",
        story(
            "ilrs-thirteen",
            "Lunar station roster shrinks after departures",
            "2026-10-20T12:00:00Z",
            "BEIJING — The International Lunar Research Station now counts 13 members "
            "after several departures.",
            "Officials did not say which governments had withdrawn.",
        ),
    )
    desk.run()
    [alert] = desk.alerts()
    assert alert["kind"] == "member_count_changed" and alert["coalition"] == "ilrs"
    assert alert["previous"] == {
        "value": 17,
        "low": 17,
        "high": 17,
        "published_at": "2026-05-04T07:00:00Z",
    }
    assert alert["current"] == {
        "value": 13,
        "low": 13,
        "high": 13,
        "published_at": "2026-10-20T12:00:00Z",
    }
    assert [e["url"] for e in alert["evidence"]] == [
        room.url("meridian", room.feeds["meridian"][1])
    ]
    # the evidence is the story's own sentence: no headline, byline or page furniture
    assert alert["evidence"][0]["sentence"] == (
        "BEIJING — The International Lunar Research Station now counts 13 members "
        "after several departures."
    )
    assert desk.subjects == ["[pactwatch] ILRS members: 17 -> 13"]
    [(headers, payload)] = room.hooks
    assert payload["id"] == alert["id"] == headers["Idempotency-Key"]
    assert headers["X-Pactwatch-Signature"].startswith("sha256=")


# --- 3. an old article read late ----------------------------------------------------


def test_an_old_article_read_late_is_history_not_news(desk_for: Any, room: Newsroom) -> None:
    room.publish(
        "meridian",
        _seventeen(),
    )
    desk = desk_for(["meridian"])
    desk.run()
    room.publish(
        "meridian",
        story(
            "ilrs-thirteen",
            "Lunar station roster shrinks after departures",
            "2026-10-20T12:00:00Z",
            "BEIJING — The International Lunar Research Station now counts 13 members "
            "after several departures.",
        ),
    )
    desk.run()
    assert len(desk.alerts()) == 1 and len(room.sent) == 1

    # A July story, published between the two, turns up in the feed only now.
    room.publish(
        "meridian",
        story(
            "ilrs-fifteen-archive",
            "From the archive: lunar station at fifteen",
            "2026-07-15T16:00:00Z",
            "BEIJING — The International Lunar Research Station has 15 members "
            "after two governments withdrew.",
        ),
    )
    err = desk.run()
    assert "1 new or changed article(s)" in err and "0 new alert(s)" in err
    assert len(desk.alerts()) == 1 and len(room.sent) == 1 and len(desk.sink.messages) == 1
    history = desk.sql(
        "select value, published_at from member_counts where coalition = 'ilrs'"
        " order by published_at"
    )
    assert [h["value"] for h in history] == [17, 15, 13]
    [state] = desk.sql("select value from current_state where coalition = 'ilrs'")
    assert state["value"] == 13
