"""The one clock and the one way to write an instant.

Every layer asks `now_utc()` for the time and writes instants with `iso_utc`:
ISO 8601 in UTC with a trailing `Z`, whole seconds unless the instant has a
fraction (`2024-05-03T00:00:00Z`, `2024-05-03T08:15:02.250000Z`). A datetime
without a zone is taken to be UTC, as everything the warehouse stores is.

`shifted_clock(delta)` moves every `now_utc()` in the process by `delta` while
it is active (all threads), so tests of time-based behaviour (a source gone
stale after three days) run real code at a later time instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

__all__ = ["as_utc", "iso_utc", "now_utc", "shifted_clock"]

_offset = timedelta(0)


def now_utc() -> datetime:
    """The current time, zone-aware, in UTC (moved by `shifted_clock`, if active)."""
    return datetime.now(UTC) + _offset


@contextmanager
def shifted_clock(delta: timedelta) -> Iterator[None]:
    """`now_utc()` runs `delta` ahead (on top of any outer shift) inside the block."""
    global _offset
    before = _offset
    _offset = before + delta
    try:
        yield
    finally:
        _offset = before


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a trailing Z, or None."""
    if moment is None:
        return None
    return as_utc(moment).replace(tzinfo=None).isoformat() + "Z"
