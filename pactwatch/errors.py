"""The small exception family. The CLI turns these into one line and an exit code."""

from __future__ import annotations


class PactwatchError(Exception):
    """Base of every error pactwatch can name. `exit_code` is what the CLI returns."""

    exit_code = 1


class ConfigError(PactwatchError):
    """Bad or unknown configuration: exit 2."""

    exit_code = 2


class UsageError(PactwatchError):
    """Bad command-line usage: exit 2."""

    exit_code = 2


class WarehouseUnavailable(PactwatchError):
    """The warehouse is locked by another process or unreadable: exit 3."""

    exit_code = 3


class InputError(PactwatchError):
    """Input we cannot read (missing file, unparseable document). Terminal, not retried."""

    exit_code = 1
