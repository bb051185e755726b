"""A run with one good feed and hostile sources ends within its budget, and the good
feed's articles are stored: a server that never answers, one that drips a byte at
a time, and a name whose resolver hangs (socket.getaddrinfo patched in the
`pactwatch run` subprocess itself)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import httpx
import pytest
from pytest_httpserver import HTTPServer

from pactwatch.flows.deadline import deadline_scope, deadline_transport

from .clirun import CliProcess, clean_env
from .conftest import SAMPLE_SITE, sample_text
from .hostile import Dripping, Silent

# Every test here asserts a wall-clock bound: `make test` runs them after the parallel part.
pytestmark = pytest.mark.timing

BUDGET = 4.0

# Loaded by the subprocess's interpreter at start-up (PYTHONPATH): any name under
# .hang.invalid resolves never.
HANGING_RESOLVER = """
import socket, time
_real = socket.getaddrinfo
def _hang(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".hang.invalid"):
        time.sleep(3600)
    return _real(host, *args, **kwargs)
socket.getaddrinfo = _hang
"""


def serve_good_feed(server: HTTPServer) -> str:
    base = server.url_for("").rstrip("/")
    server.expect_request("/feed.xml").respond_with_data(
        sample_text("day1.xml", base), content_type="application/rss+xml"
    )
    for page in (SAMPLE_SITE / "news").glob("*.html"):
        server.expect_request(f"/news/{page.name}").respond_with_data(
            sample_text(f"news/{page.name}", base), content_type="text/html; charset=utf-8"
        )
    return f"{base}/feed.xml"


@pytest.mark.integration
def test_hostile_sources_end_within_budget_and_the_good_feed_is_stored(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    from prefect.settings import PREFECT_API_URL

    silent, dripping = Silent(), Dripping(interval=0.3)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(HANGING_RESOLVER, encoding="utf-8")
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"

[fetch]
retries = 0
timeout_read = 30
source_budget = {BUDGET}

[[sources]]
name = "good"
feed = "{serve_good_feed(httpserver)}"

[[sources]]
name = "silent"
feed = "{silent.url}"

[[sources]]
name = "dripping"
feed = "{dripping.url}"

[[sources]]
name = "unresolvable"
feed = "http://feeds.hang.invalid/rss"
""",
        encoding="utf-8",
    )
    env = clean_env(
        {"PREFECT_API_URL": str(PREFECT_API_URL.value()), "PYTHONPATH": str(tmp_path / "site")},
        home=tmp_path / "prefect-home",
    )
    proc = CliProcess(["run", "--config", str(cfg)], cwd=tmp_path, env=env)
    try:
        code = proc.wait(120)
    finally:
        proc.kill()
        silent.close()
        dripping.close()
    err = proc.err.text()
    assert code == 1, err  # three sources failed
    assert "Traceback" not in err
    fetching = proc.err.first("fetching 4 source(s)")
    good = proc.err.first("source good")
    delivering = proc.err.first("delivering")
    assert fetching is not None and good is not None and delivering is not None, err
    # The good feed is stored while the hostile ones still hang, and all end by the budget.
    assert good - fetching < BUDGET, err
    assert delivering - fetching < BUDGET + 3.0, err
    for name in ("silent", "dripping", "unresolvable"):
        lines = [line for line in err.splitlines() if f"error: source {name}: " in line]
        assert lines and "timed out" in lines[0], err
    assert "name resolution of feeds.hang.invalid timed out" in err
    assert silent.connections >= 1 and dripping.connections >= 1
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        stored = con.execute("select count(*) from articles where source = 'good'").fetchone()
        errors = dict(
            con.execute("select source, error from fetches where error is not null").fetchall()
        )
    assert stored is not None and stored[0] == 4
    assert set(errors) == {"silent", "dripping", "unresolvable"}, errors
    print(
        f"hostile run: {proc.elapsed():.1f}s in all, good source stored {good - fetching:.1f}s"
        f" and every source done {delivering - fetching:.1f}s after fetching began"
    )


def test_fetch_deadline_bounds_a_dripping_server() -> None:
    """The transport alone: a response dripping a byte per 0.3 s ends at the deadline."""
    import time

    server = Dripping(interval=0.3)
    try:
        with httpx.Client(transport=deadline_transport(), timeout=30) as client:
            started = time.monotonic()
            with (
                pytest.raises(httpx.TimeoutException),
                deadline_scope(time.monotonic() + 1.5),
            ):
                client.get(server.url)
            assert time.monotonic() - started < 2.5
    finally:
        server.close()


def test_fetch_deadline_bounds_a_silent_server() -> None:
    import time

    server = Silent()
    try:
        with httpx.Client(transport=deadline_transport(), timeout=30) as client:
            started = time.monotonic()
            with pytest.raises(httpx.TimeoutException), deadline_scope(time.monotonic() + 1.0):
                client.get(server.url)
            assert time.monotonic() - started < 2.0
    finally:
        server.close()
