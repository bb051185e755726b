"""`pactwatch sources`: each source's runs, failures in a row, last success and last
new article, read from real run records in a real warehouse."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from pactwatch.flows.cli import main
from pactwatch.warehouse import store
from pactwatch.warehouse.db import open_writer

from .wh_helpers import day


def record_run(db: Path, run_id: str, at_hours: int, sources: list[dict[str, object]]) -> None:
    at = day(2026, 12, 1) + timedelta(hours=at_hours)
    with open_writer(db) as con:
        for s in sources:
            store.ensure_source(con, str(s["name"]), "feed", f"https://example.org/{s['name']}")
        store.start_run(con, run_id, started_at=at)
        store.finish_run(
            con,
            run_id,
            status="ok" if all(s["ok"] for s in sources) else "failed",
            summary={"run_id": run_id, "sources": sources},
            finished_at=at + timedelta(minutes=1),
        )


def test_sources_lists_streaks_and_last_news(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.duckdb"
    good = {"name": "wire", "ok": True, "problems": [], "new_articles": 0}
    fresh = {**good, "new_articles": 2}
    down = {"name": "gazette", "ok": False, "problems": ["HTTP 503"], "new_articles": 0}
    up = {"name": "gazette", "ok": True, "problems": [], "new_articles": 1}
    record_run(db, "r1", 0, [fresh, up])
    record_run(db, "r2", 1, [good, down])
    record_run(db, "r3", 2, [good, {**down, "problems": ["timed out"]}])
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        '[warehouse]\npath = "w.duckdb"\n'
        '[[sources]]\nname = "wire"\nfeed = "https://example.org/wire"\n'
        '[[sources]]\nname = "gazette"\nfeed = "https://example.org/gazette"\n'
        '[[sources]]\nname = "newcomer"\nfeed = "https://example.org/new"\n',
        encoding="utf-8",
    )
    assert main(["sources", "--json", "--config", str(cfg)]) == 0
    rows = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert list(rows) == ["wire", "gazette", "newcomer"]
    assert rows["gazette"]["consecutive_failures"] == 2
    assert rows["gazette"]["last_error"] == "timed out"
    assert rows["gazette"]["last_success"] == "2026-12-01T00:00:00Z"
    assert rows["gazette"]["last_new_article"] == "2026-12-01T00:00:00Z"
    assert rows["wire"]["consecutive_failures"] == 0 and rows["wire"]["runs"] == 3
    assert rows["wire"]["last_success"] == "2026-12-01T02:00:00Z"
    assert rows["newcomer"]["runs"] == 0 and rows["newcomer"]["configured"] is True

    assert main(["sources", "--config", str(cfg)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["source", "runs", "fails"]
    gazette = next(line for line in table if line.startswith("gazette"))
    assert gazette.split()[1:3] == ["3", "2"] and gazette.endswith("timed out")
    assert next(line for line in table if line.startswith("newcomer")).split()[1:3] == ["0", "0"]


def test_sources_shows_health_state_and_no_next_run_without_serve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.duckdb"
    ok = {"name": "wire", "ok": True, "problems": [], "new_articles": 0}
    down = {"name": "gazette", "ok": False, "problems": ["HTTP 503"], "new_articles": 0}
    quiet = {"name": "almanac", "ok": True, "problems": [], "new_articles": 0}
    record_run(db, "r1", 0, [{**ok, "new_articles": 1}, down, {**quiet, "new_articles": 1}])
    record_run(db, "r2", 1, [ok, down, quiet])
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        '[warehouse]\npath = "w.duckdb"\n[alerts]\nunhealthy_after_failures = 2\n'
        '[[sources]]\nname = "wire"\nfeed = "https://example.org/wire"\n'
        '[[sources]]\nname = "gazette"\nfeed = "https://example.org/gazette"\n'
        '[[sources]]\nname = "almanac"\nfeed = "https://example.org/almanac"\n'
        'stale_after = "1d"\n'
        '[[sources]]\nname = "newcomer"\nfeed = "https://example.org/new"\n',
        encoding="utf-8",
    )
    assert main(["sources", "--json", "--config", str(cfg)]) == 0
    rows = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    states = {name: row["state"] for name, row in rows.items()}
    assert states == {
        "wire": "healthy",
        "gazette": "unhealthy",
        "almanac": "stale",  # its last new article is from 2026-12-01
        "newcomer": "new",
    }
    assert all(row["next_run"] is None for row in rows.values())  # no serve is active
    assert main(["sources", "--config", str(cfg)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert "state" in table[0] and "next run" in table[0]
    gazette = next(line for line in table if line.startswith("gazette"))
    assert gazette.split()[1:4] == ["2", "2", "unhealthy"]
    assert " - " in gazette and gazette.endswith("HTTP 503")
