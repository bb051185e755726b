"""The `fetches` table: one row per HTTP request or file read, and the validators
(ETag, Last-Modified, a file's digest) the next read sends or compares."""

from __future__ import annotations

from datetime import datetime

import duckdb

from pactwatch.clock import now_utc
from pactwatch.warehouse.lake import redact

__all__ = ["fetch_validators", "file_validators", "record_fetch"]


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
