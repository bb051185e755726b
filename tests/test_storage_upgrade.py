"""DuckDB files on the pinned DuckDB (1.5.5), for real: a fresh warehouse reopens
after a process dies with its write-ahead log unreplayed, a crash while migrating
leaves a file the next process opens, a warehouse at migration 008 upgrades through
009 with every row and id kept, and a file in a newer DuckDB storage format is one
clear line (file, cause, fix), never a traceback."""

from __future__ import annotations

import struct
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from pactwatch.errors import WarehouseUnavailable
from pactwatch.warehouse import migrate as migrate_module
from pactwatch.warehouse.alert_log import AlertRow, insert_alerts
from pactwatch.warehouse.db import open_reader, open_writer
from pactwatch.warehouse.fetches import record_fetch
from pactwatch.warehouse.migrate import available, latest_version

from .clirun import clean_env, run_cli

WHEN = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)


def _in_child(script: str, *args: str) -> None:
    """Run `script` in a fresh Python process (it ends with os._exit: a crash)."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(),
    )
    assert proc.returncode == 0, proc.stderr


def _alert(alert_id: str) -> AlertRow:
    return AlertRow(
        id=alert_id,
        kind="member_count_changed",
        subject="ILRS members: 13 -> 14",
        state_key="count:ilrs",
        coalition="ilrs",
        actor=None,
        actors=None,
        previous='{"value": 13}',
        current='{"value": 14}',
        created_at=WHEN,
        run_id="r1",
    )


def _sequences_and_defaults(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[object]]:
    sequences = [
        str(r[0])
        for r in con.execute("SELECT sequence_name FROM duckdb_sequences() ORDER BY 1").fetchall()
    ]
    defaults = [
        r[0]
        for r in con.execute(
            "SELECT column_default FROM duckdb_columns() WHERE database_name = current_database()"
            " AND (table_name, column_name) IN (('fetches', 'id'), ('alerts', 'seq'))"
        ).fetchall()
    ]
    return sequences, defaults


def test_fresh_warehouse_reopens_after_a_crash(tmp_path: Path) -> None:
    """A process creates a warehouse, writes fetches and alerts and a column comment
    (as a later migration would) and dies before any checkpoint: the next process
    replays the write-ahead log and finds everything."""
    path = tmp_path / "w.duckdb"
    _in_child(
        """
        import os, sys
        from datetime import UTC, datetime
        from pactwatch.warehouse.db import open_writer
        from pactwatch.warehouse.fetches import record_fetch
        from pactwatch.warehouse.alert_log import AlertRow, insert_alerts
        when = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
        with open_writer(sys.argv[1]) as con:
            pass  # created and migrated
        with open_writer(sys.argv[1]) as con:
            con.execute("SET checkpoint_threshold = '1GB'")
            con.execute("COMMENT ON COLUMN fetches.url IS 'URL or file read (new words)'")
            con.execute("COMMENT ON COLUMN alerts.seq IS 'Order of creation (new words)'")
            for n in range(3):
                record_fetch(con, run_id="r1", source="wire", url=f"https://example.org/{n}",
                             status=200, fetched_at=when)
            insert_alerts(con, [AlertRow(f"a{n}", "member_joined", "Chile joins", f"m:{n}",
                                         "ilrs", "CL", None, "{}", "{}", when, "r1")
                                for n in range(2)])
            assert os.path.getsize(sys.argv[1] + ".wal") > 0
            os._exit(0)  # no close, no checkpoint: the log holds all of it
        """,
        str(path),
    )
    assert (tmp_path / "w.duckdb.wal").stat().st_size > 0
    with open_reader(path) as con:
        fetched = con.execute("SELECT id, url FROM fetches ORDER BY id").fetchall()
        seqs = con.execute("SELECT id, seq FROM alerts ORDER BY seq").fetchall()
        comment = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'fetches'"
            " AND column_name = 'url'"
        ).fetchone()
        assert _sequences_and_defaults(con) == ([], [None, None])
        versions = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    assert fetched == [(n + 1, f"https://example.org/{n}") for n in range(3)]
    assert seqs == [("a0", 1), ("a1", 2)]
    assert comment == ("URL or file read (new words)",)
    assert versions == (latest_version(),)


@pytest.mark.parametrize("upto", [1, 6, 8])
def test_a_crash_while_migrating_leaves_a_file_to_open(tmp_path: Path, upto: int) -> None:
    """Killed right after migration `upto` committed (006 comments the tables whose
    defaults call nextval): the file opens and migrates on, nothing to replay."""
    path = tmp_path / "w.duckdb"
    _in_child(
        """
        import os, sys
        import duckdb
        from pactwatch.warehouse import migrate
        upto = int(sys.argv[2])
        shipped = migrate.available
        migrate.available = lambda: [m for m in shipped() if m.version <= upto]

        class DiesAfterMigrating:
            def __init__(self, con):
                self.con = con
            def execute(self, sql, *args):
                if sql.startswith("RESET"):  # every pending migration has committed
                    os._exit(0)
                return self.con.execute(sql, *args)

        migrate.migrate(DiesAfterMigrating(duckdb.connect(sys.argv[1])))
        """,
        str(path),
        str(upto),
    )
    assert not (tmp_path / "w.duckdb.wal").exists()
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (upto,)
    with open_writer(path) as con:
        record_fetch(con, run_id="r1", source="wire", url="https://example.org/", status=200)
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (
            latest_version(),
        )


def test_warehouse_at_008_upgrades_keeping_every_row_and_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows numbered by the old sequences keep their numbers through migration 009;
    the next rows are numbered after the largest; a crash after the upgrade replays."""
    path = tmp_path / "w.duckdb"
    shipped = available()
    assert 9 in {m.version for m in shipped}
    with monkeypatch.context() as patch:
        patch.setattr(migrate_module, "available", lambda: [m for m in shipped if m.version <= 8])
        with open_writer(path) as con:
            for n in range(4):  # ids from fetches_id_seq: 1..4, then 2 deleted
                con.execute(
                    "INSERT INTO fetches (run_id, source, url, fetched_at) VALUES (?, ?, ?, ?)",
                    ["r0", "wire", f"https://example.org/old/{n}", WHEN],
                )
            con.execute("DELETE FROM fetches WHERE id = 2")
            con.execute("SELECT nextval('alerts_seq')")  # a number spent, never stored
            for n in range(2):  # seq from alerts_seq: 2, 3
                con.execute(
                    "INSERT INTO alerts (id, kind, subject, state_key, created_at)"
                    " VALUES (?, 'member_joined', 'Chile joins', ?, ?)",
                    [f"old{n}", f"m:{n}", WHEN],
                )
            assert _sequences_and_defaults(con)[0] == ["alerts_seq", "fetches_id_seq"]
            assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (8,)
    before_fetches = _rows(path, "SELECT * FROM fetches ORDER BY id")
    before_alerts = _rows(path, "SELECT * FROM alerts ORDER BY seq")
    assert [r[0] for r in before_fetches] == [1, 3, 4]

    with open_writer(path) as con:  # migrations 009 and later run here
        assert _sequences_and_defaults(con) == ([], [None, None])
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (
            latest_version(),
        )
        comments = con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE (table_name, column_name)"
            " IN (('fetches', 'id'), ('alerts', 'seq')) ORDER BY 1"
        ).fetchall()
        assert all(text for _, text in comments) and len(comments) == 2
    assert _rows(path, "SELECT * FROM fetches ORDER BY id") == before_fetches
    assert _rows(path, "SELECT * FROM alerts ORDER BY seq") == before_alerts

    with open_writer(path) as con:
        record_fetch(con, run_id="r1", source="wire", url="https://example.org/new", status=200)
        insert_alerts(con, [_alert("new0"), _alert("new1")])
    assert [r[0] for r in _rows(path, "SELECT id FROM fetches ORDER BY id")] == [1, 3, 4, 5]
    assert _rows(path, "SELECT id, seq FROM alerts ORDER BY seq") == [
        ("old0", 2),
        ("old1", 3),
        ("new0", 4),
        ("new1", 5),
    ]

    # The upgraded file replays a log holding a comment on these tables' columns.
    _in_child(
        """
        import os, sys
        from pactwatch.warehouse.db import open_writer
        from pactwatch.warehouse.fetches import record_fetch
        with open_writer(sys.argv[1]) as con:
            con.execute("SET checkpoint_threshold = '1GB'")
            con.execute("COMMENT ON COLUMN fetches.id IS 'Row number (new words)'")
            record_fetch(con, run_id="r2", source="wire", url="https://example.org/after",
                         status=200)
            os._exit(0)
        """,
        str(path),
    )
    assert [r[0] for r in _rows(path, "SELECT id FROM fetches ORDER BY id")] == [1, 3, 4, 5, 6]


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with open_reader(path) as con:
        return con.execute(sql).fetchall()


# The main header of a DuckDB file (its first 4096 bytes): a checksum of the rest of
# the block (8 bytes), the magic "DUCK" (4 bytes), then the storage version number
# (8 bytes, little-endian). The checksum XORs, over each 8-byte word, the word times
# a constant, starting from 5381.
_HEADER_SIZE = 4096
_VERSION_AT = 12
_CHECKSUM_FACTOR = 0xBF58476D1CE4E5B9
_MASK = (1 << 64) - 1


def _checksum(block: bytes) -> int:
    result = 5381
    for (word,) in struct.iter_unpack("<Q", block):
        result ^= (word * _CHECKSUM_FACTOR) & _MASK
    return result


def _with_storage_version(source: Path, target: Path, version: int) -> None:
    data = bytearray(source.read_bytes())
    assert data[8:12] == b"DUCK"
    assert struct.unpack_from("<Q", data, 0)[0] == _checksum(bytes(data[8:_HEADER_SIZE]))
    struct.pack_into("<Q", data, _VERSION_AT, version)
    struct.pack_into("<Q", data, 0, _checksum(bytes(data[8:_HEADER_SIZE])))
    target.write_bytes(bytes(data))


def test_a_file_in_a_newer_storage_format_is_one_line(tmp_path: Path) -> None:
    """A warehouse written by DuckDB 2.x (storage version 999, read by 1.5.5 as 'too
    new'): one line naming the file, the cause and the fix, for writers, readers and
    the CLI, and the file is left as it was."""
    real = tmp_path / "real.duckdb"
    with open_writer(real) as con:
        record_fetch(con, run_id="r1", source="wire", url="https://example.org/", status=200)
    newer = tmp_path / "newer.duckdb"
    _with_storage_version(real, newer, 999)
    untouched = newer.read_bytes()
    for opener in (open_writer, open_reader):
        with pytest.raises(WarehouseUnavailable) as caught, opener(newer):
            pass
        message = str(caught.value)
        assert "\n" not in message
        assert str(newer) in message
        assert "newer DuckDB" in message and "storage version 999" in message
        assert "EXPORT DATABASE" in message and "docs/operations.md" in message
        assert "python -m pactwatch.warehouse.reimport DIR NEW.duckdb" in message
    assert newer.read_bytes() == untouched

    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(f'[warehouse]\npath = "{newer}"\n', encoding="utf-8")
    code, err, _ = run_cli(["sql", "--config", str(cfg), "select 1"], cwd=tmp_path, env=clean_env())
    assert code == 3
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert str(newer) in lines[0] and "newer DuckDB" in lines[0]


def test_a_file_in_an_older_storage_format_is_one_line(tmp_path: Path) -> None:
    real = tmp_path / "real.duckdb"
    with open_writer(real):
        pass
    older = tmp_path / "older.duckdb"
    _with_storage_version(real, older, 39)  # DuckDB 0.6
    with pytest.raises(WarehouseUnavailable) as caught, open_reader(older):
        pass
    message = str(caught.value)
    assert "\n" not in message and str(older) in message
    assert "older DuckDB" in message and "storage version 39" in message


def _described(con: duckdb.DuckDBPyConnection) -> list[tuple[str, ...]]:
    """Tables, views and columns without a description (none expected)."""
    return [
        tuple(str(v) for v in r)
        for r in con.execute(
            "SELECT table_name, NULL FROM duckdb_tables() WHERE database_name = current_database()"
            " AND comment IS NULL UNION ALL SELECT view_name, NULL FROM duckdb_views()"
            " WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal"
            " AND comment IS NULL UNION ALL SELECT table_name, column_name FROM duckdb_columns()"
            " WHERE database_name = current_database() AND schema_name = 'main'"
            " AND comment IS NULL"
        ).fetchall()
    ]


def _reimport(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pactwatch.warehouse.reimport", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=clean_env(),
    )


def test_an_export_loads_into_a_new_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented way across storage formats: EXPORT DATABASE (Parquet) of a
    warehouse at migration 008, then `python -m pactwatch.warehouse.reimport`: every
    row and id kept, every migration and description present, a column the export
    lacks left empty; a taken name or a folder that is no export is one line."""
    old = tmp_path / "old.duckdb"
    shipped = available()
    with monkeypatch.context() as patch:
        patch.setattr(migrate_module, "available", lambda: [m for m in shipped if m.version <= 8])
        with open_writer(old) as con:
            for n in range(3):
                con.execute(
                    "INSERT INTO fetches (run_id, source, url, fetched_at) VALUES (?, ?, ?, ?)",
                    ["r0", "wire", f"https://example.org/old/{n}", WHEN],
                )
            con.execute("DELETE FROM fetches WHERE id = 1")
            con.execute(
                "INSERT INTO alerts (id, kind, subject, state_key, created_at)"
                " VALUES ('old0', 'member_joined', 'Chile joins', 'm:cl', ?)",
                [WHEN],
            )
            con.execute(
                "INSERT INTO runs (id, started_at, status, owner) VALUES ('r0', ?, 'ok', 'h:1')",
                [WHEN],
            )
    export = tmp_path / "export"
    with duckdb.connect(str(old), read_only=True) as con:
        con.execute(f"EXPORT DATABASE '{export}' (FORMAT parquet)")
        fetches = con.execute("SELECT * FROM fetches ORDER BY id").fetchall()
        alerts = con.execute("SELECT * FROM alerts ORDER BY seq").fetchall()
    # An export from an older schema: runs without the `owner` column (migration 008).
    runs = export / "runs.parquet"
    duckdb.sql(
        f"COPY (SELECT * EXCLUDE (owner) FROM read_parquet('{runs}')) TO '{runs}.new' (FORMAT parquet)"
    )
    (export / "runs.parquet.new").replace(runs)

    new = tmp_path / "new.duckdb"
    proc = _reimport(str(export), str(new), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "fetches\t2" in proc.stdout.splitlines() and "alerts\t1" in proc.stdout.splitlines()
    with open_reader(new) as con:
        assert con.execute("SELECT * FROM fetches ORDER BY id").fetchall() == fetches
        assert con.execute("SELECT * FROM alerts ORDER BY seq").fetchall() == alerts
        assert con.execute("SELECT id, status, owner FROM runs").fetchall() == [("r0", "ok", None)]
        versions = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        assert [v[0] for v in versions] == [m.version for m in shipped]
        assert _sequences_and_defaults(con) == ([], [None, None])
        assert _described(con) == []
    with open_writer(new) as con:
        record_fetch(con, run_id="r1", source="wire", url="https://example.org/new", status=200)
        assert con.execute("SELECT max(id) FROM fetches").fetchone() == (4,)

    again = _reimport(str(export), str(new), cwd=tmp_path)
    assert again.returncode == 2 and again.stderr.strip().count("\n") == 0
    assert f"{new} exists" in again.stderr
    not_export = _reimport(str(tmp_path), str(tmp_path / "other.duckdb"), cwd=tmp_path)
    assert not_export.returncode == 2 and "not a DuckDB export" in not_export.stderr
    assert not (tmp_path / "other.duckdb").exists()

    # A table that cannot be loaded: one line, and no half-made warehouse left behind.
    duckdb.sql(
        f"COPY (SELECT 'not a number' AS id, url FROM read_parquet('{export / 'fetches.parquet'}'))"
        f" TO '{export / 'fetches.parquet'}.bad' (FORMAT parquet)"
    )
    (export / "fetches.parquet.bad").replace(export / "fetches.parquet")
    broken = _reimport(str(export), str(tmp_path / "broken.duckdb"), cwd=tmp_path)
    assert broken.returncode == 2, broken.stderr
    assert broken.stderr.strip().count("\n") == 0 and "cannot load into fetches" in broken.stderr
    assert not list(tmp_path.glob("broken.duckdb*"))
