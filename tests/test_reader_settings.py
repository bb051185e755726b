"""Settings every warehouse connection gets."""

from __future__ import annotations

from pathlib import Path


def test_readers_draw_no_progress_bar(tmp_path: Path) -> None:
    """DuckDB draws a progress bar on the terminal for queries over two seconds; it
    must never land in `pactwatch sql` output (a million-claim warehouse gets there)."""
    from pactwatch.warehouse.db import open_writer
    from pactwatch.warehouse.query import run_sql

    db = tmp_path / "w.duckdb"
    with open_writer(db) as con:
        assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
    _, rows = run_sql(db, "SELECT current_setting('enable_progress_bar')")
    assert rows == [(False,)]
