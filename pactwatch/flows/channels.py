"""Build alert channels from configuration, reading secrets from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from pactwatch.alerts.channels.apprise_channel import AppriseChannel
from pactwatch.alerts.channels.base import Channel
from pactwatch.alerts.channels.console import ConsoleChannel
from pactwatch.alerts.channels.email import EmailChannel
from pactwatch.alerts.channels.webhook import WebhookChannel
from pactwatch.errors import ConfigError

from .config import (
    AppriseChannelConfig,
    ChannelConfig,
    ConsoleChannelConfig,
    EmailChannelConfig,
    WebhookChannelConfig,
)


def _secret(
    cfg: ChannelConfig, key: str, var: str | None, environ: Mapping[str, str]
) -> str | None:
    if not var:
        return None
    value = environ.get(var)
    if not value:
        # Sending unsigned or unauthenticated when the user asked otherwise is worse
        # than not sending: refuse, and name the variable (never its value).
        raise ConfigError(
            f"channel {cfg.name!r}: environment variable {var} (from {key}) is not set"
        )
    return value


def build_channel(cfg: ChannelConfig, *, environ: Mapping[str, str] | None = None) -> Channel:
    env = os.environ if environ is None else environ
    if isinstance(cfg, ConsoleChannelConfig):
        return ConsoleChannel(name=cfg.name)
    if isinstance(cfg, WebhookChannelConfig):
        return WebhookChannel(
            name=cfg.name,
            url=cfg.url,
            secret=_secret(cfg, "secret_env", cfg.secret_env, env),
            timeout=cfg.timeout,
        )
    if isinstance(cfg, EmailChannelConfig):
        return EmailChannel(
            name=cfg.name,
            host=cfg.host,
            port=cfg.port,
            sender=cfg.sender,
            to=list(cfg.to),
            username=cfg.username,
            password=_secret(cfg, "password_env", cfg.password_env, env),
            starttls=cfg.starttls,
            ssl=cfg.ssl,
            timeout=cfg.timeout,
            digest=cfg.digest,
        )
    if isinstance(cfg, AppriseChannelConfig):
        urls = list(cfg.urls)
        if cfg.url:
            urls.append(cfg.url)
        return AppriseChannel(name=cfg.name, urls=urls)
    raise ConfigError(f"unknown channel type {cfg.type!r}")


def build_channels(
    configs: Sequence[ChannelConfig], *, environ: Mapping[str, str] | None = None
) -> list[Channel]:
    return [build_channel(c, environ=environ) for c in configs]
