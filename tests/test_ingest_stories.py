"""Near-duplicate stories: the same story from two outlets is one story.

Through the real Prefect flow (`pactwatch run`) or the CLI, against a real local web
server (tests/ingest_site.py) and a real DuckDB file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from .ingest_site import (
    KENYA,
    MALTA,
    MALTA_SYNDICATED,
    page_html,
    rows,
    rss,
    run,
    write_config,
)

pytestmark = pytest.mark.integration


def test_the_same_story_from_two_outlets_is_one_story(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    pages = {
        "/herald/malta-joins.html": ("Malta joins the Meridian Ocean Compact", MALTA),
        "/wire/2026/11/20/valletta-compact.html": (
            "Malta becomes ninth member of Mediterranean patrol pact",
            MALTA_SYNDICATED,
        ),
        "/herald/kenya-ethiopia.html": ("Kenya and Ethiopia share a ground station", KENYA),
    }
    for path, (title, text) in pages.items():
        httpserver.expect_request(path).respond_with_data(
            page_html(title, text), content_type="text/html"
        )
    httpserver.expect_request("/herald.xml").respond_with_data(
        rss(base, [(p, t, "teaser") for p, (t, _) in pages.items() if p.startswith("/herald")]),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/wire.xml").respond_with_data(
        rss(base, [(p, t, "teaser") for p, (t, _) in pages.items() if p.startswith("/wire")]),
        content_type="application/rss+xml",
    )
    cfg = write_config(
        tmp_path, [("herald", "feed", f"{base}/herald.xml"), ("wire", "feed", f"{base}/wire.xml")]
    )
    assert run(cfg) == 0
    story = dict(rows(tmp_path, "select url, story_id from articles"))
    assert len(story) == 3
    herald, wire, kenya = (story[f"{base}{p}"] for p in pages)
    assert herald == wire  # different URL, different title, lightly edited text
    assert kenya != herald
    assert rows(tmp_path, "select count(*) from articles where fingerprint is null")[0][0] == 0
