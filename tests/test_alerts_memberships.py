"""Alert scenarios about joins: one join in several outlets, hedged then confirmed.

Scenarios over the local newsroom of tests/newsroom.py: the real CLI and Prefect
flow, a local web server for feeds, pages and the webhook, a real SMTP server.
"""

from __future__ import annotations

from typing import Any

import pytest

from .newsroom import KENYA_SIGNS, NO_BASELINE, Newsroom, story

pytestmark = pytest.mark.integration


# --- 4. the same join in several outlets -----------------------------------------------


def test_the_same_join_in_several_outlets_is_one_alert(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian", "harbour", "causeway"], alerts=NO_BASELINE)

    room.publish(
        "meridian",
        story(
            "kenya-accords", "Kenya signs the Artemis Accords", "2026-11-20T14:00:00Z", *KENYA_SIGNS
        ),
    )
    room.publish(
        "harbour",
        story(
            "nairobi-lunar-pact",
            "Nairobi puts its name to US-led Moon rules",
            "2026-11-20T15:30:00Z",
            "NAIROBI — Kenya signed the Artemis Accords on Friday, joining the US-led framework.",
        ),
    )
    desk.run()
    [alert] = desk.alerts()
    assert (alert["kind"], alert["actor"]) == ("member_joined", "KE")
    assert {e["url"] for e in alert["evidence"]} == {
        room.url("meridian", room.feeds["meridian"][0]),
        room.url("harbour", room.feeds["harbour"][0]),
    }
    assert len(room.sent) == 1 and len(room.sent[0]["evidence"]) == 2
    assert len(desk.sink.messages) == 1

    # A third outlet catches up after delivery: more evidence, nothing re-sent.
    room.publish(
        "causeway",
        story(
            "kenya-moon-pact",
            "Kenya adds its signature to lunar accords",
            "2026-11-21T06:00:00Z",
            "NAIROBI — Kenya signed the Artemis Accords on Friday, officials confirmed.",
        ),
    )
    err = desk.run()
    assert "0 new alert(s)" in err
    [alert] = desk.alerts()
    assert len(alert["evidence"]) == 3
    assert all(d["status"] == "delivered" for d in alert["deliveries"])
    assert len(room.sent) == 1 and len(desk.sink.messages) == 1


# --- 5. hedged, then confirmed ------------------------------------------------------------


def test_hedged_then_confirmed_alerts_once_on_confirmation(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian"], alerts=NO_BASELINE)
    room.publish(
        "meridian",
        story(
            "kenya-expected",
            "Kenya set to join lunar accords",
            "2026-11-10T09:00:00Z",
            "NAIROBI — Kenya is expected to sign the Artemis Accords next month, "
            "two officials said.",
        ),
    )
    desk.run()
    assert desk.alerts() == [] and room.sent == [] and desk.sink.messages == []
    [hedged] = desk.sql(
        "select actor, modality from claims where kind = 'joined' and coalition = 'artemis-accords'"
    )
    assert hedged == {"actor": "KE", "modality": "hedged"}

    confirmed = story(
        "kenya-accords", "Kenya signs the Artemis Accords", "2026-11-20T14:00:00Z", *KENYA_SIGNS
    )
    room.publish("meridian", confirmed)
    desk.run()
    [alert] = desk.alerts()
    assert (alert["kind"], alert["actor"]) == ("member_joined", "KE")
    assert [e["url"] for e in alert["evidence"]] == [room.url("meridian", confirmed)]
    assert len(room.sent) == 1 and desk.subjects == [
        "[pactwatch] Artemis Accords: Kenya (KE) joined"
    ]
