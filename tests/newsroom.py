"""The local newsroom of the alert scenarios (test_alerts_*.py): outlets with one RSS
feed each and their article pages, a webhook receiver on the same server, and a
`Desk` that runs the real CLI (`pactwatch run`, `alerts`, `sql`, `deliver`)
against one warehouse. The `room` and `desk_for` fixtures are in conftest.py.

The stories are fictional, written for these tests in plain newswire style.
"""

from __future__ import annotations

import html
import json
import re
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

from .conftest import SmtpSink

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
    is what the webhook receiver answers; an outlet in `down` answers 503.
    """

    def __init__(self, server: HTTPServer) -> None:
        self.base = server.url_for("").rstrip("/")
        self.feeds: dict[str, list[Story]] = {}
        self.hook_status = 200
        self.down: set[str] = set()
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
        if outlet in self.down:
            return Response("down for maintenance", status=503)
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


# Scenarios about something other than the baseline skip it (test_alerts_options.py covers it): one
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
        warehouse: str = 'path = "w.duckdb"',
    ) -> None:
        self.tmp_path = tmp_path
        self.warehouse = warehouse  # the [warehouse] section's body: a file, or a DuckLake
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
{self.warehouse}

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


def kinds(alerts: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None]]:
    return [(a["kind"], a["coalition"], a["actor"]) for a in alerts]


# A wire story several scenarios publish, in one outlet or several.
KENYA_SIGNS = (
    "NAIROBI — Kenya signed the Artemis Accords on Friday at a ceremony in the capital.",
    "The space agency's director said the country wanted a seat at the table.",
)
