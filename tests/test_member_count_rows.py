"""`member_counts` is a view over `member_count_rows`, a table the writers keep
(migration 012, pactwatch.warehouse.count_rows). Its rows must be, at every moment,
what the view computed before (migration 007's definition, read from the migration
file and created as a temporary view): row for row, duplicates included.

Real warehouse files throughout: the random scenarios of test_incremental_detect
(pages re-read unchanged or changed, re-extraction, undated, late and same-instant
reports), checked after every write; targeted cases for what the scenarios reach
rarely (an undated page re-read unchanged, a page or re-extraction that loses its
claims); a warehouse filled at migration 011 upgraded in place and through an
export and `reimport`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pactwatch.flows.record import record_and_detect, reextract_and_detect
from pactwatch.parsers.model import Article, Claim
from pactwatch.warehouse import articles as articles_module
from pactwatch.warehouse import claims as claims_module
from pactwatch.warehouse import migrate as migrate_module
from pactwatch.warehouse.articles import store_articles
from pactwatch.warehouse.claims import replace_claims
from pactwatch.warehouse.db import open_reader, open_writer
from pactwatch.warehouse.reimport import reimport

from . import test_incremental_detect as scenarios
from .test_incremental_detect import _play, template  # noqa: F401  (the fixture)

MIGRATIONS = Path(migrate_module.__file__).parent / "migrations"
T0 = datetime(2026, 5, 4, 7, 30, tzinfo=UTC)


def former_definition() -> str:
    """`member_counts` as migration 007 defined it (the last view computed on read)."""
    text = (MIGRATIONS / "007_event_time.sql").read_text("utf-8")
    match = re.search(r"CREATE OR REPLACE VIEW member_counts AS\n(.*?);\n", text, re.S)
    assert match, "member_counts not found in 007_event_time.sql"
    return match.group(1)


def rows_differ(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Rows in one of `member_counts` and the former definition but not the other
    (as multisets), each with the side it is on; the columns must be the same."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW former_member_counts AS {former_definition()}")
    names = [c[0] for c in con.execute("DESCRIBE member_counts").fetchall()]
    assert names == [c[0] for c in con.execute("DESCRIBE former_member_counts").fetchall()]
    return con.execute(
        "SELECT 'stored' AS side, * FROM (SELECT * FROM member_counts EXCEPT ALL"
        " SELECT * FROM former_member_counts)"
        " UNION ALL SELECT 'former', * FROM (SELECT * FROM former_member_counts EXCEPT ALL"
        " SELECT * FROM member_counts)"
    ).fetchall()


def _undated_times(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    return {
        str(claim): at
        for claim, at in con.execute(
            "SELECT claim_id, as_of FROM member_counts WHERE published_at IS NULL"
        ).fetchall()
    }


def test_every_write_of_the_scenarios_keeps_the_former_rows(
    template: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After each run and re-extraction of eight seeded scenarios the stored rows are
    the former view's; some runs re-read an undated page and move its rows' as_of."""
    checked: list[str] = []
    moved: list[str] = []

    def checking(write: Any) -> Any:
        def wrapper(con: duckdb.DuckDBPyConnection, *args: Any, **kwargs: Any) -> Any:
            before = _undated_times(con)
            out = write(con, *args, **kwargs)
            assert rows_differ(con) == [], f"after {write.__name__} #{len(checked)}"
            after = _undated_times(con)
            if any(after.get(claim) not in (None, at) for claim, at in before.items()):
                moved.append(write.__name__)
            checked.append(write.__name__)
            return out

        return wrapper

    monkeypatch.setattr(scenarios, "record_and_detect", checking(record_and_detect))
    monkeypatch.setattr(scenarios, "reextract_and_detect", checking(reextract_and_detect))
    for seed in range(8):
        db = tmp_path / f"w{seed}.duckdb"
        shutil.copy(template, db)
        _play(db, seed, forget=False)
        with open_reader(db) as con:
            assert con.execute("SELECT count(*) FROM member_count_rows").fetchone() != (0,)
    assert checked.count("record_and_detect") >= 80
    assert "reextract_and_detect" in checked
    assert "record_and_detect" in moved  # an undated page read again, unchanged


def _count(value: int, start: int = 0, *, ordinal: int | None = None) -> Claim:
    if ordinal is not None:
        return Claim(
            kind="joined",
            sentence=f"Chile became member number {ordinal} of the lunar pact.",
            span=(start, start + 40),
            coalition="lunar-pact",
            actor="chile",
            ordinal=ordinal,
        )
    return Claim(
        kind="member_count",
        sentence=f"The lunar pact now has {value} members.",
        span=(start, start + 30),
        coalition="lunar-pact",
        value=value,
        low=value,
        high=value,
    )


def _page(
    name: str, published: datetime | None, body: str, dated: datetime | None = None
) -> Article:
    return Article(
        f"https://desk.example/{name}",
        f"Desk story {name}",
        published,
        body,
        dated_at=dated,
    )


def _store(
    con: duckdb.DuckDBPyConnection, batch: list[tuple[Article, list[Claim]]], at: datetime
) -> None:
    store_articles(con, "desk", batch, extractor_version="v1", fetched_at=at)


def _as_of(con: duckdb.DuckDBPyConnection) -> dict[str, set[datetime]]:
    out: dict[str, set[datetime]] = {}
    for url, at in con.execute("SELECT article_url, as_of FROM member_counts").fetchall():
        out.setdefault(str(url).rsplit("/", 1)[1], set()).add(at)
    return out


def test_pages_read_again_unchanged_changed_and_reextracted(tmp_path: Path) -> None:
    """Undated pages read again unchanged take the new fetch time; dated ones (by
    published_at or by dated_at) keep theirs; a page changed to say nothing, and a
    re-extraction that finds nothing, leave no rows; a changed page's rows follow."""
    db = tmp_path / "w.duckdb"
    undated = _page("undated", None, "No date on this page.")
    modified = _page("modified", None, "Only a Last-Modified.", dated=T0 - timedelta(days=3))
    dated = _page("dated", T0 - timedelta(days=1), "Dated in the page.")
    quiet = _page("quiet", T0, "Says nothing later.")
    batch = [
        (undated, [_count(14), _count(0, 50, ordinal=15)]),
        (modified, [_count(13)]),
        (dated, [_count(12)]),
        (quiet, [_count(11)]),
    ]
    with open_writer(db) as con:
        con.execute("SET TimeZone = 'UTC'")
        _store(con, batch, T0)
        assert _as_of(con) == {
            "undated": {T0},
            "modified": {T0 - timedelta(days=3)},
            "dated": {T0 - timedelta(days=1)},
            "quiet": {T0},
        }
        later = T0 + timedelta(hours=6)
        _store(con, batch[:3], later)  # all three unchanged
        assert rows_differ(con) == []
        assert _as_of(con) == {
            "undated": {later},
            "modified": {T0 - timedelta(days=3)},
            "dated": {T0 - timedelta(days=1)},
            "quiet": {T0},
        }

        # changed text: the claims go, and with them the rows
        _store(con, [(_page("quiet", T0, "Says nothing now."), [])], later)
        # changed text with other figures, and a new title
        _store(con, [(_page("dated", T0, "Dated again, a new figure."), [_count(16)])], later)
        assert rows_differ(con) == []
        assert con.execute(
            "SELECT article_url, value, as_of FROM member_counts"
            " WHERE article_url LIKE '%/quiet' OR article_url LIKE '%/dated'"
        ).fetchall() == [("https://desk.example/dated", 16, T0)]

        # re-extraction: other claims, then none
        row = con.execute(
            "SELECT id FROM articles WHERE url = 'https://desk.example/undated'"
        ).fetchone()
        assert row is not None
        undated_id = str(row[0])
        replace_claims(con, undated_id, [_count(18)], "v2", now=later)
        assert rows_differ(con) == []
        assert con.execute(
            "SELECT value, basis, as_of FROM member_counts WHERE article_id = ?", [undated_id]
        ).fetchall() == [(18, "stated", later)]
        replace_claims(con, undated_id, [], "v3", now=later)
        assert rows_differ(con) == []
        assert con.execute(
            "SELECT count(*) FROM member_counts WHERE article_id = ?", [undated_id]
        ).fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM member_counts").fetchone() == (2,)


def test_a_failed_write_leaves_the_rows_as_they_were(tmp_path: Path) -> None:
    """The rows are written in the transaction of the write they follow."""
    from pactwatch.warehouse.db import transaction

    db = tmp_path / "w.duckdb"
    page = _page("one", None, "First words.")
    with open_writer(db) as con:
        _store(con, [(page, [_count(14)])], T0)
        before = con.execute("SELECT * FROM member_counts").fetchall()
        with pytest.raises(RuntimeError), transaction(con):
            _store(con, [(page, [_count(14)])], T0 + timedelta(hours=1))  # moves as_of
            _store(con, [(_page("two", T0, "Other words."), [_count(15)])], T0)
            raise RuntimeError("the run fails before it commits")
        assert con.execute("SELECT * FROM member_counts").fetchall() == before


@contextmanager
def _at_011(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Migrations up to 011 only, and writers that do not know member_count_rows
    (as pactwatch was before 012)."""
    shipped = migrate_module.available()
    assert 12 in {m.version for m in shipped}
    with monkeypatch.context() as patch:
        patch.setattr(migrate_module, "available", lambda: [m for m in shipped if m.version <= 11])
        patch.setattr(claims_module, "refresh_count_rows", lambda con, ids: None)
        patch.setattr(articles_module, "retime_count_rows", lambda con, ids: None)
        yield


def _multiset(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def _same_state(con: duckdb.DuckDBPyConnection, former: list[tuple[Any, ...]]) -> None:
    """current_state as `former` had it. Its latest count is the arg_max of (as_of,
    figure): between counts tied on both it picks whichever it meets first, before
    migration 012 as after, so the count columns of a tied coalition are checked to
    be one of the tied counts; every other column must be the same."""
    figures: dict[str, dict[tuple[Any, ...], set[tuple[Any, ...]]]] = {}
    for coalition, value, low, high, approx, as_of, url in con.execute(
        "SELECT coalition, value, low, high, approx, as_of, article_url FROM member_counts"
        " WHERE modality = 'asserted'"
    ).fetchall():
        figure = next((f for f in (value, low, high) if f is not None), -1)
        figures.setdefault(coalition, {}).setdefault((as_of, figure), set()).add(
            (value, low, high, approx, url)
        )
    now = _multiset(con, "SELECT * FROM current_state")
    assert [(r[0], *r[5:7]) for r in now] == [(r[0], *r[5:7]) for r in former]
    for row in now:
        by_key = figures.get(row[0])
        shown = (*row[1:5], row[7])
        assert shown in (by_key[max(by_key)] if by_key else {(None,) * 5}), row


def test_a_warehouse_at_011_upgrades_with_every_former_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warehouse filled under migration 011 (a scenario of re-read, changed,
    undated and re-extracted pages): migration 012 fills member_count_rows with
    exactly the rows the view gave, comments included; current_state is unchanged;
    an export of it reimported gets the same rows made again."""
    db = tmp_path / "w.duckdb"
    with _at_011(monkeypatch):
        _play(db, 3, forget=False)
        with open_reader(db) as con:
            assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (11,)
            former = _multiset(con, "SELECT * FROM member_counts")
            state = _multiset(con, "SELECT * FROM current_state")
            names = con.execute("DESCRIBE member_counts").fetchall()
    assert len(former) > 10
    export = tmp_path / "export"
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"EXPORT DATABASE '{export}' (FORMAT parquet)")
    assert not (export / "member_count_rows.parquet").exists()

    with open_writer(db) as con:  # migration 012 (and every later one) runs here
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (
            migrate_module.latest_version(),
        )
        assert _multiset(con, "SELECT * FROM member_count_rows") == former
        assert _multiset(con, "SELECT * FROM member_counts") == former
        _same_state(con, state)
        assert [c[:2] for c in con.execute("DESCRIBE member_counts").fetchall()] == [
            c[:2] for c in names
        ]
        assert [c[:2] for c in con.execute("DESCRIBE member_count_rows").fetchall()] == [
            c[:2] for c in names
        ]
        undescribed = con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name IN"
            " ('member_counts', 'member_count_rows') AND comment IS NULL"
            " UNION ALL SELECT view_name FROM duckdb_views()"
            " WHERE view_name = 'member_counts' AND comment IS NULL"
            " UNION ALL SELECT table_name FROM duckdb_tables()"
            " WHERE table_name = 'member_count_rows' AND comment IS NULL"
        ).fetchall()
        assert undescribed == []

    new = tmp_path / "new.duckdb"
    loaded = reimport(export, new)
    assert loaded["member_count_rows"] == len(former)
    with open_reader(new) as con:
        assert _multiset(con, "SELECT * FROM member_counts") == former


@pytest.mark.integration
def test_the_rows_are_kept_on_a_lake(pg_cluster: Any, tmp_path: Path) -> None:
    """The same writes on a DuckLake warehouse (PostgreSQL catalog, Parquet data):
    migration 012 applies there, and new, re-read, changed and re-extracted pages
    keep the rows the former view gives."""
    from .test_lake import lake_of, lake_section

    lake = lake_of(lake_section(pg_cluster, tmp_path / "data"))
    undated = _page("undated", None, "No date on this page.")
    dated = _page("dated", T0, "Dated in the page.")
    later = T0 + timedelta(hours=6)
    with open_writer(lake) as con:
        con.execute("SET TimeZone = 'UTC'")
        _store(con, [(undated, [_count(14), _count(0, 50, ordinal=15)]), (dated, [_count(12)])], T0)
        assert rows_differ(con) == []
        _store(con, [(undated, []), (dated, [])], later)  # unchanged: claims kept
        assert rows_differ(con) == []
        assert _as_of(con) == {"undated": {later}, "dated": {T0}}
        _store(con, [(_page("dated", T0, "Dated, and changed."), [_count(13)])], later)
        row = con.execute("SELECT id FROM articles WHERE url LIKE '%/undated'").fetchone()
        assert row is not None
        replace_claims(con, str(row[0]), [_count(16), _count(0, 40, ordinal=17)], "v2", now=later)
        assert rows_differ(con) == []
        assert sorted(
            con.execute("SELECT value, basis, as_of FROM member_counts").fetchall(), key=repr
        ) == sorted([(13, "stated", T0), (16, "stated", later), (17, "ordinal", later)], key=repr)
