"""A rerun with nothing changed is cheap, and stores what it always stored.

Through the real Prefect flow (`pactwatch run`) against a real local web server
whose feeds answer `If-None-Match` with 304 as real sites do, and a real DuckDB
file. The work a run does is counted by wrapping the functions that do it: an
unchanged rerun parses no feed, extracts nothing, detects nothing, and stores
every source's fetch rows in one writer session, however many sources there are.

The stories are fictional, written for these tests.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pactwatch.flows import ingest, pipeline

from .ingest_site import page_html, rows, rss, run, write_config

pytestmark = pytest.mark.integration

STORIES = {
    "peru": (
        "Peru signs the Artemis Accords",
        "LIMA - Peru signed the Artemis Accords on Monday, the foreign ministry said, adding"
        " its name to the list of countries that back common rules for exploring the Moon.\n"
        "The minister told reporters in Lima that the country wanted a seat at the table when"
        " lunar missions are planned. Officials said a small team would attend the next"
        " meeting of signatories.",
    ),
    "chile": (
        "Chile joins the lunar research station",
        "SANTIAGO - Chile has joined the International Lunar Research Station, the science"
        " ministry announced on Wednesday, after months of talks with the project's partners.\n"
        "The ministry said Chilean observatories would share tracking data with the programme."
        " A spokesman declined to say how much the country would pay towards the station.",
    ),
    "ghana": (
        "Ghana weighs its options",
        "ACCRA - Ghana's space agency held a public hearing on Thursday about the country's"
        " first satellite, which engineers hope to launch within three years.\n"
        "Speakers asked how the project would be paid for and who would use the pictures it"
        " takes. No decision was announced.",
    ),
    "esa": (
        "ESA now counts 23 members",
        "PARIS - The European Space Agency now has 23 member states, its director general said"
        " on Friday at the agency's headquarters.\n"
        "The figure was given during a briefing on next year's budget, which ministers will"
        " debate in the autumn.",
    ),
}


class Wire:
    """Feeds (/feeds/NAME.xml) listing story pages (/news/SLUG.html), on a threaded
    server: a feed's ETag is a digest of its body, so it answers 304 until a story is
    added to it. `slow` feeds answer after `delay` seconds. Every request is logged
    as (path, status)."""

    def __init__(self) -> None:
        self.feeds: dict[str, list[str]] = {}
        self.log: list[tuple[str, int]] = []
        self.slow: set[str] = set()
        self.delay = 0.0
        self.lock = threading.Lock()
        wire = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, body, ctype, etag = wire.answer(
                    self.path, self.headers.get("If-None-Match")
                )
                with wire.lock:
                    wire.log.append((self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path: str, etag_sent: str | None) -> tuple[int, bytes, str, str | None]:
        feed = re.fullmatch(r"/feeds/([a-z]+)\.xml", path)
        if feed and feed[1] in self.feeds:
            if feed[1] in self.slow:
                time.sleep(self.delay)
            items = [(f"/news/{s}.html", STORIES[s][0], STORIES[s][0]) for s in self.feeds[feed[1]]]
            body = rss(self.base, items).encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if etag_sent == etag:
                return 304, b"", "application/rss+xml", etag
            return 200, body, "application/rss+xml", etag
        page = re.fullmatch(r"/news/([a-z]+)\.html", path)
        if page and page[1] in STORIES:
            title, text = STORIES[page[1]]
            return 200, page_html(title, text).encode(), "text/html; charset=utf-8", None
        return 404, b"not found", "text/plain", None

    def config(self, tmp_path: Path) -> Path:
        sources = [(name, "feed", f"{self.base}/feeds/{name}.xml") for name in self.feeds]
        return write_config(tmp_path, sources, {"max_links": 50})

    def taken(self) -> list[tuple[str, int]]:
        """The requests logged so far, and a fresh log."""
        with self.lock:
            log, self.log = self.log, []
        return log


@pytest.fixture
def wire() -> Iterator[Wire]:
    site = Wire()
    thread = threading.Thread(target=site.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.httpd.shutdown()
        site.httpd.server_close()


class Work:
    """Calls of the functions that do a run's work, counted (and their arguments kept)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[str] = Counter()
        self.stored_quietly: list[list[str]] = []
        self.stored_with_articles: list[str] = []
        self._lock = threading.Lock()
        self._wrap(monkeypatch, ingest, "parse_feed")
        self._wrap(monkeypatch, pipeline, "extract_documents")
        self._wrap(monkeypatch, pipeline, "record_and_detect")
        self._wrap(monkeypatch, pipeline, "open_writer")
        self._wrap(monkeypatch, pipeline, "store_quiet", self._quiet)
        self._wrap(monkeypatch, pipeline, "store_harvest", self._loud)

    def _quiet(self, con: Any, run_id: str, harvests: Any, *rest: Any) -> None:
        self.stored_quietly.append([h.source for h in harvests])

    def _loud(self, con: Any, cfg: Any, run_id: str, harvest: Any, *rest: Any, **kw: Any) -> None:
        self.stored_with_articles.append(harvest.source)

    def _wrap(
        self,
        monkeypatch: pytest.MonkeyPatch,
        module: Any,
        name: str,
        note: Callable[..., None] | None = None,
    ) -> None:
        real = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.calls[name] += 1
                if note is not None:
                    note(*args, **kwargs)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)

    def reset(self) -> None:
        self.calls.clear()
        self.stored_quietly.clear()
        self.stored_with_articles.clear()


def _state(tmp_path: Path) -> dict[str, Any]:
    """Every row the warehouse holds apart from its logs (fetch rows and runs)."""
    tables = [
        "sources",
        "articles",
        "claims",
        "alerts",
        "alert_evidence",
        "deliveries",
        "actors",
        "actor_aliases",
    ]
    return {t: rows(tmp_path, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}


def _last_run(tmp_path: Path) -> tuple[str, str, dict[str, Any]]:
    run_id, status, summary = rows(
        tmp_path, "SELECT id, status, summary FROM runs ORDER BY started_at DESC LIMIT 1"
    )[0]
    return str(run_id), str(status), json.loads(summary)


def test_an_unchanged_rerun_parses_extracts_and_detects_nothing(
    tmp_path: Path, wire: Wire, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire.feeds = {"andes": ["peru", "chile"], "accra": ["ghana"], "paris": ["esa"], "quiet": []}
    cfg = wire.config(tmp_path)
    work = Work(monkeypatch)
    assert run(cfg) == 0
    assert work.calls["parse_feed"] == 4 and work.calls["record_and_detect"] == 3
    first = _state(tmp_path)
    assert len(first["articles"]) == 4 and len(first["claims"]) == 3
    wire.taken()
    work.reset()
    # However long the fetches take on a loaded machine, the quiet sources are held
    # for one store: the count of writer sessions below does not depend on timing.
    monkeypatch.setattr(pipeline, "_HOLD", 600.0)

    assert run(cfg) == 0

    # Four conditional GETs, all answered 304; no page asked for.
    assert sorted(wire.taken()) == [(f"/feeds/{n}.xml", 304) for n in sorted(wire.feeds)]
    assert work.calls["parse_feed"] == 0
    assert work.calls["extract_documents"] == 0
    assert work.calls["record_and_detect"] == 0
    assert work.stored_with_articles == []
    # Every source's fetch row in one store, in one writer session: the run's writer
    # sessions are three (prepare, that store, the run's end), not one per source.
    assert [sorted(names) for names in work.stored_quietly] == [sorted(wire.feeds)]
    assert work.calls["open_writer"] == 3
    # What a rerun stores: nothing new but one fetch row per source, 304, under the run.
    assert _state(tmp_path) == first
    run_id, status, summary = _last_run(tmp_path)
    assert status == "ok"
    assert {
        s["name"]: (s["fetched"], s["not_modified"], s["new_articles"]) for s in summary["sources"]
    } == {n: (1, 1, 0) for n in wire.feeds}
    fetched = rows(
        tmp_path,
        "SELECT source, url, status, not_modified, error, etag IS NOT NULL FROM fetches"
        " WHERE run_id = ? ORDER BY source",
        [run_id],
    )
    assert fetched == [
        (n, f"{wire.base}/feeds/{n}.xml", 304, True, None, True) for n in sorted(wire.feeds)
    ]
    ids = [r[0] for r in rows(tmp_path, "SELECT id FROM fetches ORDER BY id")]
    assert ids == list(range(1, len(ids) + 1))  # numbered on, no gap, no repeat
    # The validators the third run sends are still the first run's.
    work.reset()
    assert run(cfg) == 0
    assert sorted(wire.taken()) == [(f"/feeds/{n}.xml", 304) for n in sorted(wire.feeds)]
    assert work.calls["parse_feed"] == 0 and _state(tmp_path) == first


def test_a_rerun_with_one_changed_feed_does_that_feeds_work_only(
    tmp_path: Path, wire: Wire, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire.feeds = {"andes": ["peru"], "accra": ["ghana"], "paris": ["esa"]}
    cfg = wire.config(tmp_path)
    work = Work(monkeypatch)
    assert run(cfg) == 0
    before = _state(tmp_path)
    assert len(before["articles"]) == 3
    wire.taken()
    work.reset()
    wire.feeds["andes"].append("chile")

    assert run(cfg) == 0

    assert sorted(wire.taken()) == [
        ("/feeds/accra.xml", 304),
        ("/feeds/andes.xml", 200),
        ("/feeds/paris.xml", 304),
        ("/news/chile.html", 200),
    ]
    assert work.calls["parse_feed"] == 1
    assert work.calls["extract_documents"] == 1
    assert work.calls["record_and_detect"] == 1
    assert work.stored_with_articles == ["andes"]
    assert sorted(n for names in work.stored_quietly for n in names) == ["accra", "paris"]
    after = _state(tmp_path)
    assert set(before["articles"]) < set(after["articles"])
    assert rows(
        tmp_path,
        "SELECT url FROM articles WHERE id NOT IN (SELECT unnest(?))",
        [[r[0] for r in before["articles"]]],
    ) == [(f"{wire.base}/news/chile.html",)]
    new_claims = rows(
        tmp_path,
        "SELECT kind, coalition FROM claims WHERE id NOT IN (SELECT unnest(?))",
        [[r[0] for r in before["claims"]]],
    )
    assert new_claims == [("joined", "ilrs")]
    assert set(before["claims"]) < set(after["claims"])
    run_id, status, summary = _last_run(tmp_path)
    assert status == "ok"
    outcome = {
        s["name"]: (s["fetched"], s["not_modified"], s["new_articles"]) for s in summary["sources"]
    }
    assert outcome == {"andes": (2, 0, 1), "accra": (1, 1, 0), "paris": (1, 1, 0)}
    fetched = rows(
        tmp_path,
        "SELECT source, url, status FROM fetches WHERE run_id = ? ORDER BY source, url",
        [run_id],
    )
    assert fetched == [
        ("accra", f"{wire.base}/feeds/accra.xml", 304),
        ("andes", f"{wire.base}/feeds/andes.xml", 200),
        ("andes", f"{wire.base}/news/chile.html", 200),
        ("paris", f"{wire.base}/feeds/paris.xml", 304),
    ]


def test_held_sources_are_stored_without_waiting_for_a_slow_one(
    tmp_path: Path,
    wire: Wire,
    prefect_harness: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wire.feeds = {"andes": ["peru"], "accra": ["ghana"], "lagging": ["esa"]}
    cfg = wire.config(tmp_path)
    assert run(cfg) == 0
    capsys.readouterr()
    wire.slow, wire.delay = {"lagging"}, 4.0
    monkeypatch.setattr(pipeline, "_HOLD", 0.3)

    assert run(cfg) == 0

    done = {
        m[2]: float(m[1])
        for m in re.finditer(r"\[\s*([\d.]+)s\] source (\w+) \(", capsys.readouterr().err)
    }
    assert set(done) == {"andes", "accra", "lagging"}
    # The two quick sources were stored (and reported) while the slow feed still
    # held its answer back, not at the end with it.
    assert max(done["andes"], done["accra"]) < done["lagging"] - 2.0
    run_id, status, summary = _last_run(tmp_path)
    assert status == "ok" and all(s["not_modified"] == 1 for s in summary["sources"])
    assert rows(tmp_path, "SELECT count(*) FROM fetches WHERE run_id = ?", [run_id]) == [(3,)]
