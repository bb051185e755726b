"""`runs` tells the truth: finished, crashed (an exception), or interrupted (killed)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from pactwatch.flows.cli import main
from pactwatch.warehouse import runs
from pactwatch.warehouse.db import open_writer

from .wh_helpers import day


def statuses(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("select id, status from runs").fetchall())


def test_a_run_left_running_for_hours_is_marked_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    start = day(2026, 5, 1)
    with open_writer(db) as con:
        runs.start_run(con, "killed", started_at=start)
        runs.start_run(con, "recent", started_at=start + runs.STALE_RUN - timedelta(minutes=1))
        runs.start_run(con, "next", started_at=start + runs.STALE_RUN + timedelta(minutes=1))
    # Only the run older than STALE_RUN is declared dead; a recent one may still be going.
    assert statuses(db) == {"killed": "interrupted", "recent": "running", "next": "running"}


@pytest.mark.integration
def test_an_exception_mid_run_is_recorded_as_crashed(
    tmp_path: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pactwatch.flows.pipeline as pipeline

    def broken(cfg: object, **kwargs: object) -> None:
        raise RuntimeError("channel plug-in bug")

    monkeypatch.setattr(pipeline, "deliver", broken)
    cfg = tmp_path / "pactwatch.toml"
    # A run needs a source (zero sources is a configuration error since issue 13).
    news = Path(__file__).resolve().parents[1] / "samples" / "site" / "news"
    cfg.write_text(
        f'[warehouse]\npath = "w.duckdb"\n[[sources]]\nname = "local"\npath = "{news}"\n',
        encoding="utf-8",
    )
    with pytest.raises(RuntimeError, match="channel plug-in bug"):
        main(["run", "--config", str(cfg)])
    assert list(statuses(tmp_path / "w.duckdb").values()) == ["crashed"]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        row = con.execute("select summary->>'error', finished_at is not null from runs").fetchone()
    assert row == ("RuntimeError: channel plug-in bug", True)
