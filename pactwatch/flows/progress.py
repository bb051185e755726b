"""What a run is doing, on stderr, while it works (never on stdout).

`pactwatch run` installs a reporter: plain `pactwatch: …` lines when stderr is
not a terminal (logs, CI, tests read them), a live rich progress bar when it is.
Scheduled runs under `serve` have none installed, so the flow's calls are no-ops.
Reporters are called from the flow's thread and from fetch threads: thread safe.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Protocol, TextIO

__all__ = [
    "LineReporter",
    "Reporter",
    "RichReporter",
    "install",
    "make_reporter",
    "reporter",
]


class Reporter(Protocol):
    def step(self, message: str) -> None:
        """A phase of the run begins ("fetching 3 source(s)")."""

    def sources(self, total: int) -> None:
        """How many sources this run reads."""

    def source_done(self, name: str, message: str) -> None:
        """One source fetched, extracted and stored."""

    def close(self) -> None:
        """The run ended: take down any live display."""


class _Silent:
    def step(self, message: str) -> None:
        pass

    def sources(self, total: int) -> None:
        pass

    def source_done(self, name: str, message: str) -> None:
        pass

    def close(self) -> None:
        pass


class LineReporter:
    """One line per event on `stream`, with seconds since start."""

    def __init__(self, stream: TextIO, *, prog: str = "pactwatch") -> None:
        self._stream = stream
        self._prog = prog
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._total = 0
        self._done = 0

    def _line(self, text: str) -> None:
        with self._lock:
            elapsed = time.monotonic() - self._started
            self._stream.write(f"{self._prog}: [{elapsed:5.1f}s] {text}\n")
            self._stream.flush()

    def step(self, message: str) -> None:
        self._line(message)

    def sources(self, total: int) -> None:
        self._total = total

    def source_done(self, name: str, message: str) -> None:
        with self._lock:
            self._done += 1
            count = f"{self._done}/{self._total}"
        self._line(f"source {name} ({count}): {message}")

    def close(self) -> None:
        pass


class RichReporter:
    """A live bar on a terminal: the phase, sources done of total, time elapsed."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._console = Console(file=stream, stderr=stream is sys.stderr)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
        )
        self._task: Any = self._progress.add_task("starting", total=None)
        self._progress.start()

    def step(self, message: str) -> None:
        self._progress.update(self._task, description=message)

    def sources(self, total: int) -> None:
        self._progress.update(self._task, total=total, completed=0)

    def source_done(self, name: str, message: str) -> None:
        self._progress.advance(self._task)
        self._progress.console.print(f"[dim]source {name}: {message}[/dim]", highlight=False)

    def close(self) -> None:
        self._progress.stop()


_lock = threading.Lock()
_current: Reporter = _Silent()


def install(new: Reporter | None) -> None:
    """Make `new` the process's reporter (None: silence)."""
    global _current
    with _lock:
        _current = new if new is not None else _Silent()


def reporter() -> Reporter:
    return _current


def make_reporter(stream: TextIO, *, quiet: bool = False) -> Reporter:
    """Silent with `quiet`, a live bar on a terminal, plain lines otherwise."""
    if quiet:
        return _Silent()
    if stream.isatty():
        return RichReporter(stream)
    return LineReporter(stream)
