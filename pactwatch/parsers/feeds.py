"""Feeds to FeedItems: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

Bad input is data: `parse_feed` never raises. A broken feed gives whatever could
be read, with `bozo=True` and a one-line `problem`. A feed whose XML entities
would blow up is refused before parsing (`xmlguard`): no items, `bozo=True`.
"""

from __future__ import annotations

import calendar
import io
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml_html_clean import Cleaner

from pactwatch.parsers.dates import parse_datetime
from pactwatch.parsers.markup import html_to_text, normalise_space
from pactwatch.parsers.model import FeedItem, ParsedFeed
from pactwatch.parsers.xmlguard import entity_problem

__all__ = ["looks_like_json_feed", "parse_feed"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_MAX_PROBLEM = 300


def parse_feed(
    data: bytes, *, content_type: str | None = None, url: str | None = None
) -> ParsedFeed:
    """Parse feed bytes as fetched. `content_type` is the HTTP Content-Type (its
    charset decides the encoding as feedparser intends); `url` resolves relative
    links. Never raises."""
    try:
        if looks_like_json_feed(data):
            return _parse_json_feed(data, url=url)
        return _parse_with_feedparser(data, content_type=content_type, url=url)
    except Exception as exc:  # never fall over on input
        return ParsedFeed(items=(), bozo=True, problem=_one_line(exc))


def looks_like_json_feed(data: bytes) -> bool:
    """True when the bytes start like a JSON object (after a BOM and whitespace)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"{")


# -- feedparser ---------------------------------------------------------------------


def _parse_with_feedparser(data: bytes, *, content_type: str | None, url: str | None) -> ParsedFeed:
    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = content_type
    web_base = bool(url) and str(url).lower().startswith(("http://", "https://"))
    if url and web_base:
        headers["content-location"] = url
        # With any header present feedparser expects a Content-Type; without one
        # the document's own XML declaration decides, as for application/xml.
        headers.setdefault("content-type", "application/xml")
    refused = entity_problem(data, headers=headers)
    if refused:
        return ParsedFeed(items=(), bozo=True, problem=refused)
    # A stream, never the bytes themselves: feedparser opens a bytes value that
    # names a local file (b"/etc/passwd") as that file.
    result = feedparser.parse(io.BytesIO(data), response_headers=headers)
    feed: Mapping[str, Any] = result.get("feed", {})
    # feedparser mangles file: bases (file:///a/b -> file://a/...): a local feed's
    # relative links are resolved here instead.
    local_base = url if url and not web_base and url.lower().startswith("file:") else None
    items = tuple(
        _item_from_entry(entry, local_base=local_base) for entry in result.get("entries", [])
    )
    bozo = bool(result.get("bozo"))
    problem = _one_line(result.get("bozo_exception")) if bozo else None
    if not items and not feed and not bozo:
        bozo, problem = True, "no feed found in the document"
    return ParsedFeed(
        items=items,
        title=_text_of(feed, "title"),
        link=_web_link(feed.get("link"), local_base=local_base),
        version=_str_or_none(result.get("version")) or None,
        bozo=bozo,
        problem=problem,
        entries_raw=tuple(dict(entry) for entry in result.get("entries", [])),
    )


def _item_from_entry(entry: dict[str, Any], *, local_base: str | None) -> FeedItem:
    content, content_is_html = None, True
    contents = entry.get("content") or []
    if contents:
        # Prefer an HTML body when the entry carries several.
        chosen = next(
            (c for c in contents if str(c.get("type", "")).lower() in _HTML_TYPES), contents[0]
        )
        content = _str_or_none(chosen.get("value"))
        content_is_html = str(chosen.get("type", "text/html")).lower() in _HTML_TYPES
    return FeedItem(
        title=_text_of(entry, "title"),
        link=_web_link(entry.get("link"), local_base=local_base),
        guid=_str_or_none(entry.get("id")),
        published_at=_entry_date(entry),
        summary=_text_of(entry, "summary"),
        content=content,
        content_is_html=content_is_html,
        updated_at=_entry_date(entry, ("updated",)),
    )


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_AM_PM = re.compile(r"\d\s*[AaPp]\.?[Mm]\b")


def _entry_date(
    entry: dict[str, Any], keys: tuple[str, ...] = ("published", "updated")
) -> datetime | None:
    """published, else updated. feedparser's parse first, except where it is known to
    go wrong (it ignores AM/PM); our lenient parser reads what feedparser could not
    (non-English month names, odd orders)."""
    for key in keys:
        # dict.get: FeedParserDict.get maps updated -> published with a warning.
        raw = dict.get(entry, key)
        raw = raw if isinstance(raw, str) else None
        if raw and _AM_PM.search(raw):
            loose = parse_datetime(raw)
            if loose is not None:
                return loose
        parsed = _struct_to_datetime(dict.get(entry, f"{key}_parsed"))
        if parsed is not None:
            return parsed
        loose = parse_datetime(raw)
        if loose is not None:
            return loose
    return None


def _web_link(value: Any, *, local_base: str | None) -> str | None:
    """A link to a page: http(s), file: for a local feed (relative links resolved
    against it), or relative when no base was known; never an identifier (urn:, tag:)
    or javascript:/data:/mailto:."""
    if not isinstance(value, str) or not value.strip():
        return None
    link = value.strip()
    match = _SCHEME.match(link)
    if match is None:
        return _abs(local_base, link) if local_base else link
    scheme = match.group(1).lower()
    if scheme in ("http", "https") or (local_base and scheme == "file"):
        return link
    return None


def _text_of(node: Mapping[str, Any], key: str) -> str | None:
    """A feedparser text construct as plain text, whatever type the feed declared."""
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    detail = node.get(f"{key}_detail") or {}
    kind = str(detail.get("type", "text/html")).lower()
    text = html_to_text(value) if kind in _HTML_TYPES else normalise_space(value)
    return text or None


def _struct_to_datetime(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


# -- JSON Feed (feedparser 6 cannot read it) ------------------------------------------


def _parse_json_feed(data: bytes, *, url: str | None) -> ParsedFeed:
    try:
        doc = json.loads(data.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        return ParsedFeed(items=(), bozo=True, problem=f"not valid JSON: {_one_line(exc)}")
    if not isinstance(doc, dict):
        return ParsedFeed(items=(), bozo=True, problem="JSON document is not an object")
    version = str(doc.get("version", ""))
    problems: list[str] = []
    if "jsonfeed.org/version/" not in version:
        problems.append("not a JSON Feed (no jsonfeed.org version)")
    base = url or _str_or_none(doc.get("feed_url")) or ""
    home = _abs(base, doc.get("home_page_url"))
    raw_items = doc.get("items")
    if not isinstance(raw_items, list):
        problems.append("JSON Feed without an items list")
        raw_items = []
    items: list[FeedItem] = []
    raws: list[dict[str, Any]] = []
    for raw in raw_items:
        if not isinstance(raw, dict):
            problems.append("JSON Feed item is not an object")
            continue
        items.append(_json_item(raw, base=home or base))
        raws.append(raw)
    short = version.rstrip("/").rsplit("/", 1)[-1]
    return ParsedFeed(
        items=tuple(items),
        title=_plain(doc.get("title")),
        link=home,
        version=f"json{short.replace('.', '')}" if short in ("1", "1.1") else "json",
        bozo=bool(problems),
        problem=problems[0] if problems else None,
        entries_raw=tuple(raws),
    )


def _json_item(raw: Mapping[str, Any], *, base: str) -> FeedItem:
    html = _str_or_none(raw.get("content_html"))
    text = _str_or_none(raw.get("content_text"))
    content = _clean_html(html) if html else text
    summary = _plain(raw.get("summary"))
    ident = raw.get("id")
    return FeedItem(
        title=_plain(raw.get("title")),
        link=_abs(base, raw.get("url")) or _abs(base, raw.get("external_url")),
        guid=str(ident) if isinstance(ident, (str, int)) and str(ident) else None,
        published_at=_iso_datetime(raw.get("date_published"))
        or _iso_datetime(raw.get("date_modified")),
        summary=summary,
        content=content,
        content_is_html=bool(html),
        updated_at=_iso_datetime(raw.get("date_modified")),
    )


_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    embedded=True,
    frames=True,
    forms=True,
    meta=True,
    page_structure=True,
    processing_instructions=True,
    remove_unknown_tags=False,
    safe_attrs_only=True,
)


def _clean_html(html: str) -> str:
    """Sanitise JSON Feed HTML as feedparser sanitises RSS and Atom HTML."""
    try:
        return str(_CLEANER.clean_html(html))
    except Exception:  # lxml rejects some fragments (empty, only comments)
        return html_to_text(html)


def _plain(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return html_to_text(value) or None


def _abs(base: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return urljoin(base, value.strip()) if base else value.strip()
    except ValueError:
        return value.strip()


def _iso_datetime(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


# -- small helpers ---------------------------------------------------------------


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _one_line(exc: object) -> str | None:
    if exc is None:
        return None
    message = " ".join(str(exc).split())
    name = type(exc).__name__
    text = f"{name}: {message}" if message else name
    return text[:_MAX_PROBLEM]
