"""Fetching politely and persistently: 429/503 retried (Retry-After honoured) and
per-host politeness across sources.

Through the real Prefect flow (`pactwatch run`) or the CLI, against a real local web
server (tests/ingest_site.py) and a real DuckDB file.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from .ingest_site import (
    KENYA,
    Counter,
    rows,
    rss,
    run,
    write_config,
)

pytestmark = pytest.mark.integration


def test_429_with_retry_after_and_503_are_retried_then_succeed(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()

    def flaky(status: int, headers: dict[str, str]) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            if seen.count(request.path) == 1:  # the first request (already counted)
                return Response("busy", status=status, headers=headers)
            story = (f"/story{request.path}.html", "Kenya and Ethiopia share a ground station")
            return Response(rss(base, [(*story, KENYA)]), content_type="application/rss+xml")

        return seen.wrap(handler)

    httpserver.expect_request("/limited.xml").respond_with_handler(flaky(429, {"Retry-After": "1"}))
    httpserver.expect_request("/unavailable.xml").respond_with_handler(flaky(503, {}))
    cfg = write_config(
        tmp_path,
        [("limited", "feed", f"{base}/limited.xml"), ("down", "feed", f"{base}/unavailable.xml")],
        {"retries": 1, "retry_delay": 0.05, "follow_links": False},
    )
    assert run(cfg) == 0
    assert seen.count("/limited.xml") == 2 and seen.count("/unavailable.xml") == 2
    (first, _), (second, _) = seen.hits["/limited.xml"]
    assert second - first >= 0.95  # Retry-After: 1 was honoured, not just retry_delay
    assert dict(rows(tmp_path, "select source, count(*) from articles group by source")) == {
        "limited": 1,
        "down": 1,
    }


def test_per_host_politeness_holds_across_sources(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()
    for n in range(3):
        body = rss(base, [(f"/polite/{n}.html", f"Compact bulletin {n} of the week", KENYA)])
        httpserver.expect_request(f"/polite-{n}.xml").respond_with_handler(
            seen.wrap(lambda r, b=body: Response(b, content_type="application/rss+xml"))
        )
    cfg = write_config(
        tmp_path,
        [(f"outlet-{n}", "feed", f"{base}/polite-{n}.xml") for n in range(3)],
        {"follow_links": False, "per_host_concurrency": 1, "per_host_delay": 0.3},
    )
    assert run(cfg) == 0
    starts = sorted(t for n in range(3) for t, _ in seen.hits[f"/polite-{n}.xml"])
    # The sources' fetch tasks run in parallel threads; the host still sees one
    # request at a time, `per_host_delay` (0.3 s, less timing jitter) apart.
    assert all(b - a >= 0.2 for a, b in itertools.pairwise(starts)), starts
