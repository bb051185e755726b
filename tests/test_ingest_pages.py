"""Ingesting pages: huge and hostile pages, page sources re-read with conditional GET,
and pages stored under their canonical URL.

Through the real Prefect flow (`pactwatch run`) or the CLI, against a real local web
server (tests/ingest_site.py) and a real DuckDB file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from .ingest_site import (
    KENYA,
    MALTA,
    Counter,
    page_html,
    rows,
    rss,
    run,
    write_config,
)

pytestmark = pytest.mark.integration


def test_a_huge_page_is_cut_off_as_a_recorded_error_and_the_run_goes_on(
    tmp_path: Path,
    httpserver: HTTPServer,
    prefect_harness: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = httpserver.url_for("").rstrip("/")
    huge = page_html("An endless page", ("Filler about coalitions. " * 40 + "\n") * 200)
    assert len(huge) > 100_000
    httpserver.expect_request("/huge.html").respond_with_data(huge, content_type="text/html")

    def streamed(request: Request) -> Response:  # no Content-Length: cut while reading
        return Response(
            iter([huge[i : i + 4096] for i in range(0, len(huge), 4096)]), content_type="text/html"
        )

    httpserver.expect_request("/stream.html").respond_with_handler(streamed)
    httpserver.expect_request("/kenya.html").respond_with_data(
        page_html("Kenya and Ethiopia share a ground station", KENYA), content_type="text/html"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            base,
            [
                ("/huge.html", "Huge", "x"),
                ("/stream.html", "Streamed", "y"),
                ("/kenya.html", "Kenya and Ethiopia share a ground station", "z"),
            ],
        ),
        content_type="application/rss+xml",
    )
    cfg = write_config(
        tmp_path,
        [("wire", "feed", f"{base}/feed.xml"), ("bigpage", "page", f"{base}/huge.html")],
        {"max_bytes": 50_000},
    )
    assert run(cfg) == 1  # the page source itself could not be read
    err = capsys.readouterr().err
    assert "Traceback" not in err and "larger than 50000 bytes" in err
    # Issue 12: an item whose page cannot be read for good keeps the feed's own text
    # (its description here), never any of the cut-off page.
    assert rows(
        tmp_path, "select source, title, text from articles where text in ('x', 'y') order by title"
    ) == [("wire", "Huge", "x"), ("wire", "Streamed", "y")]
    assert rows(tmp_path, "select source, title from articles order by title") == [
        ("wire", "Huge"),
        ("wire", "Kenya and Ethiopia share a ground station"),
        ("wire", "Streamed"),
    ]
    errors = rows(
        tmp_path,
        "select source, url from fetches where error like '%larger than%' order by url, source",
    )
    assert errors == [
        ("bigpage", f"{base}/huge.html"),
        ("wire", f"{base}/huge.html"),
        ("wire", f"{base}/stream.html"),
    ]


def test_a_hostile_deeply_nested_page_does_not_crash(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    depth = 20_000
    hostile = (
        "<html><head><title>Deep coalition page</title></head><body>"
        + "<div><span>" * depth
        + "<p>Chile joined the Pacific fisheries compact on Monday, officials said.</p>"
        + "</span></div>" * depth
        + "<table>" * 5000
        + "</body></html>"
    )
    httpserver.expect_request("/deep.html").respond_with_data(hostile, content_type="text/html")
    httpserver.expect_request("/kenya.html").respond_with_data(
        page_html("Kenya and Ethiopia share a ground station", KENYA), content_type="text/html"
    )
    cfg = write_config(
        tmp_path,
        [("deep", "page", f"{base}/deep.html"), ("calm", "page", f"{base}/kenya.html")],
    )
    assert run(cfg) == 0
    sources = {s for (s,) in rows(tmp_path, "select source from articles")}
    assert "calm" in sources
    assert rows(tmp_path, "select count(*) from fetches where source = 'deep'")[0][0] == 1


def test_page_source_is_reread_with_conditional_get_and_updates(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    state = {"etag": '"p1"', "text": MALTA}

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == state["etag"]:
            return Response(status=304)
        return Response(
            page_html("Malta joins the ocean compact", state["text"]),
            content_type="text/html; charset=utf-8",
            headers={"ETag": state["etag"]},
        )

    httpserver.expect_request("/news/malta.html").respond_with_handler(handler)
    cfg = write_config(tmp_path, [("desk", "page", f"{base}/news/malta.html?utm_source=x")])
    assert run(cfg) == 0
    ((url, title, text),) = rows(tmp_path, "select url, title, text from articles")
    assert url == f"{base}/news/malta.html" and title == "Malta joins the ocean compact"
    assert text.startswith("VALLETTA") and "Copyright" not in text and "Home" not in text
    assert run(cfg) == 0
    assert rows(tmp_path, "select count(*) from fetches where not_modified")[0][0] == 1
    state.update(etag='"p2"', text=MALTA.replace("ninth member", "ninth full member"))
    assert run(cfg) == 0
    ((text2,),) = rows(tmp_path, "select text from articles")
    assert "ninth full member" in text2


def test_a_page_stored_under_its_canonical_url_is_not_fetched_again(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()
    canonical = f"{base}/2026/11/20/malta-joins-the-compact"
    page = page_html("Malta joins the ocean compact", MALTA).replace(
        "<title>", f"<link rel='canonical' href='{canonical}'><title>"
    )
    httpserver.expect_request("/amp/malta.html").respond_with_handler(
        seen.wrap(lambda r: Response(page, content_type="text/html"))
    )
    # No validators: the feed is read in full every run, and lists the story every time.
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, [("/amp/malta.html?utm_source=rss&utm_medium=feed", "Malta joins", "t")]),
        content_type="application/rss+xml",
    )
    cfg = write_config(tmp_path, [("herald", "feed", f"{base}/feed.xml")])
    assert run(cfg) == 0
    assert run(cfg) == 0
    assert rows(tmp_path, "select url from articles") == [(canonical,)]
    assert seen.count("/amp/malta.html") == 1
