"""Real `pactwatch` subprocesses for tests of process behaviour: kills, signals, timing.

Each process runs in its own session (process group), so a test can signal or
kill it with everything it started, as a terminal or a service manager would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


def clean_env(
    extra: Mapping[str, str] | None = None, *, home: Path | None = None
) -> dict[str, str]:
    """The test's environment without Prefect or pactwatch settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PACTWATCH_"))}
    env["PYTHONUNBUFFERED"] = "1"
    if home is not None:
        env["PREFECT_HOME"] = str(home)
    env.update(extra or {})
    return env


@dataclass
class Lines:
    """stderr lines of a running process, each with the seconds since it started."""

    started: float
    lines: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, line: str) -> None:
        with self.lock:
            self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))

    def text(self) -> str:
        with self.lock:
            return "\n".join(line for _, line in self.lines)

    def first(self, needle: str) -> float | None:
        with self.lock:
            return next((t for t, line in self.lines if needle in line), None)


class CliProcess:
    """`python -m pactwatch.flows.cli ARGS` in its own process group; stderr read live."""

    def __init__(self, args: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pactwatch.flows.cli", *args],
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.err = Lines(self.started)
        self.out = Lines(self.started)
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stderr, self.err), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.out), daemon=True),
        ]
        for t in self._threads:
            t.start()

    @staticmethod
    def _pump(stream: IO[str] | None, sink: Lines) -> None:
        assert stream is not None
        for line in stream:
            sink.add(line)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def signal(self, signum: int) -> None:
        """`signum` to the process alone (as `kill PID` would)."""
        self.proc.send_signal(signum)

    def signal_group(self, signum: int) -> None:
        """`signum` to the whole process group (as Ctrl-C on a terminal, or SIGKILL of a unit)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signum)

    def wait(self, timeout: float) -> int:
        """The exit code; the whole group is killed when `timeout` runs out (and it raises)."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.proc.wait()
            raise
        self._close()
        return code

    def _close(self) -> None:
        for t in self._threads:
            t.join(timeout=5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def wait_for(self, needle: str, timeout: float) -> float:
        """Seconds since start at which `needle` appeared on stderr."""
        deadline = time.monotonic() + timeout
        while True:
            at = self.err.first(needle)
            if at is not None:
                return at
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the pump catch up with the last lines
                at = self.err.first(needle)
                if at is not None:
                    return at
                raise AssertionError(f"exited before {needle!r}:\n{self.err.text()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {needle!r} within {timeout} s:\n{self.err.text()}")
            time.sleep(0.02)

    def kill(self) -> None:
        """Make sure nothing of it is left (a test's finally)."""
        if self.proc.poll() is None:
            self.signal_group(signal.SIGKILL)
            self.proc.wait()
        else:
            self.signal_group(signal.SIGKILL)  # children it left behind, if any
        self._close()


def run_cli(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float = 180
) -> tuple[int, str, float]:
    """Run to the end: (exit code, stderr, seconds)."""
    p = CliProcess(args, cwd=cwd, env=env)
    try:
        code = p.wait(timeout)
    finally:
        p.kill()
    return code, p.err.text(), p.elapsed()
