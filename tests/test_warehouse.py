"""Warehouse: migrations, batched writes, views, read-only queries, the cross-process lock."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pactwatch.errors import UsageError, WarehouseUnavailable
from pactwatch.parsers.claims import extract_claims
from pactwatch.parsers.model import Claim
from pactwatch.warehouse import store
from pactwatch.warehouse.db import open_reader, open_writer
from pactwatch.warehouse.migrate import available, migrate
from pactwatch.warehouse.query import export_tables, format_rows, run_sql
from tests.wh_helpers import AGENCIES, article, count, day, joined, left, partner


def test_migrations_are_recorded_and_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "dir" / "w.duckdb"
    with open_writer(db) as con:
        versions = [
            r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        ]
        assert versions == [m.version for m in available()]
        assert migrate(con) == []
    with open_writer(db) as con:
        assert migrate(con) == []
        names = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert {
        "sources",
        "fetches",
        "articles",
        "actors",
        "actor_aliases",
        "claims",
        "alerts",
        "alert_evidence",
        "deliveries",
        "runs",
        "member_counts",
        "memberships",
        "partnerships",
        "current_state",
        "conflicts",
    } <= names


def test_missing_warehouse(tmp_path: Path) -> None:
    with (
        pytest.raises(WarehouseUnavailable, match="does not exist"),
        open_reader(tmp_path / "none.duckdb"),
    ):
        pass
    with open_reader(tmp_path / "none.duckdb", missing_ok=True) as con:
        assert con.execute("SELECT count(*) FROM current_state").fetchone() == (0,)
    assert not (tmp_path / "none.duckdb").exists()


def test_sources_and_fetches(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db) as con:
        assert store.ensure_source(con, "news", "feed", "https://x/rss") is True
        assert store.ensure_source(con, "news", "feed", "https://x/rss2") is False
        assert store.baseline_pending(con, "news")
        store.mark_baseline_done(con, "news")
        assert not store.baseline_pending(con, "news")
        assert store.fetch_validators(con, "https://x/rss") == (None, None)
        store.record_fetch(
            con,
            run_id="r1",
            source="news",
            url="https://x/rss",
            status=200,
            etag='"a"',
            last_modified="Mon, 01 Jan 2024 00:00:00 GMT",
            bytes=10,
            content_type="application/rss+xml",
            fetched_at=day(2024, 1, 1),
        )
        store.record_fetch(
            con,
            run_id="r2",
            source="news",
            url="https://x/rss",
            status=304,
            not_modified=True,
            fetched_at=day(2024, 1, 2),
        )
        store.record_fetch(
            con,
            run_id="r3",
            source="news",
            url="https://x/rss",
            status=503,
            error="HTTP 503",
            fetched_at=day(2024, 1, 3),
        )
        assert store.fetch_validators(con, "https://x/rss") == (
            '"a"',
            "Mon, 01 Jan 2024 00:00:00 GMT",
        )
        assert con.execute("SELECT count(*) FROM fetches").fetchone() == (3,)
        assert con.execute("SELECT location FROM sources").fetchone() == ("https://x/rss2",)


def test_store_articles_upserts_by_url_and_keeps_claims_of_unchanged_text(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    a1 = article("a1", day(2024, 5, 3), "ILRS has 17 members.")
    a2 = article("a2", day(2024, 5, 4), "Peru joined.")
    with open_writer(db) as con:
        first = store.store_articles(
            con,
            "news",
            [(a1, [count("ilrs", 17)]), (a2, [joined("artemis-accords", "PE", 41)])],
            extractor_version="v1",
            fetched_at=day(2024, 5, 5),
        )
        assert first.new_articles == 2 and len(first.changed_article_ids) == 2
        assert len(first.new_claim_ids) == 2
        claim_ids = {r[0] for r in con.execute("SELECT id FROM claims").fetchall()}

        again = store.store_articles(
            con,
            "news",
            [(a1, [count("ilrs", 17)])],
            extractor_version="v1",
            fetched_at=day(2024, 5, 6),
        )
        assert again.changed_article_ids == [] and again.unchanged_articles == 1
        assert {r[0] for r in con.execute("SELECT id FROM claims").fetchall()} == claim_ids

        edited = article("a1", day(2024, 5, 3), "ILRS has 13 members.")
        changed = store.store_articles(
            con,
            "news",
            [(edited, [count("ilrs", 13)])],
            extractor_version="v1",
            fetched_at=day(2024, 5, 7),
        )
        assert changed.updated_articles == 1
        assert changed.changed_article_ids == first.article_ids[:1]
        rows = con.execute(
            "SELECT value FROM claims WHERE article_id = ?", [first.article_ids[0]]
        ).fetchall()
        assert rows == [(13,)]
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (2,)
        hashes = store.known_hashes(con, [a1.url or "", "https://nowhere"])
        assert hashes == {a1.url: edited.content_hash}
        assert a1.url in store.known_urls(con)
        # every claim field of DESIGN section 4 is stored
        row = con.execute(
            "SELECT kind, coalition, actor, ordinal, modality, attributed_to, span_start, span_end,"
            " extractor_version FROM claims WHERE kind = 'joined'"
        ).fetchone()
        assert row is not None and row[:5] == ("joined", "artemis-accords", "PE", 41, "asserted")


def test_article_without_url_and_story_grouping(tmp_path: Path) -> None:
    from pactwatch.parsers.model import Article

    db = tmp_path / "w.duckdb"
    title = "China accuses US of meddling in lunar station partnerships"
    a = Article(url=None, title=title, published_at=None, text="Some text here.")
    b = article("copy", day(2024, 5, 3), "Different wording of the same story.", title=title + "!")
    with open_writer(db) as con:
        res = store.store_articles(con, "files", [(a, []), (b, [])], extractor_version="v1")
        urls = {r[0] for r in con.execute("SELECT url FROM articles").fetchall()}
        stories = {r[0] for r in con.execute("SELECT story_id FROM articles").fetchall()}
    assert any(u.startswith("urn:pactwatch:files:") for u in urls)
    assert len(res.article_ids) == 2 and len(stories) == 1


def test_replace_claims_and_reextract_listing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db) as con:
        res = store.store_articles(
            con,
            "news",
            [(article("a", day(2024, 1, 1)), [count("ilrs", 17)])],
            extractor_version="v1",
        )
        aid = res.article_ids[0]
        assert [s.id for s in store.articles_for_reextract(con, extractor_version="v2")] == [aid]
        assert store.replace_claims(con, aid, [count("ilrs", 17)], "v2") == []
        assert store.articles_for_reextract(con, extractor_version="v2") == []
        new = store.replace_claims(con, aid, [count("ilrs", 17), joined("ilrs", "PK")], "v3")
        assert len(new) == 1
        assert con.execute(
            "SELECT count(*) FROM claims WHERE extractor_version = 'v3'"
        ).fetchone() == (2,)
        stored = store.articles_for_reextract(con)[0]
        assert (
            stored.article.text == "Text of a." and stored.article.url == "https://news.example/a"
        )


def _fill(db: Path) -> None:
    with open_writer(db) as con:
        store.upsert_actors(con, AGENCIES)
        store.store_articles(
            con,
            "news",
            [
                (
                    article("old", day(2024, 5, 3)),
                    [
                        count("ilrs", 17),
                        joined("ilrs", "PK"),
                        partner("CN", "roscosmos", topic="lunar nuclear power"),
                        joined("artemis-accords", "nasa"),
                    ],
                ),
                (
                    article("new", day(2025, 4, 20)),
                    [
                        count("ilrs", 13),
                        left("ilrs", "PK"),
                        joined("artemis-accords", "PE", 41),
                        partner("cnsa", "RU", ended=True),
                    ],
                ),
                (
                    article("same-month", day(2025, 4, 2)),
                    [count("ilrs", 17), count("ilrs", 14, modality="hedged")],
                ),
                (article("also-13", day(2025, 4, 25)), [count("ilrs", 13)]),
            ],
            extractor_version="v1",
            fetched_at=day(2025, 5, 1),
        )


def test_views(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _fill(db)
    cols, rows = run_sql(db, "SELECT * FROM member_counts ORDER BY published_at, value")
    assert {
        "coalition",
        "value",
        "low",
        "high",
        "approx",
        "published_at",
        "article_url",
        "attributed_to",
        "modality",
        "sentence",
    } <= set(cols)
    assert ("artemis-accords", 41) in [(r[0], r[1]) for r in rows]

    _, members = run_sql(
        db, "SELECT coalition, actor, status, since, article_url FROM memberships ORDER BY 1, 2"
    )
    assert [(r[0], r[1], r[2]) for r in members] == [
        ("artemis-accords", "PE", "member"),
        ("artemis-accords", "US", "member"),  # nasa stands for the US
        ("ilrs", "PK", "left"),
    ]
    assert members[2][3] == day(2025, 4, 20) and members[2][4].endswith("/new")

    _, pairs = run_sql(db, "SELECT actor_a, actor_b, topic, status, since FROM partnerships")
    assert pairs == [("CN", "RU", "lunar research", "ended", day(2025, 4, 20))]

    _, state = run_sql(
        db, "SELECT coalition, value, members_known, as_of FROM current_state ORDER BY 1"
    )
    assert state == [
        ("artemis-accords", 41, 2, day(2025, 4, 20)),
        ("ilrs", 13, 0, day(2025, 4, 25)),
    ]

    _, conflicts = run_sql(db, "SELECT coalition, summary, figures FROM conflicts")
    assert conflicts == [("ilrs", "2 articles say 13, 1 article says 17", 2)]
    # One outlet, weeks apart: changes, not disagreements about the same moment.
    assert run_sql(db, "SELECT * FROM disagreements")[1] == []


def test_run_sql_is_read_only_and_formats(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _fill(db)
    with pytest.raises(UsageError):
        run_sql(db, "DELETE FROM claims")
    cols, rows = run_sql(
        db,
        "SELECT m.coalition, m.published_at, c.actors FROM member_counts m"
        " JOIN claims c ON c.id = m.claim_id ORDER BY m.published_at LIMIT 1",
    )
    line = json.loads(format_rows(cols, rows, "json"))
    assert line == {"coalition": "ilrs", "published_at": "2024-05-03T00:00:00Z", "actors": None}
    assert format_rows(cols, rows, "csv").splitlines()[0] == "coalition,published_at,actors"
    assert "ilrs" in format_rows(cols, rows, "table")
    with pytest.raises(UsageError):
        format_rows(cols, rows, "xml")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export(tmp_path: Path, fmt: str) -> None:
    db = tmp_path / "w.duckdb"
    _fill(db)
    written = export_tables(db, tmp_path / "out", fmt=fmt)  # type: ignore[arg-type]
    assert {p.stem for p in written} >= {"claims", "member_counts", "current_state"}
    reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
    claims = tmp_path / "out" / f"claims.{fmt}"
    assert duckdb.connect().execute(f"SELECT count(*) FROM {reader}('{claims}')").fetchall() == [
        (11,)
    ]


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold(db: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_held_by_another_process_is_warehouse_unavailable(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db):
        pass
    holder = _hold(db, 30)
    try:
        # The message names the holder, and a reader as a possible cause (issue 13).
        expected = (
            f"warehouse {db} is locked by another process, PID {holder.pid} ({sys.executable} -c"
        )
        with pytest.raises(WarehouseUnavailable) as err, open_writer(db, lock_timeout=0.3):
            pass
        assert str(err.value).startswith(expected), str(err.value)
        assert str(err.value).endswith(
            "even read-only (a notebook), keeps writers out until it closes it"
        )
        assert err.value.exit_code == 3
        with pytest.raises(WarehouseUnavailable, match="locked by another process"):
            run_sql(db, "SELECT 1", lock_timeout=0.2)
    finally:
        holder.kill()
        holder.communicate()


def test_writer_waits_for_a_short_lock(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db):
        pass
    holder = _hold(db, 1.0)
    try:
        started = time.monotonic()
        with open_writer(db, lock_timeout=20) as con:
            assert con.execute("SELECT 1").fetchone() == (1,)
        assert time.monotonic() - started < 20
    finally:
        holder.kill()
        holder.communicate()


def test_views_break_same_article_ties_by_position_in_text(tmp_path: Path) -> None:
    from dataclasses import replace

    db = tmp_path / "w.duckdb"
    formed = replace(partner("CN", "esa"), span=(10, 40))
    ended = replace(partner("CN", "esa", ended=True), span=(50, 90))
    joined_then_left = [
        replace(joined("ilrs", "esa"), span=(0, 9)),
        replace(left("ilrs", "esa"), span=(95, 120)),
    ]
    with open_writer(db) as con:
        store.store_articles(
            con,
            "news",
            [(article("a", day(2024, 1, 1)), [formed, ended, *joined_then_left])],
            extractor_version="v1",
        )
    _, pairs = run_sql(db, "SELECT actor_a, actor_b, status, since FROM partnerships")
    assert pairs == [("CN", "esa", "ended", day(2024, 1, 1))]
    _, members = run_sql(db, "SELECT actor, status, since FROM memberships")
    assert members == [("esa", "left", day(2024, 1, 1))]


def test_unreadable_files_are_warehouse_unavailable(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(WarehouseUnavailable, match="unreadable"):
        run_sql(junk, "SELECT 1")
    with pytest.raises(WarehouseUnavailable, match="unreadable"), open_writer(junk):
        pass
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with (
        pytest.raises(WarehouseUnavailable, match="cannot create"),
        open_writer(blocker / "w.duckdb"),
    ):
        pass


def test_a_foreign_duckdb_file_is_read_as_it_is(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t AS SELECT 42 AS answer")
    con.close()
    assert run_sql(other, "SELECT answer FROM t") == (["answer"], [(42,)])
    with duckdb.connect(str(other), read_only=True) as check:
        assert check.execute("SELECT count(*) FROM information_schema.tables").fetchone() == (1,)


def test_organisations_outside_the_gazetteer_join_the_actors_table(tmp_path: Path) -> None:
    text = (
        "The Korea Astronomy and Space Science Institute (KASI) builds magnetometers. "
        "KASI will work with NASA on a lunar lander. "
        "Rocket Lab signed an agreement with the Luxembourg Space Agency on lunar mining."
    )
    a = article("orgs", day(2025, 6, 1), text)
    with open_writer(tmp_path / "w.duckdb") as con:
        store.upsert_actors(con, AGENCIES)
        store.store_articles(con, "news", [(a, extract_claims(text))], extractor_version="v1")
        rows = con.execute(
            "SELECT id, kind, name FROM actors WHERE kind = 'organisation' ORDER BY id"
        ).fetchall()
        aliases = con.execute(
            "SELECT alias FROM actor_aliases WHERE actor_id LIKE 'korea-%'"
        ).fetchall()
        # a gazetteer actor already stored keeps its row
        nasa = con.execute("SELECT kind, stands_for FROM actors WHERE id = 'nasa'").fetchone()
    assert rows == [
        (
            "korea-astronomy-and-space-science-institute",
            "organisation",
            "Korea Astronomy and Space Science Institute",
        ),
        ("luxembourg-space-agency", "organisation", "Luxembourg Space Agency"),
        ("rocket-lab", "organisation", "Rocket Lab"),
    ]
    assert aliases == [("KASI",)]
    assert nasa == ("agency", "US")


def test_reextracted_claims_record_their_organisations(tmp_path: Path) -> None:
    text = "Axiom Space signed an agreement with Peru on astronaut training."
    with open_writer(tmp_path / "w.duckdb") as con:
        res = store.store_articles(
            con, "news", [(article("ax", day(2025, 6, 1), text), [])], extractor_version="v1"
        )
        claim = Claim("partnership", text, (0, len(text)), actors=("PE", "axiom-space"))
        store.replace_claims(con, res.article_ids[0], [claim], "v2")
        got = con.execute("SELECT id, kind, name FROM actors").fetchall()
    assert got == [("axiom-space", "organisation", "Axiom Space")]


def test_every_table_view_and_column_is_described() -> None:
    # COMMENT ON is lost when a migration recreates a view: such a migration must
    # repeat the view's comments, and this test says which ones it forgot.
    con = duckdb.connect(":memory:")
    migrate(con)
    missing = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        " AND comment IS NULL"
        " UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database()"
        " AND schema_name = 'main' AND NOT internal AND comment IS NULL"
        " UNION ALL SELECT table_name || '.' || column_name FROM duckdb_columns()"
        " WHERE database_name = current_database() AND schema_name = 'main' AND comment IS NULL"
    ).fetchall()
    con.close()
    assert missing == []


def test_run_sql_decodes_json_columns_and_binds_parameters(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db) as con:
        con.execute(
            "INSERT INTO runs (id, started_at, finished_at, status, summary) VALUES ('r', now(), NULL, 'ok', '{\"n\": [1, 2]}')"
        )
    cols, rows = run_sql(db, "SELECT id, summary FROM runs WHERE id = $id", params={"id": "r"})
    assert cols == ["id", "summary"] and rows == [("r", {"n": [1, 2]})]
    assert json.loads(format_rows(cols, rows, "json")) == {"id": "r", "summary": {"n": [1, 2]}}
    with pytest.raises(UsageError, match="refused"):
        run_sql(db, f"COPY runs TO '{tmp_path / 'out.csv'}'")
    assert not (tmp_path / "out.csv").exists()
