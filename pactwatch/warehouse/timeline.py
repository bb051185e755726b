"""Reads for people: a coalition's count timeline and roster changes, the current
roster and partnerships with their evidence, and each source's health.

`pactwatch history` and `pactwatch report` are built from these typed rows; the
SQL reads the views users query by name (`member_counts`, `membership_claims`,
`memberships`, `partnerships`, `disagreements`) so what the report shows is what
`pactwatch sql` shows. Every row carries the article it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

import duckdb

__all__ = [
    "ConflictRow",
    "CountPoint",
    "PartnershipRow",
    "RosterChange",
    "RosterRow",
    "SourceHealth",
    "conflicts",
    "count_points",
    "known_coalitions",
    "partnership_rows",
    "roster",
    "roster_changes",
    "source_health",
]


class CountPoint(NamedTuple):
    """One count claim (or an ordinal join implying one): a point on a coalition's chart."""

    coalition: str
    as_of: datetime
    published_at: datetime | None
    value: int | None
    low: int | None
    high: int | None
    approx: bool
    basis: str  # stated | ordinal
    modality: str
    source: str
    url: str
    title: str | None
    sentence: str
    attributed_to: str | None
    claim_id: str


class RosterChange(NamedTuple):
    """One asserted join or departure of one actor, as an article reported it."""

    coalition: str
    actor: str
    actor_name: str | None
    status: str  # member | left
    as_of: datetime
    source: str
    url: str
    title: str | None
    sentence: str
    attributed_to: str | None
    claim_id: str


class RosterRow(NamedTuple):
    """An actor's latest asserted status in a coalition (`memberships`), with evidence."""

    coalition: str
    actor: str
    actor_name: str | None
    status: str
    since: datetime
    left_at: datetime | None
    as_of: datetime
    source: str | None
    url: str
    sentence: str | None
    attributed_to: str | None


class PartnershipRow(NamedTuple):
    """A pair's latest asserted status (`partnerships`), with evidence."""

    actor_a: str
    actor_b: str
    name_a: str | None
    name_b: str | None
    status: str  # active | ended
    topic: str | None
    since: datetime
    source: str | None
    url: str
    sentence: str | None
    attributed_to: str | None


class ConflictRow(NamedTuple):
    """Asserted exact counts about the same moment that differ (`disagreements`)."""

    coalition: str
    period: datetime
    summary: str


class SourceHealth(NamedTuple):
    """One source: when it last worked, when it last failed and why."""

    name: str
    kind: str
    location: str | None
    last_success: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    failures_in_row: int
    last_new_article: datetime | None
    articles: int


def _since_clause(column: str, since: datetime | None, params: list[Any]) -> str:
    if since is None:
        return ""
    params.append(since)
    return f" AND {column} >= ?"


def _coalition_clause(column: str, coalitions: Sequence[str] | None, params: list[Any]) -> str:
    if not coalitions:
        return ""
    params.append(sorted(set(coalitions)))
    return f" AND {column} IN (SELECT unnest(?::VARCHAR[]))"


def known_coalitions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every coalition some stored claim speaks of, sorted."""
    rows = con.execute(
        "SELECT DISTINCT coalition FROM claims WHERE coalition IS NOT NULL ORDER BY coalition"
    ).fetchall()
    return [str(r[0]) for r in rows]


def count_points(
    con: duckdb.DuckDBPyConnection,
    *,
    coalitions: Sequence[str] | None = None,
    since: datetime | None = None,
    asserted_only: bool = True,
) -> list[CountPoint]:
    """Count claims by coalition, oldest first (`member_counts`)."""
    params: list[Any] = []
    where = "WHERE true"
    if asserted_only:
        where += " AND modality = 'asserted'"
    where += _coalition_clause("coalition", coalitions, params)
    where += _since_clause("as_of", since, params)
    rows = con.execute(
        f"SELECT {', '.join(CountPoint._fields)} FROM ("
        "SELECT coalition, as_of, published_at, value, low, high, approx, basis, modality,"
        " source, article_url AS url, article_title AS title, sentence, attributed_to, claim_id"
        f" FROM member_counts) {where}"
        " ORDER BY coalition, as_of, claim_id",
        params,
    ).fetchall()
    return [CountPoint(*r) for r in rows]


def roster_changes(
    con: duckdb.DuckDBPyConnection,
    *,
    coalitions: Sequence[str] | None = None,
    since: datetime | None = None,
) -> list[RosterChange]:
    """Every asserted join and departure, oldest first (`membership_claims`); a national
    agency stands for its country, as everywhere actors are compared."""
    params: list[Any] = []
    where = "WHERE true"
    where += _coalition_clause("m.coalition", coalitions, params)
    where += _since_clause("m.as_of", since, params)
    rows = con.execute(
        "SELECT m.coalition, m.actor, x.name, m.status, m.as_of, m.source, m.article_url,"
        " ar.title, m.sentence, m.attributed_to, m.claim_id"
        " FROM membership_claims m LEFT JOIN actors x ON x.id = m.actor"
        f" LEFT JOIN articles ar ON ar.id = m.article_id {where}"
        " ORDER BY m.coalition, m.as_of, m.fetched_at, m.span_start, m.claim_id",
        params,
    ).fetchall()
    return [RosterChange(*r) for r in rows]


def roster(
    con: duckdb.DuckDBPyConnection, *, coalitions: Sequence[str] | None = None
) -> list[RosterRow]:
    """The current roster (`memberships`): members first, then those who left, each by date.

    `left_at` is when a member who left was last reported joining before that, or null."""
    params: list[Any] = []
    where = "WHERE true" + _coalition_clause("m.coalition", coalitions, params)
    rows = con.execute(
        "SELECT m.coalition, m.actor, x.name, m.status, m.since,"
        " CASE WHEN m.status = 'left' THEN m.since END,"
        " m.as_of, m.source, m.article_url, m.sentence, m.attributed_to"
        f" FROM memberships m LEFT JOIN actors x ON x.id = m.actor {where}"
        " ORDER BY m.coalition, m.status <> 'member', m.since, m.actor",
        params,
    ).fetchall()
    out = []
    for r in rows:
        joined = r[4]
        if r[3] == "left":  # since is the departure; the join is the last 'member' claim before
            joined = _joined_before(con, r[0], r[1], r[4]) or r[4]
        out.append(RosterRow(r[0], r[1], r[2], r[3], joined, r[5], *r[6:]))
    return out


def _joined_before(
    con: duckdb.DuckDBPyConnection, coalition: str, actor: str, before: datetime
) -> datetime | None:
    row = con.execute(
        "SELECT min(as_of) FROM membership_claims WHERE coalition = ? AND actor = ?"
        " AND status = 'member' AND as_of <= ?",
        [coalition, actor, before],
    ).fetchone()
    return row[0] if row and row[0] is not None else None


def partnership_rows(
    con: duckdb.DuckDBPyConnection, *, actors: Sequence[str] | None = None
) -> list[PartnershipRow]:
    """Every pair's latest status (`partnerships`), active first; with `actors`, only
    pairs naming one of them."""
    params: list[Any] = []
    where = "WHERE true"
    if actors:
        params += [sorted(set(actors))] * 2
        where += (
            " AND (p.actor_a IN (SELECT unnest(?::VARCHAR[]))"
            " OR p.actor_b IN (SELECT unnest(?::VARCHAR[])))"
        )
    rows = con.execute(
        "SELECT p.actor_a, p.actor_b, xa.name, xb.name, p.status, p.topic, p.since, p.source,"
        " p.article_url, p.sentence, p.attributed_to FROM partnerships p"
        " LEFT JOIN actors xa ON xa.id = p.actor_a LEFT JOIN actors xb ON xb.id = p.actor_b"
        f" {where} ORDER BY p.status <> 'active', p.since DESC, p.actor_a, p.actor_b",
        params,
    ).fetchall()
    return [PartnershipRow(*r) for r in rows]


def conflicts(
    con: duckdb.DuckDBPyConnection, *, coalitions: Sequence[str] | None = None
) -> list[ConflictRow]:
    """Figures about the same moment that differ (the alerts' rule: the same article
    or event date, or other outlets within 48 hours); a later figure is a change."""
    params: list[Any] = []
    where = "WHERE true" + _coalition_clause("coalition", coalitions, params)
    rows = con.execute(
        f"SELECT coalition, period, summary FROM disagreements {where} ORDER BY coalition, period",
        params,
    ).fetchall()
    return [ConflictRow(*r) for r in rows]


def source_health(con: duckdb.DuckDBPyConnection) -> list[SourceHealth]:
    """Every source with its last success, last error, failures in a row (the latest
    fetches that all failed) and its last new article."""
    rows = con.execute(
        """
        WITH f AS (
            SELECT source, fetched_at, error,
                   row_number() OVER (PARTITION BY source ORDER BY fetched_at DESC, id DESC) AS rn
            FROM fetches WHERE source IS NOT NULL
        ),
        ok AS (SELECT source, max(fetched_at) AS at FROM f WHERE error IS NULL GROUP BY source),
        bad AS (
            SELECT source, arg_max(error, fetched_at) AS error, max(fetched_at) AS at
            FROM f WHERE error IS NOT NULL GROUP BY source
        ),
        streak AS (
            SELECT f.source, count(*) AS n FROM f LEFT JOIN ok ON ok.source = f.source
            WHERE f.error IS NOT NULL AND (ok.at IS NULL OR f.fetched_at > ok.at)
            GROUP BY f.source
        ),
        art AS (SELECT source, max(fetched_at) AS at, count(*) AS n FROM articles GROUP BY source)
        SELECT s.name, s.kind, s.location, ok.at, bad.at, bad.error, coalesce(streak.n, 0),
               art.at, coalesce(art.n, 0)
        FROM sources s
        LEFT JOIN ok ON ok.source = s.name
        LEFT JOIN bad ON bad.source = s.name
        LEFT JOIN streak ON streak.source = s.name
        LEFT JOIN art ON art.source = s.name
        ORDER BY s.name
        """
    ).fetchall()
    return [SourceHealth(*r) for r in rows]
