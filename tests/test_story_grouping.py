"""Story grouping in the warehouse: the same story under other URLs, titles or light
edits gets one `story_id`; unrelated, far-apart and too-short texts do not."""

from __future__ import annotations

from pathlib import Path

from pactwatch.parsers.dedup import fingerprint, hamming
from pactwatch.parsers.stories import STORY_MAX_DISTANCE, STORY_WINDOW_DAYS, story_fingerprint
from pactwatch.warehouse import store
from pactwatch.warehouse.db import open_writer

from .ingest_site import KENYA, MALTA, MALTA_SYNDICATED
from .wh_helpers import article, day


def stories(db: Path) -> dict[str, str]:
    with open_writer(db) as con:
        rows = con.execute("SELECT url, story_id FROM articles").fetchall()
    return {str(u).rsplit("/", 1)[-1]: str(s) for u, s in rows}


def test_the_fixture_copy_is_a_light_edit() -> None:
    # Guard for the fixtures themselves: the copy is near, the other story is far.
    assert hamming(fingerprint(MALTA), fingerprint(MALTA_SYNDICATED)) <= STORY_MAX_DISTANCE
    assert hamming(fingerprint(MALTA), fingerprint(KENYA)) > 16


def test_near_duplicates_across_batches_and_sources_share_a_story(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db) as con:
        store.store_articles(
            con, "herald", [(article("malta", day(2026, 11, 20), MALTA), [])], extractor_version="v"
        )
        store.store_articles(
            con,
            "wire",
            [
                (article("copy", day(2026, 11, 21), MALTA_SYNDICATED, title="Other words"), []),
                (article("kenya", day(2026, 11, 21), KENYA), []),
            ],
            extractor_version="v",
        )
    s = stories(db)
    assert s["malta"] == s["copy"] != s["kenya"]


def test_near_duplicates_within_one_batch_share_a_story(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db) as con:
        store.store_articles(
            con,
            "mixed",
            [
                (article("malta", day(2026, 11, 20), MALTA), []),
                (article("kenya", day(2026, 11, 20), KENYA), []),
                (article("copy", day(2026, 11, 20), MALTA_SYNDICATED, title="Elsewhere"), []),
            ],
            extractor_version="v",
        )
    s = stories(db)
    assert s["malta"] == s["copy"] != s["kenya"]


def test_copies_outside_the_window_start_a_new_story(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    late = day(2026, 11, 20 + STORY_WINDOW_DAYS + 1)
    with open_writer(db) as con:
        store.store_articles(
            con, "a", [(article("malta", day(2026, 11, 20), MALTA), [])], extractor_version="v"
        )
        store.store_articles(
            con,
            "b",
            [(article("copy", late, MALTA_SYNDICATED, title="Elsewhere"), [])],
            extractor_version="v",
        )
    s = stories(db)
    assert s["malta"] != s["copy"]


def test_short_texts_are_not_grouped_by_fingerprint(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    assert story_fingerprint("") is None
    assert story_fingerprint("Chile joined the compact on Monday.") is None
    with open_writer(db) as con:
        store.store_articles(
            con,
            "s",
            [
                (article("a", day(2026, 11, 20), "", title="One"), []),
                (article("b", day(2026, 11, 20), "", title="Two"), []),
            ],
            extractor_version="v",
        )
        fps = con.execute("SELECT fingerprint FROM articles").fetchall()
    s = stories(db)
    assert s["a"] != s["b"] and fps == [(None,), (None,)]


def test_an_edited_article_keeps_its_story(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with open_writer(db) as con:
        store.store_articles(
            con, "h", [(article("malta", day(2026, 11, 20), MALTA), [])], extractor_version="v"
        )
        store.store_articles(
            con,
            "w",
            [(article("copy", day(2026, 11, 20), MALTA_SYNDICATED), [])],
            extractor_version="v",
        )
        edited = MALTA.replace("ninth member", "ninth full member")
        res = store.store_articles(
            con, "h", [(article("malta", day(2026, 11, 20), edited), [])], extractor_version="v"
        )
        assert res.updated_articles == 1
    s = stories(db)
    assert s["malta"] == s["copy"]
