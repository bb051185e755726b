"""One way to write many rows: an Arrow table of the rows, inserted in one statement.

Rows are NamedTuples whose field names are the table's column names, so a
column is named once, where the row type is declared; `columns_of` pairs those
names with DuckDB types (VARCHAR unless the table says otherwise).

Idempotent writes name their key (`skip_existing`) instead of leaning on a primary
key with `ON CONFLICT DO NOTHING`: a DuckLake table has no keys, and the same
statement then serves both kinds of warehouse (writers are serialised by the
warehouse's writer lock, so the check and the insert cannot race).

Rows go to DuckDB as an Arrow table (built by pyarrow from the Python values in
C++) rather than as one list parameter per column: DuckDB 1.5's Python client
converts a list parameter value by value, trying to import pandas for each one
(about 30 ms per thousand values when pandas is absent), which made every write
cost more than the work it stored. `tests/test_batch.py` holds both the rows
and the speed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

__all__ = ["IN_TEXTS", "columns_of", "insert_rows", "literal_texts", "registered_rows", "texts"]

# `x IN {IN_TEXTS}` with `texts(values)` as its parameter: many keys in one text
# value, split by DuckDB. A list parameter would be converted value by value.
IN_TEXTS = "(SELECT unnest(string_split(?, chr(31))))"
_SEPARATOR = "\x1f"


def literal_texts(values: Sequence[str]) -> str:
    """Keys as an SQL list of string literals, `('a', 'b')`, for `x IN ...`.

    DuckDB pushes a constant IN list down to the scan of the table it filters, so
    only matching rows are read and joined; a subquery (IN_TEXTS) is a join the
    optimiser may place after others. For a few hundred keys on a big table (the
    claims of a run's articles) this is the fast form. Quotes are doubled, which is
    all a DuckDB string literal needs."""
    if not values:
        return "(NULL)"
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def texts(values: Sequence[str]) -> str | None:
    """Keys (ids, URLs, subjects: never a control character) as one parameter for
    IN_TEXTS; None for no keys, which matches nothing (an empty text would be one
    empty key)."""
    if not values:
        return None
    joined = _SEPARATOR.join(values)
    if joined.count(_SEPARATOR) != len(values) - 1:
        raise ValueError("a key holds the unit separator (U+001F)")
    return joined


def columns_of(
    fields: Sequence[str], types: Mapping[str, str] | None = None
) -> tuple[tuple[str, str], ...]:
    """(name, DuckDB type) pairs for a row type's `_fields`; unlisted columns are VARCHAR."""
    types = types or {}
    unknown = set(types) - set(fields)
    if unknown:
        raise ValueError(f"types for unknown columns: {sorted(unknown)}")
    unsupported = set(types.values()) - set(_ARROW)
    if unsupported:
        raise ValueError(f"column types insert_rows cannot send: {sorted(unsupported)}")
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
    select = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in columns)
    with registered_rows(con, f"_pactwatch_rows_{table}", columns, rows) as view:
        if not skip_existing:
            con.execute(f"INSERT INTO {table} ({names}) SELECT {select} FROM {view}")
            return
        match = " AND ".join(f"t.{key} = n.{key}" for key in skip_existing)
        con.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM (SELECT {select} FROM {view}) AS n"
            f" WHERE NOT EXISTS (SELECT 1 FROM {table} AS t WHERE {match})"
        )


@contextmanager
def registered_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
) -> Iterator[str]:
    """`rows` as a relation called `name` on `con` for the block (an Arrow table;
    columns typed as `columns` say, JSON as text), with `_ordinal` numbering them
    from 1 in the order given."""
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    arrow = pa.table(
        {
            **{
                n: pa.array(col, _ARROW[kind])
                for (n, kind), col in zip(columns, values, strict=True)
            },
            "_ordinal": pa.array(range(1, len(rows) + 1), pa.int64()),
        }
    )
    con.register(name, arrow)
    try:
        yield name
    finally:
        con.unregister(name)


# The Arrow type each DuckDB column type is sent as; JSON travels as text.
_ARROW: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "JSON": pa.string(),
    "VARCHAR[]": pa.list_(pa.string()),
    "BOOLEAN": pa.bool_(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "UBIGINT": pa.uint64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
}


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
