"""`pactwatch serve`: the run flow on a schedule, with Prefect's `serve`.

Prefect's scheduler only runs inside a Prefect server; the temporary in-process
API that `pactwatch run` uses cannot schedule anything. So when no server is
configured (`PREFECT_API_URL` unset), serve starts a local one on 127.0.0.1 as
a child process, points itself at it, and stops it on exit. With
`PREFECT_API_URL` set (a shared server, Prefect Cloud), it uses that instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from pactwatch.clock import iso_utc, now_utc
from pactwatch.errors import PactwatchError

from .prefect_api import (
    clear_scheduled_runs,
    crash_unfinished_runs,
    orphan_proof,
    stop_session,
    warehouse_home,
)


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
        orphan_proof(
            ["-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
        ),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Ctrl-C reaches us, not the server: we stop it in order (its whole session,
        # uvicorn included), and the kernel stops it if we are killed.
        start_new_session=True,
    )
    _servers.append(proc)
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
        stop_session(proc)
        log.close()


_servers: list[subprocess.Popen[bytes]] = []


def _mute_prefect() -> None:
    """Once stopping, Prefect's runner logs the runs it cancels (with tracebacks)
    and the API calls that fail as its server goes: noise after a requested stop."""
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "prefect"]
    for name in ["prefect", *names]:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _children(pid: int) -> list[int]:
    """Child process ids of `pid`, from /proc (Linux; elsewhere none)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    except OSError:
        return []
    return [int(p) for p in text.split()]


def stop_descendants(*, timeout: float) -> None:
    """SIGTERM every descendant of this process, SIGKILL what is left after `timeout`."""
    found: list[int] = []
    todo = _children(os.getpid())
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(_children(pid))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        end = time.monotonic() + timeout
        while sig == signal.SIGTERM and time.monotonic() < end:
            if not any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in found):
                return
            time.sleep(0.1)


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


# After the first signal, Prefect's runner gets this long to wind down.
STOP_SECONDS = 7.0


class _Stopper:
    """SIGINT/SIGTERM for serve. The first asks Prefect's runner to stop gracefully
    (it cancels scheduled runs in flight and returns) and starts a watchdog; the
    second, or the watchdog after STOP_SECONDS, stops everything and exits now."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.stopping = False
        self.graceful: Callable[[], None] | None = None  # the runner's own stop
        self.cleanups: list[Callable[[], None]] = []  # before a hard stop, each bounded

    def handle(self, signum: int, frame: object) -> None:
        if self.stopping:
            self.now()
        self.stopping = True
        _mute_prefect()
        timer = threading.Timer(STOP_SECONDS, self.now)
        timer.daemon = True
        timer.start()
        if self.graceful is not None:
            try:
                self.graceful()  # schedules the runner's stop on its loop; returns at once
                return
            except SystemExit:  # the runner had not started yet
                pass
        raise KeyboardInterrupt

    def now(self) -> None:
        # Scheduled runs still going are stopped like a power cut (every write of a
        # run is a transaction; the next run marks them interrupted and redoes them).
        for cleanup in self.cleanups:
            with contextlib.suppress(Exception):
                cleanup()
        stop_descendants(timeout=2.0)
        for proc in list(_servers):
            stop_session(proc, timeout=1.0)
        self.say("stopped")
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os._exit(0)


# A scheduled run still waiting this long after its time is skipped (deleted), not
# run late: the runner picks a due run within its poll interval (about 10 s), so
# only runs that came due while another run held the single slot get this late.
LATE_AFTER = 30.0


def state_file(anchor: Path) -> Path:
    """Where an active serve says which Prefect API and deployment hold its schedule
    (read by `pactwatch sources` for the next scheduled run). `anchor` is the
    warehouse's file, or a DuckLake's configuration file (`Config.local_anchor`)."""
    return warehouse_home(anchor) / f"serve-{anchor.name}.json"


def read_state(anchor: Path) -> dict[str, Any] | None:
    """The state of the serve active for the warehouse of `anchor` (its process
    alive), else None."""
    try:
        state = json.loads(state_file(anchor).read_text(encoding="utf-8"))
        pid = int(state["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(state, dict) or not _alive(pid):
        return None
    return state


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


class _Schedule:
    """The deployment's schedule, kept honest: no late run, nothing left behind."""

    def __init__(self, api: str, deployment_id: str, *, private: bool) -> None:
        self.api, self.deployment_id, self.private = api, deployment_id, private
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, *, late_after: float = LATE_AFTER) -> None:
        """Drop what a previous serve left (runs due while nothing served, runs a killed
        serve never finished), then keep dropping runs that fall `late_after` behind."""
        if self.private:  # our own server: nothing else runs this deployment
            crash_unfinished_runs(self.api, self.deployment_id)
        clear_scheduled_runs(self.api, self.deployment_id, before=now_utc())

        def sweep() -> None:
            while not self._stop.wait(min(5.0, late_after / 2)):
                cutoff = now_utc() - timedelta(seconds=late_after)
                clear_scheduled_runs(self.api, self.deployment_id, before=cutoff)

        self._thread = threading.Thread(target=sweep, name="pactwatch-late-runs", daemon=True)
        self._thread.start()

    def clear(self, *, timeout: float = 2.0) -> None:
        """No run waits for a time that will pass while nothing serves."""
        self._stop.set()
        clear_scheduled_runs(self.api, self.deployment_id, timeout=timeout)


def serve(
    *,
    say: Callable[[str], None],
    config_path: str | None,
    cron: str | None,
    interval: float | None,
    home: Path,
    workers: int,
    anchor: Path,
    warehouse: str,
) -> None:
    """Serve the run flow until interrupted (Ctrl-C or SIGTERM). `anchor` locates
    the serve's state file (`state_file`); `warehouse` names the warehouse in it."""
    # Scheduled runs execute in a fresh process that imports flows.pipeline; the
    # thread-pool size is fixed at import, so pass it the way config overrides travel.
    os.environ["PACTWATCH_FETCH__WORKERS"] = str(workers)
    # Scheduled runs end Failed in Prefect when a source or delivery failed.
    os.environ["PACTWATCH_SERVED"] = "1"

    stopper = _Stopper(say)

    def _serve(api: str, *, private: bool) -> None:
        from prefect.client.schemas.objects import (
            ConcurrencyLimitConfig,
            ConcurrencyLimitStrategy,
        )
        from prefect.deployments.runner import EntrypointType  # type: ignore[attr-defined]
        from prefect.runner import Runner

        from .pipeline import pactwatch_run

        # One run at a time: runs share a single-writer warehouse. The runner takes
        # one at a time, and the deployment's own limit cancels a run that would
        # start beside another (a second serve, a run started from the UI).
        runner = Runner(name="pactwatch", limit=1)
        deployment_id = runner.add_flow(
            pactwatch_run,
            name="pactwatch",
            interval=None if cron else interval,
            cron=cron,
            parameters={"config_path": config_path, "source_names": None},
            concurrency_limit=ConcurrencyLimitConfig(
                limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
            ),
            # By module path, so the run's process imports `pactwatch.flows.pipeline`
            # as a package.
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        schedule = _Schedule(api, str(deployment_id), private=private)
        schedule.start()
        stopper.cleanups.append(lambda: schedule.clear(timeout=1.0))
        _write_state(anchor, warehouse, api=api, deployment_id=str(deployment_id))
        # The runner installs `handle_sigterm` as its SIGTERM handler when it starts;
        # ours takes both signals, uses the runner's graceful stop and bounds it.
        stopper.graceful = runner.handle_sigterm
        runner.handle_sigterm = lambda *_a, **_k: stopper.handle(  # type: ignore[method-assign]
            signal.SIGTERM, None
        )
        try:
            asyncio.run(runner.start())
        finally:
            schedule.clear()

    # SIGTERM (systemd, docker stop) stops as cleanly as Ctrl-C, both within seconds.
    signal.signal(signal.SIGINT, stopper.handle)
    signal.signal(signal.SIGTERM, stopper.handle)
    stopper.cleanups.append(lambda: _remove_state(anchor))
    try:
        configured = os.environ.get("PREFECT_API_URL")
        if configured:
            _serve(configured, private=False)
            return
        with local_prefect_server(home=home) as api:
            os.environ["PREFECT_API_URL"] = api
            from prefect.settings import PREFECT_API_URL, temporary_settings

            with temporary_settings({PREFECT_API_URL: api}):
                _serve(api, private=True)
    finally:
        _remove_state(anchor)
        stop_descendants(timeout=2.0)  # scheduled runs Prefect's runner left behind


def _write_state(anchor: Path, warehouse: str, *, api: str, deployment_id: str) -> None:
    path = state_file(anchor)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "api": api,
                "deployment_id": deployment_id,
                "warehouse": warehouse,
                "started_at": iso_utc(now_utc()),
            }
        ),
        encoding="utf-8",
    )
    tmp.replace(path)


def _remove_state(anchor: Path) -> None:
    with contextlib.suppress(OSError):
        state_file(anchor).unlink()
