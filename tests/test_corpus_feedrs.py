"""feed-rs fixtures: entry count, titles, links and dates against the .serde.json gold.

Each X.xml / X.json with an X.serde.json gold is one case. Links are compared after
canonicalisation (feed-rs stores URLs through Rust's url crate, which lower-cases
hosts and adds a trailing slash) and dates to the second (feedparser keeps no
fractions). Disagreements we accept are listed in ACCEPTED with the reason.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pactwatch.parsers.feeds import parse_feed
from pactwatch.parsers.markup import html_to_text
from pactwatch.parsers.urls import canonicalize

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "feed-rs-fixture"


def _cases() -> list[tuple[Path, Path]]:
    if not CORPUS.is_dir():
        return []
    cases = []
    for gold in sorted(CORPUS.rglob("*.serde.json")):
        stem = gold.name.removesuffix(".serde.json")
        for suffix in (".xml", ".json"):
            source = gold.with_name(stem + suffix)
            if source.exists():
                cases.append((source, gold))
                break
    return cases


CASES = _cases()

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CASES, reason=f"feed-rs corpus not found at {CORPUS}"),
]

# (file, entry index, field) -> why our reading differs from feed-rs and is kept.
ACCEPTED: dict[tuple[str, int, str], str] = {
    ("atom/atom_xml_base.xml", 0, "link"): (
        "entry has no <link>; feedparser takes its http <id> as the link, feed-rs gives "
        "none. An http id is the entry's permalink by convention."
    ),
    ("rss2/rss_2.0_spec_1.xml", 0, "link"): (
        "no <link> but a <guid> with isPermaLink defaulting to true: RSS 2.0 says that "
        "guid is the item's URL (feedparser); feed-rs does not use it."
    ),
    ("rss2/rss_2.0_spec_1.xml", 1, "link"): "same as entry 0: permalink guid.",
    ("rss1/rss_1.0_example_1.xml", 1, "date"): (
        "dc:date '2017-06-13T03:18:00+00:0' has a truncated offset; we read it as UTC, "
        "feed-rs rejects it."
    ),
    ("rss2/rss_2.0_nbcny.xml", 0, "date"): (
        "pubDate 'Sat, Dec 16 2023 02:02:33 PM' is not RFC 822; we read 14:02:33 UTC "
        "(feedparser alone would drop the PM and say 02:02:33), feed-rs gives none."
    ),
}


def _gold_date(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _gold_link(entry: dict[str, Any]) -> str | None:
    links = entry.get("links") or []
    alternate = [link["href"] for link in links if link.get("rel") in (None, "alternate")]
    hrefs = alternate or [link["href"] for link in links]
    return hrefs[0] if hrefs else None


def _canon(link: str | None) -> str | None:
    return canonicalize(link) if link else None


def _disagreements(source: Path, gold_path: Path) -> list[tuple[tuple[str, int, str], str]]:
    name = source.relative_to(CORPUS).as_posix()
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    parsed = parse_feed(source.read_bytes())
    entries = gold["entries"]
    found: list[tuple[tuple[str, int, str], str]] = []
    if len(parsed.items) != len(entries):
        found.append(((name, -1, "count"), f"{len(parsed.items)} items, gold {len(entries)}"))
    for index, (item, entry) in enumerate(zip(parsed.items, entries, strict=False)):
        title = entry.get("title")
        gold_title = html_to_text(title["content"]) or None if title else None
        if item.title != gold_title:
            found.append(((name, index, "title"), f"{item.title!r} != {gold_title!r}"))
        if _canon(item.link) != _canon(_gold_link(entry)):
            found.append(((name, index, "link"), f"{item.link!r} != {_gold_link(entry)!r}"))
        gold_date = _gold_date(entry.get("published")) or _gold_date(entry.get("updated"))
        ours = item.published_at.replace(microsecond=0) if item.published_at else None
        theirs = gold_date.replace(microsecond=0) if gold_date else None
        if ours != theirs:
            found.append(((name, index, "date"), f"{ours} != {theirs}"))
    return found


@pytest.mark.parametrize(
    ("source", "gold"), CASES, ids=[s.relative_to(CORPUS).as_posix() for s, _ in CASES]
)
def test_agrees_with_feed_rs(source: Path, gold: Path) -> None:
    unexpected = [
        f"{key}: {detail}" for key, detail in _disagreements(source, gold) if key not in ACCEPTED
    ]
    assert not unexpected, "\n".join(unexpected)


def test_accepted_disagreements_still_occur() -> None:
    """An accepted disagreement that went away should leave the list."""
    occurring = {key for source, gold in CASES for key, _ in _disagreements(source, gold)}
    assert set(ACCEPTED) <= occurring, set(ACCEPTED) - occurring


def test_invalid_feed_without_gold_does_not_raise() -> None:
    invalid = CORPUS / "rss2" / "rss_2.0_invalid_1.xml"
    if invalid.exists():
        assert parse_feed(invalid.read_bytes()).bozo
    for extra in sorted((CORPUS / "xml").glob("*.xml")):
        parse_feed(extra.read_bytes())
