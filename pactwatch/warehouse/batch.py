"""One way to write many rows: one list parameter per column, unnested in one INSERT.

Rows are NamedTuples whose field names are the table's column names, so a
column is named once, where the row type is declared; `columns_of` pairs those
names with DuckDB types (VARCHAR unless the table says otherwise).

Idempotent writes name their key (`skip_existing`) instead of leaning on a primary
key with `ON CONFLICT DO NOTHING`: a DuckLake table has no keys, and the same
statement then serves both kinds of warehouse (writers are serialised by the
warehouse's writer lock, so the check and the insert cannot race).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

__all__ = ["columns_of", "insert_rows"]


def columns_of(
    fields: Sequence[str], types: Mapping[str, str] | None = None
) -> tuple[tuple[str, str], ...]:
    """(name, DuckDB type) pairs for a row type's `_fields`; unlisted columns are VARCHAR."""
    types = types or {}
    unknown = set(types) - set(fields)
    if unknown:
        raise ValueError(f"types for unknown columns: {sorted(unknown)}")
    return tuple((name, types.get(name, "VARCHAR")) for name in fields)


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    *,
    skip_existing: Sequence[str] = (),
) -> None:
    """Insert many rows in one statement. `columns` are (name, DuckDB type) pairs.

    With `skip_existing` (key columns), a row whose key is already in the table, or
    earlier in `rows`, is left out: writing the same rows twice leaves one of each.
    """
    if skip_existing:
        rows = _first_per_key(columns, rows, skip_existing)
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    select = ", ".join(f"unnest(?::{kind}[]) AS {name}" for name, kind in columns)
    params = [list(col) for col in zip(*rows, strict=True)]
    if not skip_existing:
        con.execute(f"INSERT INTO {table} ({names}) SELECT {select}", params)
        return
    match = " AND ".join(f"t.{key} = n.{key}" for key in skip_existing)
    con.execute(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM (SELECT {select}) AS n"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} AS t WHERE {match})",
        params,
    )


def _first_per_key(
    columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]], keys: Sequence[str]
) -> list[Sequence[Any]]:
    names = [name for name, _ in columns]
    unknown = set(keys) - set(names)
    if unknown:
        raise ValueError(f"key columns not inserted: {sorted(unknown)}")
    at = [names.index(key) for key in keys]
    seen: set[tuple[Any, ...]] = set()
    kept: list[Sequence[Any]] = []
    for row in rows:
        key = tuple(row[i] for i in at)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept
