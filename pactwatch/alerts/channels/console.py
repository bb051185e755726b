"""Console channel: a readable block per alert.

It writes to stdout by default: for this channel the alerts are the data the
user asked for, which is what the CLI reserves stdout for. Pass `stream` to send
them elsewhere (stderr, a file, a test buffer).
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from pactwatch.alerts.channels.render import text_block
from pactwatch.errors import TransientDeliveryError


class ConsoleChannel:
    def __init__(self, name: str = "console", stream: TextIO | None = None) -> None:
        self.name = name
        self._stream = stream

    def __repr__(self) -> str:
        return f"ConsoleChannel(name={self.name!r})"

    def send(self, payload: dict[str, Any]) -> None:
        stream = self._stream if self._stream is not None else sys.stdout
        try:
            stream.write(text_block(payload) + "\n")
            stream.flush()
        except (OSError, ValueError) as exc:
            raise TransientDeliveryError(f"console: cannot write: {exc}") from None
