"""Connections to the warehouse: short-lived writers, read-only readers, lock handling.

The warehouse is a DuckDB file (a path) or a DuckLake (`lake.Lake`: catalog in
PostgreSQL, Parquet data). DuckDB allows one writing process per file; a lake
allows one writer at a time through its catalog's advisory lock. Either way a
writer retries a held lock for a few seconds (runs and deliveries hold it
briefly), then gives up with `WarehouseUnavailable`, which the CLI turns into one
line and exit code 3. Every function here takes either kind of `Location`.
"""

from __future__ import annotations

import contextlib
import functools
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pactwatch.errors import WarehouseUnavailable
from pactwatch.warehouse import lake as _lake
from pactwatch.warehouse.lake import Lake
from pactwatch.warehouse.migrate import applied_versions, latest_version, migrate

Location = str | Path | Lake
"""A DuckDB file (path) or a DuckLake warehouse."""

DEFAULT_WRITE_LOCK_TIMEOUT = 5.0
DEFAULT_READ_LOCK_TIMEOUT = 1.0


def _is_lock_error(exc: duckdb.Error) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def locked_message(path: str | Path, error: str = "") -> str:
    """Who holds the lock, from DuckDB's error ("... held in /usr/bin/python (PID 42)")."""
    match = re.search(r"\(PID (\d+)\)", error)
    if match is None:
        return f"warehouse {path} is locked by another process"
    pid = int(match[1])
    command = _command_line(pid)
    if "pactwatch" in command and any(w in command.split() for w in ("run", "serve")):
        return f"warehouse {path} is locked by a pactwatch run in progress (PID {pid})"
    who = f"PID {pid} ({command})" if command else f"PID {pid}"
    return (
        f"warehouse {path} is locked by another process, {who}: a program that keeps it"
        " open, even read-only (a notebook), keeps writers out until it closes it"
    )


def _command_line(pid: int, *, limit: int = 80) -> str:
    """The command line of `pid` (Linux /proc), shortened; empty when unknown."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    text = " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


_STORAGE_VERSION = re.compile(
    r"database file with version number (\d+), but we can only read versions between (\d+) and (\d+)"
)


def storage_version_message(path: str | Path, error: str) -> str | None:
    """One line for a DuckDB file in a storage format this DuckDB cannot read (its
    error is several lines long), naming the file, the cause and the fix; None when
    `error` is about something else."""
    match = _STORAGE_VERSION.search(error)
    if match is None:
        return None
    found, low, high = (int(g) for g in match.groups())
    newer = found > high
    return (
        f"warehouse {path} was written by {'a newer' if newer else 'an older'} DuckDB"
        f" (storage version {found}; this pactwatch's DuckDB {duckdb.__version__} reads"
        f" {low} to {high}): export it with that DuckDB (EXPORT DATABASE 'DIR' (FORMAT"
        " parquet)) and load the export into a new file with `python -m"
        " pactwatch.warehouse.reimport DIR NEW.duckdb`"
        + (", or keep the pactwatch that wrote it" if newer else "")
        + "; see docs/operations.md"
    )


def _connect(path: Path, *, read_only: bool, lock_timeout: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + max(lock_timeout, 0.0)
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                version = storage_version_message(path, str(exc))
                raise WarehouseUnavailable(
                    version or f"warehouse {path} is unreadable: {_one_line(exc)}"
                ) from None
            if time.monotonic() >= deadline:
                raise WarehouseUnavailable(locked_message(path, str(exc))) from None
            time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)) + random.random() * 0.02)
            delay = min(delay * 2, 0.5)
            continue
        except duckdb.ConnectionException as exc:
            # The same process already holds this file with another configuration
            # (a writer while we ask for a reader, or the reverse).
            raise WarehouseUnavailable(
                f"warehouse {path} is already open in this process: {exc}"
            ) from None
        except duckdb.Error as exc:
            raise WarehouseUnavailable(
                f"warehouse {path} is unreadable: {_one_line(exc)}"
            ) from None
        con.execute("SET TimeZone = 'UTC'")
        # no terminal progress bar from DuckDB (it would land in `pactwatch sql` output)
        con.execute("SET enable_progress_bar = false")
        return con


def _one_line(exc: BaseException) -> str:
    """The first non-empty line of a DuckDB error (the rest is advice or a stack)."""
    return next(
        (line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__
    )


def _exists(location: Location) -> bool:
    if isinstance(location, Lake):
        return _lake.exists(location)
    return Path(location).exists()


def require_warehouse(path: Location) -> None:
    """`WarehouseUnavailable` (exit 3) when nothing has been stored at `path` yet: for
    commands that only make sense on an existing warehouse (deliver, export, ...)."""
    if not _exists(path):
        raise WarehouseUnavailable(f"warehouse {path} does not exist (nothing has been stored yet)")


@contextlib.contextmanager
def open_writer(
    path: Location, *, lock_timeout: float = DEFAULT_WRITE_LOCK_TIMEOUT
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read/write connection with every migration applied.

    Creates the parent directory and the file (or the lake's catalog and data
    directory) when missing. Raises `WarehouseUnavailable` when another process
    holds the lock past `lock_timeout`.
    """
    if isinstance(path, Lake):
        with _lake.writer_lock(path, timeout=lock_timeout):
            con = _lake.connect(path, read_only=False)
            try:
                migrate(con)
                yield con
            finally:
                _lake.release(con)
        return
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseUnavailable(
            f"warehouse {target}: cannot create {target.parent}: {exc.strerror}"
        ) from None
    con = _connect(target, read_only=False, lock_timeout=lock_timeout)
    try:
        migrate(con)
        yield con
    finally:
        con.close()


def _empty_schema() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    # no terminal progress bar from DuckDB (it would land in `pactwatch sql` output)
    con.execute("SET enable_progress_bar = false")
    migrate(con)
    return con


@functools.cache
def column_comments() -> dict[tuple[str, str], str]:
    """(relation, column) -> the description the migrations give it, read from an
    empty in-memory warehouse: what a DuckLake catalog cannot store for the columns
    of views is still known."""
    con = _empty_schema()
    try:
        rows = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns()"
            " WHERE database_name = current_database() AND comment IS NOT NULL"
        ).fetchall()
    finally:
        con.close()
    return {(str(t), str(c)): str(text) for t, c, text in rows}


def _open_read_only(path: Location, *, lock_timeout: float) -> duckdb.DuckDBPyConnection:
    if isinstance(path, Lake):
        return _lake.connect(path, read_only=True)
    return _connect(Path(path), read_only=True, lock_timeout=lock_timeout)


@contextlib.contextmanager
def open_reader(
    path: Location,
    *,
    missing_ok: bool = False,
    lock_timeout: float = DEFAULT_READ_LOCK_TIMEOUT,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection.

    A missing file raises `WarehouseUnavailable`, or with `missing_ok` yields an
    empty in-memory warehouse with the full schema (so queries return no rows).
    A warehouse written by an older pactwatch is migrated first (briefly as a
    writer); a DuckDB file that is not a pactwatch warehouse is opened as it is.
    """
    target = path if isinstance(path, Lake) else Path(path)
    if not _exists(target):
        if not missing_ok:
            raise WarehouseUnavailable(
                f"warehouse {target} does not exist (nothing has been stored yet)"
            )
        con = _empty_schema()
    else:
        con = _open_read_only(target, lock_timeout=lock_timeout)
        applied = applied_versions(con)
        # Upgrade a warehouse written by an older pactwatch; leave other DuckDB files alone.
        if applied and latest_version() not in applied:
            _lake.release(con)
            with open_writer(target, lock_timeout=lock_timeout):
                pass
            con = _open_read_only(target, lock_timeout=lock_timeout)
    try:
        yield con
    finally:
        _lake.release(con)  # closes it (and detaches a lake)


def sandbox(con: duckdb.DuckDBPyConnection) -> None:
    """Make `con` a pure reader of what it has open: no file, database or extension
    beyond it (COPY TO, EXPORT DATABASE, ATTACH, read_csv/read_text of host files,
    INSTALL/LOAD of extensions are refused), and no statement can undo that
    (the configuration is locked for the rest of the connection's database).

    Applied after the warehouse is open, to the instance that connection holds.
    """
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


# Connections inside `transaction()`: DuckDB has no way to ask, and a failed
# nested BEGIN aborts the outer transaction, so we keep count ourselves.
_IN_TRANSACTION: set[int] = set()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN/COMMIT around the block; inside another `transaction()` on `con`, joins it."""
    key = id(con)
    if key in _IN_TRANSACTION:
        yield con
        return
    con.execute("BEGIN")
    _IN_TRANSACTION.add(key)
    try:
        yield con
    except BaseException:
        _IN_TRANSACTION.discard(key)
        con.execute("ROLLBACK")
        raise
    _IN_TRANSACTION.discard(key)
    con.execute("COMMIT")
