"""Alert channels: console, webhook, email, apprise. Each has `name` and `send(payload)`."""

from alerts.channels.apprise_channel import AppriseChannel
from alerts.channels.base import Channel, DeliveryError
from alerts.channels.console import ConsoleChannel
from alerts.channels.email import EmailChannel
from alerts.channels.webhook import WebhookChannel

__all__ = [
    "AppriseChannel",
    "Channel",
    "ConsoleChannel",
    "DeliveryError",
    "EmailChannel",
    "WebhookChannel",
]
