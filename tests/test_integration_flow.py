"""End to end: a real local web server whose feed changes between runs, a real
Prefect flow, a real DuckDB file, a real webhook receiver and a real SMTP server."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pactwatch.flows.cli import main

from .conftest import SAMPLE_SITE, SmtpSink, sample_text

pytestmark = pytest.mark.integration

SECRET = "test-signing-secret"


class Site:
    """Serves the bundled sample site; `day` picks which feed /feed.xml returns."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.day = "day1"
        self.base = server.url_for("").rstrip("/")
        self.hooks: list[tuple[dict[str, str], bytes]] = []
        self.hook_status = 200
        server.expect_request("/feed.xml").respond_with_handler(self.feed)
        for page in (SAMPLE_SITE / "news").glob("*.html"):
            server.expect_request(f"/news/{page.name}").respond_with_data(
                sample_text(f"news/{page.name}", self.base), content_type="text/html; charset=utf-8"
            )
        server.expect_request("/hook", method="POST").respond_with_handler(self.hook)

    def feed(self, request: Request) -> Response:
        return Response(
            sample_text(f"{self.day}.xml", self.base), content_type="application/rss+xml"
        )

    def hook(self, request: Request) -> Response:
        self.hooks.append((dict(request.headers), request.get_data()))
        return Response("", status=self.hook_status)


def write_config(tmp_path: Path, site: Site, smtp_port: int) -> Path:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"

[fetch]
retries = 0

[[sources]]
name = "orbital"
feed = "{site.base}/feed.xml"

[[channels]]
type = "webhook"
url = "{site.base}/hook"
secret_env = "PACTWATCH_TEST_SECRET"

[[channels]]
type = "email"
host = "127.0.0.1"
port = {smtp_port}
sender = "pactwatch@localhost"
to = ["desk@localhost"]
""",
        encoding="utf-8",
    )
    return cfg


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_two_days_of_news_alert_once_with_evidence(
    tmp_path: Path,
    httpserver: HTTPServer,
    smtp_server: tuple[str, int, SmtpSink],
    prefect_harness: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PACTWATCH_TEST_SECRET", SECRET)
    _, smtp_port, sink = smtp_server
    site = Site(httpserver)
    cfg = write_config(tmp_path, site, smtp_port)
    db = tmp_path / "w.duckdb"

    # Day 1: the first run of a source is a baseline: stored, nothing sent.
    assert main(["run", "--config", str(cfg)]) == 0
    assert rows(db, "select count(*) from articles")[0][0] == 4
    assert rows(db, "select count(*) from alerts")[0][0] == 0
    assert site.hooks == [] and sink.messages == []
    counts = dict(rows(db, "select coalition, value from member_counts"))
    assert counts.get("ilrs") == 13
    # Tracking parameters are gone from stored URLs.
    assert all("utm_" not in u for (u,) in rows(db, "select url from articles"))
    # Nothing from related links or comments became a claim.
    sentences = [s for (s,) in rows(db, "select sentence from claims")]
    assert not any("think tank" in s or "mark my words" in s for s in sentences)

    # Day 2: new stories change the ILRS count and roster, the accords' roster,
    # and end a partnership.
    site.day = "day2"
    assert main(["run", "--config", str(cfg)]) == 0
    kinds = rows(db, "select kind, coalition, actor from alerts order by kind, coalition, actor")
    assert ("member_joined", "ilrs", "SN") in kinds
    assert ("member_joined", "artemis-accords", "SI") in kinds
    assert ("member_count_changed", "ilrs", None) in kinds
    assert ("member_count_changed", "artemis-accords", None) in kinds
    assert any(k == "partnership_ended" for k, _, _ in kinds)
    n_alerts = len(kinds)

    # Every alert went to the webhook once, signed, with its id as idempotency key.
    assert len(site.hooks) == n_alerts
    ids = set()
    for headers, body in site.hooks:
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Pactwatch-Signature"] == f"sha256={expected}"
        assert headers["Content-Type"].startswith("application/json")
        payload = json.loads(body)
        assert headers["Idempotency-Key"] == payload["id"]
        assert payload["evidence"] and payload["evidence"][0]["url"].startswith(site.base)
        ids.add(payload["id"])
    assert len(ids) == n_alerts

    # And by email: one message per alert, text and HTML parts.
    assert len(sink.messages) == n_alerts
    subjects = [m["Subject"] for m in sink.messages]
    assert any("ILRS" in s and "13 -> 14" in s for s in subjects), subjects
    for m in sink.messages:
        types = {p.get_content_type() for p in m.walk()}
        assert {"text/plain", "text/html"} <= types

    # The views answer the analyst's questions.
    state = dict(rows(db, "select coalition, value from current_state"))
    assert state["ilrs"] == 14 and state["artemis-accords"] == 49
    members = rows(db, "select coalition, actor, status from memberships")
    assert ("ilrs", "SN", "member") in members
    assert ("artemis-accords", "SI", "member") in members
    assert rows(db, "select count(*) from deliveries where status <> 'delivered'")[0][0] == 0

    # Day 2 again: nothing new, nothing re-sent.
    capsys.readouterr()
    assert main(["run", "--config", str(cfg)]) == 0
    assert rows(db, "select count(*) from alerts")[0][0] == n_alerts
    assert len(site.hooks) == n_alerts and len(sink.messages) == n_alerts

    # `pactwatch alerts --json`: payload plus delivery states, one object per line.
    capsys.readouterr()
    assert main(["alerts", "--json", "--config", str(cfg)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == n_alerts
    first = json.loads(lines[0])
    assert {d["channel"] for d in first["deliveries"]} == {"webhook", "email"}
    assert all(d["status"] == "delivered" for d in first["deliveries"])


def test_a_failing_source_does_not_stop_the_others(
    tmp_path: Path,
    httpserver: HTTPServer,
    prefect_harness: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = Site(httpserver)
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"
[fetch]
retries = 0
[[sources]]
name = "broken"
feed = "{site.base}/gone.xml"
[[sources]]
name = "orbital"
feed = "{site.base}/feed.xml"
[[channels]]
type = "console"
""",
        encoding="utf-8",
    )
    assert main(["run", "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert "pactwatch: error: source broken:" in err and "404" in err
    assert "Traceback" not in err, err
    db = tmp_path / "w.duckdb"
    assert rows(db, "select count(*) from articles")[0][0] == 4
    assert (
        rows(db, "select count(*) from fetches where source = 'broken' and error is not null")[0][0]
        == 1
    )
