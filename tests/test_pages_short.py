"""Short pages: trafilatura's last resort glues headline, byline and body into one
line; the evidence sentence must be the story's own sentence."""

from pactwatch.parsers.pages import drop_furniture, extract_page

SHORT = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Kenya joins lunar station | Wire</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Kenya joins lunar station</h1>
<p class="byline">By Ann Lee \xc2\xb7 <time datetime="2026-10-01T08:00:00Z">1 October 2026</time></p>
<p>NAIROBI \xe2\x80\x94 Kenya has joined the lunar research station as its 15th member.</p>
</article><footer>Wire 2026</footer></body></html>"""


def test_short_page_keeps_paragraphs_apart_and_drops_the_byline() -> None:
    article = extract_page(SHORT, url="http://127.0.0.1/kenya.html")
    assert article.text.startswith("NAIROBI")
    assert "By Ann Lee" not in article.text
    assert "Kenya joins lunar station" not in article.text


def test_bylines_are_furniture_but_sentences_starting_with_by_are_not() -> None:
    text = "By Ann Lee \u00b7 1 October 2026\nBy 2030, the station will have 20 members.\nBy A. Smith and B. Jones, Wire"
    assert drop_furniture(text) == "By 2030, the station will have 20 members."
