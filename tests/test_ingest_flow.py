"""Ingest through the real Prefect flow (`pactwatch run`) against a real local web
server and a real DuckDB file: conditional GET, broken and legacy-encoded feeds,
huge and hostile pages, retried 429/503, link budgets, page sources, near-duplicate
stories across outlets, and `pactwatch extract URL`.

The stories below are fictional, written for these tests.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pactwatch.flows.cli import main

pytestmark = pytest.mark.integration

MALTA = """VALLETTA - Malta has joined the Meridian Ocean Compact, a regional grouping that \
pools coast guard patrols across the central Mediterranean, becoming the compact's ninth \
member, the compact's secretariat said on Tuesday.
Foreign minister Clara Vella signed the accession papers at a short ceremony in the harbour \
city, telling reporters that the island could no longer watch its shipping lanes alone. The \
compact was founded three years ago by six coastal states and has grown steadily since \
Tunisia and Greece joined last spring.
Under the agreement, members share radar data from their patrol boats, run joint search and \
rescue drills twice a year and fund a small coordination centre in Palermo. Officials said \
Malta would contribute two patrol vessels and a maritime surveillance aircraft from next March.
Diplomats in the region described the accession as a quiet success for the compact, which \
had struggled to attract smaller states worried about the cost of membership. A spokesman for \
the secretariat said talks with Cyprus were continuing but that no date had been set.
Critics in the Maltese parliament questioned whether the island's limited budget could \
sustain the commitments, and an opposition lawmaker called for a public debate before any \
vessels are transferred. The government said the costs would be covered by existing \
defence allocations."""

# The same story as another outlet ran it: its own dateline credit, a word changed,
# a reporting line at the end.
MALTA_SYNDICATED = (
    MALTA.replace("VALLETTA -", "VALLETTA (Harbour Wire) -")
    .replace("a short ceremony", "a brief ceremony")
    .replace("no date had been set.", "no date had been set for a decision.")
    + "\nReporting by Ana Borg; editing by Tom Reyes."
)

KENYA = """NAIROBI - Kenya and Ethiopia signed a partnership on Thursday to build a shared \
weather satellite ground station near the border town of Moyale, ending two years of talks \
over who would operate the site.
The agreement, signed by the two countries' science ministers in Nairobi, splits the cost of \
the station evenly and gives each side equal access to the data it collects. Engineers \
expect construction to begin early next year, with the first antenna working within \
eighteen months.
Kenyan officials said the station would improve drought forecasts for farmers in the north \
of the country, where failed rains have left millions short of food in recent seasons. \
Ethiopian delegates stressed the value of training young engineers at the site.
The deal does not make either country a member of any wider space programme, a Kenyan \
ministry spokeswoman said, adding that both governments remained open to working with other \
partners in the region. Analysts said the project was modest in scale."""


def page_html(title: str, text: str, *, published: str = "2026-11-20T09:00:00Z") -> str:
    paras = "\n".join(f"<p>{line}</p>" for line in text.splitlines())
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='article:published_time' content='{published}'></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paras}</article>"
        f"<footer>Copyright the Coastline Herald</footer></body></html>"
    )


def rss(base: str, items: list[tuple[str, str, str]], *, encoding: str | None = None) -> str:
    """An RSS 2.0 feed; items are (path, title, description)."""
    prolog = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    body = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 09:{i:02d}:00 GMT</pubDate>"
        f"<description>{desc}</description></item>"
        for i, (path, title, desc) in enumerate(items)
    )
    return (
        f"{prolog}<rss version='2.0'><channel><title>Coastline Herald</title>"
        f"<link>{base}/</link><description>Fictional coalition news</description>"
        f"{body}</channel></rss>"
    )


class Counter:
    """Counts requests per path and keeps the request headers and times."""

    def __init__(self) -> None:
        self.hits: dict[str, list[tuple[float, dict[str, str]]]] = {}

    def count(self, path: str) -> int:
        return len(self.hits.get(path, []))

    def wrap(self, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def inner(request: Request) -> Response:
            self.hits.setdefault(request.path, []).append((time.monotonic(), dict(request.headers)))
            return handler(request)

        return inner


def conditional(body: bytes, etag: str, content_type: str) -> Callable[[Request], Response]:
    """A handler that answers 304 when the client sends back the ETag or the date."""
    modified = "Fri, 20 Nov 2026 10:00:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag or (
            request.headers.get("If-Modified-Since") == modified
        ):
            return Response(status=304, headers={"ETag": etag})
        return Response(
            body, content_type=content_type, headers={"ETag": etag, "Last-Modified": modified}
        )

    return handler


def write_config(
    tmp_path: Path, sources: list[tuple[str, str, str]], fetch: dict[str, Any] | None = None
) -> Path:
    """sources: (name, kind feed|page|path, location)."""
    fetch = {"retries": 0, **(fetch or {})}
    lines = ['[warehouse]\npath = "w.duckdb"\n\n[fetch]']
    lines += [f"{k} = {json.dumps(v)}" for k, v in fetch.items()]
    for name, kind, location in sources:
        lines.append(f'\n[[sources]]\nname = "{name}"\n{kind} = "{location}"')
    lines.append('\n[[channels]]\ntype = "console"\n')
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text("\n".join(lines), encoding="utf-8")
    return cfg


def rows(tmp_path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def run(cfg: Path) -> int:
    return main(["run", "--config", str(cfg)])


# -- conditional GET --------------------------------------------------------------------


def test_second_run_sends_validators_and_a_304_costs_no_parsing(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()
    feed = rss(base, [("/news/malta.html", "Malta joins the ocean compact", "Malta joins.")])
    httpserver.expect_request("/feed.xml").respond_with_handler(
        seen.wrap(conditional(feed.encode(), '"v1"', "application/rss+xml"))
    )
    # A feed behind a redirect keeps its validators under the configured URL.
    httpserver.expect_request("/old-feed.xml").respond_with_data(
        "", status=301, headers={"Location": f"{base}/feed.xml"}
    )
    httpserver.expect_request("/news/malta.html").respond_with_handler(
        seen.wrap(
            lambda r: Response(
                page_html("Malta joins the ocean compact", MALTA),
                200,
                content_type="text/html; charset=utf-8",
            )
        )
    )
    cfg = write_config(
        tmp_path,
        [("herald", "feed", f"{base}/feed.xml"), ("moved", "feed", f"{base}/old-feed.xml")],
    )
    assert run(cfg) == 0
    page_reads = seen.count("/news/malta.html")  # both sources list the story
    assert page_reads in (1, 2)
    first = rows(tmp_path, "select id, fetched_at from articles")
    assert len(first) == 1

    assert run(cfg) == 0
    second_requests = seen.hits["/feed.xml"][2:]
    assert len(second_requests) == 2  # one per source
    for _, headers in second_requests:
        assert headers.get("If-None-Match") == '"v1"'
        assert headers.get("If-Modified-Since") == "Fri, 20 Nov 2026 10:00:00 GMT"
    # Nothing was parsed or stored again: the page was not fetched, the article untouched.
    assert seen.count("/news/malta.html") == page_reads
    assert rows(tmp_path, "select id, fetched_at from articles") == first
    latest_run = rows(tmp_path, "select id from runs order by started_at desc limit 1")[0][0]
    fetched = rows(
        tmp_path,
        "select source, url, status, not_modified, bytes, error from fetches where run_id = ?"
        " order by source",
        [latest_run],
    )
    assert fetched == [
        ("herald", f"{base}/feed.xml", 304, True, 0, None),
        ("moved", f"{base}/old-feed.xml", 304, True, 0, None),
    ]


# -- broken, legacy-encoded, huge and hostile input -----------------------------------------


def test_truncated_feed_keeps_readable_items_and_other_sources_go_on(
    tmp_path: Path,
    httpserver: HTTPServer,
    prefect_harness: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = httpserver.url_for("").rstrip("/")
    items = [
        (f"/broken/{n}.html", f"Coalition bulletin number {n}", f"Bulletin {n}: {MALTA[:200]}")
        for n in range(1, 4)
    ]
    whole = rss(base, items)
    cut = whole[: whole.index("Coalition bulletin number 3") + 10]  # inside the third item
    httpserver.expect_request("/broken.xml").respond_with_data(
        cut, content_type="application/rss+xml"
    )
    httpserver.expect_request("/steady.xml").respond_with_data(
        rss(base, [("/steady/kenya.html", "Kenya and Ethiopia share a ground station", KENYA)]),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/garbage.xml").respond_with_data(
        "<html><body>Service temporarily unavailable", content_type="text/html"
    )
    cfg = write_config(
        tmp_path,
        [
            ("broken", "feed", f"{base}/broken.xml"),
            ("garbage", "feed", f"{base}/garbage.xml"),
            ("steady", "feed", f"{base}/steady.xml"),
        ],
        {"follow_links": False},
    )
    assert run(cfg) == 1  # the garbage source failed; the others did not
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "pactwatch: warning: source broken:" in err and "not well-formed" in err
    assert "pactwatch: error: source garbage:" in err
    titles = {t for (t,) in rows(tmp_path, "select title from articles")}
    assert {"Coalition bulletin number 1", "Coalition bulletin number 2"} <= titles
    assert "Kenya and Ethiopia share a ground station" in titles
    problems = dict(rows(tmp_path, "select source, error from fetches"))
    assert "not well-formed" in problems["broken"]
    assert problems["garbage"] and problems["steady"] is None


def test_feeds_and_pages_in_legacy_encodings_decode_into_stored_text(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    title = "São Tomé signs the “Gulf of Guinea” maritime pact – café diplomacy"
    desc = (
        "Ministers met at a café in Libreville; São Tomé’s envoy called it “a naïve hope” no more."
    )
    # windows-1252 declared only in the XML prolog (curly quotes and dashes are 0x80-0x9f).
    httpserver.expect_request("/cp1252.xml").respond_with_data(
        rss(base, [("/a.html", title, desc)], encoding="windows-1252").encode("cp1252"),
        content_type="application/rss+xml",
    )
    # iso-8859-1 declared only in the Content-Type.
    latin_title = "Zürich hosts the Alpine rescue compact’s façade of unity".replace("’", "'")
    httpserver.expect_request("/latin1.xml").respond_with_data(
        rss(base, [("/b.html", latin_title, "Señora Müller said the compact had grown.")]).encode(
            "latin-1"
        ),
        content_type="text/xml; charset=iso-8859-1",
    )
    # A followed page in windows-1252, declared in the HTTP header only.
    httpserver.expect_request("/c.xml").respond_with_data(
        rss(base, [("/c.html", "Page in an old encoding", "teaser")]),
        content_type="application/rss+xml",
    )
    page_text = (
        "Bogotá and Brasília agreed a “river data” partnership – the envoys’ words.\n" + KENYA
    )
    httpserver.expect_request("/c.html").respond_with_data(
        page_html("Andean river data partnership", page_text)
        .replace("<meta charset='utf-8'>", "")
        .encode("cp1252"),
        content_type="text/html; charset=windows-1252",
    )
    cfg = write_config(
        tmp_path,
        [
            ("cp1252", "feed", f"{base}/cp1252.xml"),
            ("latin1", "feed", f"{base}/latin1.xml"),
            ("oldpage", "feed", f"{base}/c.xml"),
        ],
    )
    # The two feeds are read from their items' own content, the third follows its link.
    text = cfg.read_text("utf-8")
    for name in ("cp1252", "latin1"):
        text = text.replace(f'name = "{name}"', f'name = "{name}"\nfollow_links = false')
    cfg.write_text(text, "utf-8")
    assert run(cfg) == 0
    stored = dict(rows(tmp_path, "select source, title || ' | ' || text from articles"))
    assert stored["cp1252"] == f"{title} | {desc}"
    assert stored["latin1"] == f"{latin_title} | Señora Müller said the compact had grown."
    assert (
        "Bogotá and Brasília agreed a “river data” partnership – the envoys’ words."
        in (stored["oldpage"])
    )
    assert "\ufffd" not in "".join(stored.values())


def test_a_huge_page_is_cut_off_as_a_recorded_error_and_the_run_goes_on(
    tmp_path: Path,
    httpserver: HTTPServer,
    prefect_harness: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = httpserver.url_for("").rstrip("/")
    huge = page_html("An endless page", ("Filler about coalitions. " * 40 + "\n") * 200)
    assert len(huge) > 100_000
    httpserver.expect_request("/huge.html").respond_with_data(huge, content_type="text/html")

    def streamed(request: Request) -> Response:  # no Content-Length: cut while reading
        return Response(
            iter([huge[i : i + 4096] for i in range(0, len(huge), 4096)]), content_type="text/html"
        )

    httpserver.expect_request("/stream.html").respond_with_handler(streamed)
    httpserver.expect_request("/kenya.html").respond_with_data(
        page_html("Kenya and Ethiopia share a ground station", KENYA), content_type="text/html"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            base,
            [
                ("/huge.html", "Huge", "x"),
                ("/stream.html", "Streamed", "y"),
                ("/kenya.html", "Kenya and Ethiopia share a ground station", "z"),
            ],
        ),
        content_type="application/rss+xml",
    )
    cfg = write_config(
        tmp_path,
        [("wire", "feed", f"{base}/feed.xml"), ("bigpage", "page", f"{base}/huge.html")],
        {"max_bytes": 50_000},
    )
    assert run(cfg) == 1  # the page source itself could not be read
    err = capsys.readouterr().err
    assert "Traceback" not in err and "larger than 50000 bytes" in err
    assert rows(tmp_path, "select source, title from articles") == [
        ("wire", "Kenya and Ethiopia share a ground station")
    ]
    errors = rows(
        tmp_path,
        "select source, url from fetches where error like '%larger than%' order by url, source",
    )
    assert errors == [
        ("bigpage", f"{base}/huge.html"),
        ("wire", f"{base}/huge.html"),
        ("wire", f"{base}/stream.html"),
    ]


def test_a_hostile_deeply_nested_page_does_not_crash(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    depth = 20_000
    hostile = (
        "<html><head><title>Deep coalition page</title></head><body>"
        + "<div><span>" * depth
        + "<p>Chile joined the Pacific fisheries compact on Monday, officials said.</p>"
        + "</span></div>" * depth
        + "<table>" * 5000
        + "</body></html>"
    )
    httpserver.expect_request("/deep.html").respond_with_data(hostile, content_type="text/html")
    httpserver.expect_request("/kenya.html").respond_with_data(
        page_html("Kenya and Ethiopia share a ground station", KENYA), content_type="text/html"
    )
    cfg = write_config(
        tmp_path,
        [("deep", "page", f"{base}/deep.html"), ("calm", "page", f"{base}/kenya.html")],
    )
    assert run(cfg) == 0
    sources = {s for (s,) in rows(tmp_path, "select source from articles")}
    assert "calm" in sources
    assert rows(tmp_path, "select count(*) from fetches where source = 'deep'")[0][0] == 1


# -- retries ----------------------------------------------------------------------------------


def test_429_with_retry_after_and_503_are_retried_then_succeed(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()

    def flaky(status: int, headers: dict[str, str]) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            if seen.count(request.path) == 1:  # the first request (already counted)
                return Response("busy", status=status, headers=headers)
            story = (f"/story{request.path}.html", "Kenya and Ethiopia share a ground station")
            return Response(rss(base, [(*story, KENYA)]), content_type="application/rss+xml")

        return seen.wrap(handler)

    httpserver.expect_request("/limited.xml").respond_with_handler(flaky(429, {"Retry-After": "1"}))
    httpserver.expect_request("/unavailable.xml").respond_with_handler(flaky(503, {}))
    cfg = write_config(
        tmp_path,
        [("limited", "feed", f"{base}/limited.xml"), ("down", "feed", f"{base}/unavailable.xml")],
        {"retries": 1, "retry_delay": 0.05, "follow_links": False},
    )
    assert run(cfg) == 0
    assert seen.count("/limited.xml") == 2 and seen.count("/unavailable.xml") == 2
    (first, _), (second, _) = seen.hits["/limited.xml"]
    assert second - first >= 0.95  # Retry-After: 1 was honoured, not just retry_delay
    assert dict(rows(tmp_path, "select source, count(*) from articles group by source")) == {
        "limited": 1,
        "down": 1,
    }


# -- link budget --------------------------------------------------------------------------


def test_max_links_defers_the_rest_to_the_next_runs_and_nothing_is_lost(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()
    items = [(f"/story/{n}.html", f"Compact bulletin {n} of the week", "teaser") for n in range(5)]
    # The feed answers 304 when nothing changed: the deferred links must not hide behind it.
    httpserver.expect_request("/feed.xml").respond_with_handler(
        seen.wrap(conditional(rss(base, items).encode(), '"same"', "application/rss+xml"))
    )
    for n in range(5):
        body = page_html(f"Compact bulletin {n} of the week", f"Bulletin {n}.\n{KENYA}")
        httpserver.expect_request(f"/story/{n}.html").respond_with_handler(
            seen.wrap(lambda r, b=body: Response(b, content_type="text/html"))
        )
    cfg = write_config(tmp_path, [("herald", "feed", f"{base}/feed.xml")], {"max_links": 2})
    counts = []
    for _ in range(4):
        assert run(cfg) == 0
        counts.append(rows(tmp_path, "select count(*) from articles")[0][0])
    assert counts == [2, 4, 5, 5]
    assert all(seen.count(f"/story/{n}.html") == 1 for n in range(5))
    # Once every item is stored the feed's validators are kept again: the last run was a 304.
    assert rows(
        tmp_path,
        "select status, not_modified from fetches where url like '%feed.xml'"
        " order by fetched_at desc limit 1",
    ) == [(304, True)]


# -- page sources and near-duplicate stories -----------------------------------------------------


def test_page_source_is_reread_with_conditional_get_and_updates(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    state = {"etag": '"p1"', "text": MALTA}

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == state["etag"]:
            return Response(status=304)
        return Response(
            page_html("Malta joins the ocean compact", state["text"]),
            content_type="text/html; charset=utf-8",
            headers={"ETag": state["etag"]},
        )

    httpserver.expect_request("/news/malta.html").respond_with_handler(handler)
    cfg = write_config(tmp_path, [("desk", "page", f"{base}/news/malta.html?utm_source=x")])
    assert run(cfg) == 0
    ((url, title, text),) = rows(tmp_path, "select url, title, text from articles")
    assert url == f"{base}/news/malta.html" and title == "Malta joins the ocean compact"
    assert text.startswith("VALLETTA") and "Copyright" not in text and "Home" not in text
    assert run(cfg) == 0
    assert rows(tmp_path, "select count(*) from fetches where not_modified")[0][0] == 1
    state.update(etag='"p2"', text=MALTA.replace("ninth member", "ninth full member"))
    assert run(cfg) == 0
    ((text2,),) = rows(tmp_path, "select text from articles")
    assert "ninth full member" in text2


def test_the_same_story_from_two_outlets_is_one_story(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    pages = {
        "/herald/malta-joins.html": ("Malta joins the Meridian Ocean Compact", MALTA),
        "/wire/2026/11/20/valletta-compact.html": (
            "Malta becomes ninth member of Mediterranean patrol pact",
            MALTA_SYNDICATED,
        ),
        "/herald/kenya-ethiopia.html": ("Kenya and Ethiopia share a ground station", KENYA),
    }
    for path, (title, text) in pages.items():
        httpserver.expect_request(path).respond_with_data(
            page_html(title, text), content_type="text/html"
        )
    httpserver.expect_request("/herald.xml").respond_with_data(
        rss(base, [(p, t, "teaser") for p, (t, _) in pages.items() if p.startswith("/herald")]),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/wire.xml").respond_with_data(
        rss(base, [(p, t, "teaser") for p, (t, _) in pages.items() if p.startswith("/wire")]),
        content_type="application/rss+xml",
    )
    cfg = write_config(
        tmp_path, [("herald", "feed", f"{base}/herald.xml"), ("wire", "feed", f"{base}/wire.xml")]
    )
    assert run(cfg) == 0
    story = dict(rows(tmp_path, "select url, story_id from articles"))
    assert len(story) == 3
    herald, wire, kenya = (story[f"{base}{p}"] for p in pages)
    assert herald == wire  # different URL, different title, lightly edited text
    assert kenya != herald
    assert rows(tmp_path, "select count(*) from articles where fingerprint is null")[0][0] == 0


# -- pactwatch extract URL ------------------------------------------------------------------------


def test_extract_url_against_a_local_server(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/news/malta.html").respond_with_data(
        page_html("Malta joins the ocean compact", MALTA), content_type="text/html"
    )
    httpserver.expect_request("/news/kenya.html").respond_with_data(
        page_html("Kenya and Ethiopia share a ground station", KENYA), content_type="text/html"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            base,
            [
                ("/news/malta.html", "Malta joins the ocean compact", "Short teaser one."),
                ("/news/kenya.html", "Kenya and Ethiopia share a ground station", "Teaser two."),
                ("/news/missing.html", "A story that went away", "Teaser three."),
            ],
        ),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/news/missing.html").respond_with_data("gone", status=404)
    cfg = write_config(tmp_path, [])

    assert main(["extract", f"{base}/news/malta.html", "--json", "--config", str(cfg)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    article = json.loads(line)["article"]
    assert article["title"] == "Malta joins the ocean compact"
    assert article["url"] == f"{base}/news/malta.html"
    assert article["text"].startswith("VALLETTA") and article["published_at"] == (
        "2026-11-20T09:00:00Z"
    )

    # Without --follow: one object per item, from the item's own content.
    assert (
        main(["extract", f"{base}/feed.xml", "--kind", "feed", "--json", "--config", str(cfg)]) == 0
    )
    texts = [json.loads(x)["article"]["text"] for x in capsys.readouterr().out.splitlines()]
    assert texts == ["Short teaser one.", "Teaser two.", "Teaser three."]

    # --follow: each linked page is fetched; a page that is gone keeps its item, with a warning.
    code = main(
        [
            "extract",
            f"{base}/feed.xml",
            "--kind",
            "feed",
            "--follow",
            "--json",
            "--config",
            str(cfg),
        ]
    )
    assert code == 0
    out, err = capsys.readouterr()
    objs = [json.loads(x)["article"] for x in out.splitlines()]
    assert [o["title"] for o in objs] == [
        "Malta joins the ocean compact",
        "Kenya and Ethiopia share a ground station",
        "A story that went away",
    ]
    assert objs[0]["text"].startswith("VALLETTA") and objs[1]["text"].startswith("NAIROBI")
    assert objs[2]["text"] == "Teaser three."
    assert "pactwatch: warning:" in err and "404" in err

    # A URL that cannot be fetched is one error line and exit 1, never a traceback.
    assert main(["extract", f"{base}/nothing-here.html", "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pactwatch: error:") and "Traceback" not in err


def test_a_page_stored_under_its_canonical_url_is_not_fetched_again(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()
    canonical = f"{base}/2026/11/20/malta-joins-the-compact"
    page = page_html("Malta joins the ocean compact", MALTA).replace(
        "<title>", f"<link rel='canonical' href='{canonical}'><title>"
    )
    httpserver.expect_request("/amp/malta.html").respond_with_handler(
        seen.wrap(lambda r: Response(page, content_type="text/html"))
    )
    # No validators: the feed is read in full every run, and lists the story every time.
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, [("/amp/malta.html?utm_source=rss&utm_medium=feed", "Malta joins", "t")]),
        content_type="application/rss+xml",
    )
    cfg = write_config(tmp_path, [("herald", "feed", f"{base}/feed.xml")])
    assert run(cfg) == 0
    assert run(cfg) == 0
    assert rows(tmp_path, "select url from articles") == [(canonical,)]
    assert seen.count("/amp/malta.html") == 1


def test_per_host_politeness_holds_across_sources(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    base = httpserver.url_for("").rstrip("/")
    seen = Counter()
    for n in range(3):
        body = rss(base, [(f"/polite/{n}.html", f"Compact bulletin {n} of the week", KENYA)])
        httpserver.expect_request(f"/polite-{n}.xml").respond_with_handler(
            seen.wrap(lambda r, b=body: Response(b, content_type="application/rss+xml"))
        )
    cfg = write_config(
        tmp_path,
        [(f"outlet-{n}", "feed", f"{base}/polite-{n}.xml") for n in range(3)],
        {"follow_links": False, "per_host_concurrency": 1, "per_host_delay": 0.3},
    )
    assert run(cfg) == 0
    starts = sorted(t for n in range(3) for t, _ in seen.hits[f"/polite-{n}.xml"])
    # The sources' fetch tasks run in parallel threads; the host still sees one
    # request at a time, `per_host_delay` (0.3 s, less timing jitter) apart.
    assert all(b - a >= 0.2 for a, b in itertools.pairwise(starts)), starts


def test_text_files_in_legacy_encodings_or_with_a_bom_decode(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from pactwatch.flows.ingest import Document, document_article

    story = "Bogotá and Brasília sign a “river data” pact\n\nThe envoys’ words – “a start”.\n"
    for data in (story.encode("cp1252"), b"\xef\xbb\xbf" + story.encode("utf-8")):
        article = document_article(Document(url="file:///in/a.txt", kind="text", data=data))
        assert article.title == "Bogotá and Brasília sign a “river data” pact"
        assert "The envoys’ words – “a start”." in article.text
    # The same over HTTP, the charset named only by the server.
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/wire.txt").respond_with_data(
        story.encode("cp1252"), content_type="text/plain; charset=windows-1252"
    )
    cfg = write_config(tmp_path, [])
    assert (
        main(["extract", f"{base}/wire.txt", "--kind", "text", "--json", "--config", str(cfg)]) == 0
    )
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["article"]["title"] == "Bogotá and Brasília sign a “river data” pact"


def test_a_local_feed_with_links_left_for_later_is_read_again(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    from pactwatch.flows.config import SourceConfig
    from pactwatch.flows.fetch import Fetcher
    from pactwatch.flows.ingest import collect_source

    base = httpserver.url_for("").rstrip("/")
    for n in range(3):
        httpserver.expect_request(f"/local/{n}.html").respond_with_data(
            page_html(f"Compact bulletin {n} of the week", KENYA), content_type="text/html"
        )
    folder = tmp_path / "inbox"
    folder.mkdir()
    items = [(f"/local/{n}.html", f"Compact bulletin {n} of the week", "t") for n in range(3)]
    (folder / "feed.xml").write_text(rss(base, items), "utf-8")
    source = SourceConfig(name="inbox", kind="path", location=str(folder))
    known: set[str] = set()
    digests: dict[str, str] = {}
    followed: list[str] = []
    with Fetcher() as fetcher:
        for _ in range(4):
            harvest = collect_source(
                source,
                fetcher=fetcher,
                validators={},
                known_urls=known,
                follow_links=True,
                max_links=2,
                file_digests=digests,
            )
            followed += [d.url for d in harvest.documents]
            known |= {d.url for d in harvest.documents}
            file_row = harvest.fetches[0]
            if file_row.etag:  # as `file_validators` reads them back
                digests[file_row.url] = file_row.etag
    assert followed == [f"{base}/local/{n}.html" for n in range(3)]
    assert file_row.not_modified  # all read: the unchanged file is skipped again
