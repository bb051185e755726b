"""`pactwatch test-alert`: one test notification through every channel, and which worked.

The payload has the shape of an alert payload with `kind: "test"` and an id
`test-<UTC time>`, so receivers exercise the same path they use for alerts (and
can recognise and drop it). Nothing is written to the warehouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pactwatch.alerts.channels.base import Channel
from pactwatch.clock import iso_utc

__all__ = ["probe_payload", "send_test"]


def probe_payload(now: datetime) -> dict[str, Any]:
    """A test notification in the alert payload's shape."""
    stamp = iso_utc(now)
    return {
        "id": f"test-{now.strftime('%Y%m%dT%H%M%SZ')}",
        "kind": "test",
        "coalition": None,
        "actor": None,
        "actors": [],
        "previous": None,
        "current": {},
        "created_at": stamp,
        "evidence": [],
        "conflict": False,
        "message": "pactwatch test notification: if you read this, alerts reach you here.",
    }


def send_test(channels: Sequence[Channel], now: datetime) -> list[tuple[str, str | None]]:
    """(channel name, None when sent, else the one-line error) for every channel."""
    payload = probe_payload(now)
    results: list[tuple[str, str | None]] = []
    for channel in channels:
        try:
            channel.send(payload)
        except Exception as exc:  # report every channel, whatever one of them does
            results.append((channel.name, str(exc) or type(exc).__name__))
        else:
            results.append((channel.name, None))
    return results
