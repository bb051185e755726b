"""One way to write many rows: one list parameter per column, unnested in one INSERT.

Rows are NamedTuples whose field names are the table's column names, so a
column is named once, where the row type is declared; `columns_of` pairs those
names with DuckDB types (VARCHAR unless the table says otherwise).
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
    on_conflict_ignore: bool = False,
) -> None:
    """Insert many rows in one statement. `columns` are (name, DuckDB type) pairs."""
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    select = ", ".join(f"unnest(?::{kind}[])" for _, kind in columns)
    tail = " ON CONFLICT DO NOTHING" if on_conflict_ignore else ""
    params = [list(col) for col in zip(*rows, strict=True)]
    con.execute(f"INSERT INTO {table} ({names}) SELECT {select}{tail}", params)
