"""Health alerts over real runs: a feed on a local server that goes down for several
runs and comes back, and a quiet feed judged days later through the shifted clock.
Real Prefect flows, a real DuckDB file, the real webhook receiver and SMTP server."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pactwatch.alerts.health import HealthRule, judge
from pactwatch.clock import now_utc, shifted_clock
from pactwatch.errors import ConfigError
from pactwatch.flows.config import load_config
from pactwatch.warehouse.health import SourceHealth

from .newsroom import Desk, Newsroom, story

pytestmark = pytest.mark.integration

DOCKING = story(
    "harbour-docking",
    "Harbour agency tests a new docking arm",
    "2026-11-02T08:00:00Z",
    "The harbour agency said on Monday that its new docking arm passed a week of trials.",
    "Engineers plan a second round of trials before the arm is used on a supply ship.",
)
TELESCOPE = story(
    "valley-telescope",
    "Valley observatory opens its radio dish to students",
    "2026-11-05T10:00:00Z",
    "The valley observatory will let university students book time on its radio dish.",
    "The director said the first projects would map hydrogen clouds near the galactic plane.",
)


def health_sent(room: Newsroom) -> list[dict[str, object]]:
    return [p for p in room.sent if str(p["kind"]).startswith("source_")]


def test_failing_source_alerts_once_and_recovers(
    desk_for: Callable[..., Desk], room: Newsroom
) -> None:
    desk = desk_for({"gazette": "", "ledger": ""})
    room.publish("gazette", DOCKING)
    room.publish("ledger", TELESCOPE)
    desk.run()  # the baseline: both read, nothing to say
    room.down.add("gazette")
    desk.run(expect=1)
    err = desk.run(expect=1)
    assert health_sent(room) == [] and "unhealthy" not in err
    err = desk.run(expect=1)  # the third failure in a row
    assert "pactwatch: warning: source gazette unhealthy: failed 3 runs in a row" in err
    (alert,) = health_sent(room)
    assert alert["kind"] == "source_unhealthy" and alert["source"] == "gazette"
    assert alert["coalition"] is None and alert["evidence"] == []
    current = alert["current"]
    assert isinstance(current, dict)
    assert current["reason"] == "failing" and current["consecutive_failures"] == 3
    assert "503" in str(current["last_error"])
    assert current["last_success_at"] is not None and current["last_new_article_at"] is not None
    assert alert["previous"] == {"state": "healthy"}
    assert any("Source gazette unhealthy: failed 3 runs in a row" in s for s in desk.subjects)

    desk.run(expect=1)  # the fourth: still the same spell
    assert len(health_sent(room)) == 1

    room.down.discard("gazette")
    err = desk.run()
    assert "pactwatch: warning: source gazette recovered" in err
    unhealthy, recovered = health_sent(room)
    assert recovered["kind"] == "source_recovered" and recovered["source"] == "gazette"
    assert recovered["previous"] == {"state": "unhealthy"}
    assert recovered["id"] != unhealthy["id"]
    desk.run()
    assert len(health_sent(room)) == 2
    # Through the outbox: delivered once on each channel, listed by `alerts --kind`.
    code, out, _ = desk.cli("alerts", "--json", "--kind", "source_unhealthy")
    assert code == 0
    (listed,) = [json.loads(line) for line in out.splitlines()]
    assert {d["channel"]: d["status"] for d in listed["deliveries"]} == {
        "webhook": "delivered",
        "email": "delivered",
    }
    assert sum("Source gazette" in s for s in desk.subjects) == 2
    # The other source never had a health alert.
    assert all(a["source"] == "gazette" for a in health_sent(room))


def test_first_runs_of_a_failing_source_do_not_alert(
    desk_for: Callable[..., Desk], room: Newsroom
) -> None:
    """A source that is down from its first run is judged like any other: nothing
    until the third failure, and a quiet new source is not stale on day one."""
    desk = desk_for({"gazette": 'stale_after = "1d"', "ledger": 'stale_after = "1d"'})
    room.publish("ledger", TELESCOPE)
    room.down.add("gazette")
    desk.run(expect=1)
    desk.run(expect=1)
    assert health_sent(room) == []
    desk.run(expect=1)
    assert [(a["kind"], a["source"]) for a in health_sent(room)] == [
        ("source_unhealthy", "gazette")
    ]


def test_stale_source_alerts_once_and_recovers_with_news(
    desk_for: Callable[..., Desk], room: Newsroom
) -> None:
    desk = desk_for({"quiet": 'stale_after = "3d"', "busy": ""})
    room.publish("quiet", DOCKING)
    room.publish("busy", TELESCOPE)
    desk.run()
    with shifted_clock(timedelta(days=2)):
        desk.run()
    assert health_sent(room) == []
    with shifted_clock(timedelta(days=4)):
        err = desk.run()  # still answering, but nothing new for four days
    assert "source quiet stale: no new article since" in err
    (alert,) = health_sent(room)
    current = alert["current"]
    assert isinstance(current, dict)
    assert alert["kind"] == "source_unhealthy" and alert["source"] == "quiet"
    assert current["reason"] == "stale" and current["stale_after_seconds"] == 3 * 86400
    assert current["consecutive_failures"] == 0 and current["last_error"] is None
    with shifted_clock(timedelta(days=5)):
        desk.run()
    assert len(health_sent(room)) == 1
    room.publish("quiet", TELESCOPE)
    with shifted_clock(timedelta(days=6)):
        desk.run()
    kinds = [(a["kind"], a["source"]) for a in health_sent(room)]
    assert kinds == [("source_unhealthy", "quiet"), ("source_recovered", "quiet")]


def test_judge_states() -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    fresh = SourceHealth("s", "feed", None, first_seen=now - timedelta(hours=1))
    rule = HealthRule("s", failures=3, stale_after=timedelta(days=1))
    assert judge(fresh, rule, now).state == "new"
    fresh.runs = 1
    assert judge(fresh, rule, now).state == "healthy"
    quiet = SourceHealth("s", "feed", None, runs=5, first_seen=now - timedelta(days=3))
    assert judge(quiet, rule, now).state == "stale"
    quiet.last_new_article = now - timedelta(hours=2)
    assert judge(quiet, rule, now).state == "healthy"
    down = SourceHealth("s", "feed", None, runs=3, consecutive_failures=3, first_seen=now)
    assert judge(down, rule, now).state == "unhealthy"
    assert judge(down, HealthRule("s", failures=0), now).state == "healthy"
    assert judge(down, HealthRule("s", failures=4), now).state == "healthy"


def test_shifted_clock_moves_now_and_restores_it() -> None:
    before = now_utc()
    with shifted_clock(timedelta(days=3)):
        with shifted_clock(timedelta(days=1)):
            assert now_utc() - before >= timedelta(days=4)
        assert timedelta(days=3) <= now_utc() - before < timedelta(days=4)
    assert now_utc() - before < timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3d", 259200.0), ("36h", 129600.0), ("1d12h", 129600.0), ("90m", 5400.0), ("2w", 1209600.0)],
)
def test_stale_after_durations(tmp_path: Path, text: str, seconds: float) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f'[[sources]]\nname = "a"\nfeed = "https://example.org/a.xml"\nstale_after = "{text}"\n',
        encoding="utf-8",
    )
    assert load_config(cfg).sources[0].stale_after == seconds


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('stale_after = "soon"', "sources[0].stale_after 'soon' is not a duration"),
        ('stale_after = "3 days"', "is not a duration"),
        ("unhealthy_after_failures = -1", "sources[0].unhealthy_after_failures must not be"),
    ],
)
def test_health_settings_errors(tmp_path: Path, line: str, message: str) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f'[[sources]]\nname = "a"\nfeed = "https://example.org/a.xml"\n{line}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(cfg)
    cfg.write_text("[alerts]\nunhealthy_after_failures = -2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"alerts\.unhealthy_after_failures must not be negative"):
        load_config(cfg)
