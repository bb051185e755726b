"""Batched writes: sources, fetches, articles with their claims, actors, runs.

Functions take an open writer connection and never commit on their own when the
caller already opened a transaction (see `pactwatch.warehouse.db.transaction`), so a run
can store claims and the alerts they cause atomically.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from pactwatch.parsers.dedup import fingerprint, hamming
from pactwatch.parsers.model import Actor, Article, Claim
from pactwatch.parsers.organisations import actors_in_claims
from pactwatch.warehouse.db import transaction

__all__ = [
    "StoreResult",
    "StoredArticle",
    "article_id_for",
    "articles_for_reextract",
    "baseline_pending",
    "canonical_url",
    "claim_id_for",
    "ensure_source",
    "fetch_validators",
    "finish_run",
    "insert_rows",
    "known_hashes",
    "known_urls",
    "mark_baseline_done",
    "record_fetch",
    "replace_claims",
    "start_run",
    "store_articles",
    "story_fingerprint",
    "upsert_actors",
]

_TITLE_NOISE = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")

# Near-duplicate stories (see `_story_ids`). A one-bit MinHash of 64 bits differs in
# each bit with probability (1 - J) / 2, J the Jaccard similarity of the two texts'
# word 3-shingles: 6 bits or fewer means J of about 0.8 or more (a syndicated copy
# with another dateline, byline or credit line, a reworded sentence or two), while
# unrelated news texts sit ~32 bits apart and never under 17 (parsers.dedup). The
# stricter default of `near_duplicate` (3) splits copies whose edits touch more
# than about one word in twenty.
STORY_MAX_DISTANCE = 6
# Texts shorter than this have too few shingles for the distance to mean much
# (one edited word moves a large share of them); they group by hash or title only.
STORY_MIN_WORDS = 40
# Candidates are the articles published (or, undated, fetched) within this many
# days of the new article: syndication and re-edits happen within days, and the
# window keeps the comparison to a few thousand fingerprints however large the
# warehouse grows. An old article read late is compared with its own time.
STORY_WINDOW_DAYS = 7


def _now() -> datetime:
    return datetime.now(UTC)


def _sha(*parts: object) -> str:
    return hashlib.sha256(
        "\x1f".join("" if p is None else str(p) for p in parts).encode()
    ).hexdigest()


def canonical_url(article: Article, source: str) -> str:
    """The article's key: its canonical URL, the fetched URL, or a content URN when it has neither."""
    return article.url or article.source_url or f"urn:pactwatch:{source}:{article.content_hash}"


def article_id_for(url: str) -> str:
    """Deterministic article id from the canonical URL."""
    return _sha("article", url)[:20]


def claim_id_for(article_id: str, index: int, claim: Claim) -> str:
    """Deterministic claim id: the same extraction of the same article gives the same ids."""
    return _sha(
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
    )[:24]


def story_fingerprint(text: str) -> int | None:
    """The near-duplicate fingerprint stored with an article, or None for a short text."""
    if len(_WORD.findall(text)) < STORY_MIN_WORDS:
        return None
    return fingerprint(text)


def _title_key(title: str | None) -> str | None:
    if not title:
        return None
    key = _TITLE_NOISE.sub(" ", title.lower()).strip()
    return key if len(key) >= 20 else None


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


# -- sources and fetches -------------------------------------------------------


def ensure_source(
    con: duckdb.DuckDBPyConnection,
    name: str,
    kind: str,
    location: str | None,
    *,
    now: datetime | None = None,
) -> bool:
    """Register a source; True the first time it is seen. Kind and location follow the config."""
    row = con.execute("SELECT 1 FROM sources WHERE name = ?", [name]).fetchone()
    if row is None:
        con.execute(
            "INSERT INTO sources (name, kind, location, first_seen_at, baseline_done)"
            " VALUES (?, ?, ?, ?, false)",
            [name, kind, location, now or _now()],
        )
        return True
    con.execute("UPDATE sources SET kind = ?, location = ? WHERE name = ?", [kind, location, name])
    return False


def baseline_pending(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True while a source has not completed its baseline run (or is unknown)."""
    row = con.execute("SELECT baseline_done FROM sources WHERE name = ?", [name]).fetchone()
    return row is None or not row[0]


def mark_baseline_done(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute("UPDATE sources SET baseline_done = true WHERE name = ?", [name])


def record_fetch(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str | None,
    source: str | None,
    url: str,
    status: int | None,
    etag: str | None = None,
    last_modified: str | None = None,
    bytes: int | None = None,
    content_type: str | None = None,
    not_modified: bool = False,
    error: str | None = None,
    fetched_at: datetime | None = None,
) -> None:
    """One row per HTTP request or file read, successful or not."""
    con.execute(
        "INSERT INTO fetches (run_id, source, url, fetched_at, status, etag, last_modified,"
        " bytes, content_type, not_modified, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            source,
            url,
            fetched_at or _now(),
            status,
            etag,
            last_modified,
            bytes,
            content_type,
            not_modified,
            error,
        ],
    )


def fetch_validators(con: duckdb.DuckDBPyConnection, url: str) -> tuple[str | None, str | None]:
    """ETag and Last-Modified of the latest successful fetch of `url`, for a conditional GET."""
    row = con.execute(
        "SELECT etag, last_modified FROM fetches"
        " WHERE url = ? AND error IS NULL AND status BETWEEN 200 AND 299 AND NOT not_modified"
        " ORDER BY fetched_at DESC, id DESC LIMIT 1",
        [url],
    ).fetchone()
    if row is None:
        return None, None
    return row[0], row[1]


def file_validators(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """Latest content digest (kept in `etag`) of each file a local source has read.

    The local-file analogue of a conditional GET: an unchanged file is not parsed again.
    """
    rows = con.execute(
        "SELECT url, arg_max(etag, fetched_at) FROM fetches"
        " WHERE source = ? AND error IS NULL AND etag IS NOT NULL AND url LIKE 'file:%'"
        " GROUP BY url",
        [source],
    ).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


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


# -- articles and claims -------------------------------------------------------

_CLAIM_COLUMNS = (
    "id, article_id, kind, coalition, actor, actors, value, low, high, approx, ordinal, topic,"
    " modality, attributed_to, sentence, span_start, span_end, extractor_version, created_at"
)
_CLAIM_SELECT = (
    "SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
    " unnest(?::VARCHAR[]), unnest(?::VARCHAR[][]), unnest(?::BIGINT[]), unnest(?::BIGINT[]),"
    " unnest(?::BIGINT[]), unnest(?::BOOLEAN[]), unnest(?::BIGINT[]), unnest(?::VARCHAR[]),"
    " unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[]),"
    " unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::TIMESTAMPTZ[])"
)


def _claim_rows(
    article_id: str, claims: Sequence[Claim], extractor_version: str, now: datetime
) -> list[tuple[Any, ...]]:
    return [
        (
            claim_id_for(article_id, i, c),
            article_id,
            c.kind,
            c.coalition,
            c.actor,
            list(c.actors) if c.actors is not None else None,
            c.value,
            c.low,
            c.high,
            c.approx,
            c.ordinal,
            c.topic,
            c.modality,
            c.attributed_to,
            c.sentence,
            c.span[0],
            c.span[1],
            extractor_version,
            now,
        )
        for i, c in enumerate(claims)
    ]


def _insert_columns(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: str,
    select: str,
    rows: list[tuple[Any, ...]],
) -> None:
    """Insert many rows in one statement: one list parameter per column, unnested together."""
    if not rows:
        return
    params = [list(col) for col in zip(*rows, strict=True)]
    con.execute(f"INSERT INTO {table} ({columns}) {select}", params)


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    *,
    on_conflict_ignore: bool = False,
) -> None:
    """Insert many rows in one statement. `columns` are (name, DuckDB type) pairs."""
    if not rows:
        return
    names = ", ".join(name for name, _ in columns)
    select = ", ".join(f"unnest(?::{kind}[])" for _, kind in columns)
    tail = " ON CONFLICT DO NOTHING" if on_conflict_ignore else ""
    params = [list(col) for col in zip(*rows, strict=True)]
    con.execute(f"INSERT INTO {table} ({names}) SELECT {select}{tail}", params)


def _insert_claims(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> None:
    _insert_columns(con, "claims", _CLAIM_COLUMNS, _CLAIM_SELECT, rows)


def _dedupe_ids(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    seen: set[str] = set()
    out = []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            out.append(row)
    return out


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
    now = fetched_at or _now()
    by_url: dict[str, tuple[Article, Sequence[Claim]]] = {}
    for article, claims in batch:
        by_url[canonical_url(article, source)] = (article, claims)  # last copy wins
    if not by_url:
        return StoreResult()
    urls = list(by_url)
    found = con.execute(
        "SELECT a.url, a.id, a.content_hash, a.story_id FROM (SELECT unnest(?::VARCHAR[]) AS url) u"
        " JOIN articles a ON a.url = u.url",
        [urls],
    ).fetchall()
    existing = {str(r[0]): (str(r[1]), str(r[2])) for r in found}
    # An article read again keeps its story, even when an edit brings it nearer another.
    kept = {str(r[0]): str(r[3]) for r in found if r[3] is not None}
    hashes = {url: by_url[url][0].content_hash for url in urls}
    titles = {url: _title_key(by_url[url][0].title) for url in urls}
    prints = {url: story_fingerprint(by_url[url][0].text) for url in urls}
    dates = {url: _aware(by_url[url][0].published_at or now) for url in urls}
    stories = _story_ids(con, hashes, titles, prints, dates, kept)

    article_ids: list[str] = []
    changed: list[str] = []
    new_rows: list[tuple[Any, ...]] = []
    changed_rows: list[tuple[Any, ...]] = []
    touched: list[str] = []
    claim_rows: list[tuple[Any, ...]] = []
    organisations: list[Actor] = []
    for url in urls:
        article, claims = by_url[url]
        old = existing.get(url)
        aid = old[0] if old else article_id_for(url)
        article_ids.append(aid)
        if old and old[1] == hashes[url]:
            touched.append(aid)
            continue
        row = (
            aid,
            url,
            source,
            article.source_url,
            article.title,
            article.published_at,
            now,
            hashes[url],
            article.text,
            article.language,
            stories.get(url) or aid,
            extractor_version,
            prints[url],
        )
        (changed_rows if old else new_rows).append(row)
        changed.append(aid)
        claim_rows.extend(_claim_rows(aid, claims, extractor_version, now))
        organisations.extend(actors_in_claims(claims, text=article.text))

    claim_rows = _dedupe_ids(claim_rows)
    with transaction(con):
        if touched:
            con.execute(
                "UPDATE articles SET fetched_at = ? WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                [now, touched],
            )
        if changed_rows:
            ids = [r[0] for r in changed_rows]
            con.execute(
                "DELETE FROM claims WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
            )
            con.execute("DELETE FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        _insert_columns(
            con,
            "articles",
            "id, url, source, source_url, title, published_at, fetched_at, content_hash, text,"
            " language, story_id, extractor_version, fingerprint",
            "SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
            " unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::TIMESTAMPTZ[]),"
            " unnest(?::TIMESTAMPTZ[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
            " unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
            " unnest(?::UBIGINT[])",
            new_rows + changed_rows,
        )
        _insert_claims(con, claim_rows)
        _add_organisations(con, organisations)
    return StoreResult(
        article_ids=article_ids,
        changed_article_ids=changed,
        new_claim_ids=[r[0] for r in claim_rows],
        new_articles=len(new_rows),
        updated_articles=len(changed_rows),
        unchanged_articles=len(touched),
    )


def _story_ids(
    con: duckdb.DuckDBPyConnection,
    hashes: dict[str, str],
    titles: dict[str, str | None],
    prints: dict[str, int | None],
    dates: dict[str, datetime],
    kept: dict[str, str],
) -> dict[str, str]:
    """Story grouping, strongest evidence first: the story the article already has
    (`kept`), the same text (content hash), a near-duplicate text (fingerprint within
    STORY_MAX_DISTANCE bits, among articles dated within STORY_WINDOW_DAYS), then the
    same long enough title."""
    keys = sorted({k for k in titles.values() if k})
    rows = con.execute(
        "SELECT content_hash, title, story_id FROM articles"
        " WHERE content_hash IN (SELECT unnest(?::VARCHAR[]))"
        " OR trim(regexp_replace(lower(title), '[^a-z0-9]+', ' ', 'g'))"
        " IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(set(hashes.values())), keys],
    ).fetchall()
    by_hash: dict[str, str] = {}
    by_title: dict[str, str] = {}
    for h, title, story in rows:
        if story is None:
            continue
        by_hash.setdefault(str(h), str(story))
        key = _title_key(title)
        if key:
            by_title.setdefault(key, str(story))
    near = _recent_fingerprints(con, [dates[u] for u, fp in prints.items() if fp is not None])
    window = timedelta(days=STORY_WINDOW_DAYS)
    out: dict[str, str] = {}
    for url, h in hashes.items():
        key = titles.get(url)
        fp = prints.get(url)
        story = kept.get(url) or by_hash.get(h)
        if story is None and fp is not None:
            story = _nearest_story(fp, dates[url], near, window)
        if story is None and key:
            story = by_title.get(key)
        if story is None:
            # earlier articles of the same batch form stories too
            story = article_id_for(url)
        by_hash.setdefault(h, story)
        if key:
            by_title.setdefault(key, story)
        if fp is not None:
            near.append((fp, dates[url], story))
        out[url] = story
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _recent_fingerprints(
    con: duckdb.DuckDBPyConnection, dates: Sequence[datetime]
) -> list[tuple[int, datetime, str]]:
    """(fingerprint, date, story) of stored articles dated near any of `dates`."""
    if not dates:
        return []
    rows = con.execute(
        "WITH d AS (SELECT DISTINCT unnest(?::TIMESTAMPTZ[]) AS at),"
        " a AS (SELECT fingerprint, coalesce(published_at, fetched_at) AS at, story_id"
        "  FROM articles WHERE fingerprint IS NOT NULL AND story_id IS NOT NULL)"
        " SELECT DISTINCT a.fingerprint, a.at, a.story_id FROM a JOIN d"
        " ON a.at BETWEEN d.at - to_days(?) AND d.at + to_days(?)",
        [sorted(set(dates)), STORY_WINDOW_DAYS, STORY_WINDOW_DAYS],
    ).fetchall()
    return [(int(fp), _aware(at), str(story)) for fp, at, story in rows]


def _nearest_story(
    fp: int,
    at: datetime,
    candidates: Sequence[tuple[int, datetime, str]],
    window: timedelta,
) -> str | None:
    best: tuple[int, str] | None = None
    for other, other_at, story in candidates:
        if abs(other_at - at) > window:
            continue
        distance = hamming(fp, other)
        if distance <= STORY_MAX_DISTANCE and (best is None or distance < best[0]):
            best = (distance, story)
    return best[1] if best else None


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
    stamp = now or _now()
    rows = _dedupe_ids(_claim_rows(article_id, claims, extractor_version, stamp))
    old = {
        str(r[0])
        for r in con.execute("SELECT id FROM claims WHERE article_id = ?", [article_id]).fetchall()
    }
    new_ids = [r[0] for r in rows]
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
        con.execute("DELETE FROM claims WHERE article_id = ?", [article_id])
        _insert_claims(con, rows)
        text = con.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        _add_organisations(con, actors_in_claims(claims, text=str(text[0]) if text else None))
    return [i for i in new_ids if i not in old]


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
            url=None if str(url).startswith("urn:pactwatch:") else url,
            title=title,
            published_at=published,
            text=text,
            language=language,
            source_url=source_url,
        )
        out.append(StoredArticle(id=aid, source=source, extractor_version=version, article=article))
    return out


# -- actors ----------------------------------------------------------------------


def _add_organisations(con: duckdb.DuckDBPyConnection, actors: Sequence[Actor]) -> None:
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


def upsert_actors(con: duckdb.DuckDBPyConnection, actors: Iterable[Actor]) -> int:
    """Insert or update gazetteer actors and their aliases. Returns how many actors."""
    rows = {a.id: a for a in actors}
    if not rows:
        return 0
    ids = list(rows)
    with transaction(con):
        con.execute(
            "DELETE FROM actor_aliases WHERE actor_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
        )
        con.execute("DELETE FROM actors WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        _insert_columns(
            con,
            "actors",
            "id, kind, name, stands_for",
            "SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
            " unnest(?::VARCHAR[])",
            [(a.id, a.kind, a.name, a.stands_for) for a in rows.values()],
        )
        alias_rows = list(
            dict.fromkeys((alias, a.id) for a in rows.values() for alias in a.aliases)
        )
        _insert_columns(
            con,
            "actor_aliases",
            "alias, actor_id",
            "SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [tuple(r) for r in alias_rows],
        )
    return len(rows)


# -- runs ------------------------------------------------------------------------


STALE_RUN = timedelta(hours=6)


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str | None = None,
    *,
    started_at: datetime | None = None,
) -> str:
    """Record the start of a run; returns its id (a new one unless given).

    Runs still `running` that started more than STALE_RUN ago died without
    closing (a killed process): they are marked `interrupted`, so `runs` tells
    the truth. No real run lasts that long with one writer and short writes.
    """
    rid = run_id or uuid.uuid4().hex[:12]
    started = started_at or _now()
    con.execute(
        "UPDATE runs SET status = 'interrupted'"
        " WHERE status = 'running' AND finished_at IS NULL AND started_at < ?",
        [started - STALE_RUN],
    )
    con.execute(
        "INSERT INTO runs (id, started_at, status) VALUES (?, ?, 'running')"
        " ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, status = 'running'",
        [rid, started],
    )
    return rid


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    status: str,
    summary: dict[str, Any] | None = None,
    finished_at: datetime | None = None,
) -> None:
    """Close a run with a status (ok, failed) and a JSON summary."""
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
        [finished_at or _now(), status, json.dumps(summary or {}, default=str), run_id],
    )
