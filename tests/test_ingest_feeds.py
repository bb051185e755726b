"""Ingesting feeds: conditional GET, a truncated or garbage feed among good ones, the
link budget, and a local feed whose links are left for later runs.

Through the real Prefect flow (`pactwatch run`) or the CLI, against a real local web
server (tests/ingest_site.py) and a real DuckDB file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from .ingest_site import (
    KENYA,
    MALTA,
    Counter,
    conditional,
    page_html,
    rows,
    rss,
    run,
    write_config,
)

pytestmark = pytest.mark.integration


def test_second_run_sends_validators_and_a_304_costs_no_parsing(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()
    feed = rss(base, [("/news/malta.html", "Malta joins the ocean compact", "Malta joins.")])
    httpserver.expect_request("/feed.xml").respond_with_handler(
        seen.wrap(conditional(feed.encode(), '"v1"', "application/rss+xml"))
    )
    # A feed behind a redirect keeps its validators under the configured URL.
    httpserver.expect_request("/old-feed.xml").respond_with_data(
        "", status=301, headers={"Location": f"{base}/feed.xml"}
    )
    httpserver.expect_request("/news/malta.html").respond_with_handler(
        seen.wrap(
            lambda r: Response(
                page_html("Malta joins the ocean compact", MALTA),
                200,
                content_type="text/html; charset=utf-8",
            )
        )
    )
    cfg = write_config(
        tmp_path,
        [("herald", "feed", f"{base}/feed.xml"), ("moved", "feed", f"{base}/old-feed.xml")],
    )
    assert run(cfg) == 0
    page_reads = seen.count("/news/malta.html")  # both sources list the story
    assert page_reads in (1, 2)
    first = rows(tmp_path, "select id, fetched_at from articles")
    assert len(first) == 1

    assert run(cfg) == 0
    second_requests = seen.hits["/feed.xml"][2:]
    assert len(second_requests) == 2  # one per source
    for _, headers in second_requests:
        assert headers.get("If-None-Match") == '"v1"'
        assert headers.get("If-Modified-Since") == "Fri, 20 Nov 2026 10:00:00 GMT"
    # Nothing was parsed or stored again: the page was not fetched, the article untouched.
    assert seen.count("/news/malta.html") == page_reads
    assert rows(tmp_path, "select id, fetched_at from articles") == first
    latest_run = rows(tmp_path, "select id from runs order by started_at desc limit 1")[0][0]
    fetched = rows(
        tmp_path,
        "select source, url, status, not_modified, bytes, error from fetches where run_id = ?"
        " order by source",
        [latest_run],
    )
    assert fetched == [
        ("herald", f"{base}/feed.xml", 304, True, 0, None),
        ("moved", f"{base}/old-feed.xml", 304, True, 0, None),
    ]


def test_truncated_feed_keeps_readable_items_and_other_sources_go_on(
    tmp_path: Path,
    httpserver: HTTPServer,
    prefect_harness: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = httpserver.url_for("").rstrip("/")
    items = [
        (f"/broken/{n}.html", f"Coalition bulletin number {n}", f"Bulletin {n}: {MALTA[:200]}")
        for n in range(1, 4)
    ]
    whole = rss(base, items)
    cut = whole[: whole.index("Coalition bulletin number 3") + 10]  # inside the third item
    httpserver.expect_request("/broken.xml").respond_with_data(
        cut, content_type="application/rss+xml"
    )
    httpserver.expect_request("/steady.xml").respond_with_data(
        rss(base, [("/steady/kenya.html", "Kenya and Ethiopia share a ground station", KENYA)]),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/garbage.xml").respond_with_data(
        "<html><body>Service temporarily unavailable", content_type="text/html"
    )
    cfg = write_config(
        tmp_path,
        [
            ("broken", "feed", f"{base}/broken.xml"),
            ("garbage", "feed", f"{base}/garbage.xml"),
            ("steady", "feed", f"{base}/steady.xml"),
        ],
        {"follow_links": False},
    )
    assert run(cfg) == 1  # the garbage source failed; the others did not
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "pactwatch: warning: source broken:" in err and "not well-formed" in err
    assert "pactwatch: error: source garbage:" in err
    titles = {t for (t,) in rows(tmp_path, "select title from articles")}
    assert {"Coalition bulletin number 1", "Coalition bulletin number 2"} <= titles
    assert "Kenya and Ethiopia share a ground station" in titles
    problems = dict(rows(tmp_path, "select source, error from fetches"))
    assert "not well-formed" in problems["broken"]
    assert problems["garbage"] and problems["steady"] is None


def test_max_links_defers_the_rest_to_the_next_runs_and_nothing_is_lost(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()
    items = [(f"/story/{n}.html", f"Compact bulletin {n} of the week", "teaser") for n in range(5)]
    # The feed answers 304 when nothing changed: the deferred links must not hide behind it.
    httpserver.expect_request("/feed.xml").respond_with_handler(
        seen.wrap(conditional(rss(base, items).encode(), '"same"', "application/rss+xml"))
    )
    for n in range(5):
        body = page_html(f"Compact bulletin {n} of the week", f"Bulletin {n}.\n{KENYA}")
        httpserver.expect_request(f"/story/{n}.html").respond_with_handler(
            seen.wrap(lambda r, b=body: Response(b, content_type="text/html"))
        )
    cfg = write_config(tmp_path, [("herald", "feed", f"{base}/feed.xml")], {"max_links": 2})
    counts = []
    for _ in range(4):
        assert run(cfg) == 0
        counts.append(rows(tmp_path, "select count(*) from articles")[0][0])
    assert counts == [2, 4, 5, 5]
    assert all(seen.count(f"/story/{n}.html") == 1 for n in range(5))
    # Once every item is stored the feed's validators are kept again: the last run was a 304.
    assert rows(
        tmp_path,
        "select status, not_modified from fetches where url like '%feed.xml'"
        " order by fetched_at desc limit 1",
    ) == [(304, True)]


def test_a_local_feed_with_links_left_for_later_is_read_again(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    from pactwatch.flows.config import SourceConfig
    from pactwatch.flows.fetch import Fetcher
    from pactwatch.flows.ingest import collect_source

    base = httpserver.url_for("").rstrip("/")
    for n in range(3):
        httpserver.expect_request(f"/local/{n}.html").respond_with_data(
            page_html(f"Compact bulletin {n} of the week", KENYA), content_type="text/html"
        )
    folder = tmp_path / "inbox"
    folder.mkdir()
    items = [(f"/local/{n}.html", f"Compact bulletin {n} of the week", "t") for n in range(3)]
    (folder / "feed.xml").write_text(rss(base, items), "utf-8")
    source = SourceConfig(name="inbox", kind="path", location=str(folder))
    known: set[str] = set()
    digests: dict[str, str] = {}
    followed: list[str] = []
    with Fetcher() as fetcher:
        for _ in range(4):
            harvest = collect_source(
                source,
                fetcher=fetcher,
                validators={},
                known_urls=known,
                follow_links=True,
                max_links=2,
                file_digests=digests,
            )
            followed += [d.url for d in harvest.documents]
            known |= {d.url for d in harvest.documents}
            file_row = harvest.fetches[0]
            if file_row.etag:  # as `file_validators` reads them back
                digests[file_row.url] = file_row.etag
    assert followed == [f"{base}/local/{n}.html" for n in range(3)]
    assert file_row.not_modified  # all read: the unchanged file is skipped again
