"""The one clock and the one way to write an instant.

Every layer asks `now_utc()` for the time and writes instants with `iso_utc`:
ISO 8601 in UTC with a trailing `Z`, whole seconds unless the instant has a
fraction (`2024-05-03T00:00:00Z`, `2024-05-03T08:15:02.250000Z`). A datetime
without a zone is taken to be UTC, as everything the warehouse stores is.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["as_utc", "iso_utc", "now_utc"]


def now_utc() -> datetime:
    """The current time, zone-aware, in UTC."""
    return datetime.now(UTC)


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
