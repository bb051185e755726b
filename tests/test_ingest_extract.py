"""`pactwatch extract URL`: a page, a feed with and without --follow, a URL that fails.

Through the real Prefect flow (`pactwatch run`) or the CLI, against a real local web
server (tests/ingest_site.py) and a real DuckDB file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from pactwatch.flows.cli import main

from .ingest_site import (
    KENYA,
    MALTA,
    page_html,
    rss,
    write_config,
)

pytestmark = pytest.mark.integration


def test_extract_url_against_a_local_server(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/news/malta.html").respond_with_data(
        page_html("Malta joins the ocean compact", MALTA), content_type="text/html"
    )
    httpserver.expect_request("/news/kenya.html").respond_with_data(
        page_html("Kenya and Ethiopia share a ground station", KENYA), content_type="text/html"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            base,
            [
                ("/news/malta.html", "Malta joins the ocean compact", "Short teaser one."),
                ("/news/kenya.html", "Kenya and Ethiopia share a ground station", "Teaser two."),
                ("/news/missing.html", "A story that went away", "Teaser three."),
            ],
        ),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/news/missing.html").respond_with_data("gone", status=404)
    cfg = write_config(tmp_path, [])

    assert main(["extract", f"{base}/news/malta.html", "--json", "--config", str(cfg)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    article = json.loads(line)["article"]
    assert article["title"] == "Malta joins the ocean compact"
    assert article["url"] == f"{base}/news/malta.html"
    assert article["text"].startswith("VALLETTA") and article["published_at"] == (
        "2026-11-20T09:00:00Z"
    )

    # Without --follow: one object per item, from the item's own content.
    assert (
        main(["extract", f"{base}/feed.xml", "--kind", "feed", "--json", "--config", str(cfg)]) == 0
    )
    texts = [json.loads(x)["article"]["text"] for x in capsys.readouterr().out.splitlines()]
    assert texts == ["Short teaser one.", "Teaser two.", "Teaser three."]

    # --follow: each linked page is fetched; a page that is gone keeps its item, with a warning.
    code = main(
        [
            "extract",
            f"{base}/feed.xml",
            "--kind",
            "feed",
            "--follow",
            "--json",
            "--config",
            str(cfg),
        ]
    )
    assert code == 0
    out, err = capsys.readouterr()
    objs = [json.loads(x)["article"] for x in out.splitlines()]
    assert [o["title"] for o in objs] == [
        "Malta joins the ocean compact",
        "Kenya and Ethiopia share a ground station",
        "A story that went away",
    ]
    assert objs[0]["text"].startswith("VALLETTA") and objs[1]["text"].startswith("NAIROBI")
    assert objs[2]["text"] == "Teaser three."
    assert "pactwatch: warning:" in err and "404" in err

    # A URL that cannot be fetched is one error line and exit 1, never a traceback.
    assert main(["extract", f"{base}/nothing-here.html", "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pactwatch: error:") and "Traceback" not in err
