"""The small exception family. The CLI turns these into one line and an exit code.

Whether a failure is worth retrying is a property of its type, not a flag: every
error that may heal by itself (a timeout, a 5xx, a receiver that is down) is a
`TransientError`; one that will fail the same way again (a 404, bad
configuration, a refused password) is a `TerminalError`. `is_transient` is the
one place that turns that mark into a retry decision, for fetching and delivery
alike.

Messages never carry secrets (passwords, signing secrets, tokens in URLs): the
raise sites name the redacted URL, the channel and the status, nothing more.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DeliveryError",
    "FetchError",
    "InputError",
    "PactwatchError",
    "TerminalDeliveryError",
    "TerminalError",
    "TerminalFetchError",
    "TransientDeliveryError",
    "TransientError",
    "TransientFetchError",
    "UsageError",
    "WarehouseUnavailable",
    "is_transient",
]


class PactwatchError(Exception):
    """Base of every error pactwatch can name. `exit_code` is what the CLI returns."""

    exit_code = 1


class TransientError(PactwatchError):
    """Marker: the same call may succeed later (timeout, 429, 5xx, a lock). Retried."""


class TerminalError(PactwatchError):
    """Marker: the same call will fail the same way (404, bad input or config). Not retried."""


def is_transient(exc: BaseException) -> bool:
    """Whether `exc` is worth retrying: the one retry rule for fetching and delivery."""
    return isinstance(exc, TransientError)


class ConfigError(TerminalError):
    """Bad or unknown configuration: exit 2."""

    exit_code = 2


class UsageError(TerminalError):
    """Bad command-line usage: exit 2."""

    exit_code = 2


class WarehouseUnavailable(PactwatchError):
    """The warehouse is locked by another process or unreadable: exit 3.

    Neither mark: a lock heals, an unreadable file does not, and nothing retries it
    today (the CLI reports it; the next scheduled run tries again)."""

    exit_code = 3


class InputError(TerminalError):
    """Input we cannot read (missing file, unparseable document). Terminal, not retried."""

    exit_code = 1


# -- fetching ---------------------------------------------------------------------------


class FetchError(PactwatchError):
    """A fetch that failed. Raise `TransientFetchError` or `TerminalFetchError`.

    `retry_after` is the wait in seconds the server asked for (429/503), `status`
    the HTTP status when there was one, `url` the redacted URL.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status
        self.url = url


class TransientFetchError(FetchError, TransientError):
    """A fetch that may heal by itself: timeouts, connection errors, 408, 429, 5xx."""


class TerminalFetchError(FetchError, TerminalError):
    """A fetch that will fail again: 4xx, bad URL, too large, bad certificate."""


# -- delivery ---------------------------------------------------------------------------


class DeliveryError(PactwatchError):
    """A send that failed. Raise `TransientDeliveryError` or `TerminalDeliveryError`."""


class TransientDeliveryError(DeliveryError, TransientError):
    """The channel may take it later (receiver down, 5xx, 429, SMTP 4xx): rescheduled."""


class TerminalDeliveryError(DeliveryError, TerminalError):
    """The channel will refuse it again (4xx, bad credentials, bad URL): the delivery fails."""
