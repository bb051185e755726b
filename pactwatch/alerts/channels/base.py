"""What every channel is: a name and `send(payload)`, failing with a `DeliveryError`.

The errors live in `pactwatch.errors` with the rest of the family; they are
re-exported here because this is where a channel author looks for them.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from pactwatch.errors import DeliveryError, TerminalDeliveryError, TransientDeliveryError

__all__ = [
    "Channel",
    "DeliveryError",
    "DigestChannel",
    "TerminalDeliveryError",
    "TransientDeliveryError",
]


@runtime_checkable
class Channel(Protocol):
    """A place alerts go. `name` matches the delivery rows of the outbox.

    `send` raises `TransientDeliveryError` for what may succeed later (the
    delivery is rescheduled) and `TerminalDeliveryError` for what will not (the
    delivery fails). Messages never contain secrets.
    """

    name: str

    def send(self, payload: dict[str, Any]) -> None: ...


@runtime_checkable
class DigestChannel(Channel, Protocol):
    """A channel that can gather alerts: `digest` is None (one message per alert),
    "run" (one per delivery call) or "daily" (one per UTC day, once it is over)."""

    digest: str | None

    def send_digest(self, payloads: list[dict[str, Any]]) -> None: ...
