"""Which story an article belongs to: copies and light re-edits of one report share a story.

Pure code: the warehouse supplies what it already knows (stories by content
hash, by title, and recent fingerprints) and stores what `assign_stories` decides.
Evidence is weighed strongest first: the story the article already has, the same
text (content hash), a near-duplicate text (fingerprint within
STORY_MAX_DISTANCE bits, among articles dated within STORY_WINDOW_DAYS), then the
same long enough title. An article matching nothing starts its own story.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from pactwatch.parsers.dedup import fingerprint, hamming

__all__ = [
    "STORY_MAX_DISTANCE",
    "STORY_MIN_WORDS",
    "STORY_WINDOW_DAYS",
    "KnownStories",
    "NewArticle",
    "StoryPrint",
    "assign_stories",
    "nearest_story",
    "story_fingerprint",
    "title_key",
]

# A one-bit MinHash of 64 bits differs in each bit with probability (1 - J) / 2, J
# the Jaccard similarity of the two texts' word 3-shingles: 6 bits or fewer means J
# of about 0.8 or more (a syndicated copy with another dateline, byline or credit
# line, a reworded sentence or two), while unrelated news texts sit ~32 bits apart
# and never under 17 (parsers.dedup). The stricter default of `near_duplicate` (3)
# splits copies whose edits touch more than about one word in twenty.
STORY_MAX_DISTANCE = 6
# Texts shorter than this have too few shingles for the distance to mean much
# (one edited word moves a large share of them); they group by hash or title only.
STORY_MIN_WORDS = 40
# Candidates are the articles published (or, undated, fetched) within this many
# days of the new article: syndication and re-edits happen within days, and the
# window keeps the comparison to a few thousand fingerprints however large the
# warehouse grows. An old article read late is compared with its own time.
STORY_WINDOW_DAYS = 7

_TITLE_NOISE = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")
# Shorter title keys ("Update", "News in brief") are shared by unrelated stories.
_MIN_TITLE_KEY = 20


def story_fingerprint(text: str) -> int | None:
    """The near-duplicate fingerprint stored with an article, or None for a short text."""
    if len(_WORD.findall(text)) < STORY_MIN_WORDS:
        return None
    return fingerprint(text)


def title_key(title: str | None) -> str | None:
    """A title reduced to lower-case words, or None when too short to identify a story.

    >>> title_key("ILRS: Pakistan's rover -- launch set for 2028!")
    'ilrs pakistan s rover launch set for 2028'
    """
    if not title:
        return None
    key = _TITLE_NOISE.sub(" ", title.lower()).strip()
    return key if len(key) >= _MIN_TITLE_KEY else None


class StoryPrint(NamedTuple):
    """A stored or new article's fingerprint, its date, and its story."""

    fingerprint: int
    at: datetime
    story: str


@dataclass(frozen=True, slots=True)
class NewArticle:
    """What story grouping needs to know about one article being stored."""

    key: str  # the caller's key (the canonical URL)
    own_id: str  # the story id it gets when it starts a story
    content_hash: str
    title_key: str | None
    fingerprint: int | None
    at: datetime  # published, or fetched when undated; zone-aware
    kept_story: str | None = None  # the story it already has, when read before


@dataclass(frozen=True, slots=True)
class KnownStories:
    """Stories already stored, by content hash, by title key, and recent fingerprints."""

    by_hash: Mapping[str, str]
    by_title: Mapping[str, str]
    prints: Sequence[StoryPrint]


def nearest_story(
    fp: int,
    at: datetime,
    candidates: Sequence[StoryPrint],
    *,
    window: timedelta = timedelta(days=STORY_WINDOW_DAYS),
    max_distance: int = STORY_MAX_DISTANCE,
) -> str | None:
    """The story of the closest candidate within `max_distance` bits and `window`, if any."""
    best: tuple[int, str] | None = None
    for other in candidates:
        if abs(other.at - at) > window:
            continue
        distance = hamming(fp, other.fingerprint)
        if distance <= max_distance and (best is None or distance < best[0]):
            best = (distance, other.story)
    return best[1] if best else None


def assign_stories(articles: Sequence[NewArticle], known: KnownStories) -> dict[str, str]:
    """The story of each article, by its key. Articles earlier in `articles` count as
    known for later ones, so copies within one batch share a story too."""
    by_hash = dict(known.by_hash)
    by_title = dict(known.by_title)
    prints = list(known.prints)
    out: dict[str, str] = {}
    for new in articles:
        story = new.kept_story or by_hash.get(new.content_hash)
        if story is None and new.fingerprint is not None:
            story = nearest_story(new.fingerprint, new.at, prints)
        if story is None and new.title_key:
            story = by_title.get(new.title_key)
        if story is None:
            story = new.own_id
        by_hash.setdefault(new.content_hash, story)
        if new.title_key:
            by_title.setdefault(new.title_key, story)
        if new.fingerprint is not None:
            prints.append(StoryPrint(new.fingerprint, new.at, story))
        out[new.key] = story
    return out
