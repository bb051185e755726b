"""Regenerate the bundled sample site (samples/site) from the stories below.

The stories are fictional and written for pactwatch; names of real agencies and
coalitions appear so the extractor has something to recognise. Each page wraps
its story in the furniture real news sites carry (navigation, breadcrumbs,
advertising slots, related links, comments), because the extractor must ignore
all of that: the related links and comments deliberately contain figures that
would be wrong if read as claims.

Run: .venv/bin/python samples/make_samples.py
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
BASE = "{BASE}"  # replaced by the demo's local server address at serve time


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    published: datetime
    dateline: str
    author: str
    section: str
    paragraphs: tuple[str, ...]


STORIES = [
    Story(
        "uruguay-artemis",
        "Uruguay signs the Artemis Accords as 48th nation",
        datetime(2026, 11, 10, 14, 30, tzinfo=UTC),
        "MONTEVIDEO",
        "Ana Ferreira",
        "Space policy",
        (
            "Uruguay on Monday signed the Artemis Accords, becoming the 48th country to sign "
            "the US-led principles for civil exploration of the Moon.",
            "The signing took place at the foreign ministry in Montevideo, attended by the "
            "United States ambassador and two officials from NASA.",
            "\u201cThis is a commitment to transparent and peaceful activity in space,\u201d the "
            "science minister, Laura Ben\u00edtez, told reporters after the ceremony.",
            "Uruguay runs a modest satellite programme and has shared tracking antennas with "
            "Argentina for more than a decade.",
            "Diplomats in the region said Paraguay is expected to sign the accords early next year.",
        ),
    ),
    Story(
        "ilrs-thirteen",
        "Lunar research station counts 13 member states, Chinese official says",
        datetime(2026, 11, 12, 9, 0, tzinfo=UTC),
        "BEIJING",
        "Chen Yu",
        "Space policy",
        (
            "The International Lunar Research Station now has 13 member states, according to "
            "Zhang Lin, a deputy director at the China National Space Administration.",
            "Speaking at an industry conference, Zhang said the programme remained open to any "
            "country willing to contribute instruments, ground stations or funding.",
            "The outpost, which China and Russia intend to build near the lunar south pole in "
            "the 2030s, has so far drawn mostly developing nations.",
            "Critics say the figure counts several governments that have signed only "
            "preliminary letters of intent.",
        ),
    ),
    Story(
        "jaxa-isro-rover",
        "Japan and India finalise joint lunar rover mission",
        datetime(2026, 11, 14, 6, 15, tzinfo=UTC),
        "TOKYO",
        "Mika Sato",
        "Missions",
        (
            "JAXA and ISRO signed an agreement on Friday to send a joint rover to the Moon's "
            "south polar region.",
            "Under the deal the Japanese agency supplies the launcher and the rover, while the "
            "Indian agency builds the lander that will carry it.",
            "Engineers first sketched the mission in 2017; launch is now planned before the end "
            "of the decade.",
        ),
    ),
    Story(
        "esa-ministers",
        "European ministers weigh the next space budget",
        datetime(2026, 11, 17, 17, 45, tzinfo=UTC),
        "PARIS",
        "Julien Marchand",
        "Europe",
        (
            "Research ministers from the countries that fund the European Space Agency met in "
            "Paris this week to argue over launchers, science and exploration.",
            "No decision on new exploration programmes was taken, and officials said the talks "
            "would resume in the spring.",
            "Several delegations asked for a clearer plan for the agency's role in lunar "
            "exploration over the coming decade.",
        ),
    ),
    Story(
        "slovenia-artemis",
        "Slovenia becomes the 49th signatory of the Artemis Accords",
        datetime(2026, 11, 20, 11, 0, tzinfo=UTC),
        "LJUBLJANA",
        "Ana Ferreira",
        "Space policy",
        (
            "Slovenia signed the Artemis Accords on Thursday, becoming the 49th nation to join "
            "the framework led by the United States.",
            "The economy minister signed the text in Ljubljana, in a short ceremony with a NASA "
            "deputy administrator joining by video link.",
            "Slovenian officials said the signature would help local companies bid for work on "
            "lunar landers and habitats.",
        ),
    ),
    Story(
        "senegal-ilrs",
        "Senegal joins the China-led lunar station project",
        datetime(2026, 11, 22, 8, 30, tzinfo=UTC),
        "DAKAR",
        "Chen Yu",
        "Space policy",
        (
            "Senegal has joined the International Lunar Research Station, becoming the "
            "programme's 14th member, the China National Space Administration said on Saturday.",
            "The west African country plans to host a ground station that will relay data from "
            "the future outpost.",
            "Senegal signed the Artemis Accords in 2023, and officials in Dakar said the two "
            "memberships did not conflict.",
        ),
    ),
    Story(
        "esa-roscosmos",
        "ESA confirms the end of its lunar cooperation with Roscosmos",
        datetime(2026, 11, 24, 15, 10, tzinfo=UTC),
        "PARIS",
        "Julien Marchand",
        "Europe",
        (
            "The European Space Agency said on Tuesday that it had ended its lunar exploration "
            "cooperation with Roscosmos.",
            "Instruments that European teams had built for Russian landers will be offered to "
            "other missions, an agency spokesperson said.",
            "The decision formalises a break that began when joint projects were frozen several "
            "years ago.",
        ),
    ),
]

DAY1 = ["esa-ministers", "jaxa-isro-rover", "ilrs-thirteen", "uruguay-artemis"]
DAY2 = ["esa-roscosmos", "senegal-ilrs", "slovenia-artemis", "esa-ministers", "jaxa-isro-rover"]

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | Orbital Ledger</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Orbital Ledger">
<meta property="article:published_time" content="{iso}">
<link rel="canonical" href="{BASE}/news/{slug}.html">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "{title}", "datePublished": "{iso}", "author": {{"@type": "Person", "name": "{author}"}}}}</script>
</head>
<body>
<header class="masthead">
  <a class="logo" href="/">Orbital Ledger</a>
  <nav><ul>
    <li><a href="/space-policy/">Space policy</a></li><li><a href="/missions/">Missions</a></li>
    <li><a href="/europe/">Europe</a></li><li><a href="/subscribe/">Subscribe</a></li>
  </ul></nav>
</header>
<div class="ad-slot" aria-label="Advertisement">Advertisement &middot; Scroll to continue</div>
<main>
<nav class="breadcrumb"><a href="/">Home</a> / <a href="/{section_slug}/">{section}</a></nav>
<article>
  <h1>{title}</h1>
  <p class="byline">By {author} &middot; <time datetime="{iso}">{human}</time></p>
{body}
</article>
<aside class="related">
  <h2>Related stories</h2>
  <ul>
    <li><a href="/news/older-1.html">Five more nations expected to join the Artemis Accords by spring</a></li>
    <li><a href="/news/older-2.html">Lunar station membership will reach 30 within five years, think tank says</a></li>
    <li><a href="/news/older-3.html">Why the Moon's south pole matters</a></li>
  </ul>
</aside>
<section class="comments">
  <h2>Comments (2)</h2>
  <div class="comment"><p>Pretty sure 60 countries have signed those accords already.</p></div>
  <div class="comment"><p>The station will never have more than 5 members, mark my words.</p></div>
</section>
</main>
<div class="ad-slot">Advertisement</div>
<footer>
  <p>&copy; 2026 Orbital Ledger. All rights reserved. <a href="/privacy/">Privacy</a> &middot;
  <a href="/terms/">Terms</a> &middot; <a href="/newsletter/">Sign up for our newsletter</a></p>
</footer>
</body>
</html>
"""

ITEM = """  <item>
    <title>{title}</title>
    <link>{BASE}/news/{slug}.html?utm_source=rss&amp;utm_medium=feed</link>
    <guid isPermaLink="false">orbital-ledger-{slug}</guid>
    <pubDate>{rfc822}</pubDate>
    <description>{summary}</description>
  </item>
"""

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
  <title>Orbital Ledger: space policy</title>
  <link>{BASE}/</link>
  <description>Sample feed bundled with pactwatch (fictional stories).</description>
  <language>en</language>
{items}</channel>
</rss>
"""


def page(story: Story) -> str:
    dash = " \u2014 "
    body = "\n".join(
        f"  <p>{escape(story.dateline + dash + p if i == 0 else p)}</p>"
        for i, p in enumerate(story.paragraphs)
    )
    return PAGE.format(
        BASE=BASE,
        title=escape(story.title),
        iso=story.published.isoformat().replace("+00:00", "Z"),
        human=story.published.strftime("%d %B %Y, %H:%M UTC"),
        slug=story.slug,
        author=escape(story.author),
        section=escape(story.section),
        section_slug=story.section.lower().replace(" ", "-"),
        body=body,
    )


def feed(slugs: list[str]) -> str:
    by_slug = {s.slug: s for s in STORIES}
    items = "".join(
        ITEM.format(
            BASE=BASE,
            title=escape(by_slug[s].title),
            slug=s,
            rfc822=format_datetime(by_slug[s].published),
            # Feeds here carry a teaser only, so pactwatch must follow the link.
            summary=escape(by_slug[s].paragraphs[0][:90] + "\u2026"),
        )
        for s in slugs
    )
    return FEED.format(BASE=BASE, items=items)


def main() -> None:
    (SITE / "news").mkdir(parents=True, exist_ok=True)
    for story in STORIES:
        (SITE / "news" / f"{story.slug}.html").write_text(page(story), encoding="utf-8")
    (SITE / "day1.xml").write_text(feed(DAY1), encoding="utf-8")
    (SITE / "day2.xml").write_text(feed(DAY2), encoding="utf-8")


if __name__ == "__main__":
    main()
