"""What kind of document some bytes are: a feed, an HTML page, or plain text.

One sniffer for every reader: local files (`read_path`) and `pactwatch extract`.
Evidence is weighed in order: the HTTP Content-Type, the file name's extension,
then the first bytes.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["KIND_BY_SUFFIX", "DocumentKind", "sniff_kind"]

DocumentKind = Literal["feed", "html", "text"]

KIND_BY_SUFFIX: dict[str, DocumentKind] = {
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".json": "feed",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
}

_FEED_TYPES = ("rss", "atom", "feed+json")
_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf")
_HEAD = 2048


def _suffix(name: str) -> str:
    tail = name.rsplit("/", 1)[-1]
    dot = tail.rfind(".")
    return tail[dot:].lower() if dot > 0 else ""


def sniff_kind(
    data: bytes, *, content_type: str | None = None, name: str | None = None
) -> DocumentKind:
    """The kind of `data`, read as `name` (a path or URL) with `content_type`.

    >>> sniff_kind(b"<?xml version='1.0'?><rss version='2.0'></rss>")
    'feed'
    >>> sniff_kind(b"Seventeen states have joined.", name="notes.md")
    'text'
    """
    ctype = (content_type or "").lower()
    if any(t in ctype for t in _FEED_TYPES):
        return "feed"
    if "html" in ctype:
        return "html"
    by_name = KIND_BY_SUFFIX.get(_suffix(name or ""))
    if by_name is not None:
        return by_name
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "feed" if b"jsonfeed.org" in head else "text"
    if head.startswith(b"<"):
        if head.startswith(b"<?xml") and b"<html" not in head:
            return "feed"
        return "feed" if any(root in head for root in _FEED_ROOTS) else "html"
    return "html" if b"<html" in head else "text"
