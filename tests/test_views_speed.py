"""Migrations 011 and 013 compute the state views once instead of three times, and pick
each subject's latest claim with one arg_max: every row must
be what the definitions it replaced (migrations 002 and 007) give.

The former definitions are read from the migration files themselves and created
under other names in real warehouses filled by the random scenarios of
test_incremental_detect (ties in time, undated and late reports, re-extraction,
an agency mapped to its country), then compared row for row, duplicates included.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pactwatch.warehouse import migrate

from .test_incremental_detect import _play, template  # noqa: F401  (the fixture)

MIGRATIONS = Path(migrate.__file__).parent / "migrations"
VIEWS = {
    "partnership_claims": "007_event_time.sql",
    "memberships": "007_event_time.sql",
    "partnerships": "007_event_time.sql",
    "current_state": "002_views.sql",
}


def _former(view: str) -> str:
    """The view's definition in the migration it came from, as a SELECT."""
    text = (MIGRATIONS / VIEWS[view]).read_text("utf-8")
    match = re.search(rf"CREATE (?:OR REPLACE )?VIEW {view} AS\n(.*?);\n", text, re.S)
    assert match, f"{view} not found in {VIEWS[view]}"
    return match.group(1)


# current_state's count columns; the rest of the row must equal the former one
_COUNT_COLUMNS = ("value", "low", "high", "approx", "count_article_url")


def _differ(con: duckdb.DuckDBPyConnection, view: str) -> int:
    """Rows in one of `view` and `former_<view>` but not the other, as multisets.

    For `current_state` every column but the count's is compared so; the former
    definition picked between counts tied on time and figure in scan order, and
    migration 013 breaks that tie by the claim id, so the count columns are
    compared with the latest asserted count by (as_of, figure, claim id) instead."""
    if view != "current_state":
        row = con.execute(
            f"SELECT count(*) FROM ((SELECT * FROM former_{view} EXCEPT ALL"
            f" SELECT * FROM {view}) UNION ALL (SELECT * FROM {view} EXCEPT ALL"
            f" SELECT * FROM former_{view}))"
        ).fetchone()
        return int(row[0]) if row else -1
    rest = "coalition, members_known, as_of"
    row = con.execute(
        f"SELECT count(*) FROM ((SELECT {rest} FROM former_current_state EXCEPT ALL"
        f" SELECT {rest} FROM current_state) UNION ALL (SELECT {rest} FROM current_state"
        f" EXCEPT ALL SELECT {rest} FROM former_current_state))"
    ).fetchone()
    counts = ", ".join(_COUNT_COLUMNS)
    expected = con.execute(
        "SELECT k.coalition, e.value, e.low, e.high, e.approx, e.article_url"
        " FROM (SELECT DISTINCT coalition FROM current_state) AS k LEFT JOIN ("
        "  SELECT * FROM member_counts WHERE modality = 'asserted'"
        "  QUALIFY row_number() OVER (PARTITION BY coalition ORDER BY as_of DESC,"
        "   coalesce(value, low, high, -1) DESC, claim_id DESC) = 1"
        " ) AS e ON e.coalition = k.coalition ORDER BY k.coalition"
    ).fetchall()
    shown = con.execute(
        f"SELECT coalition, {counts} FROM current_state ORDER BY coalition"
    ).fetchall()
    return (int(row[0]) if row else -1) + sum(a != b for a, b in zip(expected, shown, strict=True))


@pytest.mark.parametrize("seed", [1, 5, 9, 12])
def test_state_views_keep_every_row(seed: int, template: Path, tmp_path: Path) -> None:  # noqa: F811
    db = tmp_path / "w.duckdb"
    shutil.copy(template, db)
    _play(db, seed, forget=False)
    con = duckdb.connect(str(db))
    try:
        con.execute("SET TimeZone = 'UTC'")
        # the former definitions, each reading the others' former versions
        sql = {view: _former(view) for view in VIEWS}
        sql["partnerships"] = sql["partnerships"].replace(
            "FROM partnership_claims", "FROM former_partnership_claims"
        )
        sql["current_state"] = sql["current_state"].replace(
            "FROM memberships ", "FROM former_memberships "
        )
        for view, body in sql.items():
            con.execute(f"CREATE TEMP VIEW former_{view} AS {body}")
        for view in VIEWS:
            rows = con.execute(f"SELECT count(*) FROM {view}").fetchone()
            assert rows is not None and rows[0] > 0, view
            assert _differ(con, view) == 0, view
            assert [c[0] for c in con.execute(f"DESCRIBE former_{view}").fetchall()] == [
                c[0] for c in con.execute(f"DESCRIBE {view}").fetchall()
            ]
    finally:
        con.close()


def test_ties_break_as_before(template: Path, tmp_path: Path) -> None:  # noqa: F811
    """Claims about one subject at the same instant: the later position in the text
    wins, then an ending over a start at the same position, then the claim id."""
    from datetime import UTC, datetime

    from pactwatch.alerts.options import AlertOptions
    from pactwatch.flows.record import record_and_detect
    from pactwatch.parsers.model import Article, Claim
    from pactwatch.warehouse.db import open_writer

    db = tmp_path / "w.duckdb"
    shutil.copy(template, db)
    at = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)

    def member(kind: str, actor: str, start: int) -> Claim:
        return Claim(
            kind=kind,  # type: ignore[arg-type]
            sentence=f"{actor} and the pact, {kind}.",
            span=(start, start + 5),
            coalition="lunar-pact",
            actor=actor,
        )

    def pair(kind: str, start: int) -> Claim:
        return Claim(
            kind=kind,  # type: ignore[arg-type]
            sentence=f"Peru and Oman, {kind}.",
            span=(start, start + 5),
            actors=("oman", "peru"),
        )

    stories = [
        # one article: a join at 30 and a departure at 10 (the join is later in the text)
        ("a1", [member("joined", "kenya", 30), member("left", "kenya", 10)]),
        # one article: both at the same position: the departure wins
        ("a2", [member("joined", "chile", 12), member("left", "chile", 12)]),
        ("a3", [pair("partnership", 4), pair("partnership_ended", 4)]),
        ("a4", [member("joined", "oman", 3), member("member_count", "oman", 3)]),
    ]
    batch = [
        (Article(f"https://ties.example/{name}", name, at, f"{name} text."), claims)
        for name, claims in stories
    ]
    # two outlets with the same story at the same instant: the claim id decides
    other = [(Article("https://other.example/x", "x", at, "x text."), [member("left", "oman", 3)])]
    with open_writer(db) as con:
        for source, rows in (("ties", batch), ("other", other)):
            record_and_detect(
                con,
                source,
                rows,
                extractor_version="t",
                fetched_at=at,
                baseline=False,
                channels=[],
                options=AlertOptions(),
                now=at,
            )
    con = duckdb.connect(str(db))
    try:
        con.execute("SET TimeZone = 'UTC'")
        for view in VIEWS:
            body = _former(view).replace(
                "FROM partnership_claims", "FROM former_partnership_claims"
            )
            body = body.replace("FROM memberships ", "FROM former_memberships ")
            con.execute(f"CREATE TEMP VIEW former_{view} AS {body}")
        statuses = dict(con.execute("SELECT actor, status FROM memberships").fetchall())
        assert statuses["kenya"] == "member" and statuses["chile"] == "left"
        assert con.execute("SELECT status FROM partnerships").fetchall() == [("ended",)]
        for view in VIEWS:
            assert _differ(con, view) == 0, view
    finally:
        con.close()


def test_a_count_tied_on_time_and_figure_is_the_highest_claim_id(
    template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Five outlets give each of four coalitions one figure at one instant:
    `current_state` shows, for each, the count of the highest claim id, read after
    read (it used to be whichever the scan met first)."""
    from datetime import UTC, datetime

    from pactwatch.alerts.options import AlertOptions
    from pactwatch.flows.record import record_and_detect
    from pactwatch.parsers.model import Article, Claim
    from pactwatch.warehouse.db import open_writer

    db = tmp_path / "w.duckdb"
    shutil.copy(template, db)
    at = datetime(2026, 4, 9, 6, 0, tzinfo=UTC)
    coalitions = ("pact-one", "pact-two", "pact-three", "pact-four")
    with open_writer(db) as con:
        for outlet in range(5):
            claims = [
                Claim(
                    kind="member_count",
                    sentence=f"{name} has 21 members, outlet {outlet} says.",
                    span=(0, 9),
                    coalition=name,
                    value=21,
                    low=21,
                    high=21,
                )
                for name in coalitions
            ]
            article = Article(f"https://outlet{outlet}.example/tally", "Tally", at, f"T{outlet}.")
            record_and_detect(
                con,
                f"outlet-{outlet}",
                [(article, claims)],
                extractor_version="t",
                fetched_at=at,
                baseline=False,
                channels=[],
                options=AlertOptions(),
                now=at,
            )
    con = duckdb.connect(str(db), read_only=True)
    try:
        expected = dict(
            con.execute(
                "SELECT coalition, arg_max(article_url, claim_id) FROM member_counts"
                " GROUP BY coalition"
            ).fetchall()
        )
        assert len(set(expected.values())) > 1  # not one outlet winning everywhere
        for _ in range(3):
            shown = dict(
                con.execute("SELECT coalition, count_article_url FROM current_state").fetchall()
            )
            assert shown == expected
    finally:
        con.close()
