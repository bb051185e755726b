"""Read-only queries and their output formats (`pactwatch sql`, `pactwatch export`)."""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime as dt
import io
import json
import math
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO

from pactwatch.clock import iso_utc
from pactwatch.errors import PactwatchError, UsageError
from pactwatch.warehouse.db import (
    DEFAULT_READ_LOCK_TIMEOUT,
    Location,
    column_comments,
    open_reader,
    sandbox,
)

__all__ = [
    "EXPORTED_RELATIONS",
    "Column",
    "Relation",
    "describe_schema",
    "export_tables",
    "format_csv",
    "format_json_lines",
    "format_rows",
    "format_schema",
    "format_table",
    "jsonable",
    "run_sql",
]

EXPORTED_RELATIONS: tuple[str, ...] = (
    "sources",
    "fetches",
    "articles",
    "actors",
    "actor_aliases",
    "claims",
    "alerts",
    "alert_evidence",
    "deliveries",
    "runs",
    "member_counts",
    "memberships",
    "partnerships",
    "current_state",
    "conflicts",
)


def run_sql(
    path: Location,
    query: str,
    *,
    params: Mapping[str, str] | None = None,
    missing_ok: bool = False,
    lock_timeout: float | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a query on a sandboxed read-only connection. Returns (column names, rows).

    The connection cannot write the warehouse, touch any other file, attach a
    database or load an extension (`sandbox`). `params` binds named parameters
    (`$name` in the query) to text values, which DuckDB casts where the query
    needs another type. Values of JSON-typed columns come back decoded (a dict,
    a list, a number), so every output format writes them as JSON.

    A missing or locked warehouse raises `WarehouseUnavailable` (exit 3); an
    empty query, an SQL error or a refused statement raises `UsageError` with
    one line.
    """
    import duckdb

    _check_has_statement(query)
    timeout = DEFAULT_READ_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    with open_reader(path, missing_ok=missing_ok, lock_timeout=timeout) as con:
        sandbox(con)
        try:
            cursor = con.execute(query, dict(params)) if params else con.execute(query)
            description = cursor.description
            rows = cursor.fetchall() if description else []
        except duckdb.PermissionException as exc:
            raise UsageError(f"refused: {_REFUSED} ({_first_line(exc)})") from None
        except duckdb.Error as exc:
            raise UsageError(_sql_error(exc)) from None
    columns = [str(d[0]) for d in description or []]
    json_at = [i for i, d in enumerate(description or []) if str(d[1]) == "JSON"]
    if json_at:
        rows = [_decode_json(row, json_at) for row in rows]
    return columns, rows


_REFUSED = (
    "pactwatch sql only reads the warehouse; it cannot write or read files, attach"
    " databases or load extensions"
)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _sql_error(exc: BaseException) -> str:
    text = _first_line(exc)
    if "the configuration has been locked" in text:
        return f"refused: {_REFUSED} ({text})"
    if "read-only mode" in text:
        return f"refused: the warehouse is opened read-only ({text})"
    # DuckDB 1.5 says "... the following prepared statement parameters", 2.0 "... parameters".
    if "Values were not provided for the following" in text:
        return f"{text} (bind each with -p NAME VALUE)"
    return text


def _check_has_statement(query: str) -> None:
    import duckdb

    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise UsageError(_first_line(exc)) from None
    if not statements:
        raise UsageError(
            "the query is empty (nothing but spaces or comments); give an SQL statement"
        )


def _decode_json(row: tuple[Any, ...], at: Sequence[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in at:
        if isinstance(values[i], str):
            # DuckDB validates JSON on insert; any oddity stays text.
            with contextlib.suppress(ValueError):
                values[i] = json.loads(values[i])
    return tuple(values)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    description: str | None


@dataclass(frozen=True, slots=True)
class Relation:
    """A table or view of the warehouse with the descriptions stored by `COMMENT ON`."""

    name: str
    kind: Literal["table", "view"]
    description: str | None
    columns: tuple[Column, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "columns": [
                {"name": c.name, "type": c.type, "description": c.description} for c in self.columns
            ],
        }


_RELATIONS_SQL = """
SELECT table_name, 'table', comment FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
  AND NOT temporary
UNION ALL
SELECT view_name, 'view', comment FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
  AND NOT temporary
ORDER BY 2, 1
"""

_COLUMNS_SQL = """
SELECT table_name, column_name, data_type, comment FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
ORDER BY table_name, column_index
"""


def describe_schema(
    path: Location, *, missing_ok: bool = False, lock_timeout: float | None = None
) -> list[Relation]:
    """Every table and view of the warehouse (tables first), with its columns and the
    one-line descriptions the migrations store with `COMMENT ON`."""
    timeout = DEFAULT_READ_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    with open_reader(path, missing_ok=missing_ok, lock_timeout=timeout) as con:
        sandbox(con)
        relations = con.execute(_RELATIONS_SQL).fetchall()
        column_rows = con.execute(_COLUMNS_SQL).fetchall()
    # A DuckLake catalog keeps no comments on view columns: the migrations still say them.
    known = column_comments()
    columns: dict[str, list[Column]] = {}
    for table, name, type_, comment in column_rows:
        text = comment or known.get((str(table), str(name)))
        columns.setdefault(str(table), []).append(Column(str(name), str(type_), text or None))
    return [
        Relation(str(name), kind, comment or None, tuple(columns.get(str(name), ())))
        for name, kind, comment in relations
    ]


def format_schema(relations: Sequence[Relation], fmt: str = "table") -> str:
    """The schema as text (table), one JSON object per relation (json), or one CSV row
    per column (csv)."""
    if fmt == "json":
        return "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in relations)
    if fmt == "csv":
        rows = [
            (r.name, r.kind, r.description, c.name, c.type, c.description)
            for r in relations
            for c in r.columns
        ]
        cols = ["relation", "kind", "relation_description", "column", "type", "description"]
        return format_csv(cols, rows)
    if fmt != "table":
        raise UsageError(f"unknown format {fmt!r} (table, csv, json)")
    blocks: list[str] = []
    for r in relations:
        lines = [f"{r.kind} {r.name}" + (f": {r.description}" if r.description else "")]
        name_w = max((len(c.name) for c in r.columns), default=0)
        type_w = max((len(c.type) for c in r.columns if len(c.type) <= 30), default=0)
        for c in r.columns:
            line = f"  {c.name.ljust(name_w)}  {c.type.ljust(type_w)}"
            lines.append((line + ("  " + c.description if c.description else "")).rstrip())
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def jsonable(value: Any) -> Any:
    """A DuckDB value as JSON: datetimes ISO 8601 (UTC with Z when zoned), lists and structs kept."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return iso_utc(value)
    # Zone-less values (a date, a time of day, a TIMESTAMP without zone) are written as they are.
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return str(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    plain = jsonable(value)
    if isinstance(plain, str):
        return plain
    return json.dumps(plain, ensure_ascii=False)


def format_json_lines(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Iterator[str]:
    """One JSON object per row (no trailing newline on each line)."""
    for row in rows:
        yield json.dumps(
            {c: jsonable(v) for c, v in zip(columns, row, strict=True)}, ensure_ascii=False
        )


def format_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """RFC 4180 CSV with a header row; NULL is an empty field."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()


def format_table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 60
) -> str:
    """A plain aligned text table for humans; long cells are cut with an ellipsis."""

    def fit(text: str) -> str:
        text = text.replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[fit(_cell(v)) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def format_rows(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str = "table",
    *,
    out: TextIO | None = None,
) -> str:
    """Rows in one of the CLI formats (table, csv, json lines), as text; also written to `out`."""
    if fmt == "json":
        text = "".join(line + "\n" for line in format_json_lines(columns, rows))
    elif fmt == "csv":
        text = format_csv(columns, rows)
    elif fmt == "table":
        text = format_table(columns, rows)
    else:
        raise UsageError(f"unknown format {fmt!r} (table, csv, json)")
    if out is not None:
        out.write(text)
    return text


def export_tables(
    path: Location,
    out_dir: str | Path,
    fmt: Literal["parquet", "csv"] = "parquet",
) -> list[Path]:
    """Write every table and view to `out_dir/<name>.<fmt>`. Returns the files written."""
    import duckdb

    if fmt not in ("parquet", "csv"):
        raise UsageError(f"unknown export format {fmt!r} (parquet, csv)")
    target = Path(out_dir)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PactwatchError(f"cannot create {target}: {exc.strerror}") from None
    written: list[Path] = []
    option = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER true)"
    with open_reader(path) as con:
        for name in EXPORTED_RELATIONS:
            out = target / f"{name}.{fmt}"
            literal = str(out).replace("'", "''")
            try:
                con.execute(f"COPY (SELECT * FROM {name}) TO '{literal}' {option}")
            except duckdb.Error as exc:
                raise PactwatchError(f"cannot export {name}: {str(exc).splitlines()[0]}") from None
            written.append(out)
    return written
