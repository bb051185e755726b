"""A story edited in place: the feed says the item was updated, so the page is read
again, its claims are replaced, and the now-confirmed join is alerted once."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pactwatch.flows.cli import main

pytestmark = pytest.mark.integration

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><meta property="article:published_time" content="2026-05-04T09:00:00Z">
</head><body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<p>NAIROBI - {lead}</p>
<p>The government has spent three years preparing a national space policy, officials said.</p>
<p>A ground station near the coast is already tracking satellites for several partners.</p>
</article><footer>Example Wire</footer></body></html>"""

FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Wire</title><id>urn:x:wire</id>
<updated>{updated}</updated>
<entry><title>{title}</title><id>urn:x:kenya</id>
<link href="{base}/kenya.html"/><published>2026-05-04T09:00:00Z</published>
<updated>{updated}</updated><summary>Kenya and the accords.</summary></entry>
{other}
</feed>"""

OTHER = """<entry><title>Ministers meet</title><id>urn:x:other</id>
<link href="{base}/other.html"/><published>2026-05-03T09:00:00Z</published>
<updated>2026-05-03T09:00:00Z</updated><summary>A meeting.</summary></entry>"""


def test_item_updated_after_publication_is_read_again(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    state = {
        "title": "Kenya set to sign the Artemis Accords",
        "lead": "Kenya is expected to sign the Artemis Accords next week, officials said.",
        "updated": "2026-05-04T09:00:00Z",
    }
    fetched: list[str] = []

    def feed(request: Request) -> Response:
        body = FEED.format(base=base, other=OTHER.format(base=base), **state)
        return Response(body, content_type="application/atom+xml")

    def page(request: Request) -> Response:
        fetched.append(request.path)
        if request.path == "/other.html":
            html = PAGE.format(title="Ministers meet", lead="Ministers met to discuss budgets.")
        else:
            html = PAGE.format(title=state["title"], lead=state["lead"])
        return Response(html, content_type="text/html; charset=utf-8")

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    httpserver.expect_request("/kenya.html").respond_with_handler(page)
    httpserver.expect_request("/other.html").respond_with_handler(page)
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f'[warehouse]\npath = "w.duckdb"\n[alerts]\nbaseline = false\n'
        f'[[sources]]\nname = "wire"\nfeed = "{base}/feed.xml"\n'
        f'[[channels]]\ntype = "console"\n',
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"

    def q(sql: str) -> list[tuple[object, ...]]:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(sql).fetchall()

    assert main(["run", "--config", str(cfg)]) == 0
    assert q("select modality from claims where kind = 'joined'") == [("hedged",)]
    assert q("select count(*) from alerts") == [(0,)]

    # Nothing changed: nothing is fetched again.
    assert main(["run", "--config", str(cfg)]) == 0
    assert sorted(fetched) == ["/kenya.html", "/other.html"]

    # The story is edited and the feed says so.
    time.sleep(1.1)  # the feed's timestamps have whole seconds
    state.update(
        title="Kenya signs the Artemis Accords",
        lead="Kenya signed the Artemis Accords on Tuesday, officials said.",
        # Edited now: after our last read, before the next one.
        updated=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    assert main(["run", "--config", str(cfg)]) == 0
    assert sorted(fetched) == ["/kenya.html", "/kenya.html", "/other.html"]
    assert q("select modality from claims where kind = 'joined'") == [("asserted",)]
    assert q("select kind, actor from alerts") == [("member_joined", "KE")]
    assert q("select count(*) from articles") == [(2,)]

    # Read again only once per edit.
    assert main(["run", "--config", str(cfg)]) == 0
    assert len(fetched) == 3
