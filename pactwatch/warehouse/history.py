"""Reads for change detection: which subjects some articles speak of, and each
subject's whole history of asserted claims, as typed rows.

A subject is a coalition's count, one (coalition, actor) membership, or one
(actor_a, actor_b) partnership (the `membership_claims` and `partnership_claims`
views normalise both). The rows say what the claims say; deciding what changed
is `pactwatch.alerts`' business.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

import duckdb

from pactwatch.warehouse.batch import IN_TEXTS, literal_texts, texts

__all__ = [
    "CountClaim",
    "MembershipClaim",
    "PartnershipClaim",
    "SeenIn",
    "Subjects",
    "all_subjects",
    "count_history",
    "mark_baseline",
    "membership_history",
    "partnership_history",
    "subjects_of",
]


class SeenIn(NamedTuple):
    """One stored claim and the article it was read in."""

    article_id: str
    claim_id: str
    source: str
    url: str
    title: str | None
    published_at: datetime | None
    fetched_at: datetime
    baseline: bool
    attributed_to: str | None
    sentence: str
    span_start: int
    story: str  # articles.story_id, or the article id when it has none
    dated_at: datetime | None = None  # best available time when published_at is NULL
    event_date: date | None = None  # the first day of the period the sentence dates
    event_date_precision: str | None = None


class CountClaim(NamedTuple):
    """A member count, or a join whose ordinal implies one (`kind` says which)."""

    seen: SeenIn
    coalition: str
    kind: str
    value: int | None
    low: int | None
    high: int | None
    approx: bool
    ordinal: int | None


class MembershipClaim(NamedTuple):
    seen: SeenIn
    coalition: str
    actor: str
    status: str
    ordinal: int | None


class PartnershipClaim(NamedTuple):
    seen: SeenIn
    actor_a: str
    actor_b: str
    status: str
    topic: str | None


class Subjects(NamedTuple):
    """Coalitions whose count, (coalition, actor) memberships and pairs some articles speak of."""

    counts: set[str]
    members: set[tuple[str, str]]
    pairs: set[tuple[str, str]]

    def keys(self) -> list[str]:
        """The subjects as `alerts.subject` names them."""
        return (
            [f"count:{c}" for c in sorted(self.counts)]
            + [f"membership:{c}:{a}" for c, a in sorted(self.members)]
            + [f"partnership:{a}:{b}" for a, b in sorted(self.pairs)]
        )


_SEEN_COLUMNS = (
    "a.id, c.id, a.source, a.url, a.title, a.published_at, a.fetched_at, a.baseline,"
    " c.attributed_to, c.sentence, coalesce(c.span_start, 0), coalesce(a.story_id, a.id),"
    " a.dated_at, c.event_date, c.event_date_precision"
)
_SEEN_WIDTH = len(SeenIn._fields)


def _seen(row: tuple[Any, ...]) -> SeenIn:
    (
        aid,
        cid,
        source,
        url,
        title,
        published,
        fetched,
        baseline,
        attributed,
        sentence,
        span,
        story,
        dated,
        event_date,
        event_precision,
    ) = row[:_SEEN_WIDTH]
    return SeenIn(
        article_id=str(aid),
        claim_id=str(cid),
        source=str(source),
        url=str(url),
        title=title,
        published_at=published,
        fetched_at=fetched,
        baseline=bool(baseline),
        attributed_to=attributed,
        sentence=str(sentence),
        span_start=int(span),
        story=str(story),
        dated_at=dated,
        event_date=event_date,
        event_date_precision=event_precision,
    )


_COUNTABLE = "(kind = 'member_count' OR (kind = 'joined' AND ordinal IS NOT NULL))"


# The rows of the `membership_claims` and `partnership_claims` views, read from
# the tables with the caller's filter on `claims` itself: the views filter only
# after normalising every claim, which costs as much as the whole history.
# tests/test_incremental_detect.py checks that both give the same rows.
_MEMBERSHIP_ROWS = (
    "FROM claims c JOIN articles a ON a.id = c.article_id LEFT JOIN actors x ON x.id = c.actor"
    " WHERE c.kind IN ('joined', 'left') AND c.modality = 'asserted'"
    " AND c.coalition IS NOT NULL AND c.actor IS NOT NULL AND {where}"
)
_MEMBERSHIP_COLUMNS = (
    "c.coalition, coalesce(x.stands_for, c.actor),"
    " CASE c.kind WHEN 'joined' THEN 'member' ELSE 'left' END, c.ordinal"
)
_PARTNERSHIP_ROWS = (
    "WITH pc AS (SELECT * FROM claims c WHERE c.kind IN ('partnership', 'partnership_ended')"
    " AND c.modality = 'asserted' AND {where}),"
    " ua AS (SELECT DISTINCT u.claim_id, coalesce(x.stands_for, u.actor) AS actor"
    " FROM (SELECT pc.id AS claim_id, unnest(pc.actors) AS actor FROM pc) AS u"
    " LEFT JOIN actors x ON x.id = u.actor)"
    " SELECT {columns} FROM ua p JOIN ua q ON q.claim_id = p.claim_id AND p.actor < q.actor"
    " JOIN pc c ON c.id = p.claim_id JOIN articles a ON a.id = c.article_id"
)
_PARTNERSHIP_COLUMNS = (
    "p.actor, q.actor, CASE c.kind WHEN 'partnership' THEN 'active' ELSE 'ended' END, c.topic"
)
# raw actor ids that read as one of the actors given (themselves, or agencies standing for them)
_RAW_ACTORS = f"(SELECT unnest(string_split(?, chr(31))) UNION SELECT id FROM actors WHERE stands_for IN {IN_TEXTS})"


def all_subjects(con: duckdb.DuckDBPyConnection) -> Subjects:
    """Every subject some asserted claim speaks of."""
    return _subjects(con, "true", [])


def subjects_of(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> Subjects:
    """The subjects the asserted claims of `article_ids` speak of."""
    return _subjects(con, f"c.article_id IN {literal_texts(list(article_ids))}", [])


def _subjects(con: duckdb.DuckDBPyConnection, where: str, args: list[Any]) -> Subjects:
    counts = {
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT coalition FROM claims c WHERE modality = 'asserted'"
            f" AND coalition IS NOT NULL AND {_COUNTABLE} AND {where}",
            args,
        ).fetchall()
    }
    members = {
        (str(r[0]), str(r[1]))
        for r in con.execute(
            "SELECT DISTINCT c.coalition, coalesce(x.stands_for, c.actor) "
            + _MEMBERSHIP_ROWS.format(where=where),
            args,
        ).fetchall()
    }
    pairs = {
        (str(r[0]), str(r[1]))
        for r in con.execute(
            "SELECT DISTINCT * FROM ("
            + _PARTNERSHIP_ROWS.format(where=where, columns="p.actor, q.actor")
            + ")",
            args,
        ).fetchall()
    }
    return Subjects(counts, members, pairs)


def _only(article_ids: Sequence[str] | None) -> tuple[str, list[Any]]:
    """A filter to the claims of `article_ids` (true when None)."""
    if article_ids is None:
        return "true", []
    return f"c.article_id IN {literal_texts(article_ids)}", []


def count_history(
    con: duckdb.DuckDBPyConnection,
    coalitions: set[str],
    *,
    article_ids: Sequence[str] | None = None,
) -> list[CountClaim]:
    """Every asserted count (and ordinal join) about `coalitions`; with `article_ids`,
    only those these articles state."""
    if not coalitions or article_ids == []:
        return []
    only, args = _only(article_ids)
    rows = con.execute(
        f"SELECT {_SEEN_COLUMNS}, c.coalition, c.kind, c.value, c.low, c.high, c.approx, c.ordinal"
        " FROM claims c JOIN articles a ON a.id = c.article_id"
        f" WHERE c.modality = 'asserted' AND c.coalition IN {IN_TEXTS}"
        f" AND (c.kind = 'member_count' OR (c.kind = 'joined' AND c.ordinal IS NOT NULL)) AND {only}",
        [texts(sorted(coalitions)), *args],
    ).fetchall()
    out = []
    for row in rows:
        coalition, kind, value, low, high, approx, ordinal = row[_SEEN_WIDTH:]
        out.append(
            CountClaim(
                _seen(row), str(coalition), str(kind), value, low, high, bool(approx), ordinal
            )
        )
    return out


def membership_history(
    con: duckdb.DuckDBPyConnection,
    subjects: set[tuple[str, str]],
    *,
    article_ids: Sequence[str] | None = None,
) -> list[MembershipClaim]:
    """Every asserted join or departure of each (coalition, actor) in `subjects`; with
    `article_ids`, only those these articles state."""
    if not subjects or article_ids == []:
        return []
    where, args = _only(article_ids)
    if article_ids is None:  # the articles' few claims need no more filter than that
        actors = texts(sorted({s[1] for s in subjects}))
        where = f"c.coalition IN {IN_TEXTS} AND c.actor IN {_RAW_ACTORS}"
        args = [texts(sorted({s[0] for s in subjects})), actors, actors]
    rows = con.execute(
        f"SELECT {_SEEN_COLUMNS}, {_MEMBERSHIP_COLUMNS} " + _MEMBERSHIP_ROWS.format(where=where),
        args,
    ).fetchall()
    out = []
    for row in rows:
        coalition, actor, status, ordinal = row[_SEEN_WIDTH:]
        if (coalition, actor) in subjects:
            out.append(MembershipClaim(_seen(row), coalition, actor, status, ordinal))
    return out


def partnership_history(
    con: duckdb.DuckDBPyConnection,
    pairs: set[tuple[str, str]],
    *,
    article_ids: Sequence[str] | None = None,
) -> list[PartnershipClaim]:
    """Every asserted partnership claim of each (actor_a, actor_b) in `pairs`; with
    `article_ids`, only those these articles state."""
    if not pairs or article_ids == []:
        return []
    only, args = _only(article_ids)
    actors = texts(sorted({a for pair in pairs for a in pair}))
    where = f"list_has_any(c.actors, (SELECT list(r) FROM {_RAW_ACTORS} AS t(r))) AND {only}"
    rows = con.execute(
        _PARTNERSHIP_ROWS.format(where=where, columns=f"{_SEEN_COLUMNS}, {_PARTNERSHIP_COLUMNS}"),
        [actors, actors, *args],
    ).fetchall()
    out = []
    for row in rows:
        a, b, status, topic = row[_SEEN_WIDTH:]
        if (a, b) in pairs:
            out.append(PartnershipClaim(_seen(row), a, b, status, topic))
    return out


def mark_baseline(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str], sources: set[str] | frozenset[str]
) -> None:
    """Mark the articles of `sources` among `article_ids` as baseline reads."""
    if not sources or not article_ids:
        return
    con.execute(
        "UPDATE articles SET baseline = true WHERE id IN (SELECT unnest(?::VARCHAR[]))"
        " AND source IN (SELECT unnest(?::VARCHAR[]))",
        [list(article_ids), sorted(sources)],
    )
