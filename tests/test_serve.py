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
    assert processes_under(tmp_path) == []


def processes_under(folder: Path) -> list[str]:
    """Processes still alive whose environment points into `folder` (our private
    Prefect server would have PREFECT_HOME there)."""
    needle = str(folder).encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if needle in (proc / "environ").read_bytes():
                stat = (proc / "stat").read_text().rpartition(")")[2].split()
                if stat[0] != "Z":
                    found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return found


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_within_seconds_and_leaves_no_server(tmp_path: Path, signum: int) -> None:
    """SIGINT or SIGTERM to `serve` (as `kill` or systemd sends it) while it waits for
    a run every 5 s: out within 10 s, exit 0, no traceback, no Prefect server left."""
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f'[warehouse]\npath = "w.duckdb"\n'
        f'[[sources]]\nname = "local"\npath = "{SAMPLE_SITE / "news"}"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pactwatch.flows.cli", "serve", "--interval", "5"],
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
            assert time.monotonic() < deadline, "the first run did not finish in time"
            time.sleep(1)
        sent = time.monotonic()
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert took < 10.0, err
    time.sleep(0.5)
    assert processes_under(tmp_path) == []
    print(f"serve {signal.Signals(signum).name}: stopped in {took:.1f}s")
