"""A synthetic news corpus for `make bench`: outlets, pages and feeds, all invented here.

Deterministic from a seed: the same (seed, n) gives the same bytes. Every page is
a whole news page as outlets serve them (site navigation, a cookie banner, a
byline and dateline, the story, "related" links, a newsletter box, a footer,
scripts), in one of several outlet templates. Stories mix coalition news
(joins, departures, member counts, partnerships; asserted, hedged, negated,
attributed) with plenty of general news that mentions no coalition. Some
stories are syndicated: the same text on another outlet under its own URL; some
feed items point at the same page twice (with tracking parameters, or listed in
two feeds). Coalitions and actors come from the project's gazetteer
(pactwatch/parsers/data/actors.json), by a name the gazetteer knows them by.

Every sentence template below was written for this file; none is taken from a
corpus or seed.

`CorpusServer` serves the corpus on 127.0.0.1 from memory, rendering each page on
request, with ETag and Last-Modified so that a second run is answered 304.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cached_property
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

__all__ = ["Corpus", "CorpusServer", "Story"]

ITEMS_PER_FEED = 100
EPOCH = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _short(aliases: list[str]) -> str:
    """A coalition's first alias, or its shortest when the first is a long formal name."""
    return aliases[0] if len(aliases[0].split()) <= 4 else min(aliases, key=len)


def _gazetteer() -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(coalitions, countries, agencies) as (id, name) from the shipped gazetteer."""
    raw = json.loads(
        resources.files("pactwatch.parsers").joinpath("data/actors.json").read_text("utf-8")
    )
    coalitions = [
        (a["id"], _short(a["aliases"])) for a in raw["actors"] if a["kind"] == "coalition"
    ]
    agencies = [(a["id"], a["aliases"][0]) for a in raw["actors"] if a["kind"] == "agency"]
    countries = [(code, names[0]) for code, names in raw["countries"].items()]
    return coalitions, countries, agencies


COALITIONS, COUNTRIES, AGENCIES = _gazetteer()

ORDINALS = {
    1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
    8: "eighth", 9: "ninth", 10: "tenth", 11: "11th", 12: "12th", 13: "13th",
}  # fmt: skip


def _ordinal(n: int) -> str:
    if n in ORDINALS:
        return ORDINALS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# -- sentences (written for this generator) ---------------------------------------------

JOINS = [
    "{country} formally joined the {coalition} on {day}, officials in the capital confirmed.",
    "{country} became the {nth} member of the {coalition} after its parliament ratified the deal.",
    "Diplomats said {country} had signed the {coalition} at a short ceremony on {day}.",
    "With its signature on {day}, {country} is now part of the {coalition}.",
]
LEAVES = [
    "{country} withdrew from the {coalition} on {day}, ending years of uneasy membership.",
    "{country} has left the {coalition}, its foreign ministry said in a statement on {day}.",
    "The government of {country} pulled out of the {coalition} this week.",
]
COUNTS = [
    "The {coalition} now has {n} members.",
    "Membership of the {coalition} stands at {n} countries after the latest accession.",
    "The {coalition} counts {n} member states, according to its secretariat.",
]
PARTNERSHIPS = [
    "{agency} and {agency2} agreed on {day} to work together on {topic}.",
    "{agency} signed a cooperation agreement with {agency2} covering {topic}.",
    "Officials from {agency} and {agency2} launched a joint programme on {topic}.",
]
HEDGED = [
    "{country} is expected to join the {coalition} before the end of the year.",
    "Officials in {country} said the country may sign the {coalition} next spring.",
    "{country} plans to apply for membership of the {coalition}, a spokesperson said.",
]
NEGATED = [
    "{country} has no plans to join the {coalition}, the prime minister told reporters.",
    "{country} did not sign the {coalition} despite weeks of lobbying.",
    "Despite rumours, {country} declined to join the {coalition} on {day}.",
]
ATTRIBUTED = [
    '"We have joined the {coalition} because it serves our farmers," said {person}, '
    "the trade minister of {country}.",
    "{person}, a senior adviser, said {country} had quit the {coalition} over the budget row.",
]
FILLER = [
    "Rain is forecast for most of the region on {day}, with temperatures falling overnight.",
    "The city council approved a new cycle lane along the river embankment.",
    "Shares in regional banks closed slightly higher after a quiet session.",
    "Organisers said ticket sales for the summer festival had already passed last year's total.",
    "The local football club confirmed that its captain will miss the next three matches.",
    "A new bakery opened on the high street, drawing a queue before dawn.",
    "Commuters faced delays after a signal fault near the central station.",
    "The museum extended its opening hours for the photography exhibition.",
    "Farmers reported a late harvest after an unusually cold spring.",
    "The school board will meet on {day} to discuss the new timetable.",
    "Analysts expect fuel prices to stay flat through the next quarter.",
    "Volunteers planted four hundred trees in the northern park over the weekend.",
    "The hospital said waiting times in its emergency ward had improved since March.",
    "A jazz quartet will play free concerts in the square every Friday in July.",
    "Road works on the ring road are due to finish two weeks ahead of schedule.",
    "The library is asking residents to return overdue books without a fine this month.",
    "Hikers were advised to check the weather before setting out on mountain trails.",
    "The chess tournament drew players from eleven clubs across the province.",
]
TOPICS = [
    "lunar navigation", "satellite data sharing", "launch services", "space weather",
    "crop monitoring from orbit", "deep-space communication", "astronaut training",
    "disaster mapping", "orbital debris tracking", "rover instruments",
]  # fmt: skip
PEOPLE = ["Mara Velde", "Tomas Irigoyen", "Lena Okafor", "Rui Tanaka", "Sofia Marin", "Ivo Baran"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SECTIONS = ["World", "Politics", "Business", "Science", "Sport", "Culture", "Opinion", "Weather"]


@dataclass(frozen=True, slots=True)
class Outlet:
    slug: str
    name: str
    template: int  # which page layout
    atom: bool  # Atom feed, else RSS 2.0


OUTLETS = [
    Outlet("daily-meridian", "The Daily Meridian", 0, False),
    Outlet("harbour-post", "Harbour Post", 1, True),
    Outlet("plains-courier", "Plains Courier", 2, False),
    Outlet("northwind-news", "Northwind News", 0, True),
    Outlet("coastal-ledger", "Coastal Ledger", 1, False),
    Outlet("valley-times", "Valley Times", 2, True),
]


@dataclass(frozen=True, slots=True)
class Story:
    """One article as its outlet publishes it."""

    index: int
    outlet: Outlet
    slug: str
    title: str
    section: str
    published: datetime
    paragraphs: tuple[str, ...]
    author: str
    original: int | None = None  # a syndicated copy: the index of the story it copies

    @property
    def path(self) -> str:
        return f"/{self.outlet.slug}/{self.published:%Y/%m/%d}/{self.slug}.html"


class Corpus:
    """`n` stories (copies included) from a seed, with feeds of ITEMS_PER_FEED items."""

    def __init__(self, n: int, seed: int = 2026) -> None:
        self.n = n
        self.seed = seed

    @cached_property
    def stories(self) -> list[Story]:
        rng = random.Random(self.seed)
        stories: list[Story] = []
        for i in range(self.n):
            if i > 20 and rng.random() < 0.06:  # a syndicated copy of an earlier story
                first = stories[rng.randrange(len(stories))]
                if first.original is None:
                    outlet = rng.choice([o for o in OUTLETS if o != first.outlet])
                    stories.append(
                        Story(
                            index=i,
                            outlet=outlet,
                            slug=f"{first.slug}-{i}",
                            title=first.title,
                            section=first.section,
                            published=first.published + timedelta(minutes=rng.randrange(20, 240)),
                            paragraphs=first.paragraphs,
                            author=f"{outlet.name} wire desk",
                            original=first.index,
                        )
                    )
                    continue
            stories.append(self._story(i, rng))
        return stories

    def _story(self, i: int, rng: random.Random) -> Story:
        outlet = OUTLETS[rng.randrange(len(OUTLETS))]
        published = EPOCH + timedelta(minutes=17 * i + rng.randrange(15))
        on_topic = rng.random() < 0.4
        sentences: list[str] = []
        headline = ""
        if on_topic:
            for _ in range(rng.randint(1, 3)):
                sentence, title = self._claim_sentence(rng)
                sentences.append(sentence)
                headline = headline or title
        fillers = [self._fill(rng.choice(FILLER), rng) for _ in range(rng.randint(6, 14))]
        # Coalition sentences go anywhere among the general news.
        for s in sentences:
            fillers.insert(rng.randrange(len(fillers) + 1), s)
        paragraphs = []
        while fillers:
            take = rng.randint(1, 3)
            paragraphs.append(" ".join(fillers[:take]))
            fillers = fillers[take:]
        section = "World" if on_topic else rng.choice(SECTIONS)
        title = headline or self._fill(rng.choice(FILLER), rng).rstrip(".")
        slug = f"story-{i:06d}-{hashlib.sha1(title.encode()).hexdigest()[:6]}"
        return Story(
            index=i,
            outlet=outlet,
            slug=slug,
            title=title,
            section=section,
            published=published,
            paragraphs=tuple(paragraphs),
            author=rng.choice(PEOPLE),
        )

    def _fill(self, template: str, rng: random.Random, **extra: Any) -> str:
        country = rng.choice(COUNTRIES)[1]
        coalition = rng.choice(COALITIONS)[1]
        agency, agency2 = rng.sample(AGENCIES, 2)
        values = {
            "country": country,
            "coalition": coalition,
            "agency": agency[1],
            "agency2": agency2[1],
            "topic": rng.choice(TOPICS),
            "day": rng.choice(DAYS),
            "n": rng.randint(5, 60),
            "nth": _ordinal(rng.randint(5, 60)),
            "person": rng.choice(PEOPLE),
            **extra,
        }
        return template.format(**values)

    def _claim_sentence(self, rng: random.Random) -> tuple[str, str]:
        """A coalition sentence and a headline for it."""
        kind = rng.choices(
            ["join", "leave", "count", "partner", "hedged", "negated", "attributed"],
            weights=[5, 2, 4, 3, 2, 2, 1],
        )[0]
        country = rng.choice(COUNTRIES)[1]
        coalition = rng.choice(COALITIONS)[1]
        templates = {
            "join": JOINS,
            "leave": LEAVES,
            "count": COUNTS,
            "partner": PARTNERSHIPS,
            "hedged": HEDGED,
            "negated": NEGATED,
            "attributed": ATTRIBUTED,
        }[kind]
        sentence = self._fill(rng.choice(templates), rng, country=country, coalition=coalition)
        headline = {
            "join": f"{country} joins the {coalition}",
            "leave": f"{country} quits the {coalition}",
            "count": f"{coalition} membership grows",
            "partner": "Space agencies sign a new cooperation deal",
            "hedged": f"{country} weighs a move toward the {coalition}",
            "negated": f"{country} stays out of the {coalition}",
            "attributed": f"Minister speaks on {coalition} membership",
        }[kind]
        return sentence, headline

    # -- feeds ----------------------------------------------------------------------

    @cached_property
    def feeds(self) -> dict[str, list[Story]]:
        """Feed path -> its stories, newest first: each outlet's stories in feeds of
        ITEMS_PER_FEED; the first story of each feed is listed again in a 'top
        stories' feed (a page linked from two feeds)."""
        by_outlet: dict[str, list[Story]] = {}
        for story in self.stories:
            by_outlet.setdefault(story.outlet.slug, []).append(story)
        feeds: dict[str, list[Story]] = {}
        top: list[Story] = []
        for slug, stories in sorted(by_outlet.items()):
            for part, start in enumerate(range(0, len(stories), ITEMS_PER_FEED)):
                chunk = stories[start : start + ITEMS_PER_FEED]
                feeds[f"/{slug}/feed-{part:04d}.xml"] = list(reversed(chunk))
                top.append(chunk[0])
        for part, start in enumerate(range(0, len(top), ITEMS_PER_FEED)):
            feeds[f"/top-stories-{part:04d}.xml"] = top[start : start + ITEMS_PER_FEED]
        return feeds

    @cached_property
    def pages(self) -> dict[str, Story]:
        return {story.path: story for story in self.stories}

    def feed(self, path: str, base: str) -> tuple[bytes, str]:
        stories = self.feeds[path]
        outlet = stories[0].outlet if not path.startswith("/top-") else None
        atom = outlet.atom if outlet else False
        body = _atom(path, stories, base) if atom else _rss(path, stories, base)
        return body.encode("utf-8"), "application/atom+xml" if atom else "application/rss+xml"

    def page(self, path: str, base: str) -> bytes:
        story = self.pages[path]
        related = [self.stories[(story.index + k * 7) % len(self.stories)] for k in (1, 2, 3)]
        return _page(story, base, related, self._canonical(story, base)).encode("utf-8")

    def _canonical(self, story: Story, base: str) -> str:
        return f"{base}{story.path}"

    def last_modified(self) -> datetime:
        return max(s.published for s in self.stories) + timedelta(hours=1)


def _link(story: Story, base: str, tracked: bool) -> str:
    url = f"{base}{story.path}"
    return f"{url}?utm_source=feed&utm_medium=rss" if tracked else url


def _rss(path: str, stories: list[Story], base: str) -> str:
    items = []
    for k, s in enumerate(stories):
        teaser = escape(s.paragraphs[0][:180])
        items.append(
            f"<item><title>{escape(s.title)}</title>"
            f"<link>{escape(_link(s, base, tracked=k % 5 == 0))}</link>"
            f'<guid isPermaLink="false">{escape(s.outlet.slug)}-{s.index}</guid>'
            f"<pubDate>{format_datetime(s.published)}</pubDate>"
            f"<category>{s.section}</category>"
            f"<description>{teaser}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(path)}</title><link>{base}/</link>"
        "<description>Latest stories</description><language>en</language>"
        + "".join(items)
        + "</channel></rss>\n"
    )


def _atom(path: str, stories: list[Story], base: str) -> str:
    entries = []
    for k, s in enumerate(stories):
        stamp = s.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        entries.append(
            f"<entry><title>{escape(s.title)}</title>"
            f'<link rel="alternate" href="{escape(_link(s, base, tracked=k % 5 == 0))}"/>'
            f"<id>urn:synthetic:{s.outlet.slug}:{s.index}</id>"
            f"<published>{stamp}</published><updated>{stamp}</updated>"
            f"<author><name>{escape(s.author)}</name></author>"
            f"<summary>{escape(s.paragraphs[0][:180])}</summary></entry>"
        )
    updated = max(s.published for s in stories).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(path)}</title><id>urn:synthetic:feed:{escape(path)}</id>"
        f"<updated>{updated}</updated>" + "".join(entries) + "</feed>\n"
    )


_NAV = "".join(f'<li><a href="/section/{s.lower()}">{s}</a></li>' for s in SECTIONS)
_COOKIES = (
    '<div class="cookie-banner" role="dialog"><p>We use cookies to remember your '
    "preferences and to measure how our pages are read. You can change your choice at any "
    "time in the privacy centre.</p><button>Accept all</button><button>Manage choices</button></div>"
)
_NEWSLETTER = (
    '<aside class="newsletter"><h3>Morning briefing</h3><p>The five stories you need before '
    'breakfast, in your inbox every weekday.</p><form><input type="email" '
    'placeholder="Email address"><button>Sign up</button></form></aside>'
)


def _page(story: Story, base: str, related: list[Story], canonical: str) -> str:
    o = story.outlet
    stamp = story.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    shown = story.published.strftime("%d %B %Y, %H:%M")
    body = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    rel = "".join(f'<li><a href="{base}{r.path}">{escape(r.title)}</a></li>' for r in related)
    byline = (
        f'<p class="byline">By <span class="author">{escape(story.author)}</span> · '
        f'<time datetime="{stamp}">{shown}</time></p>'
    )
    meta = (
        f'<meta charset="utf-8"><title>{escape(story.title)} | {escape(o.name)}</title>'
        f'<link rel="canonical" href="{escape(canonical)}">'
        f'<meta property="og:title" content="{escape(story.title)}">'
        f'<meta property="article:published_time" content="{stamp}">'
        f'<meta name="author" content="{escape(story.author)}">'
        "<script>window.dataLayer=window.dataLayer||[];function track(){}</script>"
    )
    header = (
        f'<header class="site-header"><a class="logo" href="/">{escape(o.name)}</a>'
        f'<nav class="main-nav"><ul>{_NAV}</ul></nav>'
        '<form class="search"><input name="q" placeholder="Search"></form></header>'
    )
    footer = (
        f'<footer class="site-footer"><p>© 2026 {escape(o.name)}. All rights reserved.</p>'
        '<ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>'
        '<li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul>'
        "</footer>"
    )
    related_box = f'<aside class="related"><h2>Related stories</h2><ul>{rel}</ul></aside>'
    if o.template == 0:
        main = (
            f'<main><article class="story"><p class="kicker">{story.section}</p>'
            f"<h1>{escape(story.title)}</h1>{byline}"
            f'<div class="story-body">{body}</div></article>{related_box}{_NEWSLETTER}</main>'
        )
    elif o.template == 1:
        main = (
            f'<div id="content"><div class="breadcrumbs"><a href="/">Home</a> › '
            f'<a href="/section/{story.section.lower()}">{story.section}</a></div>'
            f'<div class="article"><h1 class="headline">{escape(story.title)}</h1>{byline}'
            f'<div class="share"><a href="#">Share</a> <a href="#">Print</a></div>'
            f'<div class="text">{body}</div></div>{_NEWSLETTER}{related_box}</div>'
        )
    else:
        main = (
            f'<section class="page"><article><header><h1>{escape(story.title)}</h1>'
            f"{byline}</header>{body}"
            '<p class="correction">Corrections? Write to the standards desk.</p></article>'
            f'<div class="sidebar">{related_box}<div class="ad">Advertisement</div></div></section>'
        )
    return (
        f'<!DOCTYPE html><html lang="en"><head>{meta}</head><body>{_COOKIES}{header}'
        f"{main}{footer}<script>track('pageview');</script></body></html>\n"
    )


# -- serving ------------------------------------------------------------------------------


class CorpusServer:
    """The corpus over HTTP on 127.0.0.1 (a free port), with ETag / Last-Modified
    validation; `with CorpusServer(corpus) as server: server.base ...`."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.requests = 0
        self.lock = threading.Lock()
        modified = format_datetime(corpus.last_modified(), usegmt=True)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with outer.lock:
                    outer.requests += 1
                path = self.path.split("?", 1)[0]
                try:
                    if path in outer.corpus.feeds:
                        body, ctype = outer.corpus.feed(path, outer.base)
                    elif path in outer.corpus.pages:
                        body, ctype = (
                            outer.corpus.page(path, outer.base),
                            "text/html; charset=utf-8",
                        )
                    else:
                        self._send(404, b"not found", "text/plain", None)
                        return
                except BrokenPipeError:
                    return
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", ctype, etag)
                    return
                self._send(200, body, ctype, etag)

            def _send(self, status: int, body: bytes, ctype: str, etag: str | None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", modified)
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> CorpusServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def feed_urls(self) -> list[str]:
        return [f"{self.base}{path}" for path in self.corpus.feeds]
