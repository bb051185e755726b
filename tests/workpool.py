"""Prefect work pools served by real `prefect worker start` processes, as the DuckLake
worker test (tests/test_lake_workers.py) and the scale benchmark (bench/scale.py)
both run them: a `prefect server start` on a free loopback port (the product's own
`local_prefect_server`), the environment every process of the pool gets, `pactwatch
deploy`, workers started in their own process groups and stopped with everything
they started, flow runs triggered and followed through the REST API.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from pactwatch.flows.prefect_api import stop_session

from .clirun import clean_env

FINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


@contextlib.contextmanager
def pool_server(
    *, home: Path, client_home: Path, extra: Mapping[str, str] | None = None
) -> Iterator[tuple[str, dict[str, str]]]:
    """A `prefect server start` with its home in `home`: (API URL, the environment for
    `pactwatch deploy`, the workers and their flow runs: no Prefect or pactwatch
    settings of ours, the server's URL, workers polling every second, `extra`)."""
    from pactwatch.flows.serve import local_prefect_server

    with local_prefect_server(home=home) as api:
        env = clean_env(
            {
                "PREFECT_API_URL": api,
                "PREFECT_WORKER_QUERY_SECONDS": "1",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                **(extra or {}),
            },
            home=client_home,
        )
        yield api, env


def api_call(method: str, url: str, *, timeout: float = 30, **kw: Any) -> httpx.Response:
    """One request to the Prefect API, retried while it answers 503 (its database is
    busy on a loaded machine), as Prefect's own client does."""
    for attempt in range(20):
        response = httpx.request(method, url, timeout=timeout, **kw)
        if response.status_code != 503:
            return response
        time.sleep(0.5 * (attempt + 1))
    return response


def deploy(
    config: Path,
    pool: str,
    groups: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    prefix: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`pactwatch deploy --config CONFIG --pool POOL --group G ...` run to the end."""
    args = ["deploy", "--config", str(config), "--pool", pool]
    if prefix is not None:
        args += ["--prefix", prefix]
    for group in groups:
        args += ["--group", group]
    return subprocess.run(
        [sys.executable, "-m", "pactwatch.flows.cli", *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_worker(
    name: str, pool: str, *, env: Mapping[str, str], log: Path, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """`prefect worker start` on `pool` (one run at a time), its output in `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool,
             "--type", "process", "--name", name, "--limit", "1"],
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the worker and the flow runs it starts: one group
        )  # fmt: skip


def stop_group(proc: subprocess.Popen[bytes], *, timeout: float = 15) -> None:
    """SIGTERM to the worker's whole group (the flow runs it started too), SIGKILL
    after `timeout` and to whatever of the group is left: `pactwatch serve`'s own way
    of stopping the servers it starts."""
    stop_session(proc, timeout=timeout)


def wait_for_workers(api: str, pool: str, count: int, *, timeout: float) -> None:
    """Until `count` workers have polled `pool` (so each can take a run)."""
    deadline = time.monotonic() + timeout
    while True:
        found = api_call("POST", f"{api}/work_pools/{pool}/workers/filter", json={})
        if found.status_code == 200 and len(found.json()) >= count:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"fewer than {count} workers polled {pool} in {timeout} s")
        time.sleep(0.3)


@contextlib.contextmanager
def workers(
    pool: str,
    names: Sequence[str],
    *,
    api: str,
    env: Mapping[str, str],
    logs: Path,
    cwd: Path | None = None,
    timeout: float = 300,
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """One worker per name (its log `logs/NAME.log`), all polling `pool` before the
    block starts; every one stopped with its group after it, whatever happens."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for name in names:
            procs.append(start_worker(name, pool, env=env, log=logs / f"{name}.log", cwd=cwd))
        wait_for_workers(api, pool, len(names), timeout=timeout)
        yield procs
    finally:
        for proc in procs:
            stop_group(proc)


def trigger(api: str, deployment: str) -> tuple[dict[str, Any], str]:
    """A flow run of the deployment named `deployment` (FLOW/NAME), now: (the
    deployment as the API shows it, the new flow run's id)."""
    found = api_call("GET", f"{api}/deployments/name/{deployment}")
    assert found.status_code == 200, found.text
    shown: dict[str, Any] = found.json()
    made = api_call("POST", f"{api}/deployments/{shown['id']}/create_flow_run", json={})
    assert made.status_code == 201, made.text
    return shown, str(made.json()["id"])


def final_states(
    api: str, flow_run_ids: Sequence[str], *, timeout: float | None
) -> list[dict[str, Any]]:
    """Each flow run as the API shows it once it is in a final state, in the given
    order; TimeoutError after `timeout` seconds (None: no limit)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    finals: dict[str, dict[str, Any]] = {}
    while True:
        for run in flow_run_ids:
            if run not in finals:
                got: dict[str, Any] = api_call("GET", f"{api}/flow_runs/{run}").json()
                if (got.get("state") or {}).get("type") in FINAL:
                    finals[run] = got
        if len(finals) == len(flow_run_ids):
            return [finals[run] for run in flow_run_ids]
        if deadline is not None and time.monotonic() > deadline:
            left = [r for r in flow_run_ids if r not in finals]
            raise TimeoutError(f"flow runs {left} not finished in {timeout} s")
        time.sleep(0.5)
