"""One Prefect home per warehouse: a real `pactwatch run` with no Prefect settings
keeps its Prefect history in `.pactwatch-prefect/` next to the warehouse, never in
~/.prefect; an operator's own PREFECT_HOME wins."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

from .clirun import CliProcess, clean_env
from .conftest import SAMPLE_SITE

pytestmark = pytest.mark.integration


def flow_run_names(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [str(r[0]) for r in con.execute("select name from flow_run").fetchall()]
    finally:
        con.close()


def run_ids(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            str(r[0]) for r in con.execute("select id from runs order by started_at").fetchall()
        ]


def test_run_keeps_prefect_history_next_to_the_warehouse(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f'[warehouse]\npath = "data/w.duckdb"\n'
        f'[[sources]]\nname = "local"\npath = "{SAMPLE_SITE / "news"}"\n',
        encoding="utf-8",
    )
    env = clean_env({"HOME": str(home)})
    proc = CliProcess(["run", "-q", "--config", str(cfg)], cwd=tmp_path, env=env)
    assert proc.wait(300) == 0, proc.err.text()
    prefect_db = data / ".pactwatch-prefect" / "prefect.db"
    assert prefect_db.is_file(), proc.err.text()
    (first,) = run_ids(data / "w.duckdb")
    assert first in flow_run_names(prefect_db)
    assert not (home / ".prefect").exists()
    assert not (tmp_path / ".pactwatch-prefect").exists()

    # The operator's own home wins over the warehouse's.
    own = tmp_path / "own-prefect"
    proc = CliProcess(
        ["run", "-q", "--config", str(cfg)],
        cwd=tmp_path,
        env=clean_env({"HOME": str(home)}, home=own),
    )
    assert proc.wait(300) == 0, proc.err.text()
    second = run_ids(data / "w.duckdb")[-1]
    assert second in flow_run_names(own / "prefect.db")
    assert second not in flow_run_names(prefect_db)
    assert not (home / ".prefect").exists()
