"""Alert channels: console, webhook, email, apprise. Each has `name` and `send(payload)`."""

from pactwatch.alerts.channels.apprise_channel import AppriseChannel
from pactwatch.alerts.channels.base import (
    Channel,
    DeliveryError,
    TerminalDeliveryError,
    TransientDeliveryError,
)
from pactwatch.alerts.channels.console import ConsoleChannel
from pactwatch.alerts.channels.email import EmailChannel
from pactwatch.alerts.channels.webhook import WebhookChannel

__all__ = [
    "AppriseChannel",
    "Channel",
    "ConsoleChannel",
    "DeliveryError",
    "EmailChannel",
    "TerminalDeliveryError",
    "TransientDeliveryError",
    "WebhookChannel",
]
