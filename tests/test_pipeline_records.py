"""Prefect tasks pass typed, frozen records and leave their inputs as they found them."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

from pactwatch.flows.config import load_config
from pactwatch.flows.ingest import Document, Harvest
from pactwatch.flows.pipeline import Extraction, RunPlan, extract_task


def test_extract_task_returns_problems_instead_of_editing_the_harvest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = load_config(None, environ={})
    text = b"Kenya signed the Artemis Accords on Tuesday, officials said.\n"
    harvest = Harvest(
        source="wire",
        documents=[
            Document(url="file:///empty.txt", kind="text", data=b"   \n"),
            Document(url="file:///kenya.txt", kind="text", data=text),
        ],
        problems=["feed is not well-formed: x"],
    )
    before = copy.deepcopy(harvest)
    (extraction,) = extract_task.fn(cfg, [harvest], {})
    assert harvest == before  # the input is untouched
    assert isinstance(extraction, Extraction) and extraction.source == "wire"
    assert extraction.problems == ("file:///empty.txt: no main text found",)
    [(article, claims)] = extraction.batch
    assert article.url == "file:///kenya.txt" and isinstance(claims, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        extraction.problems = ()  # type: ignore[misc]


def test_task_records_are_frozen_dataclasses() -> None:
    for record in (RunPlan, Extraction):
        assert dataclasses.is_dataclass(record)
        params = record.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen
