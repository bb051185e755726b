"""Ctrl-C and SIGTERM during `pactwatch run`: stop within seconds, say so in one line.

On the first signal the handler, within a few seconds at most, marks the run
`interrupted` in `runs`, sets the Prefect flow run to Cancelled, stops the
temporary Prefect API, prints one line and exits 130 (SIGINT) or 143 (SIGTERM).
It does not wait for fetch threads or Prefect's engine to unwind: every write
of a run is a transaction (a source's fetches, articles, claims, alerts and
outbox rows commit together), so whatever committed is kept and whatever was
in flight is rolled back, as after a power cut. A second signal exits at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

__all__ = ["RunGuard", "reclaim_signals"]

_NAMES: dict[int, str] = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}
# The whole clean-up (warehouse mark, Prefect state, API stop) gets this long.
CLEANUP_SECONDS = 3.0


@dataclass
class RunGuard:
    """Signal handlers for one `run`; `cleanups` run (bounded) before the exit."""

    say: Callable[[str], None]
    cleanups: list[Callable[[], str | None]] = field(default_factory=list)
    _stopping: bool = False
    _previous: dict[int, object] = field(default_factory=dict)

    def install(self) -> RunGuard:
        global _active
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
            _active = self
        return self

    def uninstall(self) -> None:
        global _active
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)  # type: ignore[arg-type]
        self._previous.clear()
        if _active is self:
            _active = None

    def reclaim(self) -> None:
        for signum in self._previous:
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        code = 128 + signum
        if self._stopping:
            os._exit(code)  # the second Ctrl-C: no more waiting
        self._stopping = True
        notes: list[str] = []

        def work() -> None:
            for cleanup in self.cleanups:
                try:
                    note = cleanup()
                except Exception as exc:  # a clean-up that fails must not hide the exit
                    note = f"{type(exc).__name__}: {exc}"
                if note:
                    notes.append(note)

        worker = threading.Thread(target=work, name="interrupt clean-up", daemon=True)
        worker.start()
        worker.join(CLEANUP_SECONDS)
        detail = "; ".join(notes) if notes else "nothing was running yet"
        self.say(f"interrupted by {_NAMES.get(signum, f'signal {signum}')}: {detail}")
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)


_active: RunGuard | None = None


def reclaim_signals() -> None:
    """Put the active guard's handlers back (from the flow, in the main thread).

    Prefect's flow engine swaps in its own SIGTERM handler for a flow run, which
    unwinds the engine first: it waits for every fetch thread to end, up to a
    fetch deadline. Inside the flow, our handler takes the signal instead.
    Without an active guard (a scheduled run under `serve`), nothing changes.
    """
    guard = _active
    if guard is not None and threading.current_thread() is threading.main_thread():
        guard.reclaim()
