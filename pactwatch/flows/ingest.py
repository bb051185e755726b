"""Plain-Python steps of a run: collect one source's documents, turn documents into articles.

No Prefect here, so every step can be called from a test, a notebook or another
orchestrator. `pactwatch.flows.pipeline` wraps these in a few batched Prefect tasks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from pactwatch.errors import FetchError, InputError, PactwatchError, is_transient
from pactwatch.parsers.claims import extract_claims
from pactwatch.parsers.dates import parse_datetime
from pactwatch.parsers.event_dates import with_event_dates
from pactwatch.parsers.feeds import parse_feed
from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.markup import decode_html, html_to_text
from pactwatch.parsers.model import Article, Claim, FeedItem, ParsedFeed
from pactwatch.parsers.nlp import ModelMissing
from pactwatch.parsers.pages import extract_page
from pactwatch.parsers.text import article_from_text
from pactwatch.parsers.urls import canonicalize

from .config import SourceConfig
from .fetch import Fetcher, FetchResult, read_path

DocKind = Literal["feed", "html", "text", "item"]


@dataclass(frozen=True)
class Document:
    """Bytes read from somewhere, with what we know about them before parsing."""

    url: str
    kind: DocKind
    data: bytes = b""
    content_type: str | None = None
    item: FeedItem | None = None  # for kind "item", or the feed item a page was linked from
    # Best available time when the document gives no publication date: Last-Modified
    # of the page (or of its feed), the file's modification time.
    dated_at: datetime | None = None


@dataclass(frozen=True)
class FetchRow:
    """One HTTP or file read, as the `fetches` table records it."""

    url: str
    status: int | None
    etag: str | None = None
    last_modified: str | None = None
    bytes: int = 0
    content_type: str | None = None
    not_modified: bool = False
    error: str | None = None


@dataclass
class Harvest:
    """What one source gave in one run: documents to parse, reads to record, problems."""

    source: str
    documents: list[Document] = field(default_factory=list)
    fetches: list[FetchRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    failed: bool = False  # the source itself could not be read


@dataclass(frozen=True, slots=True)
class Extraction:
    """One source's articles with their claims, and the problems met extracting them."""

    source: str
    batch: tuple[tuple[Article, tuple[Claim, ...]], ...]
    problems: tuple[str, ...]


def chunked(docs: Sequence[Document], size: int) -> list[list[Document]]:
    """`docs` cut into consecutive chunks of at most `size`, in order."""
    return [list(docs[i : i + size]) for i in range(0, len(docs), max(1, size))]


def join_chunks(source: str, parts: Sequence[Extraction]) -> Extraction:
    """One source's extraction from its chunks' (given in chunk order)."""
    return Extraction(
        source=source,
        batch=tuple(pair for part in parts for pair in part.batch),
        problems=tuple(problem for part in parts for problem in part.problems),
    )


def _row(result: FetchResult) -> FetchRow:
    return FetchRow(
        url=result.url,
        status=result.status,
        etag=result.etag,
        last_modified=result.last_modified,
        bytes=result.bytes_read,
        content_type=result.content_type,
        not_modified=result.not_modified,
    )


def page_document(
    result: FetchResult, item: FeedItem | None = None, *, dated_at: datetime | None = None
) -> Document:
    """The fetched page of a feed item (or of a page source) as a document to parse.
    `dated_at` (the feed's own time) stands in when the page sends no Last-Modified."""
    return Document(
        url=result.url,
        kind="html",
        data=result.content,
        content_type=result.content_type,
        item=item,
        dated_at=parse_datetime(result.last_modified) or dated_at,
    )


def _error_row(url: str, exc: PactwatchError) -> FetchRow:
    return FetchRow(url=url, status=getattr(exc, "status", None), error=str(exc))


def feed_problem(parsed: ParsedFeed) -> str | None:
    """What is wrong with a parsed feed, or None when nothing worth reporting is.

    feedparser flags a feed whose declared charset it had to override (text/xml
    without a charset is "us-ascii" by RFC 3023; a server that says UTF-8 over
    windows-1252 bytes): the items were decoded all the same, so that is no problem.
    """
    if not parsed.bozo or not parsed.problem:
        return None
    if parsed.items and parsed.problem.startswith("CharacterEncodingOverride"):
        return None
    return parsed.problem


def follow_feed(
    parsed: ParsedFeed,
    *,
    feed_url: str,
    harvest: Harvest,
    fetcher: Fetcher | None,
    follow: bool,
    max_links: int,
    known_urls: Collection[str] = (),
    last_fetched: Mapping[str, datetime] | None = None,
    keep_unfetched: bool = False,
    dated_at: datetime | None = None,
) -> bool:
    """Turn feed items into documents, following links to pages we have not stored yet.

    Returns False when some new item was left for a later run (over `max_links`,
    or its page could not be fetched): the feed must then be read again in full
    next time, not answered with a 304 that would hide those items. An item whose
    page fails for good (a terminal error such as 404) is kept with its own text;
    with `keep_unfetched` (`pactwatch extract`, which has no later run), so is one
    whose page failed for now. `dated_at` (the feed's Last-Modified or file time)
    is the best available time of undated items.
    """
    problem = feed_problem(parsed)
    if problem:
        harvest.problems.append(f"{feed_url}: feed is not well-formed: {problem}")
    complete = True
    followed = 0
    for item in parsed.items:
        link = canonicalize(item.link) if item.link else None
        known = link is not None and (link in known_urls or item.link in known_urls)
        if known and not _updated_since(item, link or "", item.link, last_fetched or {}):
            continue
        can_follow = (
            follow
            and fetcher is not None
            and item.link is not None
            and item.link.startswith(("http://", "https://"))
        )
        if can_follow and item.link is not None and fetcher is not None:
            if followed >= max_links:
                # Not lost: the link stays unknown, so the next run picks it up.
                complete = False
                continue
            followed += 1
            try:
                result = fetcher.fetch(item.link)
            except FetchError as exc:
                harvest.fetches.append(_error_row(item.link, exc))
                harvest.problems.append(str(exc))  # names the (redacted) URL
                transient = is_transient(exc)
                complete = complete and not transient
                # A page that will not come (404, refused) leaves the item's own text
                # (teaser, summary or headline) as the story; one that may come later
                # is left for the next run, except where there is none (`extract`).
                if keep_unfetched or not transient:
                    harvest.documents.append(
                        Document(url=item.link, kind="item", item=item, dated_at=dated_at)
                    )
                continue
            harvest.fetches.append(_row(result))
            harvest.documents.append(page_document(result, item, dated_at=dated_at))
        else:
            harvest.documents.append(
                Document(
                    url=link or item_url(feed_url, item), kind="item", item=item, dated_at=dated_at
                )
            )
    return complete


def _with_feed_problem(row: FetchRow, parsed: ParsedFeed) -> FetchRow:
    """Bad input is data: a feed's problem is kept in `fetches` as well as reported."""
    problem = feed_problem(parsed)
    return replace(row, error=f"feed is not well-formed: {problem}") if problem else row


def _read_feed(
    parsed: ParsedFeed,
    row: FetchRow,
    *,
    feed_url: str,
    harvest: Harvest,
    fetcher: Fetcher | None,
    follow: bool,
    max_links: int,
    known_urls: Collection[str],
    last_fetched: Mapping[str, datetime] | None,
    dated_at: datetime | None = None,
) -> FetchRow:
    """Take a feed's items into the harvest; return the fetch row to record for it.

    When items were left for later, the row loses its validators (ETag,
    Last-Modified, or a local file's digest), so the next run reads the feed in
    full instead of being answered "not modified" and never seeing those items.
    """
    if not parsed.items and not parsed.bozo:
        # Well-formed but empty: often a feed URL that moved or a filter gone wrong.
        harvest.problems.append(f"{feed_url}: the feed has no items")
    complete = follow_feed(
        parsed,
        feed_url=feed_url,
        harvest=harvest,
        fetcher=fetcher,
        follow=follow,
        max_links=max_links,
        known_urls=known_urls,
        last_fetched=last_fetched,
        dated_at=dated_at,
    )
    row = _with_feed_problem(row, parsed)
    return row if complete else replace(row, etag=None, last_modified=None)


def _updated_since(
    item: FeedItem, link: str, raw_link: str | None, last_fetched: Mapping[str, datetime]
) -> bool:
    """Whether a stored story was edited since we read it, by the feed's own word.

    Only an item whose `updated` is later than its `published` counts: some feeds
    stamp every item with the feed's build time, and re-reading all of them every
    run would cost the `max_links` budget for nothing.
    """
    updated, published = item.updated_at, item.published_at
    if updated is None or published is None or updated <= published:
        return False
    seen = last_fetched.get(link) or (last_fetched.get(raw_link) if raw_link else None)
    return seen is not None and updated > seen


def collect_source(
    source: SourceConfig,
    *,
    fetcher: Fetcher,
    validators: Mapping[str, tuple[str | None, str | None]],
    known_urls: Collection[str],
    follow_links: bool,
    max_links: int,
    file_digests: Mapping[str, str] | None = None,
    last_fetched: Mapping[str, datetime] | None = None,
) -> Harvest:
    """Read one source: the feed or page over HTTP, or a local file or folder.

    Raises FetchError when the source itself cannot be read, so the caller can
    retry transient failures; problems with single linked pages are recorded in
    the harvest instead, and the run goes on.
    """
    harvest = Harvest(source=source.name)
    file_digests = file_digests or {}
    follow = source.follow_links if source.follow_links is not None else follow_links
    limit = source.max_links if source.max_links is not None else max_links
    if source.kind == "path":
        for doc in read_path(Path(source.location)):
            url = doc.path.resolve().as_uri()
            digest = hashlib.sha256(doc.data).hexdigest()
            unchanged = file_digests.get(url) == digest
            index = len(harvest.fetches)
            row = FetchRow(
                url=url, status=None, etag=digest, bytes=len(doc.data), not_modified=unchanged
            )
            harvest.fetches.append(row)
            if unchanged:
                continue
            if doc.kind == "feed":
                harvest.fetches[index] = _read_feed(
                    parse_feed(doc.data, url=url),
                    row,
                    feed_url=url,
                    harvest=harvest,
                    fetcher=fetcher,
                    follow=follow,
                    max_links=limit,
                    known_urls=known_urls,
                    last_fetched=last_fetched,
                    dated_at=doc.modified_at,
                )
            else:
                harvest.documents.append(
                    Document(url=url, kind=doc.kind, data=doc.data, dated_at=doc.modified_at)
                )
        return harvest

    etag, last_modified = validators.get(source.location, (None, None))
    result = fetcher.fetch(source.location, etag=etag, last_modified=last_modified)
    # Recorded under the URL asked for, which is where the next run sends its
    # validators (`fetch_validators`), even when the server redirected.
    row = replace(_row(result), url=source.location)
    harvest.fetches.append(row)
    if result.not_modified:
        return harvest
    if source.kind == "feed":
        parsed = parse_feed(result.content, content_type=result.content_type, url=result.url)
        if not parsed.items and parsed.bozo:
            harvest.fetches[0] = _with_feed_problem(row, parsed)
            harvest.failed = True
            harvest.problems.append(f"{source.location}: no readable feed: {parsed.problem}")
            return harvest
        harvest.fetches[0] = _read_feed(
            parsed,
            row,
            feed_url=result.url,
            harvest=harvest,
            fetcher=fetcher,
            follow=follow,
            max_links=limit,
            known_urls=known_urls,
            last_fetched=last_fetched,
            dated_at=parse_datetime(result.last_modified),
        )
    else:
        harvest.documents.append(page_document(result))
    return harvest


def drop_leading_title(text: str, title: str | None) -> str:
    """Main text without a first line that repeats the headline.

    Extractors keep the page's <h1>; stored as text it would give every claim in
    a headline twice, and two pieces of evidence for one statement.
    """
    if not title:
        return text
    first, sep, rest = text.lstrip().partition("\n")
    norm = " ".join(first.split()).casefold().rstrip(".")
    if sep and norm == " ".join(title.split()).casefold().rstrip("."):
        return rest.lstrip("\n")
    return text


def item_url(feed_url: str, item: FeedItem) -> str:
    """Where an item without a web link is stored: the feed's URL with a stable
    fragment from the item's guid, else from its title and content, so two link-less
    items of one feed are two articles and the same item read again is the same one."""
    key = item.guid or "\x1f".join(part or "" for part in (item.title, item.summary, item.content))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return f"{feed_url.split('#', 1)[0]}#item-{digest}"


def item_text(item: FeedItem) -> str:
    """An item's own text: its content, else its summary, else its title.

    A headline-only item ("Peru joins the Artemis Accords" with no body, or a body
    that is only an image) is stored with the headline as its text, so its claim
    counts; the title is otherwise no part of the text (claims read it as context).
    """
    if item.content:
        body = html_to_text(item.content, keep_lines=True) if item.content_is_html else item.content
        if body.strip():
            return body.strip()
    for fallback in (item.summary, item.title):
        if fallback and fallback.strip():
            return fallback.strip()
    return ""


def article_from_item(item: FeedItem, *, fallback_url: str) -> Article:
    """An article from a feed item's own content (no page fetch)."""
    url = canonicalize(item.link) if item.link else fallback_url
    return Article(url=url, title=item.title, published_at=item.published_at, text=item_text(item))


def document_article(doc: Document) -> Article:
    """Parse one document into an article; never raises on bad bytes. An undated
    article takes the document's best available time as `dated_at`."""
    article = _document_article(doc)
    if article.published_at is None and doc.dated_at is not None:
        return replace(article, dated_at=doc.dated_at)
    return article


def _document_article(doc: Document) -> Article:
    if doc.kind == "item":
        assert doc.item is not None
        return article_from_item(doc.item, fallback_url=doc.url)
    if doc.kind == "html":
        article = extract_page(doc.data, url=doc.url, content_type=doc.content_type)
        item = doc.item
        if item is not None:
            # The feed knows the story's date and title even when the page hides them.
            article = replace(
                article,
                title=article.title or item.title,
                published_at=article.published_at or item.published_at,
                text=article.text or article_from_item(item, fallback_url=doc.url).text,
            )
        return replace(article, text=drop_leading_title(article.text, article.title))
    if doc.kind == "text":
        # Text files and text/plain bodies come in legacy encodings and with BOMs too.
        text = decode_html(doc.data, content_type=doc.content_type)
        return article_from_text(text, url=doc.url)
    raise InputError(f"{doc.url}: cannot extract articles from a {doc.kind} document directly")


def extract_documents(
    docs: Iterable[Document],
    *,
    gazetteer: Gazetteer,
    model: str | None = None,
    known_hashes: Mapping[str, str] | None = None,
) -> tuple[list[tuple[Article, list[Claim]]], list[str]]:
    """Articles and their claims for every document; problems are returned, not raised.

    An article whose text hashes as already stored (`known_hashes`, by canonical or
    fetched URL) is skipped: only new or changed content is extracted again. A bug
    in claim extraction on one article is a problem for that article: the article
    is still stored, without claims, so `pactwatch reextract` can return to it.
    A missing spaCy `model` is no article's bad luck: `ModelMissing` is raised.
    """
    known_hashes = known_hashes or {}
    out: list[tuple[Article, list[Claim]]] = []
    problems: list[str] = []
    for doc in docs:
        try:
            article = document_article(doc)
        except PactwatchError as exc:
            problems.append(str(exc))
            continue
        if not article.text.strip():
            problems.append(f"{doc.url}: no main text found")
            continue
        stored = known_hashes.get(article.url or "") or known_hashes.get(doc.url)
        if stored == article.content_hash:
            continue
        try:
            claims = with_event_dates(
                extract_claims(article.text, gazetteer=gazetteer, title=article.title, model=model),
                article.published_at,
            )
        except ModelMissing:
            raise
        except Exception as exc:  # one article's bad luck must not cost the run
            problems.append(
                f"{article.url or doc.url}: claim extraction failed ({type(exc).__name__}: {exc});"
                " stored without claims"
            )
            claims = []
        out.append((article, claims))
    return out, problems
