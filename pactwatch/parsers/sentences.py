"""Sentence splitting with character offsets into the original text.

A rule-based splitter tuned for newswire: it does not end a sentence after
abbreviations ("Dr.", "No. 5", "U.S. officials"), inside decimals ("3.5") or
before a closing quote, and always ends one at a blank line or a line break.
"""

from __future__ import annotations

import re

__all__ = ["Span", "split_sentences"]

Span = tuple[int, int, str]

# Titles and abbreviations after which a period does not end a sentence.
_ABBREVIATIONS_WORDS = """
    mr mrs ms dr prof gen col lt capt sgt cmdr adm gov sen rep pres st sr jr rev hon no nos
    vol fig art sec ch pp p ed eds est approx dept univ inc corp ltd co bros jan feb mar apr
    jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun vs etc al cf e.g i.e a.m
    p.m
"""
_ABBREVIATIONS = frozenset(_ABBREVIATIONS_WORDS.split())
# Abbreviations that are often the last word of a sentence too: split after them
# only when the next word clearly starts a sentence.
_SENTENCE_STARTERS_WORDS = """
    the a an this that these those it its he she they we i in on at for but and or so yet
    however meanwhile still while when after before as if there here his her their our
    officials analysts china russia
"""
_SENTENCE_STARTERS = frozenset(_SENTENCE_STARTERS_WORDS.split())

_CANDIDATE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}$")


def _ends_sentence(text: str, dot: int, nxt: int) -> bool:
    """Does the punctuation ending at `dot` (exclusive) close a sentence?"""
    if nxt >= len(text):
        return True
    following = text[nxt]
    if following in "\"'“‘([":
        return True
    if following.islower():
        return False
    head = text[max(0, dot - 20) : dot]
    if not head.endswith("."):
        return True
    m = _WORD_BEFORE.search(head)
    if not m:
        return True
    word = m.group(1)
    low = word.lower().rstrip(".")
    if _INITIALISM.search(word + "."):
        # "U.S. officials" continues; "the U.S. The" ends: guess from the next word
        nxt_word = re.match(r"[A-Za-z]+", text[nxt : nxt + 20])
        return bool(nxt_word and nxt_word.group(0).lower() in _SENTENCE_STARTERS)
    if low in _ABBREVIATIONS:
        return False
    # a single capital letter is an initial ("John F. Kennedy")
    return not (len(word) == 1 and word.isupper())


def split_sentences(text: str) -> list[Span]:
    """(start, end, sentence) for every sentence; `text[start:end] == sentence`.

    Surrounding whitespace is excluded from each span; empty pieces are dropped.
    """
    spans: list[Span] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        end = m.end()
        if m.group(0) != "\n":
            nxt = end
            while nxt < len(text) and text[nxt] in " \t":
                nxt += 1
            if nxt < len(text) and text[nxt] != "\n" and not _ends_sentence(text, m.end(), nxt):
                continue
        _add(text, start, end, spans)
        start = end
    _add(text, start, len(text), spans)
    return spans


MAX_SENTENCE = 1000  # characters; news sentences are far shorter, runaway ones are tables


def _add(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        # a run-on "sentence" (a table, a list scraped without punctuation): cut it at
        # the last clause or word break so later stages stay linear
        window = text[start : start + MAX_SENTENCE]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < MAX_SENTENCE // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = MAX_SENTENCE - 1
        _add(text, start, start + cut + 1, spans)
        start += cut + 1
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end, text[start:end]))
