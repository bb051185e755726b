"""`[extract] model` reaches every extraction; a missing model is one line and exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from pactwatch.errors import ConfigError
from pactwatch.flows import runtime
from pactwatch.flows.cli import main
from pactwatch.flows.ingest import Document, extract_documents
from pactwatch.parsers import claims as claims_module
from pactwatch.parsers import nlp
from pactwatch.parsers.claims import extract_claims
from pactwatch.parsers.gazetteer import Gazetteer

from .conftest import SEED

ROOT = Path(__file__).resolve().parents[1]
MISSING = "no_such_model_xyz"
ILRS = "Pakistan joined the International Lunar Research Station in 2024, officials said."


def _bad_config(tmp_path: Path, feed: str = "http://127.0.0.1:9/feed.xml") -> Path:
    path = tmp_path / "pactwatch.toml"
    path.write_text(
        f'[warehouse]\npath = "{tmp_path / "w.duckdb"}"\n\n[extract]\nmodel = "{MISSING}"\n\n'
        f'[[sources]]\nname = "news"\nfeed = "{feed}"\n',
        encoding="utf-8",
    )
    return path


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pactwatch.flows.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=180,
    )


def _assert_one_model_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("pactwatch: error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(
        f"pactwatch: error: spaCy model '{MISSING}' is not installed; install it with: "
    )
    assert result.stdout == ""


@pytest.mark.integration
@pytest.mark.skipif(not SEED.is_file(), reason=f"shared seed not found at {SEED}")
def test_extract_with_a_missing_model_is_one_line_exit_2(tmp_path: Path) -> None:
    config = _bad_config(tmp_path)
    _assert_one_model_error(_cli("extract", str(SEED), "--config", str(config), cwd=tmp_path))


@pytest.mark.integration
def test_run_with_a_missing_model_fails_before_fetching(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data("<rss/>")
    config = _bad_config(tmp_path, feed=httpserver.url_for("/feed.xml"))
    _assert_one_model_error(_cli("run", "--config", str(config), cwd=tmp_path))
    assert httpserver.log == []  # nothing fetched
    assert not (tmp_path / "w.duckdb").exists()  # nothing opened


@pytest.mark.integration
def test_the_flow_itself_checks_the_model_before_fetching(tmp_path: Path) -> None:
    # `pactwatch serve` runs the flow without `cmd_run`: the flow checks on its own.
    from pactwatch.flows.pipeline import pactwatch_run

    with pytest.raises(nlp.ModelMissing, match=MISSING):
        pactwatch_run.fn(config_path=str(_bad_config(tmp_path)))
    assert not (tmp_path / "w.duckdb").exists()


def test_model_missing_is_a_config_error_not_an_article_problem() -> None:
    doc = Document(url="file:///x.txt", kind="text", data=ILRS.encode())
    with pytest.raises(nlp.ModelMissing) as caught:
        extract_documents([doc], gazetteer=Gazetteer.default(), model=MISSING)
    assert isinstance(caught.value, ConfigError) and caught.value.exit_code == 2


@pytest.mark.skipif(not SEED.is_file(), reason=f"shared seed not found at {SEED}")
def test_env_override_reaches_the_extractor(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []

    def recording(name: str = nlp.DEFAULT_MODEL) -> Any:
        asked.append(name)
        return nlp.load_pipeline(nlp.DEFAULT_MODEL)

    monkeypatch.setattr(runtime, "load_pipeline", recording)
    monkeypatch.setattr(claims_module, "load_pipeline", recording)
    monkeypatch.setenv("PACTWATCH_EXTRACT__MODEL", "my_english_pipeline")
    monkeypatch.chdir(tmp_path)  # no ./pactwatch.toml
    assert main(["extract", str(SEED), "--kind", "text", "--json"]) == 0
    assert capsys.readouterr().out.strip()
    # once up front (runtime.load_extractor), then by the extractor for the seed's candidates
    assert len(asked) >= 2 and set(asked) == {"my_english_pipeline"}


def test_the_pipeline_is_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    real_load = spacy.load
    calls: list[str] = []

    def counting(name: str, **kwargs: Any) -> Any:
        calls.append(name)
        return real_load(name, **kwargs)

    monkeypatch.setattr(spacy, "load", counting)
    nlp.load_pipeline.cache_clear()
    try:
        first = extract_claims(ILRS)
        second = extract_claims(ILRS.replace("Pakistan", "Thailand"))
    finally:
        nlp.load_pipeline.cache_clear()  # drop the pipeline loaded through the counter
    assert first and second
    assert calls == [nlp.DEFAULT_MODEL]


def test_stats_count_sentences_and_parsed_candidates() -> None:
    stats = claims_module.ExtractStats()
    text = f"The weather was mild. {ILRS} Markets closed higher."
    extract_claims(text, stats=stats)
    extract_claims("Nothing to see here.", stats=stats)
    assert (stats.sentences, stats.candidates) == (4, 1)
