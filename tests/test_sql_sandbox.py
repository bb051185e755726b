"""`pactwatch sql` as a sandboxed reader, through the real command.

Every statement that would reach past the warehouse (write a file, read a host
file, attach a database, load an extension, undo the sandbox) exits 2 with one
line and leaves the folder exactly as it was. JSON columns come out as JSON,
named parameters bind, and `--schema` lists what the migrations describe.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pactwatch.warehouse.count_rows import refresh_count_rows
from pactwatch.warehouse.db import open_writer

pytestmark = pytest.mark.integration

SECRET = "top-secret-line-that-must-never-leave-the-host"


def run_sql_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pactwatch.flows.cli", "sql", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=120,
        env={**os.environ, "PACTWATCH_TEST_SECRET": SECRET},
    )


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `folder` with its size, mtime and digest."""
    return {
        str(p.relative_to(folder)): (
            p.stat().st_size,
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a warehouse holding a run, an alert and a count claim, a
    secret file beside it, and another DuckDB file someone might try to attach."""
    folder = tmp_path_factory.mktemp("sqldesk")
    with open_writer(folder / "pactwatch.duckdb") as con:
        con.execute(
            "INSERT INTO runs (id, started_at, finished_at, status, summary) VALUES ('run-1', TIMESTAMPTZ '2026-11-22 08:00:00+00',"
            " TIMESTAMPTZ '2026-11-22 08:01:00+00', 'ok', ?)",
            [json.dumps({"sources": 2, "failed": 0, "problems": ["feed x: HTTP 404"]})],
        )
        con.execute(
            "INSERT INTO alerts (id, seq, kind, subject, state_key, coalition, previous, current,"
            " created_at) VALUES ('a1', 1, 'member_count_changed', 'ILRS members: 13 -> 14',"
            " 'count:ilrs', 'ilrs', ?, ?, TIMESTAMPTZ '2026-11-22 08:01:00+00')",
            [json.dumps({"value": 13, "low": 13, "high": 13}), json.dumps({"value": 14})],
        )
        con.execute(
            "INSERT INTO articles (id, url, source, title, published_at, fetched_at,"
            " content_hash, text) VALUES ('art1', 'https://n.example/1', 'desk', 'T',"
            " TIMESTAMPTZ '2026-11-22 08:00:00+00', TIMESTAMPTZ '2026-11-22 08:01:00+00',"
            " 'h', 'The ILRS has 14 members.')"
        )
        con.execute(
            "INSERT INTO claims (id, article_id, kind, coalition, value, low, high, modality,"
            " sentence, created_at) VALUES ('c1', 'art1', 'member_count', 'ilrs', 14, 14, 14,"
            " 'asserted', 'The ILRS has 14 members.', TIMESTAMPTZ '2026-11-22 08:01:00+00')"
        )
        refresh_count_rows(con, ["art1"])  # what the writers do after storing claims
    (folder / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    other = duckdb.connect(str(folder / "other.duckdb"))
    other.execute("CREATE TABLE t AS SELECT 1 AS a")
    other.close()
    return folder


REFUSED = [
    "COPY runs TO 'leak.csv'",
    "COPY (SELECT * FROM claims) TO 'leak.parquet' (FORMAT parquet)",
    "EXPORT DATABASE 'dump'",
    "ATTACH 'other.duckdb' AS o",
    "ATTACH 'fresh.duckdb' AS f (READ_WRITE)",
    "ATTACH ':memory:' AS m",
    "SELECT * FROM read_csv('secret.txt')",
    "SELECT * FROM read_text('secret.txt')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('secret.txt')",
    "SELECT * FROM read_json('secret.txt')",
    "SELECT * FROM 'secret.txt'",
    "SELECT * FROM glob('*')",
    "SELECT getenv('PACTWATCH_TEST_SECRET')",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "RESET enable_external_access",
    "SET lock_configuration = false",
    "SET allowed_directories = ['/']",
    "CREATE TABLE x AS SELECT 1",
    "DELETE FROM claims",
    "SELECT 1; COPY runs TO 'leak2.csv'",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_statements_reaching_past_the_warehouse_are_refused(desk: Path, statement: str) -> None:
    before = snapshot(desk)
    result = run_sql_cli(desk, statement, "--format", "json")
    assert result.returncode == 2, (statement, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pactwatch: error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert SECRET not in result.stderr
    assert snapshot(desk) == before, f"{statement!r} touched a file"


def test_file_access_refusals_say_why(desk: Path) -> None:
    result = run_sql_cli(desk, "COPY runs TO 'leak.csv'")
    assert result.returncode == 2
    assert "refused" in result.stderr and "only reads the warehouse" in result.stderr


def test_json_columns_are_json_values(desk: Path) -> None:
    result = run_sql_cli(
        desk,
        "select r.id, r.summary, a.previous, a.current from runs r, alerts a",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["summary"] == {"sources": 2, "failed": 0, "problems": ["feed x: HTTP 404"]}
    assert row["previous"]["value"] == 13 and row["current"] == {"value": 14}
    # A JSON value computed in the query is JSON too; a plain string stays a string.
    result = run_sql_cli(
        desk, """select '{"a": [1, 2]}'::JSON as j, '{"a": 1}' as s""", "--format", "json"
    )
    assert json.loads(result.stdout) == {"j": {"a": [1, 2]}, "s": '{"a": 1}'}
    # CSV and table cells hold the JSON text, not a Python repr.
    csv_out = run_sql_cli(desk, "select summary from runs", "--format", "csv").stdout
    assert json.loads(csv_out.splitlines()[1].strip('"').replace('""', '"'))["sources"] == 2


def test_named_parameters(desk: Path) -> None:
    result = run_sql_cli(
        desk,
        "select coalition, value from member_counts where coalition = $c and value >= $v",
        "-p", "c", "ilrs",
        "--param", "v", "10",
        "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [json.loads(x) for x in result.stdout.splitlines()] == [
        {"coalition": "ilrs", "value": 14}
    ]
    # A value is data, never SQL.
    injected = run_sql_cli(
        desk, "select count(*) as n from claims where coalition = $c", "-p", "c", "x' or '1'='1",
        "--format", "json",
    )  # fmt: skip
    assert json.loads(injected.stdout) == {"n": 0}
    missing = run_sql_cli(desk, "select $a, $b", "-p", "a", "1")
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1 and "-p NAME VALUE" in missing.stderr


@pytest.mark.parametrize("query", ["", "   ", "-- only a comment", "/* nothing */ ;"])
def test_an_empty_or_comment_only_query_is_a_usage_error(desk: Path, query: str) -> None:
    result = run_sql_cli(desk, query)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "pactwatch: error: the query is empty (nothing but spaces or comments); give an SQL"
        " statement"
    ]


def test_no_query_and_no_schema_is_a_usage_error(desk: Path) -> None:
    result = run_sql_cli(desk)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "pactwatch: error: give a QUERY, or --schema"


def test_schema_lists_every_table_and_view_with_descriptions(desk: Path) -> None:
    result = run_sql_cli(desk, "--schema", "--format", "json")
    assert result.returncode == 0, result.stderr
    relations = {r["name"]: r for r in map(json.loads, result.stdout.splitlines())}
    expected_tables = {
        "sources", "fetches", "articles", "actors", "actor_aliases", "claims", "alerts",
        "alert_evidence", "deliveries", "runs", "schema_migrations",
    }  # fmt: skip
    expected_views = {"member_counts", "memberships", "partnerships", "current_state", "conflicts"}
    assert expected_tables <= {n for n, r in relations.items() if r["kind"] == "table"}
    assert expected_views <= {n for n, r in relations.items() if r["kind"] == "view"}
    for name, rel in relations.items():
        assert rel["description"], f"{name} has no description"
        assert rel["columns"], name
        for col in rel["columns"]:
            assert col["description"], f"{name}.{col['name']} has no description"
    claims_cols = {c["name"]: c for c in relations["claims"]["columns"]}
    assert claims_cols["modality"]["type"] == "VARCHAR"
    assert "asserted" in claims_cols["modality"]["description"]

    text = run_sql_cli(desk, "--schema").stdout
    assert text.startswith("table ")
    assert "view memberships: " in text
    assert "\n  since " in text


def test_plain_duckdb_clients_see_the_descriptions(desk: Path) -> None:
    with duckdb.connect(str(desk / "pactwatch.duckdb"), read_only=True) as con:
        row = con.execute(
            "SELECT comment FROM duckdb_views() WHERE view_name = 'memberships'"
        ).fetchone()
        assert row is not None and "member or left" in row[0]
        row = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'claims'"
            " AND column_name = 'ordinal'"
        ).fetchone()
        assert row is not None and "41" in row[0]


def test_schema_with_a_query_is_a_usage_error(desk: Path) -> None:
    result = run_sql_cli(desk, "select 1", "--schema")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
