"""Ingesting legacy encodings: feeds, pages and text files in windows-1252, latin-1, or
with a BOM, decoded into stored and extracted text.

Through the real Prefect flow (`pactwatch run`) or the CLI, against a real local web
server (tests/ingest_site.py) and a real DuckDB file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from pactwatch.flows.cli import main

from .ingest_site import (
    KENYA,
    page_html,
    rows,
    rss,
    run,
    write_config,
)

pytestmark = pytest.mark.integration


def test_feeds_and_pages_in_legacy_encodings_decode_into_stored_text(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    title = "São Tomé signs the “Gulf of Guinea” maritime pact – café diplomacy"
    desc = (
        "Ministers met at a café in Libreville; São Tomé’s envoy called it “a naïve hope” no more."
    )
    # windows-1252 declared only in the XML prolog (curly quotes and dashes are 0x80-0x9f).
    httpserver.expect_request("/cp1252.xml").respond_with_data(
        rss(base, [("/a.html", title, desc)], encoding="windows-1252").encode("cp1252"),
        content_type="application/rss+xml",
    )
    # iso-8859-1 declared only in the Content-Type.
    latin_title = "Zürich hosts the Alpine rescue compact’s façade of unity".replace("’", "'")
    httpserver.expect_request("/latin1.xml").respond_with_data(
        rss(base, [("/b.html", latin_title, "Señora Müller said the compact had grown.")]).encode(
            "latin-1"
        ),
        content_type="text/xml; charset=iso-8859-1",
    )
    # A followed page in windows-1252, declared in the HTTP header only.
    httpserver.expect_request("/c.xml").respond_with_data(
        rss(base, [("/c.html", "Page in an old encoding", "teaser")]),
        content_type="application/rss+xml",
    )
    page_text = (
        "Bogotá and Brasília agreed a “river data” partnership – the envoys’ words.\n" + KENYA
    )
    httpserver.expect_request("/c.html").respond_with_data(
        page_html("Andean river data partnership", page_text)
        .replace("<meta charset='utf-8'>", "")
        .encode("cp1252"),
        content_type="text/html; charset=windows-1252",
    )
    cfg = write_config(
        tmp_path,
        [
            ("cp1252", "feed", f"{base}/cp1252.xml"),
            ("latin1", "feed", f"{base}/latin1.xml"),
            ("oldpage", "feed", f"{base}/c.xml"),
        ],
    )
    # The two feeds are read from their items' own content, the third follows its link.
    text = cfg.read_text("utf-8")
    for name in ("cp1252", "latin1"):
        text = text.replace(f'name = "{name}"', f'name = "{name}"\nfollow_links = false')
    cfg.write_text(text, "utf-8")
    assert run(cfg) == 0
    stored = dict(rows(tmp_path, "select source, title || ' | ' || text from articles"))
    assert stored["cp1252"] == f"{title} | {desc}"
    assert stored["latin1"] == f"{latin_title} | Señora Müller said the compact had grown."
    assert (
        "Bogotá and Brasília agreed a “river data” partnership – the envoys’ words."
        in (stored["oldpage"])
    )
    assert "\ufffd" not in "".join(stored.values())


def test_text_files_in_legacy_encodings_or_with_a_bom_decode(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from pactwatch.flows.ingest import Document, document_article

    story = "Bogotá and Brasília sign a “river data” pact\n\nThe envoys’ words – “a start”.\n"
    for data in (story.encode("cp1252"), b"\xef\xbb\xbf" + story.encode("utf-8")):
        article = document_article(Document(url="file:///in/a.txt", kind="text", data=data))
        assert article.title == "Bogotá and Brasília sign a “river data” pact"
        assert "The envoys’ words – “a start”." in article.text
    # The same over HTTP, the charset named only by the server.
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/wire.txt").respond_with_data(
        story.encode("cp1252"), content_type="text/plain; charset=windows-1252"
    )
    cfg = write_config(tmp_path, [])
    assert (
        main(["extract", f"{base}/wire.txt", "--kind", "text", "--json", "--config", str(cfg)]) == 0
    )
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["article"]["title"] == "Bogotá and Brasília sign a “river data” pact"
