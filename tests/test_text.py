"""`--kind text`: scraped plain text to an article, furniture dropped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pactwatch.parsers.text import article_from_text, is_furniture

PAGE = """\
• Home/
  • World/
  • Peru Signs Lunar Pact

Peru Signs Lunar Pact

Lima joins a growing group of nations backing shared rules for the Moon.

Advertisement · Scroll to continue
Share this article
Peru Signs Lunar Pact

Peru signed the Artemis Accords on Monday.
Officials called it a milestone
for the national space programme.

Subscribe to our newsletter
"""


def test_title_furniture_and_paragraphs() -> None:
    art = article_from_text(PAGE, url="https://example.org/peru")
    assert art.title == "Peru Signs Lunar Pact"
    assert art.url == "https://example.org/peru"
    assert art.text == (
        "Lima joins a growing group of nations backing shared rules for the Moon.\n\n"
        "Peru signed the Artemis Accords on Monday.\n"
        "Officials called it a milestone for the national space programme."
    )


def test_furniture_lines() -> None:
    for line in (
        "• Home/",
        "Advertisement",
        "Advertisement · Scroll to continue",
        "Share",
        "Subscribe to our newsletter",
        "Read more: the ILRS",
        "Home > World",
    ):
        assert is_furniture(line), line
    for line in ("Peru signed the accords.", "China and Russia", ""):
        assert not is_furniture(line), line


def test_no_heading_means_no_title() -> None:
    art = article_from_text("Peru signed the Artemis Accords on Monday.")
    assert art.title is None
    assert art.text == "Peru signed the Artemis Accords on Monday."


@given(st.text())
def test_never_raises(raw: str) -> None:
    article = article_from_text(raw)
    # The text is taken from the input, never made up: each of its words is in the input.
    assert set(article.text.split()) <= set(raw.split()) | set(" ".join(raw.split()).split())
