"""A Prefect API for `pactwatch run` that outlives Ctrl-C and dies with us.

With no API configured, Prefect starts a temporary server as a child in our
process group: Ctrl-C on a terminal kills it with us, after which Prefect's
client retries the dead API for minutes and the flow run is left `Running`.
So `run` starts the same temporary API itself, in its own session (the
terminal's Ctrl-C does not reach it), asks the kernel to stop it if we die
(`PR_SET_PDEATHSIG`, so even SIGKILL leaves no orphan), starts it at once so it
boots while the extractor model loads, and stops it when the run ends.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from pactwatch.errors import PactwatchError

__all__ = [
    "HOME_DIR",
    "LocalApi",
    "clear_scheduled_runs",
    "configured_api_url",
    "crash_unfinished_runs",
    "next_scheduled_run",
    "orphan_proof",
    "use_warehouse_home",
    "warehouse_home",
]

HOME_DIR = ".pactwatch-prefect"


def warehouse_home(warehouse: Path) -> Path:
    """The Prefect home of a warehouse: `.pactwatch-prefect/` in its folder."""
    return warehouse.resolve().parent / HOME_DIR


def use_warehouse_home(warehouse: Path) -> Path | None:
    """Point Prefect at the warehouse's own home (history, database, settings) unless
    the operator chose a server (`PREFECT_API_URL`) or a home (`PREFECT_HOME`), or
    Prefect is already imported (a test harness, a notebook). Call before Prefect is
    imported; returns the home now in use when it set one."""
    if os.environ.get("PREFECT_API_URL") or os.environ.get("PREFECT_HOME"):
        return None
    if "prefect" in sys.modules:
        return None
    home = warehouse_home(warehouse)
    home.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(home)
    return home


# Run in the child before the server: die with the parent (Linux), then exec.
_LAUNCHER = (
    "import ctypes, os, signal, sys\n"
    "try:\n"
    "    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG\n"
    "except (OSError, AttributeError):\n"
    "    pass\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    sys.exit(0)  # the parent is already gone\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])\n"
)


def orphan_proof(argv: list[str]) -> list[str]:
    """`argv` (a Python command's arguments after the interpreter) wrapped so that
    the child is stopped with SIGTERM when this process dies, however it dies."""
    return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *argv]


def configured_api_url() -> str | None:
    """A Prefect API the user configured: the environment, or Prefect's own settings
    when Prefect is already imported (a test harness, a notebook)."""
    if "prefect" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        value = PREFECT_API_URL.value()
        return str(value) if value else None
    return os.environ.get("PREFECT_API_URL") or None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalApi:
    """Prefect's temporary API server (no UI, no services), in its own session."""

    def __init__(self) -> None:
        spec = importlib.util.find_spec("prefect")
        if spec is None or spec.origin is None:
            raise PactwatchError("Prefect is not installed")
        package_dir = Path(spec.origin).parent
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = dict(os.environ)
        env.update(
            PREFECT_UI_ENABLED="0",
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT__SERVER_EPHEMERAL="1",
            PREFECT__SERVER_FINAL="1",
        )
        env.pop("PREFECT_API_URL", None)
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            orphan_proof(
                [
                    "-m",
                    "uvicorn",
                    "--app-dir",
                    str(package_dir.parent),
                    "--factory",
                    "prefect.server.api.server:create_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "error",
                    "--lifespan",
                    "on",
                ]
            ),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120.0) -> str:
        """The API URL once it answers; PactwatchError if it does not in `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            proc = self._proc
            if proc is None or proc.poll() is not None:
                raise PactwatchError("the temporary Prefect API exited during start-up")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return self.url
            if time.monotonic() > deadline:
                raise PactwatchError(f"the temporary Prefect API did not start in {timeout:.0f}s")
            time.sleep(0.1)

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM to its whole session, SIGKILL after `timeout`. Safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is not None:
            stop_session(proc, timeout=timeout)


def stop_session(proc: subprocess.Popen[bytes], *, timeout: float = 5.0) -> None:
    """SIGTERM to a server's whole session (it was started as a session leader),
    SIGKILL after `timeout` and to whatever of the session is left once it exited
    (a child the server did not reap). Safe to repeat."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def cancel_flow_run(api: str, flow_run_id: str, message: str, *, timeout: float = 2.0) -> bool:
    """Set a flow run to Cancelled through the REST API, within `timeout`. True if it took."""
    try:
        response = httpx.post(
            f"{api}/flow_runs/{flow_run_id}/set_state",
            json={
                "state": {"type": "CANCELLED", "name": "Cancelled", "message": message},
                "force": True,
            },
            timeout=timeout,
        )
    except httpx.HTTPError:
        return False
    return response.status_code < 300


def _headers() -> dict[str, str]:
    """Prefect Cloud's API key, when the operator set one."""
    key = os.environ.get("PREFECT_API_KEY")
    return {"Authorization": f"Bearer {key}"} if key else {}


def _runs_of(
    api: str,
    deployment_id: str,
    states: list[str],
    *,
    before: datetime | None = None,
    sort: str = "EXPECTED_START_TIME_ASC",
    limit: int = 200,
    timeout: float,
) -> list[dict[str, Any]]:
    flow_runs: dict[str, Any] = {
        "deployment_id": {"any_": [deployment_id]},
        "state": {"type": {"any_": states}},
    }
    if before is not None:
        flow_runs["expected_start_time"] = {"before_": before.isoformat()}
    response = httpx.post(
        f"{api}/flow_runs/filter",
        json={"flow_runs": flow_runs, "sort": sort, "limit": limit},
        headers=_headers(),
        timeout=timeout,
    )
    response.raise_for_status()
    runs: list[dict[str, Any]] = response.json()
    return runs


def clear_scheduled_runs(
    api: str, deployment_id: str, *, before: datetime | None = None, timeout: float = 5.0
) -> int:
    """Delete the deployment's runs still waiting for their time (all, or those due
    before `before`: late ones); how many went. Errors are swallowed: a server that
    is going away leaves nothing to run them anyway."""
    gone = 0
    deadline = time.monotonic() + timeout
    with contextlib.suppress(httpx.HTTPError, ValueError):
        for run in _runs_of(api, deployment_id, ["SCHEDULED"], before=before, timeout=timeout):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            response = httpx.delete(
                f"{api}/flow_runs/{run['id']}", headers=_headers(), timeout=left
            )
            gone += response.status_code < 300
    return gone


def crash_unfinished_runs(api: str, deployment_id: str, *, timeout: float = 5.0) -> int:
    """Mark the deployment's runs left Pending or Running (their serve was killed) as
    Crashed, so they release the deployment's concurrency slot; how many."""
    done = 0
    with contextlib.suppress(httpx.HTTPError, ValueError):
        for run in _runs_of(api, deployment_id, ["PENDING", "RUNNING"], timeout=timeout):
            response = httpx.post(
                f"{api}/flow_runs/{run['id']}/set_state",
                json={
                    "state": {
                        "type": "CRASHED",
                        "name": "Crashed",
                        "message": "the pactwatch serve that ran it was stopped",
                    },
                    "force": True,
                },
                headers=_headers(),
                timeout=timeout,
            )
            done += response.status_code < 300
    return done


def next_scheduled_run(api: str, deployment_id: str, *, timeout: float = 3.0) -> datetime | None:
    """When the deployment's next scheduled run is due, or None (none, or no answer)."""
    try:
        runs = _runs_of(api, deployment_id, ["SCHEDULED"], limit=1, timeout=timeout)
    except (httpx.HTTPError, ValueError):
        return None
    if not runs:
        return None
    when = runs[0].get("expected_start_time") or runs[0].get("next_scheduled_start_time")
    if not when:
        return None
    try:
        return datetime.fromisoformat(str(when).replace("Z", "+00:00"))
    except ValueError:
        return None
