"""What Prefect shows of a run: the flow run named by the pactwatch run id, a markdown
artifact with one row per source, and (under `serve`) Failed when a source failed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pactwatch.flows.cli import main

from .conftest import SAMPLE_SITE, free_port

pytestmark = pytest.mark.integration


def write_config(tmp_path: Path) -> Path:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"

[fetch]
retries = 0

[[sources]]
name = "local"
path = "{SAMPLE_SITE / "news"}"

[[sources]]
name = "gone"
feed = "http://127.0.0.1:{free_port()}/feed.xml"
""",
        encoding="utf-8",
    )
    return cfg


async def _flow_run_and_artifact(name: str) -> tuple[Any, Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterKey,
        FlowRunFilter,
        FlowRunFilterName,
    )

    async with get_client() as client:
        runs = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name]))
        )
        assert len(runs) == 1
        artifacts = await client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["pactwatch-run"])),
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])),
        )
    return runs[0], artifacts


def test_flow_run_is_named_by_the_run_id_and_has_an_artifact(
    tmp_path: Path, prefect_harness: None
) -> None:
    cfg = write_config(tmp_path)
    assert main(["run", "-q", "--config", str(cfg)]) == 1
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        row = con.execute("select id, status from runs").fetchone()
    assert row is not None and row[1] == "failed"
    run_id = str(row[0])
    flow_run, artifacts = asyncio.run(_flow_run_and_artifact(run_id))
    assert flow_run.name == run_id
    assert flow_run.state.type.value == "COMPLETED"  # `run` says failure by its exit code
    assert len(artifacts) == 1
    markdown = artifacts[0].data
    assert f"# pactwatch run {run_id}" in markdown
    assert "| local | ok | 7 | 0 | 7 | " in markdown
    assert "| gone | failed | 1 | 0 | 0 | 0 | 0 | http://127.0.0.1:" in markdown
    assert "deliveries: " in markdown


def test_under_serve_a_failed_source_fails_the_flow_run(
    tmp_path: Path,
    prefect_harness: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pactwatch.flows.pipeline import pactwatch_run

    monkeypatch.setenv("PACTWATCH_SERVED", "1")
    cfg = write_config(tmp_path)
    state = pactwatch_run(config_path=str(cfg), return_state=True)
    assert state.is_failed()
    assert "1 failed" in (state.message or "")
    # And serve's stderr gets the lines `pactwatch run` prints.
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("pactwatch: error: source gone: http://127.0.0.1:") for line in err)
    assert any(
        line.startswith("pactwatch: run ") and "2 source(s), 1 failed" in line for line in err
    )
