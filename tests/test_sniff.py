"""The one document-kind sniffer, for local files and `pactwatch extract`."""

from __future__ import annotations

import pytest

from pactwatch.parsers.sniff import sniff_kind


@pytest.mark.parametrize(
    ("data", "content_type", "name", "kind"),
    [
        (b"anything", "application/rss+xml", None, "feed"),
        (b"anything", "text/html; charset=utf-8", None, "html"),
        (b"plain words", None, "story.html", "html"),
        (b"<rss></rss>", None, "notes.txt", "text"),  # the name outranks the bytes
        (b"\xef\xbb\xbf  <?xml version='1.0'?><feed/>", None, "noext", "feed"),
        (b"<?xml version='1.0'?><html><body>x</body></html>", None, None, "html"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', None, None, "feed"),
        (b'{"not": "a feed"}', None, None, "text"),
        (b"<p>A fragment of a page</p>", None, None, "html"),
        (b"Seventeen states have signed.", None, "https://example.org/story", "text"),
    ],
)
def test_sniff_kind(data: bytes, content_type: str | None, name: str | None, kind: str) -> None:
    assert sniff_kind(data, content_type=content_type, name=name) == kind
