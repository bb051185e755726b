"""`pactwatch deliver`: what gave up can be revived once the channel is fixed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from pactwatch.flows.cli import main

from .conftest import free_port
from .wh_helpers import Desk, article, count, day


def test_retry_failed_revives_and_delivers_once(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = Desk(tmp_path / "w.duckdb", channels=["webhook"])
    desk.feed("wire", [(article("a", day(2026, 2, 1)), [count("ilrs", 17)])], baseline=True)
    desk.feed("wire", [(article("b", day(2026, 3, 1)), [count("ilrs", 13)])])

    def config(url: str) -> Path:
        cfg = tmp_path / "pactwatch.toml"
        cfg.write_text(
            f'[warehouse]\npath = "w.duckdb"\n[alerts]\nmax_attempts = 1\n'
            f'[[channels]]\ntype = "webhook"\nurl = "{url}"\n',
            encoding="utf-8",
        )
        return cfg

    # Nothing listens: one attempt, and with max_attempts = 1 the delivery gives up.
    down = config(f"http://127.0.0.1:{free_port()}/hook")
    assert main(["deliver", "--config", str(down)]) == 1
    assert desk.sql("select status, attempts from deliveries") == [("failed", 1)]
    # Plain deliver leaves failed rows alone.
    up = config(httpserver.url_for("/hook"))
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    assert main(["deliver", "--config", str(up)]) == 0
    assert len(httpserver.log) == 0
    capsys.readouterr()
    assert main(["deliver", "--retry-failed", "--config", str(up)]) == 0
    assert "1 failed delivery back to pending" in capsys.readouterr().err
    assert len(httpserver.log) == 1
    assert desk.sql("select status from deliveries") == [("delivered",)]
    assert main(["deliver", "--retry-failed", "--config", str(up)]) == 0
    assert len(httpserver.log) == 1
