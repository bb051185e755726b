"""`[run] task_runner = "dask"`: parse-and-extract on a real two-worker Dask cluster
gives exactly the articles and claims of the default runner, each worker loading the
spaCy model once however many chunks it takes."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pytest_httpserver import HTTPServer

from pactwatch.errors import ConfigError
from pactwatch.flows.cli import main
from pactwatch.flows.config import load_config
from pactwatch.flows.dask_runner import _runner
from pactwatch.flows.ingest import Document, chunked

from .conftest import SAMPLE_SITE, SHARED, sample_text

pytestmark = pytest.mark.integration

DEV_TEXTS = SHARED / "corpora" / "real-news-dev" / "texts"

# Every field of a claim as the warehouse keeps it (the claim JSON), bar its row time.
CLAIMS = """
select a.url, c.id, c.kind, c.coalition, c.actor, c.actors, c.value, c.low, c.high,
       c.approx, c.ordinal, c.topic, c.modality, c.attributed_to, c.sentence,
       c.span_start, c.span_end, c.extractor_version
from claims c join articles a on a.id = c.article_id
order by a.url, c.span_start, c.id
"""
ARTICLES = "select url, title, published_at, content_hash, text from articles order by url"


def _model_calls() -> tuple[int, int]:
    """(loads, cached calls) of the spaCy pipeline in this process (a Dask worker)."""
    from pactwatch.parsers.nlp import load_pipeline

    info = load_pipeline.cache_info()
    return info.misses, info.hits


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as c,
        Client(c, set_as_default=False) as client,
    ):
        yield c, client


def _config(tmp_path: Path, name: str, base: str, folder: Path, run: str) -> Path:
    cfg = tmp_path / f"{name}.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "{name}.duckdb"
[fetch]
retries = 0
[alerts]
baseline = false
{run}
[[sources]]
name = "orbital"
feed = "{base}/feed.xml"
[[sources]]
name = "dev-texts"
path = "{folder}"
[[channels]]
type = "console"
""",
        encoding="utf-8",
    )
    return cfg


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.skipif(not DEV_TEXTS.is_dir(), reason=f"../shared not found: need {DEV_TEXTS}")
def test_dask_workers_extract_exactly_what_the_default_runner_does(
    tmp_path: Path,
    httpserver: HTTPServer,
    prefect_harness: None,
    cluster: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        sample_text("day2.xml", base), content_type="application/rss+xml"
    )
    for page in (SAMPLE_SITE / "news").glob("*.html"):
        httpserver.expect_request(f"/news/{page.name}").respond_with_data(
            sample_text(f"news/{page.name}", base), content_type="text/html; charset=utf-8"
        )
    folder = tmp_path / "texts"
    folder.mkdir()
    for text in sorted(DEV_TEXTS.glob("*.txt"))[:8]:
        shutil.copy(text, folder / text.name)
    local, client = cluster
    address = local.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")

    plain = _config(tmp_path, "plain", base, folder, "")
    spread = _config(
        tmp_path,
        "spread",
        base,
        folder,
        f'[run]\ntask_runner = "dask"\ntask_runner_address = "{address}"\nchunk_size = 2',
    )
    assert main(["run", "--config", str(plain)]) == 0
    assert main(["run", "--config", str(spread)]) == 0
    capsys.readouterr()

    articles = _rows(tmp_path / "plain.duckdb", ARTICLES)
    claims = _rows(tmp_path / "plain.duckdb", CLAIMS)
    assert len(articles) >= 12 and len(claims) >= 10
    assert _rows(tmp_path / "spread.duckdb", ARTICLES) == articles
    assert _rows(tmp_path / "spread.duckdb", CLAIMS) == claims
    # Alerts follow from the same claims.
    alerts = "select id, kind, subject, state_key from alerts order by id"
    assert _rows(tmp_path / "spread.duckdb", alerts) == _rows(tmp_path / "plain.duckdb", alerts)

    # Both workers took chunks (6 chunks of at most 2 documents), and each loaded
    # the model exactly once: at start-up by the plugin, then cached for every chunk.
    calls = client.run(_model_calls)
    assert len(calls) == 2
    assert all(loads == 1 for loads, _ in calls.values()), calls
    assert all(hits >= 1 for _, hits in calls.values()), calls
    assert sum(hits for _, hits in calls.values()) >= 6


def test_an_unknown_task_runner_is_one_configuration_line(tmp_path: Path) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text('[run]\ntask_runner = "daks"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    message = str(err.value)
    assert "\n" not in message
    assert "run.task_runner must be one of threads, dask (got 'daks')" in message
    assert "did you mean 'dask'?" in message

    cfg.write_text('[run]\ntask_runner_address = "tcp://127.0.0.1:8786"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape('needs run.task_runner = "dask"')):
        load_config(cfg)
    cfg.write_text(
        '[run]\ntask_runner = "dask"\ntask_runner_address = "http://sched/"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="must be a Dask scheduler address"):
        load_config(cfg)


def test_an_unreachable_scheduler_is_one_error_line(
    tmp_path: Path, prefect_harness: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from .conftest import free_port

    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("Peru signed the Artemis Accords on Monday.\n", encoding="utf-8")
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"
[run]
task_runner = "dask"
task_runner_address = "tcp://127.0.0.1:{free_port()}"
[[sources]]
name = "texts"
path = "{folder}"
""",
        encoding="utf-8",
    )
    assert main(["run", "--config", str(cfg)]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(err) == 1, err
    assert "cannot start parse-and-extract on the Dask scheduler at tcp://127.0.0.1:" in err[0]
    # Nothing was lost: the file is read again by the next run.
    assert _rows(tmp_path / "w.duckdb", "select count(*) from articles") == [(0,)]


def test_the_default_local_cluster_is_private_and_chunks_keep_order(tmp_path: Path) -> None:
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text('[run]\ntask_runner = "dask"\ndask_workers = 2\n', encoding="utf-8")
    runner = _runner(load_config(cfg))
    assert runner.address is None
    assert runner.cluster_kwargs == {
        "n_workers": 2,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": "127.0.0.1:0",
    }
    docs = [Document(url=f"https://example.org/{i}", kind="text") for i in range(7)]
    parts = chunked(docs, 3)
    assert [len(p) for p in parts] == [3, 3, 1]
    assert [d for p in parts for d in p] == docs
