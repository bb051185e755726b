"""What every channel is: a name and `send(payload)`, failing with `DeliveryError`."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from pactwatch.errors import PactwatchError


class DeliveryError(PactwatchError):
    """A send that failed. `transient` failures are retried later; others fail the delivery.

    Messages never contain secrets (passwords, signing secrets, tokens in URLs).
    """

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@runtime_checkable
class Channel(Protocol):
    """A place alerts go. `name` matches the delivery rows of the outbox."""

    name: str

    def send(self, payload: dict[str, Any]) -> None: ...
