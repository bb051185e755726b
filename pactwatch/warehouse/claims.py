"""The `claims` table: every claim of DESIGN section 4 with its article and extractor version."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

import duckdb

from pactwatch.clock import now_utc
from pactwatch.parsers.event_dates import first_day
from pactwatch.parsers.model import Claim
from pactwatch.parsers.organisations import actors_in_claims
from pactwatch.warehouse.actors import add_organisations
from pactwatch.warehouse.batch import IN_TEXTS, columns_of, insert_rows, texts
from pactwatch.warehouse.count_rows import refresh_count_rows
from pactwatch.warehouse.db import transaction
from pactwatch.warehouse.subject_state import forget_subjects_of

__all__ = [
    "ClaimRow",
    "claim_id_for",
    "claim_rows",
    "delete_claims",
    "insert_claims",
    "replace_claims",
    "sha_id",
]


def sha_id(*parts: object) -> str:
    """A stable hex digest of `parts` (None as the empty string): the root of every row id."""
    return hashlib.sha256(
        "\x1f".join("" if p is None else str(p) for p in parts).encode()
    ).hexdigest()


def claim_id_for(article_id: str, index: int, claim: Claim) -> str:
    """Deterministic claim id: the same extraction of the same article gives the same ids."""
    return sha_id(
        "claim",
        article_id,
        index,
        claim.kind,
        claim.coalition,
        claim.actor,
        ",".join(claim.actors or ()),
        claim.value,
        claim.low,
        claim.high,
        claim.approx,
        claim.ordinal,
        claim.topic,
        claim.modality,
        claim.attributed_to,
        claim.span[0],
        claim.span[1],
        claim.sentence,
        # only when set, so the ids of undated claims stay what they were
        *((claim.event_date, claim.event_date_precision) if claim.event_date else ()),
    )[:24]


class ClaimRow(NamedTuple):
    """One row of `claims`, fields named and ordered as its columns."""

    id: str
    article_id: str
    kind: str
    coalition: str | None
    actor: str | None
    actors: list[str] | None
    value: int | None
    low: int | None
    high: int | None
    approx: bool
    ordinal: int | None
    topic: str | None
    modality: str
    attributed_to: str | None
    sentence: str
    span_start: int
    span_end: int
    extractor_version: str
    created_at: datetime
    event_date: date | None = None  # the first day of the period the sentence dates
    event_date_precision: str | None = None


_CLAIM_COLUMNS = columns_of(
    ClaimRow._fields,
    {
        "actors": "VARCHAR[]",
        "value": "BIGINT",
        "low": "BIGINT",
        "high": "BIGINT",
        "approx": "BOOLEAN",
        "ordinal": "BIGINT",
        "span_start": "INTEGER",
        "span_end": "INTEGER",
        "created_at": "TIMESTAMPTZ",
        "event_date": "DATE",
    },
)


def claim_rows(
    article_id: str, claims: Sequence[Claim], extractor_version: str, now: datetime
) -> list[ClaimRow]:
    """The rows for one article's claims; a claim repeated word for word is stored once."""
    rows: dict[str, ClaimRow] = {}
    for i, c in enumerate(claims):
        claim_id = claim_id_for(article_id, i, c)
        rows.setdefault(
            claim_id,
            ClaimRow(
                id=claim_id,
                article_id=article_id,
                kind=c.kind,
                coalition=c.coalition,
                actor=c.actor,
                actors=list(c.actors) if c.actors is not None else None,
                value=c.value,
                low=c.low,
                high=c.high,
                approx=c.approx,
                ordinal=c.ordinal,
                topic=c.topic,
                modality=c.modality,
                attributed_to=c.attributed_to,
                sentence=c.sentence,
                span_start=c.span[0],
                span_end=c.span[1],
                extractor_version=extractor_version,
                created_at=now,
                event_date=first_day(c.event_date) if c.event_date else None,
                event_date_precision=c.event_date_precision if c.event_date else None,
            ),
        )
    return list(rows.values())


def insert_claims(con: duckdb.DuckDBPyConnection, rows: Sequence[ClaimRow]) -> None:
    """Insert claims of stored articles (store the articles first) and the
    `member_count_rows` of those articles with them."""
    insert_rows(con, "claims", _CLAIM_COLUMNS, rows)
    refresh_count_rows(con, [r.article_id for r in rows])


def delete_claims(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """Delete every claim of these articles, and their `member_count_rows`."""
    if not article_ids:
        return
    con.execute(f"DELETE FROM claims WHERE article_id IN {IN_TEXTS}", [texts(article_ids)])
    refresh_count_rows(con, article_ids)


def replace_claims(
    con: duckdb.DuckDBPyConnection,
    article_id: str,
    claims: Sequence[Claim],
    extractor_version: str,
    *,
    now: datetime | None = None,
) -> list[str]:
    """Replace one article's claims after re-extraction. Returns ids of claims not stored before.

    An empty list means the extractor read the same claims again: nothing to detect.
    """
    rows = claim_rows(article_id, claims, extractor_version, now or now_utc())
    old = {
        str(r[0])
        for r in con.execute("SELECT id FROM claims WHERE article_id = ?", [article_id]).fetchall()
    }
    new_ids = [r.id for r in rows]
    with transaction(con):
        con.execute(
            "UPDATE articles SET extractor_version = ? WHERE id = ?",
            [extractor_version, article_id],
        )
        if set(new_ids) == old:
            con.execute(
                "UPDATE claims SET extractor_version = ? WHERE article_id = ?",
                [extractor_version, article_id],
            )
            return []
        forget_subjects_of(con, [article_id])
        delete_claims(con, [article_id])
        insert_claims(con, rows)
        text = con.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        add_organisations(con, actors_in_claims(claims, text=str(text[0]) if text else None))
    return [i for i in new_ids if i not in old]
