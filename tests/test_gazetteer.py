"""The gazetteer: ids, names, demonyms, metonyms, agencies and user extensions."""

from __future__ import annotations

import pytest

from pactwatch.errors import ConfigError
from pactwatch.parsers.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def ids(gaz: Gazetteer, text: str) -> list[str]:
    return [a for _, _, a in gaz.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia", ["RU"]),
        ("South Korea", ["KR"]),
        ("the UK", ["GB"]),
        ("the United States", ["US"]),
        ("US-led", ["US"]),
        ("U.S. officials", ["US"]),
        ("America", ["US"]),
        ("Chinese engineers", ["CN"]),
        ("a Pakistani astronaut", ["PK"]),
        ("Washington and Beijing", ["US", "CN"]),
        ("New Delhi and Tokyo", ["IN", "JP"]),
        ("Moscow", ["RU"]),
        ("Türkiye", ["TR"]),
        ("the Artemis Accords", ["artemis-accords"]),
        ("International Lunar Research Station", ["ilrs"]),
        ("ILRS", ["ilrs"]),
        ("NATO and the EU", ["nato", "eu"]),
        ("BRICS", ["brics"]),
        ("European Space Agency", ["esa"]),
        ("Asia-Pacific Space Cooperation Organization", ["apsco"]),
        ("ASEAN", ["asean"]),
        ("African Union", ["african-union"]),
        ("NASA, CNSA, Roscosmos, ISRO and JAXA", ["nasa", "cnsa", "roscosmos", "isro", "jaxa"]),
        ("Japan Aerospace Exploration Agency", ["jaxa"]),
        ("China’s space agency", ["cnsa"]),
    ],
)
def test_finds(gaz: Gazetteer, text: str, expected: list[str]) -> None:
    assert ids(gaz, text) == expected


@pytest.mark.parametrize(
    "text",
    ["Latin American states", "South America", "let us go", "New Mexico", "the Washington Post"],
)
def test_does_not_find(gaz: Gazetteer, text: str) -> None:
    assert ids(gaz, text) == []


def test_offsets_point_into_the_text(gaz: Gazetteer) -> None:
    text = "Officials in Beijing and Moscow’s envoys met."
    for start, end, _ in gaz.find(text):
        assert text[start:end] in ("Beijing", "Moscow")


def test_stands_for(gaz: Gazetteer) -> None:
    assert [gaz.stands_for(a) for a in ("nasa", "cnsa", "roscosmos", "isro", "jaxa")] == [
        "US",
        "CN",
        "RU",
        "IN",
        "JP",
    ]
    assert gaz.stands_for("esa") == "esa"
    assert gaz.stands_for("PK") == "PK"


def test_actors_cover_countries_and_coalitions(gaz: Gazetteer) -> None:
    actors = {a.id: a for a in gaz.actors()}
    assert len([a for a in actors.values() if a.kind == "country"]) >= 240
    for cid in ("artemis-accords", "ilrs", "nato", "eu", "brics", "esa", "apsco", "asean"):
        assert gaz.is_coalition(cid)
    assert actors["nasa"].stands_for == "US"
    assert gaz.is_actor("esa") and gaz.is_coalition("esa")
    assert not gaz.is_actor("ilrs")


def test_context_aliases_need_context(gaz: Gazetteer) -> None:
    text = "the moon base project"
    assert gaz.find_in_context(text, set()) == []
    assert [a for *_, a in gaz.find_in_context(text, {"CN"})] == ["ilrs"]


def test_missions_know_their_country(gaz: Gazetteer) -> None:
    found = gaz.find_missions("a payload on Chang’e-7 and on Artemis II, not on Artemis")
    assert [(m.name, m.owner) for m in found] == [("Chang'e-7", "CN"), ("Artemis II", "US")]


def test_with_extra_adds_and_extends(gaz: Gazetteer) -> None:
    more = gaz.with_extra(
        {
            "actors": [
                {
                    "id": "kenya-sa",
                    "kind": "agency",
                    "name": "Kenya Space Agency",
                    "aliases": ["KSA"],
                    "stands_for": "KE",
                },
                {"id": "nasa", "aliases": ["the agency in Washington"]},
            ]
        }
    )
    assert ids(more, "KSA and Kenya Space Agency") == ["kenya-sa", "kenya-sa"]
    assert more.stands_for("kenya-sa") == "KE"
    assert "the agency in Washington" in (more.get("nasa").aliases if more.get("nasa") else ())
    assert ids(gaz, "KSA") == []  # the default is untouched


@pytest.mark.parametrize(
    "mapping",
    [
        {"actors": "nasa"},
        {"actors": [{"kind": "agency", "name": "X"}]},
        {"actors": [{"id": "x", "kind": "planet", "name": "X"}]},
        {"actors": [{"id": "x", "kind": "agency"}]},
        {"actors": [{"id": "x", "kind": "agency", "name": "X", "aliases": "X"}]},
    ],
)
def test_with_extra_rejects_bad_shapes(gaz: Gazetteer, mapping: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        gaz.with_extra(mapping)
