"""Prefect artifacts of a run: its alerts as a table, and the report it refreshed
(`[report] path`) as a link; a report that cannot be written only warns."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pactwatch.flows.cli import main

from .conftest import SAMPLE_SITE
from .sample_site import SampleSite

pytestmark = pytest.mark.integration


def _artifacts(key: str) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        return list(
            client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
                sort=ArtifactSort.CREATED_DESC,
            )
        )


def _config(tmp_path: Path, base: str, report: str) -> Path:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"

[fetch]
retries = 0

[report]
path = "{report}"

[[sources]]
name = "orbital-ledger"
feed = "{base}/feed.xml"

[[channels]]
type = "console"
""",
        encoding="utf-8",
    )
    return cfg


def test_run_publishes_alerts_table_and_report_link(
    tmp_path: Path, prefect_harness: None, capsys: pytest.CaptureFixture[str]
) -> None:
    site = ThreadingHTTPServer(("127.0.0.1", 0), partial(SampleSite, directory=str(SAMPLE_SITE)))
    threading.Thread(target=site.serve_forever, daemon=True).start()
    host, port = site.server_address[:2]
    cfg = _config(tmp_path, f"http://{host!s}:{port}", "out/report.html")
    (tmp_path / "out").mkdir()
    try:
        SampleSite.day = "day1"
        assert main(["run", "--config", str(cfg)]) == 0
        SampleSite.day = "day2"
        assert main(["run", "--config", str(cfg)]) == 0
    finally:
        site.shutdown()
        site.server_close()
    report = tmp_path / "out" / "report.html"
    assert f"pactwatch: report: {report.resolve()}" in capsys.readouterr().err
    assert 'id="coalition-ilrs"' in report.read_text(encoding="utf-8")

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        [(run_id,)] = con.execute(
            "select distinct run_id from alerts"
        ).fetchall()  # every alert came from the day-2 run
        ids = sorted(r[0] for r in con.execute("select id from alerts").fetchall())
    tables = _artifacts("pactwatch-alerts")
    assert len(tables) >= 2  # one per run; the newest is day 2's
    latest = tables[0]
    assert latest.type == "table" and run_id in (latest.description or "")
    rows = json.loads(latest.data)  # a table artifact keeps the rows as JSON
    assert sorted(r["id"] for r in rows) == ids
    assert all(r["delivery"] == "console=delivered" and r["evidence"] for r in rows)
    assert any(r["alert"] == "ILRS members: 13 -> 14" for r in rows)
    [link, *_] = _artifacts("pactwatch-report")
    assert link.type == "markdown"  # Prefect keeps a link artifact as a Markdown link
    assert link.data == f"[pactwatch report (report.html)]({report.resolve().as_uri()})"


def test_a_report_that_cannot_be_written_only_warns(
    tmp_path: Path, prefect_harness: None, capsys: pytest.CaptureFixture[str]
) -> None:
    site = ThreadingHTTPServer(("127.0.0.1", 0), partial(SampleSite, directory=str(SAMPLE_SITE)))
    threading.Thread(target=site.serve_forever, daemon=True).start()
    host, port = site.server_address[:2]
    cfg = _config(tmp_path, f"http://{host!s}:{port}", "missing/report.html")
    try:
        SampleSite.day = "day1"
        assert main(["run", "--config", str(cfg)]) == 0  # the run itself went fine
    finally:
        site.shutdown()
        site.server_close()
    err = capsys.readouterr().err
    assert f"pactwatch: warning: report not written: {tmp_path / 'missing' / 'report.html'}" in err
    assert "no such folder" in err and "Traceback" not in err
