"""pactwatch: watch the news for changes in coalition membership and partnerships.

The public surface is small on purpose: the records that cross every layer, the
extractor, and the error family. Everything else lives in the layer packages
(`pactwatch.parsers`, `pactwatch.warehouse`, `pactwatch.alerts`, `pactwatch.flows`).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from pactwatch.errors import (
    ConfigError,
    DeliveryError,
    FetchError,
    InputError,
    PactwatchError,
    TerminalError,
    TransientError,
    WarehouseUnavailable,
)
from pactwatch.parsers.claims import EXTRACTOR_VERSION, extract_claims
from pactwatch.parsers.model import Article, Claim

try:
    __version__ = version("pactwatch")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "EXTRACTOR_VERSION",
    "Article",
    "Claim",
    "ConfigError",
    "DeliveryError",
    "FetchError",
    "InputError",
    "PactwatchError",
    "TerminalError",
    "TransientError",
    "WarehouseUnavailable",
    "__version__",
    "extract_claims",
]
