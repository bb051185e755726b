"""The writes and reads that make a rerun cheap: fetch rows in one statement, the
validators, baselines and sources of every source in one read each, and no write at
all where nothing changed (sources, baseline marks, the gazetteer's actors).

On real DuckDB files. "No write" is read from the file itself: after a CHECKPOINT
the write-ahead log is empty, and a statement that changes nothing leaves it so.
"""

from __future__ import annotations

import socket
import ssl
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pactwatch.flows import deadline
from pactwatch.flows.fetch import Fetcher
from pactwatch.flows.ingest import FetchRow, Harvest
from pactwatch.flows.pipeline import store_quiet
from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.warehouse import store
from pactwatch.warehouse.db import open_writer
from tests.wh_helpers import day

FEED = "https://wire.example/feed.xml"
OTHER = "https://other.example/rss"

# (run, url, fetched_at, status, etag, last_modified, not_modified, error)
HISTORY: list[tuple[str, str, datetime, int | None, str | None, str | None, bool, str | None]] = [
    ("r1", FEED, day(2026, 1, 1), 200, '"a"', "Thu, 01 Jan 2026 00:00:00 GMT", False, None),
    ("r2", FEED, day(2026, 1, 2), 304, '"a"', None, True, None),
    ("r3", FEED, day(2026, 1, 3), 503, None, None, False, f"{FEED}: HTTP 503"),
    ("r4", OTHER, day(2026, 1, 2), 200, '"x"', None, False, None),
    # Two reads of one URL at one instant: the later row (larger id) is the latest.
    ("r5", OTHER, day(2026, 1, 2), 200, '"y"', "Fri, 02 Jan 2026 00:00:00 GMT", False, None),
]


def _records() -> list[store.FetchRecord]:
    return [
        store.FetchRecord(
            run_id=run,
            source="wire",
            url=url,
            fetched_at=at,
            status=status,
            etag=etag,
            last_modified=modified,
            bytes=0 if status == 304 else 1200,
            content_type="application/rss+xml",
            not_modified=nm,
            error=error,
        )
        for run, url, at, status, etag, modified, nm, error in HISTORY
    ]


def _fetches(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute("SELECT * FROM fetches ORDER BY id").fetchall()


def test_record_fetches_stores_what_record_fetch_stores_row_by_row(tmp_path: Path) -> None:
    with open_writer(tmp_path / "one.duckdb") as one, open_writer(tmp_path / "many.duckdb") as many:
        for con in (one, many):  # rows already there: numbering goes on after them
            store.record_fetch(con, run_id="r0", source="wire", url=FEED, status=200)
            con.execute("UPDATE fetches SET fetched_at = ?", [day(2025, 12, 31)])
        for record in _records():
            store.record_fetch(one, **record._asdict())
        store.record_fetches(many, _records())
        store.record_fetches(many, [])
        assert _fetches(many) == _fetches(one)
        assert [r[0] for r in _fetches(many)] == [1, 2, 3, 4, 5, 6]


def test_latest_validators_agree_with_fetch_validators(tmp_path: Path) -> None:
    with open_writer(tmp_path / "w.duckdb") as con:
        store.record_fetches(con, _records())
        urls = [FEED, OTHER, "https://never.example/feed"]
        assert store.latest_validators(con, urls) == {
            url: store.fetch_validators(con, url) for url in urls
        }
        assert store.latest_validators(con, urls) == {
            FEED: ('"a"', "Thu, 01 Jan 2026 00:00:00 GMT"),
            OTHER: ('"y"', "Fri, 02 Jan 2026 00:00:00 GMT"),
            "https://never.example/feed": (None, None),
        }
        assert store.latest_validators(con, []) == {}


def _wal(db: Path) -> int:
    wal = db.with_name(db.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def test_sources_are_registered_and_read_in_one_go_and_not_rewritten(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db) as con:
        store.ensure_sources(
            con, [("wire", "feed", FEED), ("desk", "page", OTHER)], now=day(2026, 1, 1)
        )
        store.mark_baselines_done(con, ["wire"])
        assert store.baselines_pending(con, ["wire", "desk", "unknown"]) == {
            "wire": False,
            "desk": True,
            "unknown": True,
        }
        assert store.baselines_pending(con, ["wire", "desk", "unknown"]) == {
            n: store.baseline_pending(con, n) for n in ("wire", "desk", "unknown")
        }
        con.execute("CHECKPOINT")
        assert _wal(db) == 0
        # Nothing changed: nothing is written.
        store.ensure_sources(con, [("wire", "feed", FEED), ("desk", "page", OTHER)])
        store.mark_baselines_done(con, ["wire"])
        store.mark_baselines_done(con, [])
        assert _wal(db) == 0
        # A moved source is updated, a new one added; first_seen_at stays.
        store.ensure_sources(con, [("wire", "feed", FEED + "?v=2"), ("new", "feed", OTHER)])
        assert _wal(db) > 0
        got = con.execute(
            "SELECT name, location, first_seen_at = ?, baseline_done FROM sources ORDER BY name",
            [day(2026, 1, 1)],
        ).fetchall()
    assert got == [
        ("desk", OTHER, True, False),
        ("new", OTHER, False, False),
        ("wire", FEED + "?v=2", True, True),
    ]


def test_the_gazetteer_is_written_once_and_again_only_when_it_changes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    gaz = Gazetteer.default()
    with open_writer(db) as con:
        store.upsert_actors(con, gaz.actors())
        stored = con.execute("SELECT * FROM actor_aliases ORDER BY ALL").fetchall()
        con.execute("CHECKPOINT")
        assert store.upsert_actors(con, gaz.actors()) == len(list(gaz.actors()))
        assert _wal(db) == 0
        assert con.execute("SELECT * FROM actor_aliases ORDER BY ALL").fetchall() == stored
        extra = gaz.with_extra({"actors": [{"id": "artemis-accords", "aliases": ["Moon Pact"]}]})
        store.upsert_actors(con, extra.actors())
        assert _wal(db) > 0
        aliases = con.execute(
            "SELECT alias FROM actor_aliases WHERE actor_id = 'artemis-accords'"
        ).fetchall()
    assert ("Moon Pact",) in aliases


def test_store_quiet_records_every_source_in_one_go(tmp_path: Path) -> None:
    quiet = Harvest(
        source="wire", fetches=[FetchRow(url=FEED, status=304, etag='"a"', not_modified=True)]
    )
    down = Harvest(
        source="desk",
        fetches=[FetchRow(url=OTHER, status=503, error=f"{OTHER}: HTTP 503")],
        problems=[f"{OTHER}: HTTP 503"],
        failed=True,
    )
    with open_writer(tmp_path / "w.duckdb") as con:
        store.ensure_sources(con, [("wire", "feed", FEED), ("desk", "feed", OTHER)])
        outcomes = store_quiet(con, "run-2", [quiet, down])
        got = con.execute(
            "SELECT id, run_id, source, url, status, etag, not_modified, error"
            " FROM fetches ORDER BY id"
        ).fetchall()
        pending = store.baselines_pending(con, ["wire", "desk"])
    assert [(o.name, o.ok, o.fetched, o.not_modified, o.problems) for o in outcomes] == [
        ("wire", True, 1, 1, []),
        ("desk", False, 1, 0, [f"{OTHER}: HTTP 503"]),
    ]
    assert got == [
        (1, "run-2", "wire", FEED, 304, '"a"', True, None),
        (2, "run-2", "desk", OTHER, 503, None, False, f"{OTHER}: HTTP 503"),
    ]
    # The source that answered is past its baseline; the one that failed is not.
    assert pending == {"wire": False, "desk": True}


def test_an_ip_address_is_resolved_without_a_helper_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_thread(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a thread was started to resolve an IP address")

    monkeypatch.setattr(deadline.threading, "Thread", no_thread)
    infos = deadline.resolve("127.0.0.1", 8080, 1.0)
    assert [info[4] for info in infos] == [("127.0.0.1", 8080)]
    assert deadline.resolve("[::1]", 80, 1.0)[0][0] == socket.AF_INET6
    with pytest.raises(AssertionError, match="thread"):
        deadline.resolve("wire.example", 80, 1.0)  # a name still goes to a helper thread


def test_fetchers_share_one_tls_context_per_trust_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    contexts: list[ssl.SSLContext] = []

    def built() -> None:
        with Fetcher() as fetcher:
            pool = fetcher._client._transport._pool  # type: ignore[attr-defined]
            contexts.append(pool._ssl_context)

    threads = [threading.Thread(target=built) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in contexts}) == 1 and contexts[0] is deadline.tls_context()
    assert contexts[0].verify_mode == ssl.CERT_REQUIRED and contexts[0].check_hostname
    # Another trust setting is another context (as httpx would build it).
    import certifi

    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert deadline.tls_context() is not contexts[0]
    assert deadline.tls_context() is deadline.tls_context()
