"""Configuration: one TOML file, overridden by PACTWATCH_<SECTION>__<KEY>, over defaults.

Strict by design: an unknown key is an error naming the file, the key and the
closest valid key, because a misspelt `basline = false` that is silently ignored
sends a flood of alerts on the first run. Secrets never live in the file: the
file names the environment variable (`secret_env`, `password_env`) and the value
is read from the environment when a channel is built.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactwatch.errors import ConfigError

from .fetch import DEFAULT_USER_AGENT

DEFAULT_FILE = "pactwatch.toml"
ENV_PREFIX = "PACTWATCH_"

# Every key a section accepts, with its type and default. The single source of
# truth for validation, env overrides and did-you-mean suggestions.
_WAREHOUSE: dict[str, tuple[type, Any]] = {
    "path": (str, "pactwatch.duckdb"),
    "lock_timeout": (float, 10.0),
}
_FETCH: dict[str, tuple[type, Any]] = {
    "timeout_connect": (float, 5.0),
    "timeout_read": (float, 20.0),
    "max_bytes": (int, 10_000_000),
    "max_redirects": (int, 5),
    "user_agent": (str, DEFAULT_USER_AGENT),
    "per_host_concurrency": (int, 2),
    "per_host_delay": (float, 0.0),
    "follow_links": (bool, True),
    "max_links": (int, 50),
    "retries": (int, 2),
    "retry_delay": (float, 2.0),
    "workers": (int, 4),
}
_ALERTS: dict[str, tuple[type, Any]] = {
    "baseline": (bool, True),
    "min_sources": (int, 1),
    "ignore_attributed": (bool, False),
    "coalitions": (list, []),
    "max_attempts": (int, 8),
    "retry_delay": (float, 30.0),
}
_SOURCE: dict[str, tuple[type, Any]] = {
    "name": (str, None),
    "feed": (str, None),
    "page": (str, None),
    "path": (str, None),
    "baseline": (bool, None),
    "follow_links": (bool, None),
    "max_links": (int, None),
    "enabled": (bool, True),
}
_CHANNEL_KEYS: dict[str, dict[str, tuple[type, Any]]] = {
    "console": {"type": (str, None), "name": (str, None)},
    "webhook": {
        "type": (str, None),
        "name": (str, None),
        "url": (str, None),
        "secret_env": (str, None),
        "timeout": (float, 10.0),
    },
    "email": {
        "type": (str, None),
        "name": (str, None),
        "host": (str, "localhost"),
        "port": (int, 25),
        "sender": (str, None),
        "to": (list, None),
        "username": (str, None),
        "password_env": (str, None),
        "starttls": (bool, False),
        "ssl": (bool, False),
        "timeout": (float, 10.0),
    },
    "apprise": {
        "type": (str, None),
        "name": (str, None),
        "urls": (list, None),
        "url": (str, None),
    },
}
_GAZETTEER: dict[str, tuple[type, Any]] = {"actors": (list, [])}
_TOP: dict[str, Any] = {
    "warehouse": _WAREHOUSE,
    "fetch": _FETCH,
    "alerts": _ALERTS,
    "sources": _SOURCE,
    "channels": None,
    "gazetteer": _GAZETTEER,
}


@dataclass(frozen=True)
class SourceConfig:
    """One `[[sources]]` entry: exactly one of feed, page or path."""

    name: str
    kind: str  # feed | page | path
    location: str
    baseline: bool | None = None
    follow_links: bool | None = None
    max_links: int | None = None
    enabled: bool = True


@dataclass(frozen=True)
class ChannelConfig:
    """One `[[channels]]` entry; `options` keeps the type-specific keys."""

    type: str
    name: str
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Config:
    file: Path | None
    warehouse_path: Path
    lock_timeout: float
    fetch: Mapping[str, Any]
    alerts: Mapping[str, Any]
    sources: tuple[SourceConfig, ...]
    channels: tuple[ChannelConfig, ...]
    gazetteer: Mapping[str, Any] = field(default_factory=dict)

    def source(self, name: str) -> SourceConfig:
        for src in self.sources:
            if src.name == name:
                return src
        known = [s.name for s in self.sources]
        raise ConfigError(f"no source named {name!r}{_suggest(name, known)}")


def _suggest(key: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _where(file: Path | None) -> str:
    return str(file) if file else "built-in configuration"


def _check_keys(
    table: Mapping[str, Any], allowed: Mapping[str, Any], *, file: Path | None, prefix: str
) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"{_where(file)}: unknown key {prefix + key!r}{_suggest(key, list(allowed))}"
            )


def _coerce(value: Any, kind: type, *, file: Path | None, key: str) -> Any:
    if value is None:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is list and isinstance(value, str):
        return [value]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"{_where(file)}: {key} must be {kind.__name__}, got {type(value).__name__} {value!r}"
        )
    return value


def _section(
    raw: Mapping[str, Any], spec: Mapping[str, tuple[type, Any]], *, file: Path | None, name: str
) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{_where(file)}: [{name}] must be a table")
    _check_keys(raw, spec, file=file, prefix=f"{name}.")
    out: dict[str, Any] = {}
    for key, (kind, default) in spec.items():
        value = raw.get(key, default)
        out[key] = _coerce(value, kind, file=file, key=f"{name}.{key}")
    return out


def _parse_env_value(text: str) -> Any:
    """Env values are TOML scalars when they parse as one (10, true, "x"), else strings."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _env_overrides(raw: dict[str, Any], environ: Mapping[str, str]) -> None:
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
        spec = _TOP.get(section)
        if not isinstance(spec, dict) or section in ("sources", "gazetteer"):
            # PACTWATCH_WEBHOOK_SECRET and friends are secrets, not overrides.
            continue
        if key not in spec:
            raise ConfigError(f"environment: unknown key {name}{_suggest(key, list(spec))}")
        raw.setdefault(section, {})[key] = _parse_env_value(value)


def _source(raw: Any, *, file: Path | None, index: int) -> SourceConfig:
    where = f"sources[{index}]"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{_where(file)}: {where} must be a table")
    values = _section(raw, _SOURCE, file=file, name=where)
    given = [k for k in ("feed", "page", "path") if values[k]]
    if len(given) != 1:
        raise ConfigError(
            f"{_where(file)}: {where} needs exactly one of feed, page or path (got {len(given)})"
        )
    kind = given[0]
    location = str(values[kind])
    if kind == "path" and file is not None and not Path(location).is_absolute():
        location = str((file.parent / location).resolve())
    name = values["name"] or location
    return SourceConfig(
        name=name,
        kind=kind,
        location=location,
        baseline=values["baseline"],
        follow_links=values["follow_links"],
        max_links=values["max_links"],
        enabled=values["enabled"],
    )


def _channel(raw: Any, *, file: Path | None, index: int, taken: set[str]) -> ChannelConfig:
    where = f"channels[{index}]"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{_where(file)}: {where} must be a table")
    ctype = raw.get("type")
    if ctype not in _CHANNEL_KEYS:
        raise ConfigError(
            f"{_where(file)}: {where}.type must be one of {', '.join(sorted(_CHANNEL_KEYS))}"
            f" (got {ctype!r}){_suggest(str(ctype), list(_CHANNEL_KEYS))}"
        )
    values = _section(raw, _CHANNEL_KEYS[ctype], file=file, name=where)
    if ctype == "webhook" and not values["url"]:
        raise ConfigError(f"{_where(file)}: {where} (webhook) needs url")
    if ctype == "email" and (not values["sender"] or not values["to"]):
        raise ConfigError(f"{_where(file)}: {where} (email) needs sender and to")
    if ctype == "apprise" and not (values["urls"] or values["url"]):
        raise ConfigError(f"{_where(file)}: {where} (apprise) needs url or urls")
    name = values.pop("name") or ctype
    base, n = name, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    values.pop("type")
    return ChannelConfig(type=ctype, name=name, options=values)


def load_config(
    path: str | Path | None = None, *, environ: Mapping[str, str] | None = None
) -> Config:
    """Read the config file (or ./pactwatch.toml, or defaults) and apply env overrides."""
    environ = os.environ if environ is None else environ
    file: Path | None = None
    raw: dict[str, Any] = {}
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"config file {file} not found")
    elif Path(DEFAULT_FILE).is_file():
        file = Path(DEFAULT_FILE)
    if file is not None:
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: cannot read: {exc}") from None
    _check_keys(raw, _TOP, file=file, prefix="")
    _env_overrides(raw, environ)

    warehouse = _section(raw.get("warehouse", {}), _WAREHOUSE, file=file, name="warehouse")
    fetch = _section(raw.get("fetch", {}), _FETCH, file=file, name="fetch")
    alerts = _section(raw.get("alerts", {}), _ALERTS, file=file, name="alerts")
    gazetteer = _section(raw.get("gazetteer", {}), _GAZETTEER, file=file, name="gazetteer")

    raw_sources = raw.get("sources", [])
    raw_channels = raw.get("channels", [{"type": "console"}])
    if not isinstance(raw_sources, list) or not isinstance(raw_channels, list):
        raise ConfigError(f"{_where(file)}: use [[sources]] and [[channels]] arrays of tables")
    sources = tuple(_source(s, file=file, index=i) for i, s in enumerate(raw_sources))
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{_where(file)}: duplicate source name {dupes[0]!r}")
    taken: set[str] = set()
    channels = tuple(
        _channel(c, file=file, index=i, taken=taken) for i, c in enumerate(raw_channels)
    )

    wpath = Path(warehouse["path"])
    if file is not None and not wpath.is_absolute() and "PACTWATCH_WAREHOUSE__PATH" not in environ:
        wpath = file.parent / wpath
    return Config(
        file=file,
        warehouse_path=wpath,
        lock_timeout=warehouse["lock_timeout"],
        fetch=fetch,
        alerts=alerts,
        sources=sources,
        channels=channels,
        gazetteer=gazetteer,
    )
