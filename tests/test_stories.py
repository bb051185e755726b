"""Story grouping as pure code (`pactwatch.parsers.stories`), without a warehouse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pactwatch.parsers.stories import (
    STORY_WINDOW_DAYS,
    KnownStories,
    NewArticle,
    StoryPrint,
    assign_stories,
    nearest_story,
    title_key,
)

AT = datetime(2026, 3, 2, tzinfo=UTC)
NOTHING = KnownStories(by_hash={}, by_title={}, prints=[])


def new(key: str, **kw: object) -> NewArticle:
    fields: dict[str, object] = {
        "key": key,
        "own_id": f"id-{key}",
        "content_hash": f"hash-{key}",
        "title_key": None,
        "fingerprint": None,
        "at": AT,
    }
    fields.update(kw)
    return NewArticle(**fields)  # type: ignore[arg-type]


def test_unrelated_articles_start_their_own_stories() -> None:
    assert assign_stories([new("a"), new("b")], NOTHING) == {"a": "id-a", "b": "id-b"}


def test_copies_within_one_batch_share_the_first_ones_story() -> None:
    batch = [new("a", content_hash="same"), new("b", content_hash="same")]
    assert assign_stories(batch, NOTHING) == {"a": "id-a", "b": "id-a"}


def test_a_kept_story_wins_over_every_other_match() -> None:
    known = KnownStories(by_hash={"hash-a": "old-by-hash"}, by_title={}, prints=[])
    assert assign_stories([new("a", kept_story="kept")], known) == {"a": "kept"}
    assert assign_stories([new("a")], known) == {"a": "old-by-hash"}


def test_a_near_fingerprint_matches_only_inside_the_window() -> None:
    stored = [StoryPrint(0b1011, AT, "s1")]
    assert nearest_story(0b1010, AT + timedelta(days=STORY_WINDOW_DAYS), stored) == "s1"
    assert nearest_story(0b1010, AT + timedelta(days=STORY_WINDOW_DAYS + 1), stored) is None
    assert nearest_story((1 << 64) - 1, AT, stored) is None  # 62 bits apart


def test_short_titles_do_not_identify_a_story() -> None:
    assert title_key("Update") is None
    assert (
        title_key("Peru Signs The Accords, Officials Say") == "peru signs the accords officials say"
    )
