"""Ctrl-C and SIGTERM on a real `pactwatch run` while a source hangs: out within 5 s
with one line and 130/143, `runs` says interrupted, Prefect says Cancelled, and the
source that had already been stored is kept."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from .clirun import CliProcess, clean_env
from .conftest import SAMPLE_SITE
from .hostile import Silent

pytestmark = [pytest.mark.integration, pytest.mark.timing]


def config(tmp_path: Path, hanging_url: str) -> Path:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"

[fetch]
retries = 0
timeout_read = 120
timeout_total = 120
source_budget = 120

[[sources]]
name = "local"
path = "{SAMPLE_SITE / "news"}"

[[sources]]
name = "hanging"
feed = "{hanging_url}"
""",
        encoding="utf-8",
    )
    return cfg


def flow_run_states(api: str) -> list[str]:
    response = httpx.post(f"{api}/flow_runs/filter", json={"limit": 200}, timeout=10)
    response.raise_for_status()
    return [run["state_type"] for run in response.json()]


@pytest.fixture
def api(prefect_harness: None) -> str:
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


@pytest.mark.parametrize(
    ("signum", "to_group", "code", "said"),
    [
        (signal.SIGINT, True, 130, "interrupted by Ctrl-C"),  # Ctrl-C on a terminal
        (signal.SIGTERM, False, 143, "interrupted by SIGTERM"),  # kill PID, systemd
    ],
)
def test_signal_stops_a_run_within_seconds(
    tmp_path: Path, api: str, signum: int, to_group: bool, code: int, said: str
) -> None:
    silent = Silent()
    cfg = config(tmp_path, silent.url)
    env = clean_env({"PREFECT_API_URL": api}, home=tmp_path / "prefect-home")
    before = flow_run_states(api).count("CANCELLED")
    proc = CliProcess(["run", "--config", str(cfg)], cwd=tmp_path, env=env)
    try:
        proc.wait_for("source local", 180)  # stored, while "hanging" still waits
        deadline = time.monotonic() + 30
        while silent.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert silent.connections, proc.err.text()
        sent = time.monotonic()
        if to_group:
            proc.signal_group(signum)
        else:
            proc.signal(signum)
        assert proc.wait(30) == code, proc.err.text()
        took = time.monotonic() - sent
    finally:
        proc.kill()
        silent.close()
    err = proc.err.text()
    assert took < 5.0, err
    assert "Traceback" not in err
    after = [line for t, line in proc.err.lines if not line.startswith("pactwatch: [")]
    assert len(after) == 1 and said in after[0], err
    assert proc.out.lines == []
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        runs = con.execute("select status from runs").fetchall()
        kept = con.execute("select count(*) from articles where source = 'local'").fetchone()
    assert runs == [("interrupted",)]
    assert kept is not None and kept[0] == 7
    assert flow_run_states(api).count("CANCELLED") == before + 1
    print(f"{signal.Signals(signum).name}: exit {code} {took:.2f}s after the signal")


def test_second_ctrl_c_exits_at_once(tmp_path: Path, api: str) -> None:
    """While the first Ctrl-C's clean-up waits (here: for a warehouse another
    process holds), a second one ends the process straight away."""
    silent = Silent()
    cfg = config(tmp_path, silent.url)
    env = clean_env({"PREFECT_API_URL": api}, home=tmp_path / "prefect-home")
    proc = CliProcess(["run", "--config", str(cfg)], cwd=tmp_path, env=env)
    try:
        proc.wait_for("source local", 180)
        # A writer elsewhere: the first Ctrl-C's mark in `runs` must wait for it.
        with duckdb.connect(str(tmp_path / "w.duckdb")):
            proc.signal_group(signal.SIGINT)
            time.sleep(0.3)
            sent = time.monotonic()
            proc.signal_group(signal.SIGINT)
            assert proc.wait(30) == 130
            took = time.monotonic() - sent
    finally:
        proc.kill()
        silent.close()
    assert took < 0.5, proc.err.text()
    assert "Traceback" not in proc.err.text()
