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
            differ = con.execute(
                f"SELECT count(*) FROM ((SELECT * FROM former_{view} EXCEPT ALL"
                f" SELECT * FROM {view}) UNION ALL (SELECT * FROM {view} EXCEPT ALL"
                f" SELECT * FROM former_{view}))"
            ).fetchone()
            assert differ == (0,), view
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
            assert con.execute(
                f"SELECT count(*) FROM ((SELECT * FROM former_{view} EXCEPT ALL"
                f" SELECT * FROM {view}) UNION ALL (SELECT * FROM {view} EXCEPT ALL"
                f" SELECT * FROM former_{view}))"
            ).fetchone() == (0,), view
    finally:
        con.close()
