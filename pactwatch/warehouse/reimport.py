"""A warehouse exported by another DuckDB, loaded into a new file of this one.

A DuckDB file is read only by DuckDB versions that know its storage format: a
warehouse written by DuckDB 2.x (the pactwatch releases before the DuckLake
warehouse pinned DuckDB 1.5.5) cannot be opened here. The way across is an export:
with the DuckDB that wrote it,

    EXPORT DATABASE 'DIR' (FORMAT parquet)

then, with this pactwatch,

    python -m pactwatch.warehouse.reimport DIR NEW.duckdb

creates NEW.duckdb with every migration of this pactwatch (its tables, views and
descriptions; an export keeps no descriptions) and loads each table's rows from
DIR by column name, ids and all. A column the export lacks (it came from an
older schema) is left empty; `schema_migrations` is this pactwatch's own, and
`member_count_rows` (derived from claims and articles; an older export has none)
is made again from the claims and articles loaded. A failure removes NEW.duckdb
again and leaves DIR as it was.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from pactwatch.errors import PactwatchError, UsageError
from pactwatch.warehouse.count_rows import rebuild_count_rows
from pactwatch.warehouse.db import open_writer

__all__ = ["reimport"]

_OWN = "schema_migrations"
_DERIVED = "member_count_rows"


def reimport(export_dir: Path, target: Path) -> dict[str, int]:
    """Rows loaded per table from `export_dir` (an EXPORT DATABASE folder in Parquet)
    into the new warehouse `target`."""
    if not (export_dir / "load.sql").is_file():
        raise UsageError(
            f"{export_dir} is not a DuckDB export (no load.sql):"
            " make one with EXPORT DATABASE 'DIR' (FORMAT parquet)"
        )
    if target.exists():
        raise UsageError(f"{target} exists: give the name of a new warehouse file")
    try:
        return _load(export_dir, target)
    except BaseException:
        for leftover in (target, target.with_name(target.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise


def _load(export_dir: Path, target: Path) -> dict[str, int]:
    loaded: dict[str, int] = {}
    with open_writer(target) as con:
        tables = [
            str(r[0])
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
                " AND schema_name = 'main' AND table_name <> ? ORDER BY table_name",
                [_OWN],
            ).fetchall()
        ]
        con.execute("BEGIN")
        for table in tables:
            if table == _DERIVED:
                continue
            parquet = export_dir / f"{table}.parquet"
            if not parquet.is_file():  # a table the exporting schema did not have yet
                loaded[table] = 0
                continue
            try:
                con.execute(
                    f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?)", [str(parquet)]
                )
            except duckdb.Error as exc:
                first = next((ln for ln in str(exc).splitlines() if ln.strip()), str(exc))
                raise UsageError(f"{parquet}: cannot load into {table}: {first}") from None
            count = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            loaded[table] = int(count[0]) if count else 0
        if _DERIVED in tables:
            rebuild_count_rows(con)
            count = con.execute(f"SELECT count(*) FROM {_DERIVED}").fetchone()
            loaded[_DERIVED] = int(count[0]) if count else 0
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    return loaded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pactwatch.warehouse.reimport",
        description="Load a warehouse exported by another DuckDB (EXPORT DATABASE 'DIR'"
        " (FORMAT parquet)) into a new warehouse file of this pactwatch.",
    )
    parser.add_argument("export_dir", type=Path, metavar="DIR", help="the export's folder")
    parser.add_argument("target", type=Path, metavar="NEW.duckdb", help="the new warehouse file")
    args = parser.parse_args(argv)
    try:
        loaded = reimport(args.export_dir, args.target)
    except PactwatchError as exc:
        print(f"pactwatch: error: {exc}", file=sys.stderr)
        return exc.exit_code
    for table, rows in loaded.items():
        print(f"{table}\t{rows}")
    print(f"pactwatch: info: {args.target}: {sum(loaded.values())} rows loaded", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
