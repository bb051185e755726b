"""The command line as users meet it: exit codes, one-line errors, data on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from pactwatch.flows.cli import build_parser, main

from .conftest import SEED

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [
    "run",
    "serve",
    "extract",
    "sql",
    "alerts",
    "sources",
    "test-alert",
    "deliver",
    "reextract",
    "export",
]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pactwatch.flows.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    help_text = sub.choices[command].format_help()  # type: ignore[union-attr]
    assert "example" in help_text
    assert f"pactwatch {command}" in help_text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pactwatch {command}" in readme


@pytest.mark.skipif(not SEED.is_file(), reason=f"shared seed not found at {SEED}")
def test_extract_seed_as_json_without_prefect(tmp_path: Path) -> None:
    probe = textwrap.dedent(
        f"""
        import sys
        from pactwatch.flows.cli import main
        code = main(["extract", {str(SEED)!r}, "--kind", "text", "--json"])
        print("PREFECT-LOADED" if "prefect" in sys.modules else "PREFECT-FREE", file=sys.stderr)
        sys.exit(code)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "PREFECT-FREE" in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert set(obj) == {"article", "claims"}
    assert set(obj["article"]) == {"url", "title", "published_at", "text"}
    assert "Advertisement" not in obj["article"]["text"]
    kinds = {c["kind"] for c in obj["claims"]}
    assert {"member_count", "left", "partnership"} <= kinds


def test_sql_on_missing_warehouse_is_exit_3(tmp_path: Path) -> None:
    result = run_cli("sql", "select 1", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.startswith("pactwatch: error: ")
    assert "Traceback" not in result.stderr


def test_sql_while_another_process_writes_is_exit_3(tmp_path: Path) -> None:
    db = tmp_path / "pactwatch.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('locked', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = run_cli("sql", "select 1", cwd=tmp_path)
    finally:
        holder.kill()
        holder.communicate()  # reaps the process and closes its stdout pipe
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pactwatch: error: ")
    assert "lock" in lines[0]


def test_sql_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text('[warehouse]\npath = "w.duckdb"\n', encoding="utf-8")
    from pactwatch.warehouse.db import open_writer

    with open_writer(tmp_path / "w.duckdb"):
        pass
    query = "select 17 as value, 'ilrs' as coalition"
    assert main(["sql", query, "--format", "json", "--config", str(cfg)]) == 0
    assert json.loads(capsys.readouterr().out) == {"value": 17, "coalition": "ilrs"}
    assert main(["sql", query, "--format", "csv", "--config", str(cfg)]) == 0
    assert capsys.readouterr().out.splitlines() == ["value,coalition", "17,ilrs"]
    assert main(["sql", query, "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "value" in out and "ilrs" in out
    # Read-only: writes are refused with a clear error, not a traceback.
    assert main(["sql", "create table x(a int)", "--config", str(cfg)]) != 0
    assert "pactwatch: error:" in capsys.readouterr().err


def test_usage_error_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["sql"])
    assert exc.value.code == 2
    assert "pactwatch: error:" in capsys.readouterr().err


def test_export_writes_every_table_and_view(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pactwatch.warehouse.db import open_writer

    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text('[warehouse]\npath = "w.duckdb"\n', encoding="utf-8")
    with open_writer(tmp_path / "w.duckdb"):
        pass
    out = tmp_path / "out"
    assert main(["export", str(out), "--format", "parquet", "--config", str(cfg)]) == 0
    written = capsys.readouterr().out.split()
    names = {Path(p).stem for p in written}
    assert {"articles", "claims", "alerts", "member_counts", "current_state"} <= names
    with duckdb.connect() as con:
        row = con.execute(
            f"select count(*) from read_parquet('{out / 'claims.parquet'}')"
        ).fetchone()
    assert row == (0,)
    assert main(["export", str(tmp_path / "csv"), "--format", "csv", "--config", str(cfg)]) == 0
    assert (
        (tmp_path / "csv" / "memberships.csv").read_text(encoding="utf-8").startswith("coalition")
    )
