"""The `actors` and `actor_aliases` tables: the gazetteer, configured actors, and
organisations that stored claims name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import duckdb

from pactwatch.parsers.model import Actor
from pactwatch.warehouse.batch import IN_TEXTS, columns_of, insert_rows, texts
from pactwatch.warehouse.db import transaction
from pactwatch.warehouse.subject_state import forget_actor_subjects

__all__ = ["add_organisations", "upsert_actors"]


class _ActorRow(NamedTuple):
    id: str
    kind: str
    name: str
    stands_for: str | None


class _AliasRow(NamedTuple):
    alias: str
    actor_id: str


_ACTOR_COLUMNS = columns_of(_ActorRow._fields)
_ALIAS_COLUMNS = columns_of(_AliasRow._fields)


def upsert_actors(con: duckdb.DuckDBPyConnection, actors: Iterable[Actor]) -> int:
    """Insert or update gazetteer actors and their aliases. Returns how many actors."""
    rows = {a.id: a for a in actors}
    if not rows:
        return 0
    ids = list(rows)
    aliases = dict.fromkeys(_AliasRow(alias, a.id) for a in rows.values() for alias in a.aliases)
    actor_rows = [_ActorRow(a.id, a.kind, a.name, a.stands_for) for a in rows.values()]
    if _stored(con, ids) == (set(actor_rows), set(aliases)):
        return len(rows)  # every run upserts the gazetteer; it rarely changes
    with transaction(con):
        before = dict(
            con.execute(
                f"SELECT id, stands_for FROM actors WHERE id IN {IN_TEXTS}", [texts(ids)]
            ).fetchall()
        )
        if any(before.get(a.id) != a.stands_for for a in rows.values()):
            forget_actor_subjects(con)  # an actor stands for another country now
        con.execute(
            "DELETE FROM actor_aliases WHERE actor_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
        )
        con.execute("DELETE FROM actors WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        insert_rows(con, "actors", _ACTOR_COLUMNS, actor_rows)
        insert_rows(con, "actor_aliases", _ALIAS_COLUMNS, list(aliases))
    return len(rows)


def _stored(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str]
) -> tuple[set[_ActorRow], set[_AliasRow]]:
    """The rows `upsert_actors` would replace for `ids`, as they are stored now."""
    actors = con.execute(
        "SELECT id, kind, name, stands_for FROM actors WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [list(ids)],
    ).fetchall()
    aliases = con.execute(
        "SELECT alias, actor_id FROM actor_aliases WHERE actor_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(ids)],
    ).fetchall()
    return {_ActorRow(*r) for r in actors}, {_AliasRow(*r) for r in aliases}


def add_organisations(con: duckdb.DuckDBPyConnection, actors: Sequence[Actor]) -> None:
    """Organisations outside the gazetteer that stored claims name (`pactwatch.parsers.organisations`)
    join `actors`; an id already there (a gazetteer or configured actor) is left alone."""
    if not actors:
        return
    ids = list(dict.fromkeys(a.id for a in actors))
    present = {
        str(r[0])
        for r in con.execute(
            "SELECT id FROM actors WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]
        ).fetchall()
    }
    upsert_actors(con, [a for a in actors if a.id not in present])
