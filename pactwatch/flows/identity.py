"""How pactwatch names itself to servers. Its own module so reading the
configuration does not import the HTTP client (`pactwatch run` prints its first
line before anything heavy loads)."""

from __future__ import annotations

__all__ = ["DEFAULT_USER_AGENT"]

DEFAULT_USER_AGENT = "pactwatch/0.1 (+https://github.com/pactwatch/pactwatch)"
