"""The benchmark's synthetic corpus (bench/corpus.py): deterministic, in its own words,
and shaped like real news sites (boilerplate around the story, feeds pointing at pages,
syndicated copies, tracking parameters), served with working HTTP validators."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter

import pytest

from bench.corpus import COALITIONS, ITEMS_PER_FEED, Corpus, CorpusServer
from pactwatch.parsers.claims import extract_claims
from pactwatch.parsers.feeds import parse_feed
from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.pages import extract_page

from .conftest import SHARED

BASE = "http://127.0.0.1:8000"


def _shingles(text: str, n: int = 10) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not() -> None:
    a, b, other = Corpus(120, seed=7), Corpus(120, seed=7), Corpus(120, seed=8)
    assert list(a.feeds) == list(b.feeds)
    for path in a.feeds:
        assert a.feed(path, BASE) == b.feed(path, BASE)
    for path in list(a.pages)[:40]:
        assert a.page(path, BASE) == b.page(path, BASE)
    texts = [s.paragraphs for s in a.stories]
    assert texts == [s.paragraphs for s in b.stories]
    assert texts != [s.paragraphs for s in other.stories]


def test_pages_carry_boilerplate_that_main_text_extraction_leaves_out() -> None:
    corpus = Corpus(60)
    layouts = set()
    for story in corpus.stories[:30]:
        html = corpus.page(story.path, BASE).decode("utf-8")
        for furniture in ("cookie-banner", "<nav", "<footer", "Related stories", "<script"):
            assert furniture in html
        layouts.add(story.outlet.template)
        article = extract_page(html.encode(), url=BASE + story.path)
        assert article.title == story.title
        assert article.published_at == story.published
        assert story.paragraphs[-1] in article.text
        for noise in ("We use cookies", "Morning briefing", "All rights reserved", "Sign up"):
            assert noise not in article.text
    assert layouts == {0, 1, 2}


def test_feeds_point_at_every_page_with_duplicates_and_copies() -> None:
    corpus = Corpus(450)
    linked: Counter[str] = Counter()
    tracked = 0
    kinds = set()
    for path in corpus.feeds:
        body, ctype = corpus.feed(path, BASE)
        kinds.add(ctype)
        parsed = parse_feed(body, content_type=ctype, url=BASE + path)
        assert not parsed.bozo, parsed.problem
        assert 0 < len(parsed.items) <= ITEMS_PER_FEED
        for item in parsed.items:
            assert item.link and item.published_at and item.title
            tracked += "utm_source" in item.link
            linked[item.link.split("?", 1)[0]] += 1
    assert kinds == {"application/rss+xml", "application/atom+xml"}
    assert {BASE + p for p in corpus.pages} == set(linked)
    assert any(n > 1 for n in linked.values())  # a page listed in two feeds
    assert tracked > 0
    copies = [s for s in corpus.stories if s.original is not None]
    assert copies
    for copy in copies:
        first = corpus.stories[copy.original or 0]
        assert copy.paragraphs == first.paragraphs and copy.outlet != first.outlet


def test_stories_mix_every_kind_of_claim_with_general_news() -> None:
    corpus = Corpus(400)
    gaz = Gazetteer.default()
    kinds: Counter[str] = Counter()
    modalities: Counter[str] = Counter()
    coalitions = set()
    quiet = 0
    for story in corpus.stories[:120]:
        claims = extract_claims("\n\n".join(story.paragraphs), gazetteer=gaz, title=story.title)
        quiet += not claims
        for c in claims:
            kinds[c.kind] += 1
            modalities[c.modality] += 1
            if c.coalition:
                coalitions.add(c.coalition)
    assert {"joined", "left", "member_count", "partnership"} <= set(kinds), kinds
    assert {"asserted", "hedged", "negated"} <= set(modalities), modalities
    assert len(coalitions) >= 10
    assert coalitions <= {cid for cid, _ in COALITIONS}
    assert quiet >= 50  # most of the news is about something else


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds not found")
def test_the_corpus_is_in_its_own_words() -> None:
    """No run of ten words shared with the seeds or the real-news corpora."""
    ours: set[tuple[str, ...]] = set()
    corpus = Corpus(300)
    for story in corpus.stories:
        ours |= _shingles(" ".join((story.title, *story.paragraphs)))
    html = corpus.page(corpus.stories[0].path, BASE).decode("utf-8")
    ours |= _shingles(re.sub(r"<[^>]+>", " ", html))
    theirs: set[tuple[str, ...]] = set()
    files = list((SHARED / "seeds").glob("*.txt"))
    for name in ("real-news-dev", "real-news-offtopic"):
        files += list((SHARED / "corpora" / name / "texts").glob("*.txt"))
    for path in files:
        theirs |= _shingles(path.read_text("utf-8", errors="replace"))
    assert theirs, "nothing to compare with"
    shared = ours & theirs
    assert not shared, sorted(" ".join(s) for s in shared)[:5]


def test_the_server_answers_not_modified_to_its_own_etag() -> None:
    corpus = Corpus(30)
    with CorpusServer(corpus) as server:
        url = server.feed_urls()[0]
        with urllib.request.urlopen(url, timeout=10) as resp:
            etag = resp.headers["ETag"]
            assert resp.headers["Last-Modified"] and resp.read().startswith(b"<?xml")
        request = urllib.request.Request(url, headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
        assert err.value.code == 304
        err.value.close()
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.base + "/nowhere.html", timeout=10)
        assert err.value.code == 404
        err.value.close()
