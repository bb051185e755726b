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
from pathlib import Path

import httpx

from pactwatch.errors import PactwatchError

__all__ = ["LocalApi", "configured_api_url", "orphan_proof"]

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
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
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
