"""A DuckLake warehouse: the catalog in PostgreSQL, the data in Parquet files.

Selected by `[warehouse] catalog = "postgres:dbname=... host=... user=..."` and
`data_path = "DIR"`. Many processes on many machines write to one lake; what one
DuckDB file gets from its file lock (one writer at a time, short writes) a lake
gets from a PostgreSQL advisory lock taken in the catalog database (`writer_lock`),
so detection, deduplication and the outbox see every earlier write and never
race. Readers (`pactwatch sql`, reports) take no lock at all.

The two DuckDB extensions come from Python packages (`pip install
'pactwatch[lake]'`) and are loaded from their files: nothing is downloaded at run
time (automatic extension install and load are off on these connections).

The catalog string may hold a password (`password=...`), and libpq reads
`PGPASSWORD`: both are replaced by `***` in every message (`redact`), and `str()`
of a `Lake` shows the catalog redacted.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pactwatch.errors import WarehouseUnavailable

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "CATALOG_NAME",
    "EXTENSION_PACKAGES",
    "Lake",
    "connect",
    "exists",
    "redact",
    "release",
    "writer_lock",
]

CATALOG_NAME = "lake"
CATALOG_PREFIX = "postgres:"

# (import name, extension name, distribution) of each extension a lake needs.
EXTENSION_PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("duckdb_extension_postgres_scanner", "postgres_scanner", "duckdb-extension-postgres-scanner"),
    ("duckdb_extension_ducklake", "ducklake", "duckdb-extension-ducklake"),
)

# pg_try_advisory_lock(int4, int4): 'pact' and 1, the writer lock of this catalog database.
_LOCK_KEY = (0x70616374, 1)
_LOCK_HOLDER_SQL = (
    "SELECT a.application_name, a.client_addr::text, a.pid,"
    " extract(epoch FROM now() - coalesce(a.xact_start, a.backend_start))::int"
    " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s"
    " AND l.objsubid = 2 LIMIT 1"
)


@dataclass(frozen=True, slots=True)
class Lake:
    """Where a DuckLake warehouse lives: `catalog` ("postgres:<libpq conninfo>") and
    `data_path` (a directory, or an object store URL)."""

    catalog: str
    data_path: str

    @property
    def conninfo(self) -> str:
        """The libpq connection string of the catalog database."""
        return self.catalog.removeprefix(CATALOG_PREFIX).strip()

    def __str__(self) -> str:
        return redact(f"ducklake:{self.catalog}")


# A value already redacted (`***` before a colon or a space) is left as it is, so
# redacting twice changes nothing.
_PASSWORD_KV = re.compile(
    r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\*\*\*(?![^\s'\":])|[^\s'\"]+)", re.IGNORECASE
)
_URI_PASSWORD = re.compile(r"(\bpostgres(?:ql)?://[^:/@\s]*:)([^@\s]*)(@)", re.IGNORECASE)


def _secrets(text: str) -> list[str]:
    found = [m[2].strip("'") for m in _PASSWORD_KV.finditer(text)]
    found += [m[2] for m in _URI_PASSWORD.finditer(text)]
    env = os.environ.get("PGPASSWORD")
    if env:
        found.append(env)
    return sorted({s for s in found if s}, key=len, reverse=True)


def redact(text: str, *, lake: Lake | None = None) -> str:
    """`text` with every PostgreSQL password replaced by `***`: `password=...` pairs,
    `postgresql://user:secret@` URLs, the value of `PGPASSWORD`, and the password of
    `lake`'s catalog wherever it appears."""
    secrets = _secrets(text) + (_secrets(lake.catalog) if lake is not None else [])
    text = _PASSWORD_KV.sub(r"\1***", text)
    text = _URI_PASSWORD.sub(r"\1***\3", text)
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _first_line(exc: BaseException) -> str:
    for line in str(exc).splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


def _fail(lake: Lake, what: str, exc: BaseException | None = None) -> WarehouseUnavailable:
    detail = f": {_first_line(exc)}" if exc is not None else ""
    return WarehouseUnavailable(redact(f"warehouse {lake}: {what}{detail}", lake=lake))


def _extension_files(lake: Lake) -> list[Path]:
    """The extension files inside their packages, for this DuckDB version."""
    import duckdb

    version = f"v{duckdb.__version__}"
    files: list[Path] = []
    missing: list[str] = []
    for module, name, dist in EXTENSION_PACKAGES:
        spec = importlib.util.find_spec(module)
        roots = list(spec.submodule_search_locations or []) if spec else []
        found = [Path(r) / "extensions" / version / f"{name}.duckdb_extension" for r in roots]
        hit = next((f for f in found if f.is_file()), None)
        if hit is None:
            missing.append(f"{dist}=={duckdb.__version__}")
        else:
            files.append(hit)
    if missing:
        raise _fail(
            lake,
            f"a DuckLake warehouse needs {' and '.join(missing)} for DuckDB {duckdb.__version__}"
            " (pip install 'pactwatch[lake]'); nothing is downloaded at run time",
        )
    return files


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _is_local(data_path: str) -> bool:
    return "://" not in data_path


def _fresh_instance(files: list[Path]) -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        for file in files:
            con.execute(f"LOAD {_sql_string(str(file))}")
    except BaseException:
        con.close()
        raise
    return con


# Writers share one in-memory DuckDB per process with the extensions loaded (loading
# them costs far more than attaching the lake); each writer is a cursor of it with
# the lake attached under its own name. Readers get a fresh instance: `pactwatch
# sql` locks the configuration of the instance it reads through.
_SHARED: dict[int, duckdb.DuckDBPyConnection] = {}
_SHARED_LOCK = threading.Lock()
_ALIASES = itertools.count(1)


def _shared_instance(files: list[Path]) -> duckdb.DuckDBPyConnection:
    with _SHARED_LOCK:
        base = _SHARED.get(os.getpid())  # never one inherited through fork()
        if base is None:
            base = _SHARED[os.getpid()] = _fresh_instance(files)
        return base


def connect(lake: Lake, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection whose current database is the lake; give it back with `release`.

    Extensions are loaded from their packages' files, with automatic install and
    load off. A writer creates a local data directory when missing. Raises
    `WarehouseUnavailable` (redacted, one line) when the packages are missing or
    the catalog cannot be reached.
    """
    import duckdb

    files = _extension_files(lake)
    if not read_only and _is_local(lake.data_path):
        try:
            Path(lake.data_path).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _fail(lake, f"cannot create data_path {lake.data_path}: {exc.strerror}") from None
    try:
        con = _fresh_instance(files) if read_only else _shared_instance(files).cursor()
    except duckdb.Error as exc:
        raise _fail(lake, "cannot load the DuckLake extensions", exc) from None
    alias = CATALOG_NAME if read_only else f"{CATALOG_NAME}_w{next(_ALIASES)}"
    options = [f"DATA_PATH {_sql_string(lake.data_path)}"]
    if read_only:
        options.append("READ_ONLY")
    try:
        con.execute(
            f"ATTACH {_sql_string('ducklake:postgres:' + lake.conninfo)} AS {alias}"
            f" ({', '.join(options)})"
        )
        _ATTACHED[id(con)] = alias
        con.execute(f"USE {alias}")
        con.execute("SET TimeZone = 'UTC'")
        # no terminal progress bar from DuckDB (it would land in `pactwatch sql` output)
        con.execute("SET enable_progress_bar = false")
        if _is_local(lake.data_path):
            # What a sandboxed reader (enable_external_access off) may still read.
            folder = str(Path(lake.data_path).resolve())
            con.execute(f"SET allowed_directories = [{_sql_string(folder)}]")
    except duckdb.Error as exc:
        release(con)
        raise _fail(lake, "cannot open the DuckLake catalog", exc) from None
    return con


_ATTACHED: dict[int, str] = {}


def release(con: duckdb.DuckDBPyConnection) -> None:
    """Detach the lake from `con` (a writer's shared instance stays) and close it."""
    alias = _ATTACHED.pop(id(con), None)
    if alias is not None and alias != CATALOG_NAME:
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")  # a transaction left open by an error
        with contextlib.suppress(Exception):
            con.execute("USE memory")
            con.execute(f"DETACH {alias}")
    con.close()


def exists(lake: Lake) -> bool:
    """Whether the catalog database holds a DuckLake catalog already (a run stored
    something). Raises `WarehouseUnavailable` when PostgreSQL cannot be reached."""
    with _catalog_session(lake) as pg:
        row = pg.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ducklake_metadata'"
        ).fetchone()
    return bool(row and row[0])


def _application_name() -> str:
    return f"pactwatch {socket.gethostname()}:{os.getpid()}"[:63]


@contextlib.contextmanager
def _catalog_session(lake: Lake) -> Iterator[Any]:
    try:
        import psycopg
    except ImportError:
        raise _fail(
            lake, "a DuckLake warehouse needs psycopg (pip install 'pactwatch[lake]')"
        ) from None
    try:
        pg = psycopg.connect(
            lake.conninfo, autocommit=True, application_name=_application_name(), connect_timeout=10
        )
    except psycopg.Error as exc:
        raise _fail(lake, "cannot reach the catalog database", exc) from None
    try:
        yield pg
    finally:
        pg.close()


@contextlib.contextmanager
def writer_lock(lake: Lake, *, timeout: float) -> Iterator[None]:
    """Hold the lake's writer lock (a PostgreSQL advisory lock in the catalog database)
    for the block. Waits up to `timeout` seconds for another writer, then raises
    `WarehouseUnavailable` naming it. The lock goes with the session: a writer that
    dies releases it at once."""
    with _catalog_session(lake) as pg:
        deadline = time.monotonic() + max(timeout, 0.0)
        delay = 0.02
        while True:
            row = pg.execute("SELECT pg_try_advisory_lock(%s, %s)", _LOCK_KEY).fetchone()
            if row and row[0]:
                break
            if time.monotonic() >= deadline:
                raise _fail(lake, f"locked by another writer ({_holder(pg)})")
            time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)) + random.random() * 0.02)
            delay = min(delay * 2, 0.25)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                pg.execute("SELECT pg_advisory_unlock(%s, %s)", _LOCK_KEY)


def _holder(pg: Any) -> str:
    row = pg.execute(_LOCK_HOLDER_SQL, _LOCK_KEY).fetchone()
    if row is None:
        return "it has just finished"
    name, addr, pid, seconds = row
    where = f" from {addr}" if addr else ""
    return f"{name or 'a client'}{where}, catalog backend {pid}, for {seconds} s"
