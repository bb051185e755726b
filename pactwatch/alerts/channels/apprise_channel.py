"""Apprise channel: any of the services apprise knows (Slack, Matrix, ntfy, json://...)."""

from __future__ import annotations

from typing import Any

from pactwatch.alerts.channels.render import headline, text_block
from pactwatch.errors import TerminalDeliveryError, TransientDeliveryError


class AppriseChannel:
    def __init__(self, name: str, urls: list[str]) -> None:
        self.name = name
        self._urls = list(urls)  # apprise URLs carry tokens: never shown

    def __repr__(self) -> str:
        return f"AppriseChannel(name={self.name!r}, urls={len(self._urls)})"

    def send(self, payload: dict[str, Any]) -> None:
        import apprise

        notifier = apprise.Apprise()
        for url in self._urls:
            if not notifier.add(url):
                raise TerminalDeliveryError(f"apprise {self.name}: an URL is not valid")
        try:
            ok = notifier.notify(body=text_block(payload), title=f"[pactwatch] {headline(payload)}")
        except Exception as exc:  # apprise plugins raise anything
            raise TransientDeliveryError(f"apprise {self.name}: {type(exc).__name__}") from None
        if not ok:
            raise TransientDeliveryError(f"apprise {self.name}: notification failed")
