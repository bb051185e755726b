"""Numbered SQL migrations (`migrations/NNN_name.sql`), applied in order, recorded in the database.

One set of migrations serves both warehouses. On a DuckLake catalog (`[warehouse]
catalog`) a dialect step (`for_ducklake`) drops what DuckLake cannot hold: primary
keys and unique constraints, sequences (made or dropped) and their defaults, indexes,
and comments on view columns. Tables, views, columns and their types stay identical; what the
constraints guaranteed on one DuckDB file (one row per key) the writers guarantee
on a lake by writing only under the catalog's writer lock and by inserting only keys
not already there (`batch.insert_rows`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import duckdb

from pactwatch.clock import now_utc

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")

_SCHEMA_MIGRATIONS = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
)
_VIEW_NAME = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(\w+)", re.IGNORECASE)
_STRING = r"'(?:[^']|'')*'"
_NEXTVAL_DEFAULT = re.compile(r"\s+DEFAULT\s+nextval\(\s*'\w+'\s*\)", re.IGNORECASE)
# Each pattern removes one construct DuckLake refuses; the replacement keeps the
# statement around it valid (a table constraint takes its leading comma along).
_DUCKLAKE_DROPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:CREATE|DROP)\s+SEQUENCE\s+\w+\s*;[ \t]*\n?", re.MULTILINE), ""),
    (re.compile(r"^CREATE\s+(?:UNIQUE\s+)?INDEX\s[^;]*;[ \t]*\n?", re.MULTILINE), ""),
    (re.compile(r",\s*PRIMARY\s+KEY\s*\([^)]*\)", re.IGNORECASE), ""),
    (re.compile(r",\s*UNIQUE\s*\([^)]*\)", re.IGNORECASE), ""),
    (re.compile(r"\s+PRIMARY\s+KEY\b(?!\s*\()", re.IGNORECASE), ""),
    (re.compile(r"\s+UNIQUE\b(?!\s*\()", re.IGNORECASE), ""),
)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    """Every migration shipped with the package, in version order."""
    found: list[Migration] = []
    for entry in resources.files("pactwatch.warehouse").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    return found


def view_names() -> frozenset[str]:
    """Every view any migration creates."""
    return frozenset(m for mig in available() for m in _VIEW_NAME.findall(mig.sql))


def for_ducklake(sql: str, *, views: frozenset[str] | None = None) -> str:
    """`sql` (a migration) as a DuckLake catalog accepts it: without primary keys,
    unique constraints, sequences, `nextval` defaults, indexes and comments on the
    columns of views (DuckLake keeps comments on tables, views and table columns).
    String literals and `--` comments are left alone: their text may contain anything."""
    views = view_names() if views is None else views
    sql = _NEXTVAL_DEFAULT.sub("", sql)  # before strings are set apart: it holds one
    parts = re.split(f"({_STRING}|--[^\n]*)", sql)
    # Rewrite outside string literals and comments only (odd parts are those).
    code = "\0".join(parts[0::2])
    for pattern, replacement in _DUCKLAKE_DROPS:
        code = pattern.sub(replacement, code)
    pieces = code.split("\0")
    parts[0::2] = pieces
    text = "".join(parts)
    view_comment = re.compile(
        rf"^COMMENT\s+ON\s+COLUMN\s+(\w+)\.\w+\s+IS\s+{_STRING}\s*;[ \t]*\n?",
        re.MULTILINE | re.IGNORECASE,
    )
    return view_comment.sub(lambda m: "" if m[1] in views else m[0], text)


def is_ducklake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con`'s current database is a DuckLake catalog."""
    row = con.execute(
        "SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return row is not None and str(row[0]).lower() == "ducklake"


def latest_version() -> int:
    return max((m.version for m in available()), default=0)


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Versions recorded in `schema_migrations`; empty when the table does not exist yet."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        " AND table_catalog = current_database()"
    ).fetchone()
    if not exists or not exists[0]:
        return set()
    return {int(r[0]) for r in con.execute("SELECT version FROM schema_migrations").fetchall()}


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction. Returns the versions applied.

    On a DuckDB file every migration's commit is a checkpoint straight into the file,
    never a write-ahead log entry: a process killed while migrating leaves the file
    at the last migration it committed and nothing to replay. (DuckDB 1.5 cannot
    replay a log holding a column comment on a table whose default calls `nextval`,
    which migrations 001 and 006 made until 009 dropped those defaults.)"""
    lake = is_ducklake(con)
    con.execute(for_ducklake(_SCHEMA_MIGRATIONS) if lake else _SCHEMA_MIGRATIONS)
    done = applied_versions(con)
    pending = [m for m in available() if m.version not in done]
    if not pending:
        return []
    if not lake:
        con.execute("SET checkpoint_threshold = '0b'")
        con.execute("SET auto_checkpoint_skip_wal_threshold = 0")
    applied: list[int] = []
    try:
        for migration in pending:
            _apply(con, migration, lake=lake)
            applied.append(migration.version)
    finally:
        if not lake:
            con.execute("RESET checkpoint_threshold")
            con.execute("RESET auto_checkpoint_skip_wal_threshold")
    if not lake:
        # Whatever a commit could not checkpoint (another transaction was open) goes
        # into the file now, not left in the write-ahead log.
        con.execute("CHECKPOINT")
    return applied


def _apply(con: duckdb.DuckDBPyConnection, migration: Migration, *, lake: bool) -> None:
    con.execute("BEGIN")
    try:
        con.execute(for_ducklake(migration.sql) if lake else migration.sql)
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)",
            [migration.version, migration.name, now_utc()],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
