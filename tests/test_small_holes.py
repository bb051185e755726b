"""Issue 13's small holes: commands on a missing warehouse, numbers out of range,
a run with nothing to read, an empty feed, failures left from earlier deliveries,
and `--version`. Each is one line and an exit code, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from pactwatch import __version__
from pactwatch.errors import ConfigError
from pactwatch.flows.cli import main
from pactwatch.flows.config import Config, load_config
from pactwatch.flows.fetch import Fetcher
from pactwatch.flows.ingest import collect_source

from .conftest import free_port
from .wh_helpers import Desk, article, count, day


@pytest.mark.parametrize(
    "argv", [["deliver"], ["reextract"], ["export", "out"], ["deliver", "--retry-failed"]]
)
def test_commands_on_a_missing_warehouse_exit_3_and_create_nothing(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text('[warehouse]\npath = "nowhere/w.duckdb"\n', encoding="utf-8")
    assert main([*argv, "--config", str(cfg)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"pactwatch: error: warehouse {tmp_path / 'nowhere' / 'w.duckdb'} does not exist"
        " (nothing has been stored yet)"
    ]
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[alerts]\nmin_sources = -1\n", "alerts.min_sources must be at least 1 (got -1)"),
        ("[alerts]\nmin_sources = 0\n", "alerts.min_sources must be at least 1 (got 0)"),
        ("[fetch]\nsource_budget = 0\n", "fetch.source_budget must be more than 0 (got 0)"),
        ("[fetch]\ntimeout_total = -5\n", "fetch.timeout_total must be more than 0 (got -5)"),
        ("[fetch]\nworkers = 0\n", "fetch.workers must be at least 1 (got 0)"),
        ("[fetch]\nretries = -1\n", "fetch.retries must not be negative (got -1)"),
    ],
)
def test_numbers_out_of_range_are_configuration_errors(
    tmp_path: Path, text: str, message: str
) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert str(err.value) == f"{cfg}: {message}"


def test_a_run_with_no_sources_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text('[warehouse]\npath = "w.duckdb"\n', encoding="utf-8")
    assert main(["run", "--config", str(cfg)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"pactwatch: error: {cfg}: no sources to run"
        " (add a [[sources]] table with feed, page or path)"
    )
    assert not (tmp_path / "w.duckdb").exists()


def test_serve_interval_must_be_positive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(f'[[sources]]\nname = "x"\npath = "{tmp_path}"\n', encoding="utf-8")
    assert main(["serve", "--interval", "0", "--config", str(cfg)]) == 2
    assert capsys.readouterr().err.strip() == (
        "pactwatch: error: --interval must be more than 0 seconds (got 0)"
    )


def test_an_empty_feed_is_a_warning(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Quiet desk</title>"
        "<link>https://example.org/</link><description>nothing yet</description>"
        "</channel></rss>",
        content_type="application/rss+xml",
    )
    url = httpserver.url_for("/feed.xml")
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(f'[[sources]]\nname = "quiet"\nfeed = "{url}"\n', encoding="utf-8")
    loaded: Config = load_config(cfg)
    with Fetcher() as fetcher:
        harvest = collect_source(
            loaded.source("quiet"),
            fetcher=fetcher,
            validators={},
            known_urls=set(),
            follow_links=True,
            max_links=10,
        )
    assert not harvest.failed
    assert harvest.problems == [f"{url}: the feed has no items"]


def test_deliver_does_not_say_0_failed_while_failures_remain(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = Desk(tmp_path / "w.duckdb", channels=["webhook"])
    desk.feed("wire", [(article("a", day(2026, 2, 1)), [count("ilrs", 17)])], baseline=True)
    desk.feed("wire", [(article("b", day(2026, 3, 1)), [count("ilrs", 13)])])
    cfg = tmp_path / "pactwatch.toml"

    def config(url: str) -> Path:
        cfg.write_text(
            f'[warehouse]\npath = "w.duckdb"\n[alerts]\nmax_attempts = 1\n'
            f'[[channels]]\ntype = "webhook"\nurl = "{url}"\n',
            encoding="utf-8",
        )
        return cfg

    assert main(["deliver", "--config", str(config(f"http://127.0.0.1:{free_port()}/h"))]) == 1
    assert "deliveries: 0 delivered, 0 pending, 1 failed\n" in capsys.readouterr().err
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    assert main(["deliver", "--config", str(config(httpserver.url_for("/hook")))]) == 0
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "pactwatch: deliveries: 0 delivered, 0 pending, 0 failed (and 1 that failed earlier;"
        " `pactwatch deliver --retry-failed` sends them again)"
    )


def test_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pactwatch.flows.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"pactwatch {__version__}"
