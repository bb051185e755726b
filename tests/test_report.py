"""`pactwatch report`, `history` and the `alerts` filters over a warehouse built by real
runs: the bundled sample site (two days of feed, served on 127.0.0.1) and the
bundled wire pages (a second outlet, read from files), through real Prefect flows.

The report is parsed (every coalition has a chart, every roster row its evidence)
and, when a Chromium is installed, rendered headless: the charts drew, nothing went
to the console as an error, and no request left the page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest
from bs4 import BeautifulSoup

from pactwatch.flows.cli import main

from .conftest import ROOT, SAMPLE_SITE
from .sample_site import SampleSite

pytestmark = pytest.mark.integration

WIRE = ROOT / "samples" / "wire"
PACTWATCH = Path(sys.executable).parent / "pactwatch"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[Path]:
    """Two real runs (day 1 baseline, day 2 changes) over both bundled outlets."""
    tmp = tmp_path_factory.mktemp("report")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SampleSite, directory=str(SAMPLE_SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    cfg = tmp / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"

[fetch]
retries = 0

[[sources]]
name = "orbital-ledger"
feed = "http://{host!s}:{port}/feed.xml"

[[sources]]
name = "meridian-wire"
path = "{WIRE.as_posix()}"

[[channels]]
type = "console"
""",
        encoding="utf-8",
    )
    try:
        for day in ("day1", "day2"):
            SampleSite.day = day
            assert main(["run", "--config", str(cfg)]) == 0
    finally:
        server.shutdown()
        server.server_close()
    yield cfg


def cli(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PACTWATCH), *args, "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rows(cfg: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(cfg.parent / "w.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def report(warehouse: Path) -> Path:
    out = warehouse.parent / "report.html"
    done = cli(warehouse, "report", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out.resolve())  # stdout: the path, nothing else
    return out


def charts_of(soup: BeautifulSoup) -> dict[str, Any]:
    block = soup.find("script", id="pactwatch-charts")
    assert block is not None
    charts: dict[str, Any] = json.loads(block.get_text())
    return charts


# --- the page, parsed ---------------------------------------------------------


def test_every_coalition_has_a_chart_of_its_claims(warehouse: Path, report: Path) -> None:
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    charts = charts_of(soup)
    coalitions = {
        r[0]
        for r in rows(
            warehouse,
            "select coalition from member_counts where modality = 'asserted'"
            " union select coalition from memberships",
        )
    }
    assert coalitions == {"artemis-accords", "ilrs"}
    for slug in coalitions:
        section = soup.find("section", id=f"coalition-{slug}")
        assert section is not None, slug
        assert section.find("div", id=f"chart-{slug}") is not None
        points = [
            cd for trace in charts[f"chart-{slug}"]["data"] for cd in trace.get("customdata") or []
        ]
        claims = rows(
            warehouse,
            f"select article_url, sentence from member_counts where coalition = '{slug}'"
            " and modality = 'asserted'",
        )
        # one point per claim, each carrying its article and (escaped) sentence for the hover
        assert sorted(cd[4] for cd in points) == sorted(url for url, _ in claims)


def test_chart_tells_sources_and_shapes_apart(report: Path) -> None:
    charts = charts_of(BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser"))
    ilrs = charts["chart-ilrs"]["data"]
    named = {t["name"]: t for t in ilrs}
    # the feed's exact figures and the wire's, and the wire's "more than 10" as a bound
    assert "orbital-ledger · exact" in named
    assert "meridian-wire · exact" in named
    assert named["meridian-wire · at least"]["marker"]["symbol"] == "triangle-up"
    assert named["meridian-wire · at least"]["y"] == [11]
    colours = {t["marker"]["color"] for n, t in named.items() if "·" in n}
    assert len(colours) == 2  # one colour per source
    artemis = {t["name"]: t for t in charts["chart-artemis-accords"]["data"]}
    assert artemis["meridian-wire · approximate"]["marker"]["symbol"] == "circle-open"
    assert artemis["meridian-wire · approximate"]["y"] == [45]
    hover = artemis["meridian-wire · approximate"]["customdata"][0]
    assert hover[0] == "meridian-wire" and hover[3] == "State Department spokesperson"
    assert "About 45 nations" in hover[2]


def test_conflicting_figures_are_flagged(report: Path) -> None:
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    notes = [p.get_text(" ", strip=True) for p in soup.select("#coalition-ilrs .conflict")]
    # the wire's 12 (11 November, evening) and the feed's 13 (12 November, morning) are
    # other outlets within the 48-hour window: the same moment, so they disagree; the
    # feed's later 14 is a change, not a disagreement (the alerts' rule, issue 12)
    assert notes == [
        "Sources disagree about the same moment (11 November 2026): "
        "1 article says 12, 1 article says 13."
    ]


def test_every_roster_row_has_evidence(warehouse: Path, report: Path) -> None:
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    roster_rows = soup.select("tr.roster-row")
    named = rows(warehouse, "select coalition, actor from memberships")
    assert len([r for r in roster_rows if r["data-actor"]]) == len(named)
    for row in roster_rows:
        evidence = row.find("td", class_="evidence")
        assert evidence is not None
        assert evidence.find("q").get_text(strip=True), row
        assert evidence.find("a")["href"].startswith("http://127.0.0.1:"), row
    # ILRS: 14 by the latest count, one member named; 13 known only from the count
    only = soup.select_one("#coalition-ilrs tr.count-only")
    assert only is not None
    assert only.find("td").get_text(strip=True) == "13 members not named"


def test_partnerships_alerts_and_sources(warehouse: Path, report: Path) -> None:
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    statuses = sorted(
        r.find_all("td")[1].get_text(strip=True) for r in soup.select("tr.partnership-row")
    )
    assert statuses == ["active", "active", "ended"]
    graph = charts_of(soup)["chart-partnerships"]["data"]
    lines = {t["name"]: t["line"]["dash"] for t in graph if t.get("mode") == "lines"}
    assert lines == {"active": "solid", "ended": "dash"}
    alert_rows = soup.select("tr.alert-row")
    assert len(alert_rows) == rows(warehouse, "select count(*) from alerts")[0][0] == 6
    for row in alert_rows:
        assert row.select("ul.evidence li q"), row
        assert "console: delivered" in row.get_text(" ", strip=True)
    names = [r.find("td").contents[0].strip() for r in soup.select("tr.source-row")]
    assert names == ["meridian-wire", "orbital-ledger"]


def test_report_filters(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "ilrs.html"
    done = cli(
        warehouse, "report", "--out", str(out), "--coalition", "ilrs", "--since", "2026-11-01"
    )
    assert done.returncode == 0, done.stderr
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert [s["data-coalition"] for s in soup.select("section.coalition")] == ["ilrs"]
    points = [
        cd[1][:10]
        for t in charts_of(soup)["chart-ilrs"]["data"]
        for cd in t.get("customdata") or []
    ]
    assert points and min(points) >= "2026-11-01"  # the October bound is left out
    assert all(
        "ILRS" in r.get_text() or "Russia" in r.get_text() for r in soup.select("tr.alert-row")
    )


def test_report_bad_input_is_one_line(warehouse: Path, tmp_path: Path) -> None:
    done = cli(warehouse, "report", "--out", str(tmp_path / "none" / "r.html"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"pactwatch: error: {tmp_path / 'none'}: no such folder"
    ]
    done = cli(warehouse, "report", "--out", str(tmp_path / "r.html"), "--since", "last week")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--since 'last week': not a date" in done.stderr


# --- the page, rendered -------------------------------------------------------


def _chromium() -> str | None:
    return (
        os.environ.get("PACTWATCH_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def test_report_draws_offline_in_chromium(report: Path) -> None:
    browser_path = _chromium()
    if browser_path is None:
        pytest.skip("no Chromium installed (Debian: apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    chart_ids = sorted(charts_of(soup))
    page_url = report.resolve().as_uri()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            problems: list[str] = []
            requests: list[str] = []
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_url)
            page.wait_for_function(
                f"document.querySelectorAll('[data-drawn=true]').length === {len(chart_ids)}",
                timeout=30_000,
            )
            for chart_id in chart_ids:
                drawn = page.locator(f"#{chart_id} svg.main-svg").count()
                assert drawn >= 1, chart_id
                points = page.locator(f"#{chart_id} .scatterlayer .point").count()
                assert points >= 1, chart_id
            # hovering a point shows its figure, outlet, date, sentence and speaker
            page.evaluate(
                """() => {
                    const el = document.getElementById('chart-ilrs');
                    const i = el.data.findIndex(t => t.name === 'meridian-wire · exact');
                    Plotly.Fx.hover(el, [{curveNumber: i, pointNumber: 0}]);
                }"""
            )
            label = page.locator("#chart-ilrs .hoverlayer .hovertext").text_content() or ""
            assert "meridian-wire · 2026-11-11 18:00" in label
            assert "Research Station has 12 members" in label
            assert "speaker: Roscosmos" in label
            # a click on a point opens its article (window.open is recorded, not followed)
            opened = page.evaluate(
                """() => {
                    const seen = [];
                    window.open = (url) => { seen.push(url); return null; };
                    const el = document.getElementById('chart-ilrs');
                    const trace = el.data.find(t => t.customdata);
                    el.emit('plotly_click', {points: [{customdata: trace.customdata[0]}]});
                    return [seen, trace.customdata[0][4]];
                }"""
            )
            seen, article = opened
            assert seen == [article] and article.endswith(".html")
            assert problems == []
            assert requests == [page_url]  # the page itself, and nothing else
        finally:
            browser.close()


# --- history and alert filters through the CLI -----------------------------------


def test_history_newest_last(warehouse: Path) -> None:
    done = cli(warehouse, "history", "ilrs")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    dates = [line[:10] for line in lines]
    assert dates == sorted(dates) and len(lines) == 5
    assert lines[0].split()[:3] == ["2026-10-21", "count", "at"]  # "at least 11"
    assert "meridian-wire" in lines[0]
    assert lines[-2].startswith("2026-11-22  joined Senegal (SN)")
    assert "according to China National Space Administration" in lines[-2]
    assert lines[-1].startswith("2026-11-22  count 14 (ordinal)")


def test_history_json_and_unknown_slug(warehouse: Path) -> None:
    done = cli(warehouse, "history", "artemis-accords", "--json", "--since", "2026-11-01")
    assert done.returncode == 0, done.stderr
    items = [json.loads(line) for line in done.stdout.splitlines()]
    assert items and all(i["date"] >= "2026-11-01" for i in items)
    assert {i["kind"] for i in items} == {"count", "joined"}
    joined = [i["actor"] for i in items if i["kind"] == "joined"]
    assert joined[:2] == ["UY", "SI"]
    assert all(i["url"].startswith("http") and i["sentence"] for i in items)
    done = cli(warehouse, "history", "artemis")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "pactwatch: error: no claims about coalition 'artemis' (did you mean"
        " 'artemis-accords'?); known: artemis-accords, ilrs"
    ]


def test_alerts_filters(warehouse: Path) -> None:
    def ids(*args: str) -> list[dict[str, Any]]:
        done = cli(warehouse, "alerts", "--json", *args)
        assert done.returncode == 0, done.stderr
        return [json.loads(line) for line in done.stdout.splitlines()]

    everything = ids()
    assert len(everything) == 6
    ilrs = ids("--coalition", "ilrs")
    assert {a["kind"] for a in ilrs} == {"member_joined", "member_count_changed"}
    assert all(a["coalition"] == "ilrs" for a in ilrs)
    assert [a["actors"] for a in ids("--coalition", "esa")] == [["RU", "esa"]]
    joins = ids("--kind", "member_joined")
    assert len(joins) == 3 and all(a["kind"] == "member_joined" for a in joins)
    both = ids("--kind", "member_joined", "--kind", "partnership_ended", "--coalition", "ilrs")
    assert [a["kind"] for a in both] == ["member_joined"]
    assert ids("--limit", "2") == everything[-2:]
    assert ids("--since", "2999-01-01") == []
    assert len(ids("--since", everything[0]["created_at"])) == 6
    done = cli(warehouse, "alerts", "--since", "2999-01-01")
    assert done.stdout == "" and "no alerts match" in done.stderr
    done = cli(warehouse, "alerts", "--limit", "0")
    assert done.returncode == 2 and "give 1 or more" in done.stderr
    done = cli(warehouse, "alerts", "--kind", "member_joind")
    assert done.returncode == 2 and "invalid choice" in done.stderr
