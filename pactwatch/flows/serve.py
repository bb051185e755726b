"""`pactwatch serve`: the run flow on a schedule, with Prefect's `serve`.

Prefect's scheduler only runs inside a Prefect server; the temporary in-process
API that `pactwatch run` uses cannot schedule anything. So when no server is
configured (`PREFECT_API_URL` unset), serve starts a local one on 127.0.0.1 as
a child process, points itself at it, and stops it on exit. With
`PREFECT_API_URL` set (a shared server, Prefect Cloud), it uses that instead.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from pactwatch.errors import PactwatchError


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_prefect_server(*, home: Path, startup_timeout: float = 120.0) -> Iterator[str]:
    """Start `prefect server start` on loopback; yield its API URL; stop it after."""
    port = _free_port()
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_UI_ENABLED="false",
        PREFECT_LOGGING_LEVEL=env.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    )
    env.pop("PREFECT_API_URL", None)
    log = (home / "server.log").open("ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches us, not the server: we stop it in order
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise PactwatchError(
                    f"the local Prefect server exited during start-up (see {home / 'server.log'})"
                )
            try:
                if httpx.get(f"{api}/health", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise PactwatchError(
                    f"the local Prefect server did not start in {startup_timeout:.0f} s "
                    f"(see {home / 'server.log'})"
                )
            time.sleep(0.5)
        yield api
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(
    *,
    config_path: str | None,
    cron: str | None,
    interval: float | None,
    home: Path,
    workers: int,
) -> None:
    """Serve the run flow until interrupted (Ctrl-C or SIGTERM)."""
    # Scheduled runs execute in a fresh process that imports flows.pipeline; the
    # thread-pool size is fixed at import, so pass it the way config overrides travel.
    os.environ["PACTWATCH_FETCH__WORKERS"] = str(workers)

    def _serve() -> None:
        from prefect.deployments.runner import EntrypointType  # type: ignore[attr-defined]

        from .pipeline import pactwatch_run

        # By module path, so the worker subprocess imports `pactwatch.flows.pipeline` as a package.
        kind = EntrypointType.MODULE_PATH
        params = {"config_path": config_path, "source_names": None}
        if cron:
            pactwatch_run.serve(
                name="pactwatch", cron=cron, parameters=params, entrypoint_type=kind
            )
        else:
            pactwatch_run.serve(
                name="pactwatch", interval=interval, parameters=params, entrypoint_type=kind
            )

    # SIGTERM (systemd, docker stop) stops as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    if os.environ.get("PREFECT_API_URL"):
        _serve()
        return
    with local_prefect_server(home=home) as api:
        os.environ["PREFECT_API_URL"] = api
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: api}):
            _serve()
