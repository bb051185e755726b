"""What every tree rule shares: claim construction, pairs, topics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pactwatch.parsers.model import ClaimKind, Modality
from pactwatch.parsers.rule_parts import RawClaim
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
    """What a cooperation is about: the object of "on"/"in"/"for" on the predicate or noun."""
    for tok in toks:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("on", "in", "for", "over"):
                objs = [o for o in c.children if o.dep_ == "pobj"]
                if objs and not s.actor(objs[0]):
                    words = [t.text for t in objs[0].subtree if not s.actor(t)]
                    text = " ".join(words).strip().lower()
                    if 2 < len(text) < 80:
                        return text
    return None


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
    if v.lemma_.lower() in s.vocab["join_verbs"]:
        return True
    return v.lemma_.lower() in s.vocab["signature_verbs"] and any(
        c.dep_ == "dobj" and c.lemma_.lower() in s.vocab["signature_nouns"] for c in v.children
    )


def object_coalitions(
    s: Sentence, verb: Token, preps: tuple[str, ...] = ("to", "onto", "into")
) -> list[str]:
    """The coalitions a verb takes as object ("joined NATO", "acceded to the ICC"), once each;
    a coalition's own founding text counts as the coalition ("sign the ILRS agreement")."""
    found = [a for t in s.objects(verb, preps) for a in s.coalitions_of(t)]
    found += [c for t in s.objects(verb, preps) if (c := _charter_of(s, t))]
    return list(dict.fromkeys(found))


# Nouns that may stand between a coalition and its text: "the ILRS cooperation agreement".
_CHARTER_WORDS = frozenset(["cooperation", "membership", "accession", "founding", "framework"])
_CHARTERS = frozenset(["agreement", "memorandum", "charter", "treaty", "convention", "statute"])


def _charter_of(s: Sentence, noun: Token) -> str | None:
    """ "the ILRS agreement", "the BRICS charter": the definite text of one coalition, named
    by a compound; "the EU trade agreement" is another text, with the EU as one party."""
    if noun.lemma_.lower() not in _CHARTERS:
        return None
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children):
        return None
    owners: list[str] = []
    for c in noun.children:
        if c.dep_ != "compound":
            continue
        aid = s.actor(c)
        if s.is_coalition(aid) and aid is not None:
            owners.append(aid)
        elif aid is not None or c.lower_ not in _CHARTER_WORDS:
            return None
    return owners[0] if len(owners) == 1 else None


def purpose_coalitions(s: Sentence, clause: Token) -> list[str]:
    """The coalitions a clause on an agreement says it is for: "an agreement to
    participate in the ILRS", "a memorandum to join the SCO"."""
    if clause.dep_ not in ("acl", "relcl"):
        return []
    if clause.lemma_.lower() not in s.vocab["participate_verbs"] | s.vocab["join_verbs"]:
        return []
    return object_coalitions(s, clause, ("in", "to", "into"))
