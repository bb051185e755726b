import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.parsers.feeds import parse_feed
from pactwatch.parsers.model import ParsedFeed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Space desk</title><link>https://news.example.org/</link>
<item>
  <title>ILRS gains a member</title>
  <link>/2024/05/ilrs.html</link>
  <guid isPermaLink="false">ilrs-1</guid>
  <pubDate>Fri, 03 May 2024 10:00:00 +0200</pubDate>
  <description>&lt;p&gt;The station now has &lt;b&gt;17&lt;/b&gt; members.&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>Full story: the station has 17 members.</p><script>alert(1)</script>]]></content:encoded>
</item>
<item><title>Second</title><link>https://news.example.org/b</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom desk</title>
<link href="https://atom.example.org/"/>
<entry><title type="html">Artemis &lt;em&gt;Accords&lt;/em&gt; grow</title>
<link rel="alternate" href="https://atom.example.org/a1"/>
<id>urn:a1</id><updated>2025-01-02T03:04:05Z</updated>
<content type="html">&lt;p&gt;Peru signed.&lt;/p&gt;</content></entry></feed>"""


def test_rss_item_fields() -> None:
    feed = parse_feed(RSS, content_type="application/rss+xml", url="https://news.example.org/feed")
    assert not feed.bozo and feed.problem is None
    assert feed.version == "rss20" and feed.title == "Space desk"
    first, second = feed.items
    assert first.title == "ILRS gains a member"
    assert first.link == "https://news.example.org/2024/05/ilrs.html"
    assert first.guid == "ilrs-1"
    assert first.published_at == datetime(2024, 5, 3, 8, 0, tzinfo=UTC)
    assert first.summary == "The station now has 17 members."
    assert first.content is not None and "Full story" in first.content
    assert "<script" not in first.content and first.content_is_html
    assert second.published_at is None and second.summary is None and second.content is None


def test_atom_entry_html_title_is_plain_text() -> None:
    feed = parse_feed(ATOM)
    (entry,) = feed.items
    assert entry.title == "Artemis Accords grow"
    assert entry.link == "https://atom.example.org/a1"
    assert entry.published_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert entry.content == "<p>Peru signed.</p>"


def test_http_charset_decides_encoding() -> None:
    body = '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>Café</title></item></channel></rss>'
    feed = parse_feed(body.encode("iso-8859-1"), content_type="text/xml; charset=iso-8859-1")
    assert feed.items[0].title == "Café"


def _json_feed(version: str) -> bytes:
    return json.dumps(
        {
            "version": f"https://jsonfeed.org/version/{version}",
            "title": "JSON desk",
            "home_page_url": "https://json.example.org/",
            "items": [
                {
                    "id": "1",
                    "url": "/posts/1",
                    "title": "Seventeen members",
                    "content_html": "<p>Hello</p><script>x()</script>",
                    "summary": "Short",
                    "date_published": "2024-05-03T12:00:00+02:00",
                },
                {"id": 2, "content_text": "Plain body", "date_modified": "2024-05-04T00:00:00Z"},
            ],
        }
    ).encode()


def test_json_feed_versions() -> None:
    for version, name in (("1", "json1"), ("1.1", "json11")):
        feed = parse_feed(_json_feed(version), url="https://json.example.org/feed.json")
        assert feed.version == name and not feed.bozo and feed.title == "JSON desk"
        first, second = feed.items
        assert first.link == "https://json.example.org/posts/1"
        assert first.published_at == datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
        assert first.content is not None and "Hello" in first.content
        assert "script" not in first.content
        assert first.summary == "Short"
        assert second.guid == "2" and second.content == "Plain body"
        assert not second.content_is_html
        assert second.published_at == datetime(2024, 5, 4, tzinfo=UTC)


def test_broken_feed_keeps_what_was_readable() -> None:
    feed = parse_feed(RSS[: RSS.index(b"<item><title>Second")])
    assert feed.bozo and feed.problem and "\n" not in feed.problem
    assert [i.title for i in feed.items] == ["ILRS gains a member"]


def test_not_a_feed_is_bozo() -> None:
    for data in (b"", b"hello", b"{not json", b"[1, 2]", b'{"version": "x"}'):
        feed = parse_feed(data)
        assert feed.bozo and feed.problem, data
        assert feed.items == ()


def test_bytes_naming_a_local_file_are_not_opened(tmp_path: object) -> None:
    feed = parse_feed(b"/etc/hostname")
    assert feed.items == () and feed.bozo


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    parsed = parse_feed(data, content_type="text/xml; charset=utf-8")
    _assert_well_formed_result(parsed)


def _assert_well_formed_result(parsed: ParsedFeed) -> None:
    # Bad input is data: a problem is reported as bozo with a message, and every item
    # that did come out has aware dates (or none).
    assert not parsed.problem or parsed.bozo
    for item in parsed.items:
        for moment in (item.published_at, item.updated_at):
            assert moment is None or moment.utcoffset() is not None


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(RSS)), st.binary(max_size=20))
def test_never_raises_on_mangled_feeds(cut: int, junk: bytes) -> None:
    parsed = parse_feed(RSS[:cut] + junk + RSS[cut:], url="https://news.example.org/feed")
    _assert_well_formed_result(parsed)


def test_local_feed_resolves_links_against_its_file_url() -> None:
    feed = parse_feed(RSS, url="file:///srv/feeds/space.xml")
    assert feed.items[0].link == "file:///2024/05/ilrs.html"
    assert (
        parse_feed(RSS.replace(b"/2024/05", b"2024/05"), url="file:///srv/feeds/space.xml")
        .items[0]
        .link
        == "file:///srv/feeds/2024/05/ilrs.html"
    )


def test_identifiers_are_not_links() -> None:
    atom = ATOM.replace(b'<link rel="alternate" href="https://atom.example.org/a1"/>', b"")
    (entry,) = parse_feed(atom).items
    assert entry.link is None and entry.guid == "urn:a1"


def test_mislabelled_feed_is_still_read() -> None:
    feed = parse_feed(RSS, content_type="text/html; charset=utf-8")
    assert feed.bozo and len(feed.items) == 2


def test_dates_feedparser_cannot_read() -> None:
    rss = RSS.replace(b"Fri, 03 May 2024 10:00:00 +0200", b"ven, 03 mai 2024 10:00:00 +0200")
    assert parse_feed(rss).items[0].published_at == datetime(2024, 5, 3, 8, 0, tzinfo=UTC)
    rss = RSS.replace(b"Fri, 03 May 2024 10:00:00 +0200", b"Fri, May 03 2024 02:00:00 PM")
    assert parse_feed(rss).items[0].published_at == datetime(2024, 5, 3, 14, 0, tzinfo=UTC)
