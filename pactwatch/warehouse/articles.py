"""The `articles` table: upserts by canonical URL with their claims, story ids, and
the lookups a run makes before fetching (known URLs, hashes, last reads)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import duckdb

from pactwatch.clock import as_utc, now_utc
from pactwatch.parsers.model import Actor, Article, Claim
from pactwatch.parsers.organisations import actors_in_claims
from pactwatch.parsers.stories import (
    STORY_WINDOW_DAYS,
    KnownStories,
    NewArticle,
    StoryPrint,
    assign_stories,
    story_fingerprint,
    title_key,
)
from pactwatch.warehouse.actors import add_organisations
from pactwatch.warehouse.batch import IN_TEXTS, columns_of, insert_rows, texts
from pactwatch.warehouse.claims import ClaimRow, claim_rows, delete_claims, insert_claims, sha_id
from pactwatch.warehouse.count_rows import retime_count_rows
from pactwatch.warehouse.db import transaction
from pactwatch.warehouse.subject_state import forget_subjects_of, undated_or_tied

__all__ = [
    "ArticleRow",
    "StoreResult",
    "StoredArticle",
    "article_id_for",
    "articles_for_reextract",
    "canonical_url",
    "known_hashes",
    "known_urls",
    "last_fetched",
    "store_articles",
]

_URN = "urn:pactwatch:"


def canonical_url(article: Article, source: str) -> str:
    """The article's key: its canonical URL, the fetched URL, or a content URN when it has neither."""
    return article.url or article.source_url or f"{_URN}{source}:{article.content_hash}"


def article_id_for(url: str) -> str:
    """Deterministic article id from the canonical URL."""
    return sha_id("article", url)[:20]


class ArticleRow(NamedTuple):
    """One row of `articles`, fields named and ordered as its columns."""

    id: str
    url: str
    source: str
    source_url: str | None
    title: str | None
    published_at: datetime | None
    fetched_at: datetime
    content_hash: str
    text: str
    language: str | None
    story_id: str
    extractor_version: str
    fingerprint: int | None
    dated_at: datetime | None = None


_ARTICLE_COLUMNS = columns_of(
    ArticleRow._fields,
    {
        "published_at": "TIMESTAMPTZ",
        "fetched_at": "TIMESTAMPTZ",
        "fingerprint": "UBIGINT",
        "dated_at": "TIMESTAMPTZ",
    },
)


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What `store_articles` did.

    `changed_article_ids` are new articles and articles whose text changed: their
    claims were (re)written and detection should look at them. Unchanged
    articles keep their claims and appear only in `article_ids`.
    """

    article_ids: list[str] = field(default_factory=list)
    changed_article_ids: list[str] = field(default_factory=list)
    new_claim_ids: list[str] = field(default_factory=list)
    new_articles: int = 0
    updated_articles: int = 0
    unchanged_articles: int = 0


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as stored, for re-extraction."""

    id: str
    source: str
    extractor_version: str | None
    article: Article


class _Existing(NamedTuple):
    id: str
    content_hash: str
    story_id: str | None


def _existing(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, _Existing]:
    rows = con.execute(
        f"SELECT a.url, a.id, a.content_hash, a.story_id FROM articles a WHERE a.url IN {IN_TEXTS}",
        [texts(urls)],
    ).fetchall()
    return {
        str(url): _Existing(str(aid), str(h), None if story is None else str(story))
        for url, aid, h, story in rows
    }


def store_articles(
    con: duckdb.DuckDBPyConnection,
    source: str,
    batch: Sequence[tuple[Article, Sequence[Claim]]],
    *,
    extractor_version: str,
    fetched_at: datetime | None = None,
) -> StoreResult:
    """Upsert articles by canonical URL with their claims, in a few statements.

    Unchanged content hash: the stored claims stay (only fetch metadata moves).
    New or changed content: the article's claims are replaced.
    """
    now = fetched_at or now_utc()
    by_url: dict[str, tuple[Article, Sequence[Claim]]] = {}
    for article, claims in batch:
        by_url[canonical_url(article, source)] = (article, claims)  # last copy wins
    if not by_url:
        return StoreResult()
    existing = _existing(con, list(by_url))
    news = [
        NewArticle(
            key=url,
            own_id=article_id_for(url),
            content_hash=article.content_hash,
            title_key=title_key(article.title),
            fingerprint=story_fingerprint(article.text),
            at=as_utc(article.published_at or article.dated_at or now),
            # An article read again keeps its story, even when an edit brings it nearer another.
            kept_story=existing[url].story_id if url in existing else None,
        )
        for url, (article, _) in by_url.items()
    ]
    stories = assign_stories(news, _known_stories(con, news))

    article_ids: list[str] = []
    changed: list[str] = []
    new_rows: list[ArticleRow] = []
    changed_rows: list[ArticleRow] = []
    touched: list[str] = []
    claims_out: list[ClaimRow] = []
    organisations: list[Actor] = []
    for new in news:
        article, claims = by_url[new.key]
        old = existing.get(new.key)
        aid = old.id if old else new.own_id
        article_ids.append(aid)
        if old and old.content_hash == new.content_hash:
            touched.append(aid)
            continue
        row = ArticleRow(
            id=aid,
            url=new.key,
            source=source,
            source_url=article.source_url,
            title=article.title,
            published_at=article.published_at,
            fetched_at=now,
            content_hash=new.content_hash,
            text=article.text,
            language=article.language,
            story_id=stories[new.key],
            extractor_version=extractor_version,
            fingerprint=new.fingerprint,
            dated_at=None if article.published_at else article.dated_at,
        )
        (changed_rows if old else new_rows).append(row)
        changed.append(aid)
        claims_out.extend(claim_rows(aid, claims, extractor_version, now))
        organisations.extend(actors_in_claims(claims, text=article.text))

    with transaction(con):
        if touched:
            # a later fetch time moves undated or same-instant reports in a replay
            forget_subjects_of(con, undated_or_tied(con, touched))
            con.execute(
                f"UPDATE articles SET fetched_at = ? WHERE id IN {IN_TEXTS}",
                [now, texts(touched)],
            )
            # the count rows of undated ones are judged by that time
            retime_count_rows(con, touched)
        if changed_rows:
            ids = [r.id for r in changed_rows]
            forget_subjects_of(con, ids)
            delete_claims(con, ids)
            con.execute(f"DELETE FROM articles WHERE id IN {IN_TEXTS}", [texts(ids)])
        insert_rows(con, "articles", _ARTICLE_COLUMNS, new_rows + changed_rows)
        insert_claims(con, claims_out)  # with their member_count_rows
        add_organisations(con, organisations)
    return StoreResult(
        article_ids=article_ids,
        changed_article_ids=changed,
        new_claim_ids=[r.id for r in claims_out],
        new_articles=len(new_rows),
        updated_articles=len(changed_rows),
        unchanged_articles=len(touched),
    )


def _known_stories(con: duckdb.DuckDBPyConnection, news: Sequence[NewArticle]) -> KnownStories:
    """What the warehouse knows that could place `news` in a story: stories by content
    hash and by title key, and fingerprints dated within STORY_WINDOW_DAYS of any of them."""
    rows = con.execute(
        "SELECT content_hash, title, story_id FROM articles"
        f" WHERE content_hash IN {IN_TEXTS}"
        " OR trim(regexp_replace(lower(title), '[^a-z0-9]+', ' ', 'g'))"
        f" IN {IN_TEXTS}",
        [
            texts(sorted({n.content_hash for n in news})),
            texts(sorted({n.title_key for n in news if n.title_key})),
        ],
    ).fetchall()
    by_hash: dict[str, str] = {}
    by_title: dict[str, str] = {}
    for h, title, story in rows:
        if story is None:
            continue
        by_hash.setdefault(str(h), str(story))
        key = title_key(title)
        if key:
            by_title.setdefault(key, str(story))
    dates = sorted({n.at for n in news if n.fingerprint is not None})
    return KnownStories(by_hash, by_title, _recent_prints(con, dates))


def _recent_prints(con: duckdb.DuckDBPyConnection, dates: Sequence[datetime]) -> list[StoryPrint]:
    """Fingerprints of stored articles dated near any of `dates`."""
    if not dates:
        return []
    rows = con.execute(
        "WITH d AS (SELECT DISTINCT unnest(string_split(?, chr(31)))::TIMESTAMPTZ AS at),"
        " a AS (SELECT fingerprint, coalesce(published_at, fetched_at) AS at, story_id"
        "  FROM articles WHERE fingerprint IS NOT NULL AND story_id IS NOT NULL)"
        " SELECT DISTINCT a.fingerprint, a.at, a.story_id FROM a JOIN d"
        " ON a.at BETWEEN d.at - to_days(?) AND d.at + to_days(?)",
        [texts([d.isoformat() for d in dates]), STORY_WINDOW_DAYS, STORY_WINDOW_DAYS],
    ).fetchall()
    return [StoryPrint(int(fp), as_utc(at), str(story)) for fp, at, story in rows]


def known_urls(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every stored article URL, canonical and fetched: links not worth following again."""
    rows = con.execute(
        "SELECT url FROM articles UNION SELECT source_url FROM articles WHERE source_url IS NOT NULL"
    ).fetchall()
    return {str(r[0]) for r in rows}


def last_fetched(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """When each stored article was last read, by canonical and by fetched URL."""
    rows = con.execute(
        "SELECT url, max(fetched_at) FROM ("
        " SELECT url, fetched_at FROM articles"
        " UNION ALL SELECT source_url, fetched_at FROM articles WHERE source_url IS NOT NULL"
        ") GROUP BY url"
    ).fetchall()
    return {str(r[0]): r[1] for r in rows if r[1] is not None}


def known_hashes(con: duckdb.DuckDBPyConnection, urls: Iterable[str]) -> dict[str, str]:
    """Content hash of each already stored article among `urls` (canonical or fetched URL)."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return {}
    rows = con.execute(
        "WITH u AS (SELECT unnest(?::VARCHAR[]) AS url)"
        " SELECT u.url, a.content_hash FROM u JOIN articles a ON a.source_url = u.url"
        " UNION ALL"
        " SELECT u.url, a.content_hash FROM u JOIN articles a ON a.url = u.url",
        [wanted],
    ).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def articles_for_reextract(
    con: duckdb.DuckDBPyConnection, *, extractor_version: str | None = None
) -> list[StoredArticle]:
    """Stored articles to extract again; with `extractor_version`, only those extracted by another."""
    query = (
        "SELECT id, source, extractor_version, url, title, published_at, text, language, source_url"
        " FROM articles"
    )
    params: list[Any] = []
    if extractor_version is not None:
        query += " WHERE extractor_version IS DISTINCT FROM ?"
        params.append(extractor_version)
    query += " ORDER BY coalesce(published_at, fetched_at), id"
    out = []
    for aid, source, version, url, title, published, text, language, source_url in con.execute(
        query, params
    ).fetchall():
        article = Article(
            url=None if str(url).startswith(_URN) else url,
            title=title,
            published_at=published,
            text=text,
            language=language,
            source_url=source_url,
        )
        out.append(StoredArticle(id=aid, source=source, extractor_version=version, article=article))
    return out
