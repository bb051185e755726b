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

__all__ = [
    "CountClaim",
    "MembershipClaim",
    "PartnershipClaim",
    "SeenIn",
    "Subjects",
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


def subjects_of(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> Subjects:
    """The subjects the asserted claims of `article_ids` speak of."""
    ids = list(article_ids)
    counts = {
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT coalition FROM claims"
            " WHERE article_id IN (SELECT unnest(?::VARCHAR[])) AND modality = 'asserted'"
            f" AND coalition IS NOT NULL AND {_COUNTABLE}",
            [ids],
        ).fetchall()
    }
    members = {
        (str(r[0]), str(r[1]))
        for r in con.execute(
            "SELECT DISTINCT coalition, actor FROM membership_claims"
            " WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        ).fetchall()
    }
    pairs = {
        (str(r[0]), str(r[1]))
        for r in con.execute(
            "SELECT DISTINCT actor_a, actor_b FROM partnership_claims"
            " WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        ).fetchall()
    }
    return Subjects(counts, members, pairs)


def count_history(con: duckdb.DuckDBPyConnection, coalitions: set[str]) -> list[CountClaim]:
    """Every asserted count (and ordinal join) about `coalitions`."""
    if not coalitions:
        return []
    rows = con.execute(
        f"SELECT {_SEEN_COLUMNS}, c.coalition, c.kind, c.value, c.low, c.high, c.approx, c.ordinal"
        " FROM claims c JOIN articles a ON a.id = c.article_id"
        " WHERE c.modality = 'asserted' AND c.coalition IN (SELECT unnest(?::VARCHAR[]))"
        " AND (c.kind = 'member_count' OR (c.kind = 'joined' AND c.ordinal IS NOT NULL))",
        [sorted(coalitions)],
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
    con: duckdb.DuckDBPyConnection, subjects: set[tuple[str, str]]
) -> list[MembershipClaim]:
    """Every asserted join or departure of each (coalition, actor) in `subjects`."""
    if not subjects:
        return []
    rows = con.execute(
        f"SELECT {_SEEN_COLUMNS}, m.coalition, m.actor, m.status, c.ordinal"
        " FROM membership_claims m JOIN claims c ON c.id = m.claim_id"
        " JOIN articles a ON a.id = c.article_id"
        " WHERE m.coalition IN (SELECT unnest(?::VARCHAR[]))"
        " AND m.actor IN (SELECT unnest(?::VARCHAR[]))",
        [sorted({s[0] for s in subjects}), sorted({s[1] for s in subjects})],
    ).fetchall()
    out = []
    for row in rows:
        coalition, actor, status, ordinal = row[_SEEN_WIDTH:]
        if (coalition, actor) in subjects:
            out.append(MembershipClaim(_seen(row), coalition, actor, status, ordinal))
    return out


def partnership_history(
    con: duckdb.DuckDBPyConnection, pairs: set[tuple[str, str]]
) -> list[PartnershipClaim]:
    """Every asserted partnership claim of each (actor_a, actor_b) in `pairs`."""
    if not pairs:
        return []
    rows = con.execute(
        f"SELECT {_SEEN_COLUMNS}, p.actor_a, p.actor_b, p.status, p.topic"
        " FROM partnership_claims p JOIN claims c ON c.id = p.claim_id"
        " JOIN articles a ON a.id = c.article_id"
        " WHERE p.actor_a IN (SELECT unnest(?::VARCHAR[]))"
        " AND p.actor_b IN (SELECT unnest(?::VARCHAR[]))",
        [sorted({p[0] for p in pairs}), sorted({p[1] for p in pairs})],
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
