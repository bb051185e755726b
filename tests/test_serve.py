"""`pactwatch serve`: a real Prefect server and runner, a scheduled run, a clean Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from .conftest import SAMPLE_SITE

pytestmark = pytest.mark.integration


def finished_runs(db: Path) -> int:
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            row = con.execute("select count(*) from runs where finished_at is not null").fetchone()
    except duckdb.Error:
        return 0  # not created yet, or a run holds the write lock
    return int(row[0]) if row else 0


def test_serve_runs_on_schedule_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f'[warehouse]\npath = "w.duckdb"\n'
        f'[[sources]]\nname = "local"\npath = "{SAMPLE_SITE / "news"}"\n'
        f'[[channels]]\ntype = "console"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pactwatch.flows.cli",
            "serve",
            "--interval",
            "5",
            "--config",
            str(cfg),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while finished_runs(tmp_path / "w.duckdb") < 1:
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "no scheduled run finished in time"
            time.sleep(1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "pactwatch: info: stopped" in err
    assert "Traceback" not in err
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        row = con.execute("select count(*) from articles").fetchone()
    assert row is not None and row[0] == 7
