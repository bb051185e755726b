"""Alerts people can act on: scenarios over a local newsroom whose feeds change between runs.

Each test drives the real CLI (`pactwatch run`, `alerts`, `sql`, `deliver`) and the
real Prefect flow against a local web server (pytest-httpserver) that serves one
RSS feed per outlet plus the article pages, a webhook receiver on the same server,
and a real SMTP server (aiosmtpd). The stories are fictional, written for these
tests in plain newswire style.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pactwatch.flows.cli import main

from .conftest import ROOT, SmtpSink, free_port

pytestmark = pytest.mark.integration

SECRET = "scenario-signing-secret"


# --- the newsroom -------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    published: str  # ISO 8601, UTC
    paragraphs: tuple[str, ...]


# Closing paragraphs every story carries, as wire copy does; they hold no claims.
BACKGROUND = (
    "Officials did not give further details about the timetable.",
    "The announcement comes during a busy year for space diplomacy, analysts said.",
)


def story(slug: str, title: str, published: str, *paragraphs: str) -> Story:
    return Story(slug, title, published, (*paragraphs, *BACKGROUND))


def page_html(s: Story, outlet: str) -> str:
    """An article page with the furniture real sites have around the story."""
    body = "\n".join(f"  <p>{html.escape(p)}</p>" for p in s.paragraphs)
    title = html.escape(s.title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {outlet.title()} Wire</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{s.published}">
</head>
<body>
<header><a href="/">{outlet.title()} Wire</a>
<nav><ul><li><a href="/space/">Space</a></li><li><a href="/world/">World</a></li></ul></nav>
</header>
<main>
<article>
  <h1>{title}</h1>
  <p class="byline">By Wire Staff &middot; <time datetime="{s.published}">{s.published}</time></p>
{body}
</article>
<aside class="related"><h2>More stories</h2><ul>
  <li><a href="/space/older.html">Why small nations sign big space pacts</a></li>
</ul></aside>
</main>
<footer><p>&copy; 2026 {outlet.title()} Wire. <a href="/privacy/">Privacy</a></p></footer>
</body>
</html>
"""


def rss_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")))


class Newsroom:
    """Outlets with one feed each (/<outlet>/feed.xml) and their pages, plus /hook.

    `publish` adds a story to an outlet's feed; the next run sees it. `hook_status`
    is what the webhook receiver answers.
    """

    def __init__(self, server: HTTPServer) -> None:
        self.base = server.url_for("").rstrip("/")
        self.feeds: dict[str, list[Story]] = {}
        self.hook_status = 200
        self.hooks: list[tuple[dict[str, str], dict[str, Any]]] = []
        server.expect_request(re.compile(r"^/[a-z]+/feed\.xml$")).respond_with_handler(self.feed)
        server.expect_request(re.compile(r"^/[a-z]+/news/[a-z0-9-]+\.html$")).respond_with_handler(
            self.page
        )
        server.expect_request("/hook", method="POST").respond_with_handler(self.hook)

    def outlet(self, name: str) -> str:
        """Register an outlet (an empty feed until something is published); its feed URL."""
        self.feeds.setdefault(name, [])
        return f"{self.base}/{name}/feed.xml"

    def publish(self, outlet: str, *stories: Story) -> None:
        self.feeds.setdefault(outlet, []).extend(stories)

    def url(self, outlet: str, s: Story) -> str:
        return f"{self.base}/{outlet}/news/{s.slug}.html"

    def feed(self, request: Request) -> Response:
        outlet = request.path.split("/")[1]
        items = []
        for s in sorted(self.feeds.get(outlet, []), key=lambda s: s.published, reverse=True):
            items.append(
                f"""  <item>
    <title>{html.escape(s.title)}</title>
    <link>{self.url(outlet, s)}?utm_source=rss</link>
    <guid isPermaLink="false">{outlet}-{s.slug}</guid>
    <pubDate>{rss_date(s.published)}</pubDate>
    <description>{html.escape(s.paragraphs[0][:80])}</description>
  </item>"""
            )
        xml = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>{outlet.title()} Wire</title><link>{self.base}/{outlet}/</link>
  <description>Fictional wire stories for pactwatch tests</description>
{chr(10).join(items)}
</channel></rss>
"""
        return Response(xml, content_type="application/rss+xml")

    def page(self, request: Request) -> Response:
        _, outlet, _, name = request.path.split("/")
        for s in self.feeds.get(outlet, []):
            if f"{s.slug}.html" == name:
                return Response(page_html(s, outlet), content_type="text/html; charset=utf-8")
        return Response("not found", status=404)

    def hook(self, request: Request) -> Response:
        if self.hook_status < 300:
            self.hooks.append((dict(request.headers), json.loads(request.get_data())))
        return Response("", status=self.hook_status)

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Payloads the webhook receiver accepted."""
        return [payload for _, payload in self.hooks]


# Scenarios about something other than the baseline skip it (test 10 covers it): one
# run fewer each, and the first run's news is news.
NO_BASELINE = "baseline = false"


# --- running pactwatch ----------------------------------------------------------


class Desk:
    """One warehouse and configuration; runs the CLI and reads what it wrote."""

    def __init__(
        self,
        tmp_path: Path,
        room: Newsroom,
        smtp: tuple[str, int, SmtpSink],
        capsys: pytest.CaptureFixture[str],
        *,
        outlets: dict[str, str] | list[str],
        alerts: str = "",
        webhook_url: str | None = None,
    ) -> None:
        self.tmp_path = tmp_path
        self.room = room
        self.sink = smtp[2]
        self.smtp_port = smtp[1]
        self.capsys = capsys
        self.outlets = outlets if isinstance(outlets, dict) else dict.fromkeys(outlets, "")
        self.alerts_section = alerts
        self.db = tmp_path / "w.duckdb"
        self.config = tmp_path / "pactwatch.toml"
        self.write_config(webhook_url=webhook_url)

    def write_config(self, *, webhook_url: str | None = None) -> None:
        sources = "".join(
            f'\n[[sources]]\nname = "{name}"\nfeed = "{self.room.outlet(name)}"\n{extra}\n'
            for name, extra in self.outlets.items()
        )
        self.config.write_text(
            f"""
[warehouse]
path = "w.duckdb"

[fetch]
retries = 0

[alerts]
{self.alerts_section}
{sources}
[[channels]]
type = "webhook"
url = "{webhook_url or self.room.base + "/hook"}"
secret_env = "PACTWATCH_SCENARIO_SECRET"
timeout = 3.0

[[channels]]
type = "email"
host = "127.0.0.1"
port = {self.smtp_port}
sender = "pactwatch@localhost"
to = ["desk@localhost"]
""",
            encoding="utf-8",
        )

    def cli(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main([*args, "--config", str(self.config)])
        out, err = self.capsys.readouterr()
        return code, out, err

    def run(self, *, expect: int = 0) -> str:
        code, _, err = self.cli("run")
        assert code == expect, err
        assert "Traceback" not in err, err
        return err

    def alerts(self, *, pending: bool = False) -> list[dict[str, Any]]:
        code, out, err = self.cli("alerts", "--json", *(["--pending"] if pending else []))
        assert code == 0, err
        return [json.loads(line) for line in out.splitlines()]

    def sql(self, query: str) -> list[dict[str, Any]]:
        code, out, err = self.cli("sql", query, "--format", "json")
        assert code == 0, err
        return [json.loads(line) for line in out.splitlines()]

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(query).fetchall()

    @property
    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.sink.messages]


@pytest.fixture
def room(httpserver: HTTPServer) -> Newsroom:
    return Newsroom(httpserver)


@pytest.fixture
def desk_for(
    tmp_path: Path,
    room: Newsroom,
    smtp_server: tuple[str, int, SmtpSink],
    prefect_harness: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Any:
    monkeypatch.setenv("PACTWATCH_SCENARIO_SECRET", SECRET)

    def make(outlets: dict[str, str] | list[str], **kw: Any) -> Desk:
        return Desk(tmp_path, room, smtp_server, capsys, outlets=outlets, **kw)

    return make


def kinds(alerts: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None]]:
    return [(a["kind"], a["coalition"], a["actor"]) for a in alerts]


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


def test_a_count_drop_alerts_with_both_figures(desk_for: Any, room: Newsroom) -> None:
    room.publish(
        "meridian",
        story(
            "ilrs-seventeen",
            "Lunar station project counts its partners",
            "2026-05-04T07:00:00Z",
            "BEIJING — The International Lunar Research Station has 17 members, "
            "the project office said in a statement.",
        ),
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
        story(
            "ilrs-seventeen",
            "Lunar station project counts its partners",
            "2026-05-04T07:00:00Z",
            "BEIJING — The International Lunar Research Station has 17 members, "
            "the project office said in a statement.",
        ),
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


# --- 4. the same join in several outlets -----------------------------------------------


KENYA_SIGNS = (
    "NAIROBI — Kenya signed the Artemis Accords on Friday at a ceremony in the capital.",
    "The space agency's director said the country wanted a seat at the table.",
)


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
