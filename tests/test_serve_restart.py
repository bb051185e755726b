"""`pactwatch serve` killed and started again in the same folder: no catch-up burst
(runs that came due while nothing served are dropped, never run), runs never
overlap, the deployment allows one run at a time, `pactwatch sources` shows the
next scheduled run while serve is active and `-` once it is gone, and a stop is
quick, clean and leaves no scheduled run behind. A real serve subprocess, its
private Prefect server and a real warehouse."""

from __future__ import annotations

import itertools
import json
import signal
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from .clirun import CliProcess, clean_env
from .conftest import SAMPLE_SITE

pytestmark = pytest.mark.integration


def runs(db: Path) -> list[tuple[datetime, datetime | None, str]]:
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute(
                "select started_at, finished_at, status from runs order by started_at"
            ).fetchall()
    except duckdb.Error:
        return []  # not created yet, or a run holds the write lock
    return [(r[0], r[1], str(r[2])) for r in rows]


def finished(db: Path) -> int:
    return sum(1 for _, end, _ in runs(db) if end is not None)


def wait_for_runs(proc: CliProcess, db: Path, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while finished(db) < count:
        assert proc.proc.poll() is None, proc.err.text()
        assert time.monotonic() < deadline, f"fewer than {count} runs finished\n{proc.err.text()}"
        time.sleep(0.5)


def stop(proc: CliProcess, signum: int) -> float:
    sent = time.monotonic()
    proc.signal(signum)
    assert proc.wait(60) == 0, proc.err.text()
    took = time.monotonic() - sent
    err = proc.err.text()
    assert "Traceback" not in err, err
    assert took < 10.0, err
    return took


def sources_json(tmp_path: Path, cfg: Path, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    proc = CliProcess(["sources", "--json", "--config", str(cfg)], cwd=tmp_path, env=env)
    assert proc.wait(60) == 0, proc.err.text()
    return {r["name"]: r for r in (json.loads(line) for _, line in proc.out.lines)}


def flow_runs_between(api: str, deployment: str, after: datetime, before: datetime) -> list[Any]:
    response = httpx.post(
        f"{api}/flow_runs/filter",
        json={
            "flow_runs": {
                "deployment_id": {"any_": [deployment]},
                "expected_start_time": {"after_": after.isoformat(), "before_": before.isoformat()},
            }
        },
        timeout=10,
    )
    response.raise_for_status()
    found: list[Any] = response.json()
    return found


def scheduled_left(prefect_db: Path, deployment: str) -> int:
    """Flow runs of the deployment still waiting for their time, read from the
    stopped server's own database."""
    con = sqlite3.connect(prefect_db)
    try:
        row = con.execute(
            "select count(*) from flow_run where replace(deployment_id, '-', '') = ?"
            " and state_type = 'SCHEDULED'",
            [deployment.replace("-", "")],
        ).fetchone()
    finally:
        con.close()
    return int(row[0])


def test_restart_after_a_kill_runs_no_burst_and_a_stop_clears_the_schedule(
    tmp_path: Path,
) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f'[warehouse]\npath = "w.duckdb"\n'
        f'[[sources]]\nname = "local"\npath = "{SAMPLE_SITE / "news"}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env({"HOME": str(home)})
    state = tmp_path / ".pactwatch-prefect" / "serve-w.duckdb.json"
    args = ["serve", "--interval", "5", "--config", str(cfg)]

    first = CliProcess(args, cwd=tmp_path, env=env)
    try:
        wait_for_runs(first, db, 2, 300)
        listed = sources_json(tmp_path, cfg, env)
        assert listed["local"]["next_run"] is not None, first.err.text()
        serving = json.loads(state.read_text(encoding="utf-8"))
        api, deployment = serving["api"], serving["deployment_id"]
        shown = httpx.get(f"{api}/deployments/{deployment}", timeout=10).json()
        assert shown["global_concurrency_limit"]["limit"] == 1
        assert shown["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
        # A crash: serve, its scheduled run and its server die with nothing cleaned up,
        # and Prefect's scheduler has written the next runs ahead of time.
        first.signal_group(signal.SIGKILL)
        first.proc.wait(30)
    finally:
        first.kill()
    killed = datetime.now(UTC)
    assert sources_json(tmp_path, cfg, env)["local"]["next_run"] is None  # its process is gone
    before_restart = finished(db)

    time.sleep(20)  # four runs come due while nothing serves

    restarted_at = datetime.now(UTC)
    second = CliProcess(args, cwd=tmp_path, env=env)
    try:
        wait_for_runs(second, db, before_restart + 2, 300)
        serving = json.loads(state.read_text(encoding="utf-8"))
        api, deployment = serving["api"], serving["deployment_id"]
        # Nothing that came due while serve was down was run, or is still waiting.
        missed = flow_runs_between(
            api, deployment, killed + timedelta(seconds=6), restarted_at - timedelta(seconds=1)
        )
        assert missed == [], [(r["name"], r["state_type"]) for r in missed]
        took = stop(second, signal.SIGTERM)
    finally:
        second.kill()
    assert not state.exists()
    assert sources_json(tmp_path, cfg, env)["local"]["next_run"] is None
    # The stop left no run waiting for a time that passes while nothing serves.
    assert scheduled_left(tmp_path / ".pactwatch-prefect" / "prefect.db", deployment) == 0

    after = [r for r in runs(db) if r[0] >= restarted_at]
    assert len(after) >= 2
    # No two runs overlapped, before or after the restart; the run the kill cut
    # short is marked interrupted by the next one.
    everything = runs(db)
    for (_, end_a, status_a), (start_b, _, _) in itertools.pairwise(everything):
        if end_a is not None:
            assert start_b >= end_a, everything
        else:
            assert status_a == "interrupted", everything
    print(f"serve SIGTERM after a restart: stopped in {took:.1f}s")
