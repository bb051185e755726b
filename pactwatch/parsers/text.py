"""Plain scraped text -> Article (`pactwatch extract --kind text`).

Scraped text keeps page furniture that an HTML extractor would have removed:
breadcrumb lines ("• Home/"), "Advertisement" lines, the title repeated above
the body, share and subscribe prompts. We drop those, take the first
heading-like line as the title and keep the remaining paragraphs.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise

from pactwatch.parsers.model import Article

__all__ = ["article_from_text", "is_furniture"]

_BULLETS = "•·›»▸►‣◦*>-–—|"
_FURNITURE = re.compile(
    r"""^(?:
        advertisement(?:\s*[·|:\-–]\s*scroll\s+to\s+continue)?
      | (?:sponsored|promoted)(?:\s+content)?
      | scroll\s+to\s+continue(?:\s+with\s+content)?
      | (?:share|tweet|email|print|copy\s+link|save)(?:\s+(?:this|on|via)\b.*)?
      | share\s+(?:this\s+)?(?:article|story)(?:\s+on\b.*)?
      | (?:facebook|twitter|x|linkedin|whatsapp|reddit|telegram|pinterest)(?:\s*[·|,/]\s*\w+)*
      | subscribe\b.* | sign\s+up\b.* | follow\s+us\b.* | newsletter\b.*
      | (?:read|see)\s+(?:more|also)\b.* | related(?:\s+(?:articles|stories|news|posts))?\s*:?
      | most\s+(?:read|popular)\s*:? | recommended(?:\s+for\s+you)?\s*:?
      | (?:skip\s+to\s+(?:main\s+)?content) | (?:back\s+to\s+top) | menu | search
      | (?:home|news)\s*[/>›»|].*
      | comments?(?:\s*\(\d+\))?\s*:? | \d+\s+comments?
      | (?:image|photo|video|credit)\s*:.*
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_BREADCRUMB_TAIL = re.compile(r"^[^.!?]{1,80}/$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


def is_furniture(line: str) -> bool:
    """Is this line page furniture rather than article text?"""
    s = line.strip()
    if not s:
        return False
    if s[0] in "•›»▸►‣◦":
        return True  # breadcrumbs and menus are bullet lists in scraped text
    if _BREADCRUMB_TAIL.match(s):
        return True
    return bool(_FURNITURE.match(s))


def _heading_like(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 200 or len(s.split()) < 2:
        return False
    return not _SENTENCE_END.search(s)


def _norm(line: str) -> str:
    return " ".join(line.strip(_BULLETS + " \t").split()).casefold()


def _join_lines(lines: list[str]) -> str:
    """One paragraph: hard-wrapped lines rejoined, separate lines (headings) kept apart."""
    out = lines[0]
    for prev, line in pairwise(lines):
        separate = _SENTENCE_END.search(prev) or (_heading_like(prev) and line[:1].isupper())
        out += ("\n" if separate else " ") + line
    return out


def article_from_text(
    raw: str,
    *,
    url: str | None = None,
    published_at: datetime | None = None,
) -> Article:
    """An Article from scraped plain text: furniture dropped, title from the first heading."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = [line for line in text.split("\n") if not is_furniture(line)]
    title: str | None = None
    for line in lines:
        if line.strip():
            if _heading_like(line):
                title = " ".join(line.split())
            break
    paragraphs: list[str] = []
    current: list[str] = []
    title_key = _norm(title) if title else None
    for line in lines:
        if not line.strip():
            if current:
                paragraphs.append(_join_lines(current))
                current = []
            continue
        if title_key is not None and _norm(line) == title_key:
            continue  # the title, and any repetition of it above the body
        current.append(" ".join(line.split()))
    if current:
        paragraphs.append(_join_lines(current))
    return Article(
        url=url,
        title=title,
        published_at=published_at,
        text="\n\n".join(paragraphs),
    )
