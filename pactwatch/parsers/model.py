"""Frozen records that flow through every layer: feed items, articles and claims.

These are the shapes of DESIGN section 4. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pactwatch.clock import iso_utc

ClaimKind = Literal["member_count", "joined", "left", "partnership", "partnership_ended"]
Modality = Literal["asserted", "hedged", "negated"]

CLAIM_KINDS: tuple[ClaimKind, ...] = (
    "member_count",
    "joined",
    "left",
    "partnership",
    "partnership_ended",
)
MODALITIES: tuple[Modality, ...] = ("asserted", "hedged", "negated")

_WS = re.compile(r"\s+")


def content_hash(text: str) -> str:
    """Hash of whitespace-normalised text: the same story re-fetched hashes the same."""
    normal = _WS.sub(" ", text).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Article:
    """One article: extracted main text plus the metadata we could find."""

    url: str | None
    title: str | None
    published_at: datetime | None
    text: str
    language: str | None = None
    source_url: str | None = None  # the URL we fetched, when it differs from the canonical url
    # Best available time when published_at is None: the page's Last-Modified, the
    # file's modification time (stored as articles.dated_at; never in the JSON).
    dated_at: datetime | None = None

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "published_at": iso_utc(self.published_at),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement read in one sentence. A claim, never a fact."""

    kind: ClaimKind
    sentence: str
    span: tuple[int, int]
    modality: Modality = "asserted"
    attributed_to: str | None = None
    coalition: str | None = None
    actor: str | None = None
    actors: tuple[str, ...] | None = None
    value: int | None = None
    low: int | None = None
    high: int | None = None
    approx: bool = False
    ordinal: int | None = None
    topic: str | None = None
    # When the sentence dates the event ("signed in 2023"): ISO 8601 at the given
    # precision ("2023", "2023-09", "2023-09-14"), resolved against the article's
    # published_at (parsers.event_dates); None when it does not.
    event_date: str | None = None
    event_date_precision: Literal["day", "month", "year"] | None = None

    def to_json(self) -> dict[str, Any]:
        """The DESIGN section 4 object for this claim's kind, fields in contract order."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == "member_count":
            out.update(
                coalition=self.coalition,
                value=self.value,
                low=self.low,
                high=self.high,
                approx=self.approx,
            )
        elif self.kind == "joined":
            out.update(coalition=self.coalition, actor=self.actor, ordinal=self.ordinal)
        elif self.kind == "left":
            out.update(coalition=self.coalition, actor=self.actor)
        else:
            out.update(actors=list(self.actors or ()), topic=self.topic)
        out.update(
            modality=self.modality,
            attributed_to=self.attributed_to,
            sentence=self.sentence,
            span=[self.span[0], self.span[1]],
        )
        if self.event_date is not None:  # added to DESIGN section 4: absent when undated
            out.update(event_date=self.event_date, event_date_precision=self.event_date_precision)
        return out


ActorKind = Literal["country", "agency", "coalition", "organisation", "person"]


@dataclass(frozen=True, slots=True)
class Actor:
    """A country, agency, coalition, organisation or person the gazetteer knows.

    `stands_for` is the country a national agency represents (nasa -> US), used
    whenever actors are compared; None for everything else.
    """

    id: str
    kind: ActorKind
    name: str
    aliases: tuple[str, ...] = ()
    stands_for: str | None = None


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, as the feed itself describes it."""

    title: str | None
    link: str | None
    guid: str | None = None
    published_at: datetime | None = None
    summary: str | None = None  # plain text
    content: str | None = None  # full content (HTML or text) when the feed carries it
    content_is_html: bool = True
    updated_at: datetime | None = None  # when the feed says the item was last changed


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed held. Broken feeds are data: `problem` says what was wrong."""

    items: tuple[FeedItem, ...]
    title: str | None = None
    link: str | None = None
    version: str | None = None
    bozo: bool = False
    problem: str | None = None
    entries_raw: tuple[dict[str, Any], ...] = field(default=(), repr=False, compare=False)


def article_json(article: Article, claims: list[Claim] | tuple[Claim, ...]) -> dict[str, Any]:
    """One line of `pactwatch extract --json`."""
    return {"article": article.to_json(), "claims": [c.to_json() for c in claims]}
