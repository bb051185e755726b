"""Read-only queries and their output formats (`pactwatch sql`, `pactwatch export`)."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import math
import uuid
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO

from pactwatch.clock import iso_utc
from pactwatch.errors import PactwatchError, UsageError
from pactwatch.warehouse.db import DEFAULT_READ_LOCK_TIMEOUT, open_reader

__all__ = [
    "EXPORTED_RELATIONS",
    "export_tables",
    "format_csv",
    "format_json_lines",
    "format_rows",
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
    path: str | Path, query: str, *, missing_ok: bool = False, lock_timeout: float | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one query on a read-only connection. Returns (column names, rows).

    A missing or locked warehouse raises `WarehouseUnavailable` (exit 3); an SQL
    error (including any attempt to write) raises `UsageError` with DuckDB's
    one-line message.
    """
    import duckdb

    timeout = DEFAULT_READ_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    with open_reader(path, missing_ok=missing_ok, lock_timeout=timeout) as con:
        try:
            cursor = con.execute(query)
            description = cursor.description
            rows = cursor.fetchall() if description else []
        except duckdb.Error as exc:
            raise UsageError(str(exc).splitlines()[0]) from None
    columns = [str(d[0]) for d in description or []]
    return columns, rows


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
    path: str | Path,
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
