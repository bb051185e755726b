"""A report from a warehouse with nothing in it yet still renders, and says so."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from pactwatch.clock import now_utc
from pactwatch.report.render import write_report
from pactwatch.warehouse.db import open_writer


def test_empty_warehouse_gives_a_page_that_says_so(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db):  # creates the file and runs the migrations
        pass
    out, data = write_report(db, tmp_path / "r.html", now=now_utc(), coalitions=["nato"])
    assert data.coalitions == [] and data.notes == ["no claims about 'nato' in this warehouse"]
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.select("section.coalition") == []
    assert "No coalition claims" in soup.get_text()
    assert "No source has run yet." in soup.get_text()
    assert soup.find("script", id="pactwatch-charts").get_text() == "{}"
    assert oct(out.stat().st_mode & 0o777) == "0o644"
