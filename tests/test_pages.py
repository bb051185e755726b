from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.parsers.pages import extract_page

BODY = " ".join(
    f"Paragraph {i}: the lunar station now counts seventeen members, officials said on Friday."
    for i in range(3)
)

PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ILRS grows to 17 members | Space Desk</title>
  <meta property="og:title" content="ILRS grows to 17 members">
  <meta property="article:published_time" content="2024-05-03T10:15:00+02:00">
  <link rel="canonical" href="/world/ilrs?utm_source=rss#top">
</head>
<body>
  <nav><a href="/">Home</a> <a href="/world">World</a></nav>
  <article>
    <h1>ILRS grows to 17 members</h1>
    <p>{BODY}</p>
    <p>Café owners in Wuhan were not asked. {BODY}</p>
  </article>
  <footer>Copyright Space Desk. Impressum.</footer>
</body>
</html>"""


def test_extracts_text_title_date_language_and_canonical_url() -> None:
    article = extract_page(PAGE.encode(), url="https://news.example.org/a?id=1&utm_medium=x")
    assert "seventeen members" in article.text and "Café" in article.text
    assert "Impressum" not in article.text and "Home" not in article.text
    assert article.title == "ILRS grows to 17 members"
    assert article.published_at == datetime(2024, 5, 3, 8, 15, tzinfo=UTC)
    assert article.language == "en"
    assert article.url == "https://news.example.org/world/ilrs"
    assert article.source_url == "https://news.example.org/a?id=1&utm_medium=x"


def test_without_canonical_link_the_fetched_url_is_canonicalised() -> None:
    page = PAGE.replace('<link rel="canonical" href="/world/ilrs?utm_source=rss#top">', "")
    article = extract_page(page, url="HTTPS://News.Example.org:443/a?fbclid=1")
    assert article.url == "https://news.example.org/a"


def test_http_charset_wins_and_meta_charset_is_honoured() -> None:
    latin = PAGE.replace('<meta charset="utf-8">', "").encode("iso-8859-1")
    assert "Café" in extract_page(latin, content_type="text/html; charset=ISO-8859-1").text
    meta = PAGE.replace('charset="utf-8"', 'charset="windows-1252"').encode("windows-1252")
    assert "Café" in extract_page(meta).text


def test_charset_detection_when_nothing_is_declared() -> None:
    page = PAGE.replace('<meta charset="utf-8">', "").encode("utf-8")
    assert "Café" in extract_page(page, content_type="text/html").text


def test_title_without_og_loses_site_suffix() -> None:
    page = PAGE.replace('<meta property="og:title" content="ILRS grows to 17 members">', "")
    page = page.replace("<h1>ILRS grows to 17 members</h1>", "")
    assert extract_page(page).title == "ILRS grows to 17 members"


def test_dates_from_json_ld_and_time_element() -> None:
    base = PAGE.replace(
        '<meta property="article:published_time" content="2024-05-03T10:15:00+02:00">', ""
    )
    jsonld = base.replace(
        "</head>",
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",'
        ' "datePublished": "2023-11-02T09:00:00Z"}]}</script></head>',
    )
    assert extract_page(jsonld).published_at == datetime(2023, 11, 2, 9, 0, tzinfo=UTC)
    timed = base.replace("<h1>", '<time datetime="2022-02-01T12:00:00Z" pubdate>1 Feb</time><h1>')
    published = extract_page(timed).published_at
    assert published is not None and published.date().isoformat() == "2022-02-01"


def test_fallback_finds_paragraph_cluster_when_trafilatura_finds_nothing() -> None:
    from pactwatch.parsers import pages

    html = f"<html><body><main><div><p>{BODY}</p><p>{BODY}</p></div></main></body></html>"
    assert "seventeen members" in pages._fallback_text(html)


def test_oversized_documents_are_cut_before_parsing() -> None:
    page = PAGE.replace("</article>", "<p>" + "padding words " * 20_000 + "</p></article>")
    article = extract_page(page, max_chars=len(PAGE) // 2)
    assert "padding" not in article.text


def test_pathological_nesting_does_not_crash() -> None:
    deep = "<html><body>" + "<div>" * 50_000 + "<p>" + BODY + "</p>" + "</div>" * 50_000
    article = extract_page(deep.encode())
    assert isinstance(article.text, str)


def test_xhtml_with_xml_declaration() -> None:
    page = "<?xml version='1.0' encoding='utf-8'?>\n" + PAGE
    assert "seventeen members" in extract_page(page.encode()).text


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    article = extract_page(
        data, url="https://example.org/x", content_type="text/html; charset=bogus"
    )
    assert article.source_url == "https://example.org/x"


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(PAGE)), st.text(max_size=30))
def test_never_raises_on_mangled_pages(cut: int, junk: str) -> None:
    article = extract_page(PAGE[:cut] + junk + PAGE[cut:])
    # Whatever survives is plain text, and a date is never invented without a zone.
    assert "<script" not in article.text.lower()
    assert article.published_at is None or article.published_at.utcoffset() is not None


def test_furniture_lines_are_dropped_and_story_lines_kept() -> None:
    from pactwatch.parsers.pages import drop_furniture

    text = "\n".join(
        [
            "Peru became the 41st country to sign the Artemis Accords.",
            "Read more: China and Russia plan a lunar power station",
            "Advertisement",
            "Advertisement · Scroll to continue",
            "Sign up for our weekly newsletter",
            "(Credit: Jane Doe / Space Desk)",
            "Related articles",
            "Officials said more countries would read more of the text later.",
            "Share this:",
        ]
    )
    assert drop_furniture(text).splitlines() == [
        "Peru became the 41st country to sign the Artemis Accords.",
        "Officials said more countries would read more of the text later.",
    ]


def test_text_is_nfc_normalised() -> None:
    decomposed = PAGE.replace("Café", "Cafe\u0301")
    assert "Café" in extract_page(decomposed).text


def test_byte_order_mark_beats_the_http_charset() -> None:
    data = b"\xef\xbb\xbf" + PAGE.replace('<meta charset="utf-8">', "").encode("utf-8")
    assert "Café" in extract_page(data, content_type="text/html; charset=iso-8859-1").text


def test_media_types() -> None:
    plain = extract_page(b"Line one.\n\nAdvertisement\nLine two.", content_type="text/plain")
    assert plain.text == "Line one.\nLine two."
    image = extract_page(b"\x89PNG\r\n", url="https://example.org/i.png", content_type="image/png")
    assert image.text == "" and image.url == "https://example.org/i.png"
    assert "seventeen" in extract_page(PAGE, content_type="application/xhtml+xml").text


def test_canonical_link_to_the_home_page_is_ignored() -> None:
    page = PAGE.replace('href="/world/ilrs?utm_source=rss#top"', 'href="https://news.example.org/"')
    article = extract_page(page, url="https://news.example.org/world/ilrs-17")
    assert article.url == "https://news.example.org/world/ilrs-17"
    syndicated = PAGE.replace(
        'href="/world/ilrs?utm_source=rss#top"', 'href="https://wire.example.com/story/1"'
    )
    article = extract_page(syndicated, url="https://news.example.org/world/ilrs-17")
    assert article.url == "https://wire.example.com/story/1"
