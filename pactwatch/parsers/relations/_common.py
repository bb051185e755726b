"""What every tree rule shares: claim construction, pairs, topics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pactwatch.parsers.model import ClaimKind, Modality
from pactwatch.parsers.raw import RawClaim
from pactwatch.parsers.tree import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = [
    "_claim",
    "_pairs",
    "_partner_claims",
    "_pos",
    "_topic",
    "object_coalitions",
    "purpose_coalitions",
]


def _pos(s: Sentence, tok: Token) -> int:
    """The masked-text offset of a token (what speaker positions are measured in)."""
    off = tok.idx
    shift = 0
    for slot in s.masked.slots.values():
        if slot.end <= off:
            shift += len(slot.token) - (slot.end - slot.start)
    return off + shift


def _claim(
    s: Sentence,
    tok: Token,
    kind: ClaimKind,
    modality: Modality,
    **fields: object,
) -> RawClaim:
    fields.setdefault("speaker", s.speaker_of(tok))
    return RawClaim(kind=kind, pos=_pos(s, tok), modality=modality, **fields)  # type: ignore[arg-type]


def _pairs(s: Sentence, left: list[str], right: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for a in left:
        for b in right:
            if a != b and s.gazetteer.stands_for(a) != s.gazetteer.stands_for(b):
                pair = (a, b)
                if pair not in out and (b, a) not in out:
                    out.append(pair)
    return out


def _topic(s: Sentence, *toks: Token) -> str | None:
    """What a cooperation is about: the object of "on"/"in"/"for" on the predicate or noun
    ("cooperation with Japan on lunar polar exploration"), else the words that qualify the
    cooperation noun itself ("its lunar exploration cooperation with Roscosmos")."""
    for tok in toks:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("on", "in", "for", "over"):
                objs = [o for o in c.children if o.dep_ == "pobj"]
                place = c.lower_ == "in" and bool(objs) and objs[0].pos_ == "PROPN"
                text_itself = bool(objs) and objs[0].lemma_.lower() in s.vocab["agreement_nouns"]
                if objs and not (s.actor(objs[0]) or _is_date(objs[0]) or place or text_itself):
                    text = _words(s, list(objs[0].subtree))
                    if 2 < len(text) < 80:
                        return text
    for tok in toks:
        if tok.lemma_.lower() in s.vocab["cooperation_nouns"]:
            if not any(c.dep_ == "compound" and c.pos_ == "NOUN" for c in tok.children):
                continue  # "further cooperation", "bilateral ties": no subject named
            qualifiers = [
                w
                for c in tok.lefts
                if (c.dep_ == "compound" and c.pos_ == "NOUN")
                or (c.dep_ == "amod" and c.lower_ not in _DEGREE)
                for w in c.subtree
            ]
            text = _words(s, qualifiers)
            if 2 < len(text) < 80:
                return text
    return None


# Adjectives that grade a cooperation rather than say what it is about.
_DEGREE = frozenset(
    [
        "further",
        "closer",
        "close",
        "deeper",
        "deep",
        "greater",
        "more",
        "new",
        "broader",
        "wider",
        "stronger",
        "bilateral",
        "mutual",
        "strategic",
        "joint",
        "international",
        "practical",
        "long-term",
        "existing",
        "current",
        "former",
    ]
)


def _words(s: Sentence, toks: list[Token]) -> str:
    """The words of a phrase as written, lower case, without actors or a leading article."""
    kept = [t for t in toks if not s.actor(t)]
    while kept and kept[0].dep_ == "det":
        kept = kept[1:]
    return "".join(t.text_with_ws for t in kept).strip().lower()


_WEEKDAYS = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)


def _is_date(tok: Token) -> bool:
    """ "on Wednesday", "in 2023", "in March": when, not what about (nor is a name after
    "in": "in Santiago")."""
    return (
        tok.lower_ in _WEEKDAYS
        or tok.ent_type_ in ("DATE", "TIME")
        or (tok.like_num and len(tok.text) == 4)
    )


def _partner_claims(
    s: Sentence,
    anchor: Token,
    kind: ClaimKind,
    left: list[str],
    right: list[str],
    mood: Modality,
    topic: str | None,
) -> Iterator[RawClaim]:
    left, right = list(dict.fromkeys(left)), list(dict.fromkeys(right))
    if right:
        pairs = _pairs(s, left, right)
    elif len(left) == 2:
        pairs = _pairs(s, left[:1], left[1:])
    else:
        pairs = []  # several subjects and no partner: a multilateral act, not stated pairs
    for a, b in pairs:
        yield _claim(s, anchor, kind, mood, actors=(a, b), topic=topic)


def signs(s: Sentence, v: Token) -> bool:
    """A join verb, or one that puts a name or signature to something ("put their names
    to the Accords", "added its signature to the treaty")."""
    if v.lemma_.lower() in s.vocab["join_verbs"] or comes_aboard(s, v):
        return True
    return v.lemma_.lower() in s.vocab["signature_verbs"] and any(
        c.dep_ == "dobj" and c.lemma_.lower() in s.vocab["signature_nouns"] for c in v.children
    )


def comes_aboard(s: Sentence, v: Token) -> bool:
    """A verb with the particle that makes it a join: "came aboard", "climbed aboard"."""
    # the parser may read "aboard" as a particle, a preposition or an adverb
    return s.phrasal(v, "join", ("prt", "prep", "advmod"))


def object_coalitions(
    s: Sentence, verb: Token, preps: tuple[str, ...] = ("to", "onto", "into")
) -> list[str]:
    """The coalitions a verb takes as object ("joined NATO", "acceded to the ICC"), once each;
    a coalition's own founding text counts as the coalition ("sign the ILRS agreement")."""
    if comes_aboard(s, verb):
        preps = (*preps, *s.vocab.particles("join", verb.lemma_.lower()))  # "came aboard BRICS"
    found = [a for t in s.objects(verb, preps) for a in s.coalitions_of(t)]
    found += [c for t in s.objects(verb, preps) if (c := charter_of(s, t))]
    return list(dict.fromkeys(found))


# Nouns that may stand between a coalition and its text: "the ILRS cooperation agreement".
_CHARTER_WORDS = frozenset(["cooperation", "membership", "accession", "founding", "framework"])
_CHARTERS = frozenset(["agreement", "memorandum", "charter", "treaty", "convention", "statute"])
# A coalition's own programme or grouping: "NASA's Artemis Accords program", "China's 16+1
# trade grouping", "the BRICS bloc".
_PROGRAMMES = frozenset(["program", "programme", "project", "initiative"])
# Words that leave a text or grouping the coalition's own: "the new ILRS agreement". Any
# other word makes it something else ("the ILRS preparatory group").
_NEUTRAL = frozenset(["new", "formal", "full", "official", "first"])
_GROUPING_WORDS = _CHARTER_WORDS | frozenset(
    ["trade", "economic", "military", "defence", "defense", "security", "space", "regional"]
)


def _describing_words(s: Sentence, lemma: str) -> frozenset[str] | None:
    """The words that may describe a coalition's text, grouping or programme without
    making it another thing; None when the noun is none of those."""
    if lemma in _CHARTERS:
        return _CHARTER_WORDS | _NEUTRAL
    if lemma in s.vocab["coalition_nouns"]:
        return _GROUPING_WORDS | _NEUTRAL
    if lemma in _PROGRAMMES:
        return _NEUTRAL  # "the EU space programme" is a programme the EU runs
    return None


def charter_of(s: Sentence, noun: Token) -> str | None:
    """ "the ILRS agreement", "the BRICS charter": the definite text of one coalition, named
    by a compound; "the EU trade agreement" is another text, with the EU as one party.
    Likewise a coalition's own programme or grouping ("China's ILRS project", "the
    ASEAN trade bloc")."""
    lemma = noun.lemma_.lower()
    allowed = _describing_words(s, lemma)
    if allowed is None:
        return None
    definite = (
        (t.dep_ == "det" and t.lower_ == "the") or t.dep_ in ("poss", "case")
        for t in noun.subtree
        if t.i < noun.i
    )
    left = noun.left_edge
    # "China’s 16+1 grouping" with the possessive parsed apart from the noun
    after_possessive = left.i > 0 and left.nbor(-1).text in ("'s", "’s")
    if not any(definite) and not after_possessive:
        return None
    owners: list[str] = []
    other: list[str] = []
    for t in noun.subtree:
        if t.i >= noun.i:
            break
        if t.dep_ in ("det", "poss", "case", "punct", "cc") or t.head.dep_ == "poss":
            continue  # "the", "China's", "NASA's"
        aid = s.actor(t)
        if s.is_coalition(aid) and aid is not None:
            owners.append(aid)
        elif aid is not None:
            return None  # "the EU-China agreement"
        elif t.lower_ not in allowed:
            other.append(t.lower_)
    if len(set(owners)) != 1:
        return None
    # a word the coalition's own name stands for ("the ILRS moon project": the ILRS is a
    # project) takes any description; else another word makes it something else ("the
    # ILRS preparatory group", "the EU space programme")
    if other and lemma not in s.gazetteer.anaphors(owners[0]):
        return None
    return owners[0]


def purpose_coalitions(s: Sentence, clause: Token) -> list[str]:
    """The coalitions a clause on an agreement says it is for: "an agreement to
    participate in the ILRS", "a memorandum to join the SCO"."""
    if clause.dep_ not in ("acl", "relcl"):
        return []
    if clause.lemma_.lower() not in s.vocab["participate_verbs"] | s.vocab["join_verbs"]:
        return []
    return object_coalitions(s, clause, ("in", "to", "into"))
