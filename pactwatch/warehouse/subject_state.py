"""The `subject_state` table: where change detection stopped for each subject.

Rows are JSON tails written by `pactwatch.alerts.detect` (their shape is
`pactwatch.alerts.state.Tail`'s business). They are derived data: whatever
changes the history a tail summarises (a claim deleted or replaced, an
article's fetch time moving an undated or same-instant report, an actor mapped
to a country anew) forgets the tails of the subjects concerned, and the next
run replays those subjects in full.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb

from pactwatch.warehouse.batch import IN_TEXTS, texts
from pactwatch.warehouse.history import subjects_of

__all__ = [
    "forget_actor_subjects",
    "forget_subjects_of",
    "load_tails",
    "save_tails",
    "undated_or_tied",
]


def load_tails(
    con: duckdb.DuckDBPyConnection, subjects: Sequence[str], variant: str
) -> dict[str, dict[str, Any]]:
    """The stored tail of each of `subjects` replayed as `variant`, decoded."""
    if not subjects:
        return {}
    rows = con.execute(
        f"SELECT subject, tail::VARCHAR FROM subject_state WHERE subject IN {IN_TEXTS}"
        " AND variant = ?",
        [texts(subjects), variant],
    ).fetchall()
    return {str(subject): json.loads(str(tail)) for subject, tail in rows}


def save_tails(
    con: duckdb.DuckDBPyConnection,
    tails: Mapping[str, dict[str, Any]],
    variant: str,
    *,
    now: datetime,
) -> None:
    """Store the tails of these subjects replayed as `variant` (callers hold the writer
    lock). Their tails of any other variant go: those replays did not see the claims
    this one did, so going on from them later would skip these claims."""
    if not tails:
        return
    subjects = list(tails)
    con.execute(f"DELETE FROM subject_state WHERE subject IN {IN_TEXTS}", [texts(subjects)])
    con.execute(
        "INSERT INTO subject_state (subject, variant, tail, updated_at)"
        " SELECT s, ?, t::JSON, ? FROM (SELECT unnest(string_split(?, chr(31))) AS s,"
        " unnest(string_split(?, chr(31))) AS t)",
        [variant, now, texts(subjects), texts([json.dumps(tails[s]) for s in subjects])],
    )


def forget_subjects_of(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """Forget the tails of every subject the claims of `article_ids` speak of (call
    it before those claims change or go)."""
    if not article_ids or not _any_tails(con):
        return
    keys = subjects_of(con, article_ids).keys()
    if keys:
        con.execute(f"DELETE FROM subject_state WHERE subject IN {IN_TEXTS}", [texts(keys)])


def forget_actor_subjects(con: duckdb.DuckDBPyConnection) -> None:
    """Forget every membership and partnership tail: an actor now stands for another,
    so those subjects may have merged or split."""
    con.execute(
        "DELETE FROM subject_state WHERE subject LIKE 'membership:%'"
        " OR subject LIKE 'partnership:%'"
    )


def undated_or_tied(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> list[str]:
    """Those of `article_ids` whose place in a replay depends on their fetch time:
    undated ones (their time is the fetch time) and those sharing their time with
    another article (the fetch time breaks the tie)."""
    if not article_ids or not _any_tails(con):
        return []
    rows = con.execute(
        "WITH mine AS (SELECT id, coalesce(published_at, dated_at) AS at_time FROM articles"
        f" WHERE id IN {IN_TEXTS})"
        " SELECT id FROM mine WHERE at_time IS NULL OR EXISTS (SELECT 1 FROM articles b"
        " WHERE coalesce(b.published_at, b.dated_at) = mine.at_time AND b.id <> mine.id)",
        [texts(article_ids)],
    ).fetchall()
    return [str(r[0]) for r in rows]


def _any_tails(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT EXISTS (SELECT 1 FROM subject_state)").fetchone() == (True,)
