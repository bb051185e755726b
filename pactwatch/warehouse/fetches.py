"""The `fetches` table: one row per HTTP request or file read, and the validators
(ETag, Last-Modified, a file's digest) the next read sends or compares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import duckdb

from pactwatch.clock import now_utc
from pactwatch.warehouse.batch import IN_TEXTS, registered_rows, texts
from pactwatch.warehouse.lake import redact

__all__ = [
    "FetchRecord",
    "fetch_validators",
    "file_validators",
    "latest_validators",
    "record_fetch",
    "record_fetches",
]


class FetchRecord(NamedTuple):
    """A row of `fetches` before it has its number (`record_fetches` gives it)."""

    run_id: str | None
    source: str | None
    url: str
    fetched_at: datetime
    status: int | None
    etag: str | None = None
    last_modified: str | None = None
    bytes: int | None = None
    content_type: str | None = None
    not_modified: bool = False
    error: str | None = None


_RECORD_TYPES = (
    ("run_id", "VARCHAR"),
    ("source", "VARCHAR"),
    ("url", "VARCHAR"),
    ("fetched_at", "TIMESTAMPTZ"),
    ("status", "INTEGER"),
    ("etag", "VARCHAR"),
    ("last_modified", "VARCHAR"),
    ("bytes", "BIGINT"),
    ("content_type", "VARCHAR"),
    ("not_modified", "BOOLEAN"),
    ("error", "VARCHAR"),
)


def record_fetch(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str | None,
    source: str | None,
    url: str,
    status: int | None,
    etag: str | None = None,
    last_modified: str | None = None,
    bytes: int | None = None,
    content_type: str | None = None,
    not_modified: bool = False,
    error: str | None = None,
    fetched_at: datetime | None = None,
) -> None:
    """One row per HTTP request or file read, successful or not.

    The row number is the next after the largest (a DuckLake table has no
    sequence; the warehouse's writer lock keeps two writers from taking one number).
    """
    con.execute(
        "INSERT INTO fetches (id, run_id, source, url, fetched_at, status, etag, last_modified,"
        " bytes, content_type, not_modified, error)"
        " SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM fetches",
        [
            run_id,
            source,
            url,
            fetched_at or now_utc(),
            status,
            etag,
            last_modified,
            bytes,
            content_type,
            not_modified,
            None if error is None else redact(error),
        ],
    )


def record_fetches(con: duckdb.DuckDBPyConnection, rows: Sequence[FetchRecord]) -> None:
    """Many fetch rows in one statement, numbered in order after the largest id: what
    `record_fetch` row by row would store (one scan of `fetches` instead of one per row)."""
    if not rows:
        return
    rows = [r._replace(error=None if r.error is None else redact(r.error)) for r in rows]
    names = ", ".join(name for name, _ in _RECORD_TYPES)
    with registered_rows(con, "_pactwatch_fetch_rows", _RECORD_TYPES, rows) as new:
        con.execute(
            f"INSERT INTO fetches (id, {names})"
            f" SELECT top.id + n._ordinal, {names} FROM {new} AS n,"
            " (SELECT coalesce(max(id), 0) AS id FROM fetches) AS top"
        )


def fetch_validators(con: duckdb.DuckDBPyConnection, url: str) -> tuple[str | None, str | None]:
    """ETag and Last-Modified of the latest successful fetch of `url`, for a conditional GET."""
    row = con.execute(
        "SELECT etag, last_modified FROM fetches"
        " WHERE url = ? AND error IS NULL AND status BETWEEN 200 AND 299 AND NOT not_modified"
        " ORDER BY fetched_at DESC, id DESC LIMIT 1",
        [url],
    ).fetchone()
    if row is None:
        return None, None
    return row[0], row[1]


def latest_validators(
    con: duckdb.DuckDBPyConnection, urls: Sequence[str]
) -> dict[str, tuple[str | None, str | None]]:
    """`fetch_validators` of each of `urls` in one read ((None, None) for a URL never
    read successfully)."""
    rows = con.execute(
        "SELECT url, etag, last_modified FROM ("
        " SELECT url, etag, last_modified,"
        "  row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, id DESC) AS n"
        f" FROM fetches WHERE url IN {IN_TEXTS}"
        "  AND error IS NULL AND status BETWEEN 200 AND 299 AND NOT not_modified"
        ") WHERE n = 1",
        [texts(list(urls))],
    ).fetchall()
    found = {str(r[0]): (r[1], r[2]) for r in rows}
    return {url: found.get(url, (None, None)) for url in urls}


def file_validators(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """Latest content digest (kept in `etag`) of each file a local source has read.

    The local-file analogue of a conditional GET: an unchanged file is not parsed again.
    """
    rows = con.execute(
        "SELECT url, arg_max(etag, fetched_at) FROM fetches"
        " WHERE source = ? AND error IS NULL AND etag IS NOT NULL AND url LIKE 'file:%'"
        " GROUP BY url",
        [source],
    ).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}
