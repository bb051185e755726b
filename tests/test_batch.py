"""insert_rows: every column type it sends arrives as written, keys are honoured,
and it stays far cheaper than one list parameter per column (the way it used to
send rows, which DuckDB 1.5 converts value by value)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

from pactwatch.warehouse.batch import columns_of, insert_rows


class _Row(NamedTuple):
    id: str
    names: list[str] | None
    flag: bool | None
    small: int | None
    big: int | None
    huge: int | None
    ratio: float | None
    day: date | None
    seen: datetime | None
    doc: str | None


_TYPES = {
    "names": "VARCHAR[]",
    "flag": "BOOLEAN",
    "small": "INTEGER",
    "big": "BIGINT",
    "huge": "UBIGINT",
    "ratio": "DOUBLE",
    "day": "DATE",
    "seen": "TIMESTAMPTZ",
    "doc": "JSON",
}
_COLUMNS = columns_of(_Row._fields, _TYPES)


def _table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TABLE t (id VARCHAR, names VARCHAR[], flag BOOLEAN, small INTEGER, big BIGINT,"
        " huge UBIGINT, ratio DOUBLE, day DATE, seen TIMESTAMPTZ, doc JSON)"
    )


def test_every_type_round_trips(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    _table(con)
    plus_two = timezone(timedelta(hours=2))
    rows = [
        _Row(
            "a",
            ["Kenya", "Peru"],
            True,
            -7,
            2**40,
            2**63 + 5,
            0.25,
            date(2024, 2, 29),
            datetime(2025, 3, 1, 12, 30, tzinfo=plus_two),
            '{"value": 17}',
        ),
        _Row("b", None, None, None, None, None, None, None, None, None),
        _Row(
            "c", [], False, 0, 0, 0, 0.0, date(1999, 12, 31), datetime(2026, 1, 1, tzinfo=UTC), "[]"
        ),
    ]
    insert_rows(con, "t", _COLUMNS, rows)
    got = con.execute("SELECT * EXCLUDE (doc), doc::VARCHAR FROM t ORDER BY id").fetchall()
    assert got[0][:8] == (
        "a",
        ["Kenya", "Peru"],
        True,
        -7,
        2**40,
        2**63 + 5,
        0.25,
        date(2024, 2, 29),
    )
    # an aware time keeps its instant (stored in UTC), whatever its offset
    assert got[0][8] == datetime(2025, 3, 1, 10, 30, tzinfo=UTC)
    assert got[0][9] == '{"value": 17}'
    assert got[1] == ("b", None, None, None, None, None, None, None, None, None)
    assert got[2][1] == [] and got[2][2] is False and got[2][9] == "[]"
    assert con.execute(
        "SELECT json_extract(doc, '$.value')::INT FROM t WHERE id = 'a'"
    ).fetchone() == (17,)
    # nothing registered is left behind on the connection
    assert not [r for r in con.execute("SHOW ALL TABLES").fetchall() if str(r[2]).startswith("_")]


def test_skip_existing_keeps_one_of_each(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    _table(con)
    first = _Row("k1", None, True, 1, None, None, None, None, None, None)
    again = first._replace(small=2)  # same key, other value: the stored row wins
    other = _Row("k2", None, False, 3, None, None, None, None, None, None)
    insert_rows(con, "t", _COLUMNS, [first], skip_existing=["id"])
    insert_rows(con, "t", _COLUMNS, [again, other, other], skip_existing=["id"])
    assert con.execute("SELECT id, small FROM t ORDER BY id").fetchall() == [("k1", 1), ("k2", 3)]


def test_nothing_to_insert_and_unknown_types_say_so(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    _table(con)
    insert_rows(con, "t", _COLUMNS, [])
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)
    with pytest.raises(ValueError, match="cannot send"):
        columns_of(("id", "shape"), {"shape": "GEOMETRY"})
    with pytest.raises(ValueError, match="unknown columns"):
        columns_of(("id",), {"other": "VARCHAR"})


@pytest.mark.timing
def test_many_rows_cost_a_fraction_of_list_parameters(tmp_path: Path) -> None:
    """500 rows of ten columns, as a run's claims would be, against the former
    statement (one `unnest(?::TYPE[])` list parameter per column) in the same process."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    _table(con)
    at = datetime(2026, 5, 1, tzinfo=UTC)
    rows = [
        _Row(f"r{i}", ["Chile", "Oman"], i % 2 == 0, i, i * 10, i, i / 3, at.date(), at, "{}")
        for i in range(500)
    ]
    t0 = time.perf_counter()
    insert_rows(con, "t", _COLUMNS, rows)
    ours = time.perf_counter() - t0
    con.execute("DELETE FROM t")
    select = ", ".join(f"unnest(?::{kind}[])" for _, kind in _COLUMNS)
    t0 = time.perf_counter()
    con.execute(f"INSERT INTO t SELECT {select}", [list(col) for col in zip(*rows, strict=True)])
    lists = time.perf_counter() - t0
    assert con.execute("SELECT count(*) FROM t").fetchone() == (500,)
    assert ours * 4 < lists, f"arrow {ours:.3f} s vs list parameters {lists:.3f} s"


def test_many_keys_travel_as_one_text() -> None:
    from pactwatch.warehouse.batch import IN_TEXTS, literal_texts, texts

    con = duckdb.connect()
    con.execute("CREATE TABLE k (v VARCHAR)")
    con.execute("INSERT INTO k VALUES ('a'), (''), ('it''s'), ('b c')")

    def matching(values: list[str]) -> list[str]:
        by_text = sorted(
            str(r[0])
            for r in con.execute(
                f"SELECT v FROM k WHERE v IN {IN_TEXTS}", [texts(values)]
            ).fetchall()
        )
        by_literal = sorted(
            str(r[0])
            for r in con.execute(f"SELECT v FROM k WHERE v IN {literal_texts(values)}").fetchall()
        )
        assert by_text == by_literal
        return by_text

    assert matching([]) == []  # no keys match nothing, not the empty string
    assert matching([""]) == [""]
    assert matching(["it's", "b c", "zz"]) == ["b c", "it's"]
    with pytest.raises(ValueError, match="unit separator"):
        texts(["a\x1fb"])
