"""feedparser's own test feeds: parse_feed never raises, and agrees with feedparser.

Every file under feedparser-tests/ is one case. For wellformed/, encoding/ and
entities/ the items pactwatch reads must match what feedparser itself reports on
the same bytes with the same HTTP headers (count, titles, links, dates); for
encoding/ the decoded text (feed title, item summaries and content) must match too.
"""

from __future__ import annotations

import calendar
import io
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest

from pactwatch.parsers.feeds import parse_feed
from pactwatch.parsers.markup import html_to_text, normalise_space

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "feedparser-tests"
FILES = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
COMPARED = ("wellformed", "encoding", "entities")

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not FILES, reason=f"feedparser corpus not found at {CORPUS}"),
]

_HEADER = re.compile(r"^Header:\s*([^:]+):\s*(.*)$", re.MULTILINE)
_HTML = ("text/html", "application/xhtml+xml")


def _headers(data: bytes) -> dict[str, str]:
    """The `Header:` lines of the leading comment, as feedparser's own test runner reads them."""
    head = data[:2000].decode("latin-1")
    end = head.find("-->")
    return {k.strip().lower(): v.strip() for k, v in _HEADER.findall(head[: max(end, 0)])}


def _reference(data: bytes, headers: dict[str, str]) -> Any:
    return feedparser.parse(io.BytesIO(data), response_headers=headers)


def _text(node: Any, key: str) -> str | None:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    kind = str((node.get(f"{key}_detail") or {}).get("type", "text/html")).lower()
    text = html_to_text(value) if kind in _HTML else normalise_space(value)
    return text or None


def _date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = dict.get(entry, key)
        if isinstance(value, time.struct_time):
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _id(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_feed(path: Path) -> None:
    data = path.read_bytes()
    headers = _headers(data)
    parsed = parse_feed(
        data, content_type=headers.get("content-type"), url=headers.get("content-location")
    )
    assert parsed.problem is None or "\n" not in parsed.problem
    if _id(path).split("/")[0] not in COMPARED:
        return
    ref = _reference(data, headers)
    entries = ref.get("entries", [])
    assert len(parsed.items) == len(entries)
    for item, entry in zip(parsed.items, entries, strict=True):
        assert item.title == _text(entry, "title")
        assert item.link == (entry.get("link") or None)
        assert item.published_at == _date(entry)
    if _id(path).startswith("encoding/"):
        assert parsed.title == _text(ref.get("feed", {}), "title")
        for item, entry in zip(parsed.items, entries, strict=True):
            assert item.summary == _text(entry, "summary")
            contents = entry.get("content") or []
            assert (item.content or None) == (
                (contents[0].get("value") or None) if contents else None
            )
