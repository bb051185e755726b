"""Prefect work pools and workers over one DuckLake: a real `prefect server start`
on a free loopback port, `pactwatch deploy` making a process work pool and one
deployment per source group, two `prefect worker start` processes, both
deployments triggered at once, and the lake (real PostgreSQL catalog) checked after.

On several machines it is the same with the server's URL in PREFECT_API_URL on
each (docs/scaling.md); here every process is on loopback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from pactwatch.flows.serve import local_prefect_server
from pactwatch.warehouse.db import open_reader

from .clirun import clean_env
from .newsroom import Newsroom
from .postgres import PASSWORD, Cluster
from .test_lake import ILRS_17, PERU_SIGNS, URUGUAY_SIGNS, Hooks, lake_of, lake_section

pytestmark = pytest.mark.integration

POOL = "lake-pool"


def _start(
    args: list[str], *, cwd: Path, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the worker and the flow runs it starts: one group
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _api(method: str, url: str, **kw: object) -> httpx.Response:
    """One request to the Prefect API, retried while it answers 503 (its database is
    busy on a loaded machine), as Prefect's own client does."""
    for attempt in range(20):
        response = httpx.request(method, url, timeout=10, **kw)  # type: ignore[arg-type]
        if response.status_code != 503:
            return response
        time.sleep(0.5 * (attempt + 1))
    return response


def _wait_for_workers(api: str, count: int, *, timeout: float) -> None:
    """Until `count` workers have polled the pool (so each can take a run)."""
    deadline = time.monotonic() + timeout
    while True:
        found = _api("POST", f"{api}/work_pools/{POOL}/workers/filter", json={})
        if found.status_code == 200 and len(found.json()) >= count:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} workers polled {POOL} in {timeout} s")
        time.sleep(0.3)


def _final_state(api: str, flow_run_id: str, *, timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        run = _api("GET", f"{api}/flow_runs/{flow_run_id}").json()
        state = run.get("state") or {}
        if state.get("type") in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return dict(run)
        if time.monotonic() > deadline:
            raise AssertionError(f"flow run {flow_run_id} still {state.get('type')}")
        time.sleep(0.5)


def test_two_workers_two_deployments_one_lake(
    pg_cluster: Cluster, tmp_path: Path, httpserver: HTTPServer, room: Newsroom
) -> None:
    hooks = Hooks(httpserver)
    room.publish("alpha", PERU_SIGNS)
    room.publish("gamma", PERU_SIGNS)
    room.publish("beta", ILRS_17, URUGUAY_SIGNS)
    section = lake_section(pg_cluster, tmp_path / "data", password=False)
    feeds = {"alpha": "alpha", "beta": "beta", "gamma": "gamma", "beta-mirror": "beta"}
    sources = "".join(
        f'[[sources]]\nname = "{n}"\nfeed = "{room.outlet(o)}"\n\n' for n, o in feeds.items()
    )
    channels = "".join(
        f'[[channels]]\ntype = "webhook"\nname = "{n}"\nurl = "{room.base}/{n}"\n\n'
        for n in ("one", "two")
    )
    config = tmp_path / "pactwatch.toml"
    config.write_text(
        f"[warehouse]\n{section}\nlock_timeout = 60\n\n[fetch]\nretries = 0\n\n"
        f"[alerts]\nbaseline = false\n\n{sources}{channels}",
        encoding="utf-8",
    )
    workers: list[subprocess.Popen[bytes]] = []
    with local_prefect_server(home=tmp_path / "server") as api:
        env = clean_env(
            {
                "PREFECT_API_URL": api,
                "PGPASSWORD": PASSWORD,
                "PREFECT_WORKER_QUERY_SECONDS": "1",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            },
            home=tmp_path / "client",
        )
        deploy = subprocess.run(
            [
                sys.executable,
                "-m",
                "pactwatch.flows.cli",
                "deploy",
                "--config",
                str(config),
                "--pool",
                POOL,
                "--group",
                "east=alpha,beta",
                "--group",
                "west=gamma,beta-mirror",
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert deploy.returncode == 0, deploy.stderr
        assert "created the process work pool 'lake-pool'" in deploy.stderr
        names = [line.split("\t")[0] for line in deploy.stdout.splitlines()]
        assert names == ["pactwatch-run/pactwatch-east", "pactwatch-run/pactwatch-west"]
        try:
            for name in ("w1", "w2"):
                workers.append(
                    _start(
                        [
                            "-m",
                            "prefect",
                            "worker",
                            "start",
                            "--pool",
                            POOL,
                            "--type",
                            "process",
                            "--name",
                            name,
                            "--limit",
                            "1",
                        ],
                        cwd=tmp_path,
                        env=env,
                        log=tmp_path / f"{name}.log",
                    )
                )
            _wait_for_workers(api, 2, timeout=180)
            runs = []
            for name in names:
                found = _api("GET", f"{api}/deployments/name/{name}").json()
                assert found["work_pool_name"] == POOL
                assert found["parameters"]["source_names"] in (
                    ["alpha", "beta"],
                    ["gamma", "beta-mirror"],
                )
                made = _api("POST", f"{api}/deployments/{found['id']}/create_flow_run", json={})
                assert made.status_code == 201, made.text
                runs.append(made.json()["id"])
            finals = [_final_state(api, run, timeout=300) for run in runs]
        finally:
            for proc in workers:
                _stop(proc)
        per_worker = [(tmp_path / f"{n}.log").read_text(errors="replace") for n in ("w1", "w2")]
        logs = "\n".join(per_worker)
        # Each worker (limit 1) ran one of the two runs triggered together.
        assert [log.count("submitted to infrastructure") for log in per_worker] == [1, 1], logs
        for final in finals:
            assert final["state"]["type"] == "COMPLETED", logs  # type: ignore[index]
        assert PASSWORD not in logs

    lake = lake_of(section)
    os.environ["PGPASSWORD"] = PASSWORD
    try:
        with open_reader(lake) as con:
            per_url = con.execute("SELECT url, count(*) FROM articles GROUP BY url").fetchall()
            alerts = con.execute("SELECT id, kind, actor FROM alerts").fetchall()
            deliveries = con.execute(
                "SELECT alert_id, channel, status FROM deliveries ORDER BY all"
            ).fetchall()
            runs_done = con.execute("SELECT status FROM runs").fetchall()
    finally:
        del os.environ["PGPASSWORD"]
    assert runs_done == [("ok",), ("ok",)]
    assert len(per_url) == 4 and all(n == 1 for _, n in per_url)
    assert sorted((k, a) for _, k, a in alerts) == [
        ("member_joined", "PE"),
        ("member_joined", "UY"),
    ]
    ids = sorted(a[0] for a in alerts)
    assert deliveries == sorted((i, ch, "delivered") for i in ids for ch in ("one", "two"))
    for name, keys in hooks.got.items():
        assert Counter(keys) == Counter(ids), name
