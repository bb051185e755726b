"""The seed article (../shared/seeds) read end to end: text -> article -> claims.

The article is read from the shared folder, never copied into the project.
The expectations are what a careful reader takes from it (DESIGN section 4).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pactwatch.parsers.claims import extract_claims
from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.model import Article, Claim
from pactwatch.parsers.text import article_from_text

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds" / "000_17b73280fd41ee70.txt"

pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="shared seed not present")


@pytest.fixture(scope="module")
def article() -> Article:
    return article_from_text(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def claims(article: Article) -> list[Claim]:
    return extract_claims(article.text, title=article.title)


def _of(claims: list[Claim], kind: str) -> list[Claim]:
    return [c for c in claims if c.kind == kind]


def _pair(claim: Claim) -> frozenset[str]:
    """Actors compared as DESIGN says: a national agency stands for its country."""
    gaz = Gazetteer.default()
    return frozenset(gaz.stands_for(a) for a in claim.actors or ())


def test_furniture_is_dropped_and_title_kept(article: Article) -> None:
    assert article.title is not None and article.title.startswith("China Accuses US")
    assert "Advertisement" not in article.text
    assert "Home/" not in article.text
    assert "•" not in article.text
    # the title appears three times in the scraped page: none of them is body text
    assert article.title not in article.text


def test_spans_are_sentences_of_the_text(article: Article, claims: list[Claim]) -> None:
    assert claims
    for c in claims:
        assert article.text[c.span[0] : c.span[1]] == c.sentence


def test_member_counts_are_exactly_ilrs_17_and_artemis_50_plus(claims: list[Claim]) -> None:
    counts = {
        (c.coalition, c.value, c.low, c.high, c.approx, c.modality, c.attributed_to)
        for c in _of(claims, "member_count")
    }
    assert counts == {
        ("ilrs", 17, 17, 17, False, "asserted", "Wu Weiren"),
        # "50-plus": an open lower bound, stated in the article's own voice
        ("artemis-accords", None, 50, None, True, "asserted", None),
    }


def test_no_joins(claims: list[Claim]) -> None:
    assert _of(claims, "joined") == []


def test_esa_left_ilrs(claims: list[Claim]) -> None:
    # The sentence has no reporting verb: it is the article's own voice, so the
    # claim is not attributed (Wu is quoted two paragraphs earlier, not here).
    left = [(c.coalition, c.actor, c.modality, c.attributed_to) for c in _of(claims, "left")]
    assert left == [("ilrs", "esa", "asserted", None)]


def test_partnerships(claims: list[Claim]) -> None:
    found = {(_pair(c), c.modality) for c in _of(claims, "partnership")}
    expected = {
        (frozenset({"CN", "RU"}), "asserted"),  # lunar nuclear power
        (frozenset({"PK", "CN"}), "asserted"),  # payloads on Chinese lunar missions
        (frozenset({"TH", "CN"}), "asserted"),
        (frozenset({"FR", "CN"}), "asserted"),
        (frozenset({"IT", "CN"}), "asserted"),
        (frozenset({"esa", "CN"}), "asserted"),  # ESA's payload on Chang'e-6
        # a Pakistani astronaut to fly to China's station: scheduled, so hedged
        (frozenset({"CN", "PK"}), "hedged"),
        # the Wolf Amendment forbids NASA to cooperate with China; the next
        # sentence restates it for the US as a whole: both negated, never alerting
        (frozenset({"US", "CN"}), "negated"),
    }
    assert found == expected


def test_lunar_nuclear_power_topic(claims: list[Claim]) -> None:
    (cn_ru,) = [c for c in _of(claims, "partnership") if _pair(c) == {"CN", "RU"}]
    assert cn_ru.topic is not None
    assert "nuclear power" in cn_ru.topic and "lunar" in cn_ru.topic


def test_wolf_amendment_names_the_agency(claims: list[Claim]) -> None:
    negated = [c for c in _of(claims, "partnership") if c.modality == "negated"]
    assert any(set(c.actors or ()) == {"nasa", "CN"} for c in negated)


def test_esa_partnership_with_china_ends(claims: list[Claim]) -> None:
    # ESA flew a payload on Chang'e-6 (a partnership) but will not take part in
    # later Chinese missions and cancelled its astronaut plans: that ends the
    # cooperation with China, a claim of its own beside "left ILRS".
    ended = {(_pair(c), c.modality) for c in _of(claims, "partnership_ended")}
    assert ended == {(frozenset({"esa", "CN"}), "asserted")}
    assert len(_of(claims, "partnership_ended")) >= 1


def test_nothing_from_furniture_or_headings(article: Article, claims: list[Claim]) -> None:
    raw = SEED.read_text(encoding="utf-8")
    furniture = [
        line.strip() for line in raw.splitlines() if line.strip().startswith(("•", "Advert"))
    ]
    assert furniture
    for c in claims:
        assert all(c.sentence not in line and line not in c.sentence for line in furniture)
        assert c.sentence != article.title


def test_json_lines_follow_the_contract(claims: list[Claim]) -> None:
    for c in claims:
        out = c.to_json()
        assert out["kind"] in ("member_count", "joined", "left", "partnership", "partnership_ended")
        assert out["span"] == [c.span[0], c.span[1]]
