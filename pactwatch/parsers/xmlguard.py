"""Entity-expansion guard for feeds, checked before feedparser reads a byte.

feedparser already drops external entities (no XXE, no DTD fetching) and every
entity declaration whose value refers to another entity. It keeps "safe"
declarations, plain text up to any length, and expands them in both its strict
parser and its loose fallback; expat caps the strict parser's amplification,
but the fallback then expands the same entities without a limit. A 100 kB
entity referenced 30,000 times ("quadratic blowup") becomes 3 GB of text there.

`entity_problem` computes what feedparser would expand, from feedparser's own
`replace_doctype`, and refuses a feed whose entities would add more than
`MAX_ENTITY_EXPANSION` characters, or that declares nested entities (the
"billion laughs" family: feedparser would not expand them, but no honest feed
declares them). Parameter entities and external entities are left to feedparser,
which never expands or fetches them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from feedparser.encodings import convert_to_utf8
from feedparser.sanitizer import replace_doctype

__all__ = ["MAX_ENTITY_EXPANSION", "entity_problem"]

MAX_ENTITY_EXPANSION = 1_000_000
"""Characters that declared entities may add to a feed in total (feeds are capped
at 10 MB by `[fetch] max_bytes`; real feeds use entities for a few characters)."""

# A byte-order mark or NUL bytes at the start: UTF-16 or UTF-32, where a byte
# search for "<!ENTITY" finds nothing until the text is UTF-8.
_WIDE = re.compile(rb"^(?:\xff\xfe|\xfe\xff|\x00\x00\xfe\xff|\x00\x00\x00<|<\x00|\x00<)")
# General (not parameter) entity declarations with an internal value.
_GENERAL = re.compile(rb"<!ENTITY\s+([^\s%\"'>]+)\s+(?:\"([^\"]*)\"|'([^']*)')")
_NESTED_REF = re.compile(rb"&[^#\s;&]+;")


def entity_problem(data: bytes, *, headers: Mapping[str, str] | None = None) -> str | None:
    """Why the feed must not be parsed (one line starting "refused:"), or None.

    Linear in the size of `data`; reads only the declarations and counts references.
    """
    utf8 = data
    if _WIDE.match(data[:4]):
        utf8 = convert_to_utf8(dict(headers or {}), data, {})
    if b"<!ENTITY" not in utf8:
        return None
    first_element = re.search(rb"<\w", utf8)
    prolog = utf8[: first_element.start()] if first_element else utf8
    nested = sorted(
        {
            m[1].decode("utf-8", "replace")
            for m in _GENERAL.finditer(prolog)
            if _NESTED_REF.search(m[2] if m[2] is not None else m[3])
        }
    )
    if nested:
        return (
            f"refused: the feed declares XML entities that refer to other entities"
            f" ({', '.join(nested[:3])}), the shape of an entity-expansion attack"
        )
    _, document, entities = replace_doctype(utf8)
    expansion = sum(
        document.count(b"&" + name.encode("utf-8") + b";") * len(value)
        for name, value in entities.items()
    )
    if expansion > MAX_ENTITY_EXPANSION:
        return (
            f"refused: the feed's XML entities would expand to {expansion:,} characters"
            f" (limit {MAX_ENTITY_EXPANSION:,}), the shape of an entity-expansion attack"
        )
    return None
