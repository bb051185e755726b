"""`pactwatch reextract`: new claims from stored text after the extractor changed,
and never an alert twice."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from pactwatch.alerts.options import AlertOptions
from pactwatch.flows.cli import main
from pactwatch.flows.ingest import Document, document_article
from pactwatch.flows.record import record_and_detect
from pactwatch.parsers.claims import EXTRACTOR_VERSION, extract_claims
from pactwatch.warehouse.db import open_writer

from .conftest import SAMPLE_SITE


def page(slug: str) -> Document:
    data = (SAMPLE_SITE / "news" / f"{slug}.html").read_bytes()
    base = b"http://127.0.0.1:9"
    return Document(
        url=f"http://127.0.0.1:9/news/{slug}.html", kind="html", data=data.replace(b"{BASE}", base)
    )


def count(db: Path, sql: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def test_reextract_fills_claims_an_old_extractor_missed_and_alerts_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.duckdb"
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text('[warehouse]\npath = "w.duckdb"\n[[channels]]\ntype = "console"\n', "utf-8")
    now = datetime.now(UTC)
    day1 = document_article(page("ilrs-thirteen"))
    day2 = document_article(page("senegal-ilrs"))
    with open_writer(db) as con:
        # Day 1 read by the current extractor, as a baseline.
        record_and_detect(
            con,
            "wire",
            [(day1, extract_claims(day1.text))],
            extractor_version=EXTRACTOR_VERSION,
            fetched_at=now,
            baseline=True,
            channels=["console"],
            options=AlertOptions(),
            now=now,
        )
        # Day 2 read by an "old" extractor that found nothing.
        record_and_detect(
            con,
            "wire",
            [(day2, [])],
            extractor_version="0-old",
            fetched_at=now,
            baseline=False,
            channels=["console"],
            options=AlertOptions(),
            now=now,
        )
    assert count(db, "select count(*) from alerts") == 0

    assert main(["reextract", "--config", str(cfg)]) == 0
    err = capsys.readouterr().err
    assert "reextract: 1 article(s)" in err
    assert (
        count(
            db,
            "select count(*) from claims c join articles a on a.id = c.article_id "
            "where a.url like '%senegal%'",
        )
        >= 1
    )
    assert (
        count(db, f"select count(*) from claims where extractor_version <> '{EXTRACTOR_VERSION}'")
        == 0
    )
    alerts = count(db, "select count(*) from alerts")
    assert (
        count(
            db,
            "select count(*) from alerts where kind = 'member_count_changed' "
            "and coalition = 'ilrs'",
        )
        == 1
    )
    assert count(db, "select count(*) from deliveries where status = 'delivered'") == alerts

    # Again, over everything: the same claims, no new alert, nothing re-sent.
    assert main(["reextract", "--all", "--config", str(cfg)]) == 0
    assert count(db, "select count(*) from alerts") == alerts
    assert count(db, "select count(*) from deliveries") == alerts
