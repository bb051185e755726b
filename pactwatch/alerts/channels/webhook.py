"""Webhook channel: POST the payload as JSON, signed with HMAC-SHA256 when a secret is set."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from pactwatch.errors import TerminalDeliveryError, TransientDeliveryError

_TRANSIENT_STATUS = {408, 425, 429}


def payload_bytes(payload: dict[str, Any]) -> bytes:
    """The exact body that is sent (and signed)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """The `X-Pactwatch-Signature` value for a body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def redact_url(url: str) -> str:
    """scheme://host[:port] only: paths and queries of webhook URLs often carry tokens."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


class WebhookChannel:
    def __init__(
        self,
        name: str,
        url: str,
        secret: str | None = None,
        timeout: float = 10.0,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.name = name
        self.url = url
        self._secret = secret
        self.timeout = timeout
        self._transport = transport

    def __repr__(self) -> str:
        signed = "signed" if self._secret else "unsigned"
        return f"WebhookChannel(name={self.name!r}, url={redact_url(self.url)!r}, {signed})"

    def send(self, payload: dict[str, Any]) -> None:
        body = payload_bytes(payload)
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": str(payload.get("id", "")),
            "User-Agent": "pactwatch",
        }
        if self._secret:
            headers["X-Pactwatch-Signature"] = signature(self._secret, body)
        where = redact_url(self.url)
        try:
            with httpx.Client(timeout=self.timeout, transport=self._transport) as client:
                response = client.post(self.url, content=body, headers=headers)
        except httpx.TimeoutException:
            raise TransientDeliveryError(f"webhook {where}: timed out") from None
        except httpx.HTTPError as exc:
            raise TransientDeliveryError(f"webhook {where}: {type(exc).__name__}") from None
        if 200 <= response.status_code < 300:
            return
        status = response.status_code
        if status >= 500 or status in _TRANSIENT_STATUS:
            raise TransientDeliveryError(f"webhook {where}: HTTP {status}")
        raise TerminalDeliveryError(f"webhook {where}: HTTP {status}")
