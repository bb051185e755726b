"""The count chart's shapes and placement, from typed rows (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from pactwatch.report.charts import SIDE_BY_SIDE, count_chart, partnership_graph, source_colours
from pactwatch.report.history import count_label
from pactwatch.warehouse.timeline import CountPoint, PartnershipRow


def point(source: str, when: datetime, **kw: object) -> CountPoint:
    base: dict[str, object] = {
        "coalition": "nato",
        "as_of": when,
        "published_at": when,
        "value": None,
        "low": None,
        "high": None,
        "approx": False,
        "basis": "stated",
        "modality": "asserted",
        "source": source,
        "url": f"https://{source}.example/{when:%d}",
        "title": "A <b>title</b>",
        "sentence": "The alliance has <32> members & counting.",
        "attributed_to": None,
        "claim_id": f"{source}-{when:%d}",
    }
    base.update(kw)
    return CountPoint(**base)  # type: ignore[arg-type]


DAY = datetime(2026, 3, 4, 12, tzinfo=UTC)


def traces(points: list[CountPoint]) -> dict[str, dict[str, object]]:
    colours = source_colours([p.source for p in points])
    fig = count_chart("NATO", points, [], colours)
    return {t["name"]: t for t in fig["data"]}


def test_each_shape_has_its_marker_and_ranges_are_bars() -> None:
    got = traces(
        [
            point("a", DAY, value=32, low=32, high=32),
            point("a", DAY.replace(day=5), value=30, approx=True),
            point("a", DAY.replace(day=6), low=30, high=34),
            point("a", DAY.replace(day=7), low=31),
            point("a", DAY.replace(day=8), high=40),
        ]
    )
    symbols = {name: t["marker"]["symbol"] for name, t in got.items()}  # type: ignore[index]
    assert symbols == {
        "a · exact": "circle",
        "a · approximate": "circle-open",
        "a · range": "line-ew-open",
        "a · at least": "triangle-up",
        "a · at most": "triangle-down",
    }
    rng = got["a · range"]
    assert rng["y"] == [32.0] and rng["error_y"]["array"] == [2.0]  # type: ignore[index]


def test_disagreeing_sources_on_one_day_stand_side_by_side() -> None:
    got = traces(
        [point("a", DAY, value=32, low=32, high=32), point("b", DAY, value=31, low=31, high=31)]
    )
    xa, xb = got["a · exact"]["x"][0], got["b · exact"]["x"][0]  # type: ignore[index]
    ta = datetime.fromisoformat(xa.replace("Z", "+00:00"))
    tb = datetime.fromisoformat(xb.replace("Z", "+00:00"))
    assert tb - ta == SIDE_BY_SIDE and ta < DAY < tb
    assert got["a · exact"]["marker"]["color"] != got["b · exact"]["marker"]["color"]  # type: ignore[index]
    # the hover keeps the real date and escapes what the article wrote
    custom = got["a · exact"]["customdata"][0]  # type: ignore[index]
    assert custom[1] == "2026-03-04 12:00"
    assert custom[2] == "The alliance has &lt;32&gt; members &amp; counting."
    assert custom[5] == "A &lt;b&gt;title&lt;/b&gt;"


def test_count_labels() -> None:
    assert count_label(point("a", DAY, value=32, low=32, high=32)) == "32"
    assert count_label(point("a", DAY, value=60, approx=True)) == "about 60"
    assert count_label(point("a", DAY, low=50, approx=True)) == "at least 50"
    assert count_label(point("a", DAY, low=10, high=12)) == "10-12"
    assert (
        count_label(point("a", DAY, value=41, low=41, high=41, basis="ordinal")) == "41 (ordinal)"
    )


def test_partnership_graph_tells_active_from_ended() -> None:
    def pair(a: str, b: str, status: str) -> PartnershipRow:
        return PartnershipRow(
            a, b, None, None, status, "topic", DAY, "s", "https://x/1", "S.", None
        )

    fig = partnership_graph([pair("CN", "RU", "active"), pair("RU", "esa", "ended")])
    lines = {t["name"]: t["line"] for t in fig["data"] if t.get("mode") == "lines"}
    assert lines["active"]["dash"] == "solid" and lines["ended"]["dash"] == "dash"
    nodes = next(t for t in fig["data"] if t["name"] == "actors")
    assert sorted(nodes["text"]) == ["CN", "RU", "esa"]
