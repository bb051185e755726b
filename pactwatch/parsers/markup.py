"""HTML fragments to plain text, and bytes to text the way a browser would decode them."""

from __future__ import annotations

import logging
import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, UnicodeDammit

# UnicodeDammit logs every replaced byte; a bad byte is data here, not news.
logging.getLogger("bs4.dammit").setLevel(logging.ERROR)

__all__ = ["charset_from_content_type", "decode_html", "html_to_text", "normalise_space"]

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_MARKUP = re.compile(r"<[A-Za-z/!?]|&[#A-Za-z0-9]+;?")
_BLOCK_TAGS = (
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
)


def normalise_space(text: str) -> str:
    """Collapse runs of spaces to one space and runs of blank lines to one newline."""
    return _NEWLINES.sub("\n", _SPACE.sub(" ", text)).strip()


def html_to_text(fragment: str, *, keep_lines: bool = False) -> str:
    """Plain text of an HTML fragment. Block elements become line breaks when
    `keep_lines`, else everything is one line. Never raises."""
    if not fragment:
        return ""
    if not _MARKUP.search(fragment):
        text = fragment
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
                soup = BeautifulSoup(fragment, "lxml")
            for tag in soup(["script", "style", "template", "noscript"]):
                tag.decompose()
            for tag in soup.find_all(_BLOCK_TAGS):
                tag.insert_before("\n")
                tag.insert_after("\n")
            text = soup.get_text("")
        except (RecursionError, ValueError, TypeError, AssertionError):
            text = re.sub(r"<[^>]*>", " ", fragment)
    text = normalise_space(text)
    return text if keep_lines else text.replace("\n", " ")


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            value = value.strip().strip("\"'").strip()
            return value or None
    return None


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def decode_html(data: bytes, *, content_type: str | None = None) -> str:
    """Decode an HTML document: a BOM, the HTTP charset when it names a real codec,
    <meta charset>, detection, UTF-8, windows-1252. Never raises."""
    declared = charset_from_content_type(content_type)
    known = []
    # A byte-order mark beats the HTTP charset, as in browsers (WHATWG "decode").
    if declared and not data.startswith(_BOMS):
        try:
            "".encode(declared)
            known.append(declared)
        except LookupError:
            pass
    try:
        dammit = UnicodeDammit(data, known_definite_encodings=known, is_html=True)
        if dammit.unicode_markup is not None:
            return dammit.unicode_markup
    except (LookupError, ValueError, RecursionError):
        pass
    return data.decode("utf-8", errors="replace")
