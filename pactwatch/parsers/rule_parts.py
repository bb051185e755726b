"""Shared vocabulary of the claim rules: placeholders, noun groups, small helpers.

The rules work on masked sentences (`pactwatch.parsers.masking`), where actors are
``@A<n>``/``@C<n>``/``@B<n>``, figures ``#Q<n>`` and ordinals ``#O<n>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.masking import Masked
from pactwatch.parsers.model import ClaimKind, Modality
from pactwatch.parsers.numbers import Quantity

__all__ = [
    "COUNT_ADJ",
    "NOUN",
    "OBJECT_OF_PREP",
    "ORD",
    "POSS",
    "PRE",
    "PRE_C",
    "SUBJ",
    "A",
    "C",
    "F",
    "Q",
    "RawClaim",
    "X",
    "clause",
    "ids_in",
    "last_clause",
    "list_of",
    "nearest_subject",
    "pairs",
    "same_party",
]


@dataclass(frozen=True, slots=True)
class RawClaim:
    """A claim found in a masked sentence, before sentence, span and speaker are added."""

    kind: ClaimKind
    pos: int  # where the claim's verb or figure is in the masked text
    modality: Modality
    coalition: str | None = None
    actor: str | None = None
    actors: tuple[str, ...] | None = None
    quantity: Quantity | None = None
    ordinal: int | None = None
    topic: str | None = None
    speaker: str | None = None  # who the tree says states it ("X said", "according to X")
    # the tree saw an ordinal and judged it one of a subset ("the eighth under this
    # administration"): no other reader's ordinal may be put back
    no_ordinal: bool = False


F = re.IGNORECASE
A = r"@[AB]\d+"  # can act
C = r"@[CB]\d+"  # coalition
X = r"@[ABC]\d+"  # any named party
Q = r"#Q\d+"
ORD = r"#O\d+"
POSS = r"(?:['’]s?)"


def list_of(p: str) -> str:
    """A regex for "P, P and P" (at most 17 items, so long runs cannot make matching explode)."""
    item = rf"(?:the\s+)?{p}"
    return rf"{p}(?:\s*,\s*{item}){{0,15}}(?:\s*,?\s*(?:and|&|as\s+well\s+as)\s+{item})?"


# what may stand between "the" and a coalition: "the US-led", "China's", "the Russia-China"
PRE_C = (
    rf"(?:the\s+)?(?:(?:{X}(?:-{X})*{POSS}?|[\w@-]+-(?:led|backed|dominated|initiated|"
    rf"sponsored|proposed|run|driven|headed|founded))\s+)*"
)
NOUN = (
    r"(?:member\s+(?:states|countries|nations|agencies)|members|signatories|"
    r"signatory\s+(?:states|countries|nations)|signers|countries|nations|states|participants|"
    r"participating\s+(?:countries|nations|states)|parties|allies)"
    r"(?:\s+and\s+(?:international\s+)?(?:organi[sz]ations|agencies|institutions))?"
)
# adjectives a whole-coalition count may carry; anything else ("African") makes a subset
COUNT_ADJ = r"(?:(?:full|sovereign|current|signatory|member|participating|official)\s+)?"
_CLAUSE_END = re.compile(r"[,;:]|\s(?:but|while|whereas|although|and\s+(?!organi))\s", F)


def clause(after: str) -> str:
    """`after` up to the end of its clause (a comma, "but", "while", ...)."""
    m = _CLAUSE_END.search(after)
    return after[: m.start()] if m else after


def last_clause(mid: str) -> str:
    """The part of `mid` after its last comma: "X, a project set for 2035, has" -> " has"."""
    return re.split(r"[,;:]", mid)[-1]


SUBJ = rf"(?P<subj>{list_of(A)})(?:\s*,\s*(?:which|who|that)\s+|\s*,\s*|\s+)"
PRE = r"(?P<pre>(?:[\w'’@-]+,?\s+){0,9}?)"
OBJECT_OF_PREP = re.compile(
    r"\b(?:with|on|of|from|for|at|by|in|into|about|against|between|than|like|to|toward|towards)\s+"
    r"(?:the\s+)?$",
    F,
)


def nearest_subject(rx: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Matches of a subject-verb rule, keeping for each verb the subject nearest to it.

    "A spokesperson for the Kremlin said Russia would never join": Russia joins, not
    the Kremlin. A subject that is the object of a preposition never counts, and a
    list ("Peru and Chile signed") stays one subject.
    """
    best: dict[int, re.Match[str]] = {}
    pos = 0
    while (mt := rx.search(text, pos)) is not None:
        pos = mt.start() + 1
        if OBJECT_OF_PREP.search(text[: mt.start("subj")]):
            continue
        key = mt.start("verb")
        old = best.get(key)
        if old is None or mt.start("subj") >= old.end("subj"):
            best[key] = mt
    return sorted(best.values(), key=lambda mt: mt.start("verb"))


def ids_in(m: Masked, fragment: str, prefix: str = "@") -> list[str]:
    """Actor ids of the placeholders in a masked fragment, in order."""
    return [s.actor for s in m.tokens(fragment, prefix) if s.actor]


def same_party(gaz: Gazetteer, a: str, b: str) -> bool:
    """NASA and the United States are one party: an agency stands for its country."""
    return a == b or gaz.stands_for(a) == gaz.stands_for(b)


def pairs(gaz: Gazetteer, left: list[str], right: list[str]) -> Iterator[tuple[str, ...]]:
    """Sorted actor pairs across `left` and `right`, never a party with itself."""
    for a in left:
        for b in right:
            if not same_party(gaz, a, b):
                yield tuple(sorted((a, b)))
