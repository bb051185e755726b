"""Alert scenarios about `[alerts]` options: the baseline run, min_sources, ignore_attributed.

Scenarios over the local newsroom of tests/newsroom.py: the real CLI and Prefect
flow, a local web server for feeds, pages and the webhook, a real SMTP server.
"""

from __future__ import annotations

from typing import Any

import pytest

from .newsroom import KENYA_SIGNS, NO_BASELINE, Newsroom, kinds, story

pytestmark = pytest.mark.integration


# --- 10. baseline -----------------------------------------------------------------------------


def test_baseline_first_run_is_silent_unless_switched_off(desk_for: Any, room: Newsroom) -> None:
    room.publish(
        "meridian",
        story(
            "kenya-accords", "Kenya signs the Artemis Accords", "2026-11-20T14:00:00Z", *KENYA_SIGNS
        ),
    )
    room.publish(
        "harbour",
        story(
            "ireland-accords",
            "Ireland signs the Artemis Accords",
            "2026-11-09T10:30:00Z",
            "DUBLIN — Ireland signed the Artemis Accords on Tuesday at a ceremony in Dublin.",
        ),
    )
    desk = desk_for({"meridian": "", "harbour": "baseline = false"})
    desk.run()
    # meridian's join is stored, not sent; harbour opted out of the baseline
    assert kinds(desk.alerts()) == [("member_joined", "artemis-accords", "IE")]
    assert [p["actor"] for p in room.sent] == ["IE"]
    assert desk.subjects == ["[pactwatch] Artemis Accords: Ireland (IE) joined"]
    members = desk.sql("select actor from memberships order by actor")
    assert [m["actor"] for m in members] == ["IE", "KE"]

    # after its baseline, meridian's news is news
    room.publish(
        "meridian",
        story(
            "new-zealand-accords",
            "New Zealand joins lunar exploration pact",
            "2026-11-22T21:00:00Z",
            "WELLINGTON — New Zealand signed the Artemis Accords on Monday.",
        ),
    )
    desk.run()
    assert [p["actor"] for p in room.sent] == ["IE", "NZ"]


# --- alert options ------------------------------------------------------------------------------


def test_min_sources_waits_for_a_second_independent_outlet(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian", "harbour", "causeway"], alerts=NO_BASELINE + "\nmin_sources = 2")
    wire = story(
        "kenya-accords", "Kenya signs the Artemis Accords", "2026-11-20T14:00:00Z", *KENYA_SIGNS
    )
    room.publish("meridian", wire)
    desk.run()
    assert desk.alerts() == [] and room.sent == []
    # the same agency story, carried word for word by a second outlet: still one report
    room.publish("harbour", wire)
    desk.run()
    [story_ids] = desk.rows("select count(distinct story_id) from articles")
    assert story_ids == (1,)
    assert desk.alerts() == [] and room.sent == []
    room.publish(
        "causeway",
        story(
            "kenya-moon-pact",
            "Kenya adds its signature to lunar accords",
            "2026-11-21T06:00:00Z",
            "NAIROBI — Kenya signed the Artemis Accords on Friday, officials confirmed.",
        ),
    )
    desk.run()
    [alert] = desk.alerts()
    assert (alert["kind"], alert["actor"]) == ("member_joined", "KE")
    assert len(alert["evidence"]) == 3 and len(room.sent) == 1


def test_ignore_attributed_alerts_only_on_plain_reports(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian"], alerts=NO_BASELINE + "\nignore_attributed = true")
    room.publish(
        "meridian",
        story(
            "ilrs-claim",
            "Lunar station says Kenya is on board",
            "2026-11-10T09:00:00Z",
            "BEIJING — Project director Lin Hao said Kenya had joined the "
            "International Lunar Research Station.",
        ),
    )
    desk.run()
    assert desk.alerts() == [] and room.sent == []
    [claim] = desk.sql("select actor, attributed_to from claims where kind = 'joined'")
    assert claim["actor"] == "KE" and claim["attributed_to"]
    room.publish(
        "meridian",
        story(
            "kenya-ilrs",
            "Kenya joins the lunar station project",
            "2026-11-12T09:00:00Z",
            "NAIROBI — Kenya joined the International Lunar Research Station on Thursday.",
        ),
    )
    desk.run()
    [alert] = desk.alerts()
    assert (alert["kind"], alert["coalition"], alert["actor"]) == ("member_joined", "ilrs", "KE")
    assert [e["attributed_to"] for e in alert["evidence"]] == [None]
