"""Alert scenarios about delivery: exactly once per channel, retried, never lost.

Scenarios over the local newsroom of tests/newsroom.py: the real CLI and Prefect
flow, a local web server for feeds, pages and the webhook, a real SMTP server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from .conftest import ROOT, free_port
from .newsroom import KENYA_SIGNS, NO_BASELINE, SECRET, Newsroom, story

pytestmark = pytest.mark.integration


# --- 7. re-running unchanged input --------------------------------------------------------


def test_rerunning_unchanged_input_sends_nothing(desk_for: Any, room: Newsroom) -> None:
    desk = desk_for(["meridian"], alerts=NO_BASELINE)
    room.publish(
        "meridian",
        story(
            "kenya-accords", "Kenya signs the Artemis Accords", "2026-11-20T14:00:00Z", *KENYA_SIGNS
        ),
    )
    desk.run()
    before = desk.alerts()
    assert len(before) == 1 and len(room.sent) == 1 and len(desk.sink.messages) == 1
    err = desk.run()
    assert "0 new or changed article(s)" in err and "0 new alert(s)" in err
    assert "deliveries: 0 delivered, 0 pending, 0 failed" in err
    assert desk.alerts() == before
    assert len(room.sent) == 1 and len(desk.sink.messages) == 1


# --- 8. the receiver down for one run --------------------------------------------------------


def test_receiver_down_for_one_run(desk_for: Any, room: Newsroom) -> None:
    # retry_delay = 0: the next run finds the retry due (the default waits 30 s, doubling)
    desk = desk_for(["meridian"], alerts=NO_BASELINE + "\nretry_delay = 0")
    room.publish(
        "meridian",
        story(
            "kenya-accords", "Kenya signs the Artemis Accords", "2026-11-20T14:00:00Z", *KENYA_SIGNS
        ),
    )
    room.hook_status = 503
    err = desk.run(expect=1)
    assert "deliveries: 1 delivered, 1 pending, 0 failed" in err
    assert "pactwatch: warning: delivery:" in err and SECRET not in err
    # the email channel did not wait for the webhook
    assert desk.subjects == ["[pactwatch] Artemis Accords: Kenya (KE) joined"]
    [pending] = desk.alerts(pending=True)
    by_channel = {d["channel"]: d for d in pending["deliveries"]}
    assert by_channel["email"]["status"] == "delivered"
    hook = by_channel["webhook"]
    assert (hook["status"], hook["attempts"]) == ("pending", 1)
    assert "HTTP 503" in hook["last_error"]
    assert hook["next_attempt_at"] is not None and hook["delivered_at"] is None

    room.hook_status = 200
    err = desk.run()
    assert "deliveries: 1 delivered, 0 pending, 0 failed" in err
    assert [p["id"] for p in room.sent] == [pending["id"]]
    assert desk.alerts(pending=True) == []
    [alert] = desk.alerts()
    hook = {d["channel"]: d for d in alert["deliveries"]}["webhook"]
    assert (hook["status"], hook["attempts"], hook["last_error"]) == ("delivered", 2, None)
    desk.run()
    assert len(room.sent) == 1 and len(desk.sink.messages) == 1


def test_deliver_retries_now_despite_backoff(desk_for: Any, room: Newsroom) -> None:
    # default retry_delay: the retry is 15 to 30 s away
    desk = desk_for(["meridian"], alerts=NO_BASELINE)
    room.publish(
        "meridian",
        story(
            "kenya-accords", "Kenya signs the Artemis Accords", "2026-11-20T14:00:00Z", *KENYA_SIGNS
        ),
    )
    # this time the receiver's port refuses connections
    desk.write_config(webhook_url=f"http://127.0.0.1:{free_port()}/hook")
    desk.run(expect=1)
    [pending] = desk.alerts(pending=True)
    hook = {d["channel"]: d for d in pending["deliveries"]}["webhook"]
    assert (hook["status"], hook["attempts"]) == ("pending", 1)
    assert "ConnectError" in hook["last_error"]
    desk.write_config()
    err = desk.run()  # not due yet: the run leaves it pending
    assert "deliveries: 0 delivered, 1 pending, 0 failed" in err and room.sent == []
    code, _, err = desk.cli("deliver")  # "retry pending deliveries now"
    assert code == 0, err
    assert "deliveries: 1 delivered, 0 pending, 0 failed" in err
    assert len(room.sent) == 1 and len(desk.sink.messages) == 1
    code, _, err = desk.cli("deliver")
    assert code == 0 and "0 delivered, 0 pending" in err and len(room.sent) == 1


# --- 9. a crash between detection and delivery -----------------------------------------------


def test_a_crash_between_detection_and_delivery_loses_nothing(
    desk_for: Any, room: Newsroom
) -> None:
    from prefect.settings import PREFECT_API_URL

    desk = desk_for(["meridian"], alerts=NO_BASELINE)
    room.publish(
        "meridian",
        story(
            "new-zealand-accords",
            "New Zealand joins lunar exploration pact",
            "2026-11-02T21:00:00Z",
            "WELLINGTON — New Zealand signed the Artemis Accords on Monday, "
            "becoming the 50th country to join the US-led framework.",
        ),
        story(
            "kenya-accords", "Kenya signs the Artemis Accords", "2026-11-20T14:00:00Z", *KENYA_SIGNS
        ),
    )
    # A real process, killed (os._exit) right after store-and-detect committed.
    env = {
        **os.environ,
        "PACTWATCH_TEST_CRASH_AFTER": "store",
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
        "PREFECT_HOME": str(desk.tmp_path / "prefect-home"),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "pactwatch.flows.cli", "run", "--config", str(desk.config)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 137, proc.stderr
    assert room.sent == [] and desk.sink.messages == []
    pending = desk.alerts(pending=True)
    assert sorted(a["actor"] for a in pending) == ["KE", "NZ"]
    for alert in pending:
        assert {(d["channel"], d["status"], d["attempts"]) for d in alert["deliveries"]} == {
            ("webhook", "pending", 0),
            ("email", "pending", 0),
        }

    err = desk.run()  # nothing new to read; the outbox still holds the deliveries
    assert "0 new alert(s)" in err and "deliveries: 4 delivered, 0 pending" in err
    ids = sorted(a["id"] for a in pending)
    assert sorted(p["id"] for p in room.sent) == ids
    assert sorted(str(m["X-Pactwatch-Alert-Id"]) for m in desk.sink.messages) == ids
    code, _, err = desk.cli("deliver")
    assert code == 0 and "0 delivered, 0 pending, 0 failed" in err
    desk.run()
    assert len(room.sent) == 2 and len(desk.sink.messages) == 2
