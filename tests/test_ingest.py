"""Plain-Python steps of a run (no Prefect): local sources, documents to articles."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pactwatch.flows.config import SourceConfig
from pactwatch.flows.fetch import Fetcher
from pactwatch.flows.ingest import Document, collect_source, document_article, drop_leading_title

from .conftest import SAMPLE_SITE


def test_headline_repeated_as_first_line_is_dropped() -> None:
    text = "Slovenia becomes the 49th signatory\nLJUBLJANA - Slovenia signed.\nMore."
    assert drop_leading_title(text, "Slovenia becomes the 49th signatory.") == (
        "LJUBLJANA - Slovenia signed.\nMore."
    )
    # A first line that only starts like the title is body text: kept.
    assert drop_leading_title("Slovenia becomes a member\nx", "Slovenia").startswith("Slovenia")
    assert drop_leading_title("only one line", "only one line") == "only one line"


def test_sample_page_text_has_no_furniture_and_no_headline() -> None:
    page = SAMPLE_SITE / "news" / "slovenia-artemis.html"
    doc = Document(
        url="http://127.0.0.1/news/slovenia-artemis.html",
        kind="html",
        data=page.read_bytes().replace(b"{BASE}", b"http://127.0.0.1"),
    )
    article = document_article(doc)
    assert article.title == "Slovenia becomes the 49th signatory of the Artemis Accords"
    assert article.text.startswith("LJUBLJANA")
    for furniture in ("Related stories", "mark my words", "Advertisement", "All rights reserved"):
        assert furniture not in article.text
    assert article.published_at is not None and article.published_at.isoformat().startswith(
        "2026-11-20T11:00"
    )


def test_local_folder_source_skips_unchanged_files(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("Kenya signs the pact\n\nKenya signed the accords.", "utf-8")
    (folder / "b.html").write_bytes((SAMPLE_SITE / "news" / "senegal-ilrs.html").read_bytes())
    source = SourceConfig(name="inbox", kind="path", location=str(folder))
    with Fetcher() as fetcher:
        first = collect_source(
            source,
            fetcher=fetcher,
            validators={},
            known_urls=set(),
            follow_links=False,
            max_links=10,
        )
        assert sorted(d.kind for d in first.documents) == ["html", "text"]
        digests = {row.url: row.etag for row in first.fetches if row.etag}
        assert len(digests) == 2
        (folder / "a.txt").write_text("Kenya signs the pact\n\nKenya signed it on Monday.", "utf-8")
        again = collect_source(
            source,
            fetcher=fetcher,
            validators={},
            known_urls=set(),
            follow_links=False,
            max_links=10,
            file_digests=digests,
        )
    assert [d.url.rsplit("/", 1)[-1] for d in again.documents] == ["a.txt"]
    skipped = [row for row in again.fetches if row.not_modified]
    assert len(skipped) == 1 and skipped[0].url.endswith("b.html")
    assert skipped[0].etag == hashlib.sha256((folder / "b.html").read_bytes()).hexdigest()


def test_missing_local_path_is_an_input_error(tmp_path: Path) -> None:
    from pactwatch.errors import InputError

    source = SourceConfig(name="gone", kind="path", location=str(tmp_path / "nope"))
    with Fetcher() as fetcher, pytest.raises(InputError):
        collect_source(
            source,
            fetcher=fetcher,
            validators={},
            known_urls=set(),
            follow_links=False,
            max_links=10,
        )


def test_unchanged_text_is_not_extracted_again_and_extraction_bugs_are_contained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pactwatch.flows import ingest
    from pactwatch.parsers.gazetteer import Gazetteer

    gaz = Gazetteer.default()
    doc = Document(
        url="http://127.0.0.1/news/senegal-ilrs.html",
        kind="html",
        data=(SAMPLE_SITE / "news" / "senegal-ilrs.html").read_bytes(),
    )
    [(article, claims)], _ = ingest.extract_documents([doc], gazetteer=gaz)
    assert claims
    same, problems = ingest.extract_documents(
        [doc], gazetteer=gaz, known_hashes={doc.url: article.content_hash}
    )
    assert same == [] and problems == []
    changed, _ = ingest.extract_documents([doc], gazetteer=gaz, known_hashes={doc.url: "0" * 64})
    assert len(changed) == 1

    def broken(*args: object, **kwargs: object) -> list[object]:
        raise IndexError("rule bug")

    monkeypatch.setattr(ingest, "extract_claims", broken)
    [(kept, none)], problems = ingest.extract_documents([doc], gazetteer=gaz)
    assert kept.text == article.text and none == []
    assert len(problems) == 1 and "claim extraction failed (IndexError: rule bug)" in problems[0]
