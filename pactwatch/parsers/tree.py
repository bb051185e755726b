"""Reading a parsed sentence: who is the subject, what is the object, is it hedged.

`Sentence` ties spaCy's tokens to what pactwatch already knows about the
sentence: the actors, figures, ordinals and missions of its `Masked` form (see
`pactwatch.parsers.masking`), so a rule can ask "which actor does this token
name" and get an id. The helpers follow the dependency tree the way a reader
follows grammar: conjuncts expand lists, control verbs lend their subject or
object to an infinitive, relative clauses point at their noun.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.masking import Masked, Slot
from pactwatch.parsers.model import Modality
from pactwatch.parsers.nlp import Vocabulary

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["Sentence"]

_SUBJECT = ("nsubj", "nsubjpass", "csubj")
# Nouns that stand for the country or body that governs them ("China's government",
# "the Chinese side"), so their modifier is the actor.
_STAND_IN = frozenset(
    [
        "government",
        "ministry",
        "agency",
        "administration",
        "side",
        "delegation",
        "authority",
        "authorities",
        "president",
        "leader",
        "leadership",
        "official",
        "officials",
        "cabinet",
        "parliament",
        "minister",
        "prime",
        "premier",
        "chief",
        "head",
        "regime",
        "state",
    ]
)
_PERSONAL = frozenset(["it", "its", "they", "their", "itself", "themselves"])


@dataclass
class Sentence:
    """One parsed sentence with its slots mapped onto tokens."""

    doc: Doc
    masked: Masked
    gazetteer: Gazetteer
    vocab: Vocabulary
    main: str | None
    _slot_of: dict[int, Slot] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for slot in self.masked.slots.values():
            span = self.doc.char_span(slot.start, slot.end, alignment_mode="expand")
            if span is None:
                continue
            for tok in span:
                self._slot_of.setdefault(tok.i, slot)

    # ---- what a token names ------------------------------------------------

    def slot(self, tok: Token) -> Slot | None:
        return self._slot_of.get(tok.i)

    def actor(self, tok: Token) -> str | None:
        s = self._slot_of.get(tok.i)
        if s is not None and s.kind == "actor":
            return s.actor
        return None

    def ordinal(self, tok: Token) -> int | None:
        s = self._slot_of.get(tok.i)
        return s.ordinal if s is not None and s.kind == "ordinal" else None

    def is_coalition(self, aid: str | None) -> bool:
        return aid is not None and self.gazetteer.is_coalition(aid)

    def is_actor(self, aid: str | None) -> bool:
        return aid is not None and self.gazetteer.is_actor(aid)

    def group(self, tok: Token) -> list[Token]:
        """A noun and its conjuncts ("Egypt, Iran and the UAE"), in order."""
        return sorted([tok, *tok.conjuncts], key=lambda t: t.i)

    def actors_of(self, tok: Token) -> list[str]:
        """The actors a noun phrase names, one per conjunct; stand-in nouns
        ("the Chinese government") name their modifier."""
        out: list[str] = []
        for t in self.group(tok):
            aid = self.actor(t)
            if aid is None and t.lemma_.lower() in _STAND_IN:
                aid = next(
                    (
                        a
                        for c in t.children
                        if c.dep_ in ("amod", "compound", "poss", "nmod")
                        for a in [self.actor(c)]
                        if a
                    ),
                    None,
                )
                if aid is None:
                    aid = next(
                        (
                            a
                            for p in t.children
                            if p.dep_ == "prep" and p.lemma_ == "of"
                            for o in p.children
                            if o.dep_ == "pobj"
                            for a in [self.actor(o)]
                            if a
                        ),
                        None,
                    )
            if aid and aid not in out:
                out.append(aid)
        return out

    def coalitions_of(self, tok: Token) -> list[str]:
        return [a for a in self.actors_of(tok) if self.is_coalition(a)]

    def coalition_in(self, tok: Token) -> str | None:
        """A coalition named by `tok` or a possessive, compound or of-phrase on it
        ("NATO's members", "the NATO members", "members of NATO")."""
        aid = self.actor(tok)
        if self.is_coalition(aid):
            return aid
        for c in tok.children:
            if c.dep_ in ("poss", "compound", "nmod", "amod"):
                found = self.coalitions_of(c)
                if found:
                    return found[0]
                if c.lower_ in ("its", "their") and self.main:
                    return self.main
            if c.dep_ == "prep" and c.lemma_ in ("of", "in", "to", "within"):
                for o in c.children:
                    if o.dep_ == "pobj":
                        found = self.coalitions_of(o)
                        if found:
                            return found[0]
        return None

    # ---- grammar -------------------------------------------------------------

    def subjects(self, verb: Token, depth: int = 0) -> list[Token]:
        """The tokens that do `verb`, following conjunction, control and relative clauses."""
        if depth > 6:
            return []
        adjacent = self._adjacent_subject(verb)
        for c in verb.children:
            if c.dep_ in _SUBJECT:
                named = any(self.actors_of(t) for t in self.group(c))
                return self.group(c) if named or not adjacent else adjacent
        if adjacent:
            return adjacent
        head = verb.head
        if head is verb:
            return []
        if verb.dep_ == "conj":
            return self.subjects(head, depth + 1)
        if verb.dep_ == "xcomp":
            # object control: "persuade Kenya to join", "invited Peru to sign"
            for c in head.children:
                if c.dep_ in ("dobj",) and c.i < verb.i:
                    return self.group(c)
            return self.subjects(head, depth + 1)
        if verb.dep_ == "relcl":
            return self.group(head)
        if verb.dep_ in ("acl", "advcl", "pcomp", "ccomp", "amod"):
            return self._governor_subjects(head, depth)
        return []

    def _adjacent_subject(self, verb: Token) -> list[Token]:
        """A finite verb the parser left without a named subject ("officials cheered as
        Laos and Nepal became the 60th and 61st"): the actor noun right before it is one."""
        if verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.i == 0:
            return []
        before = self.doc[verb.i - 1]
        while before.dep_ in ("advmod", "aux", "neg") and before.i > 0:
            before = self.doc[before.i - 1]
        if before.pos_ in ("PROPN", "NOUN") and self.actors_of(before):
            return self.group(before)
        return []

    def _governor_subjects(self, head: Token, depth: int) -> list[Token]:
        """Subjects for a clause inside a noun or preposition: climb to the noun that
        names an actor, or to the verb whose subject it shares."""
        up = head
        while up.dep_ in ("prep", "pobj", "dobj", "attr", "pcomp", "appos") and up.head is not up:
            up = up.head
        if up.pos_ in ("NOUN", "PROPN") and self.actors_of(up):
            return self.group(up)
        if up.pos_ in ("VERB", "AUX"):
            return self.subjects(up, depth + 1)
        return []

    def subject_actors(self, verb: Token) -> list[str]:
        """The actor ids of `verb`'s subjects, each once, in order."""
        return list(dict.fromkeys(a for t in self.subjects(verb) for a in self.actors_of(t)))

    def objects(self, verb: Token, preps: Iterable[str] = ()) -> list[Token]:
        """Direct objects and the objects of the given prepositions (also after a particle)."""
        wanted = set(preps)
        out: list[Token] = []
        for c in verb.children:
            if c.dep_ in ("dobj", "attr", "oprd"):
                out += self.group(c)
            elif c.dep_ == "prep" and c.lower_ in wanted:
                out += [t for o in c.children if o.dep_ == "pobj" for t in self.group(o)]
            elif c.dep_ == "prt":
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ in wanted:
                        out += [t for o in p.children if o.dep_ == "pobj" for t in self.group(o)]
        return out

    def prep_objects(self, tok: Token, preps: Iterable[str]) -> list[Token]:
        wanted = set(preps)
        return [
            t
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ in wanted
            for o in c.children
            if o.dep_ == "pobj"
            for t in self.group(o)
        ]

    # ---- modality ------------------------------------------------------------

    def modality(self, pred: Token) -> Modality:
        """Negated, hedged or asserted, from the predicate and what governs it."""
        hedged = False
        t: Token | None = pred
        for _ in range(8):
            if t is None:
                break
            mood = self._own_modality(t)
            if mood == "negated":
                return "negated"
            hedged = hedged or mood == "hedged"
            mood, t = self._governed(t)
            if mood == "negated":
                return "negated"
            hedged = hedged or mood == "hedged"
        return "hedged" if hedged else "asserted"

    def _governed(self, t: Token) -> tuple[Modality | None, Token | None]:
        """What the word governing `t` adds ("plans to join", "no alternative to joining",
        "will sign and join"), and the token to look at next (None: stop climbing)."""
        head = t.head
        if head is t:
            return None, None
        lemma = head.lemma_.lower()
        to_clause = t.dep_ == "ccomp" and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in t.children
        )
        if t.dep_ == "xcomp" or to_clause:
            if lemma in self.vocab["negation_verbs"]:
                return "negated", None
            hedge = lemma in self.vocab["hedge_verbs"] or lemma in self.vocab["hedge_adjectives"]
            return ("hedged" if hedge else None), head
        if t.dep_ in ("acl", "relcl", "advcl") and head.pos_ in ("NOUN", "PROPN"):
            denied = lemma in self.vocab["negation_nouns"] or any(
                c.dep_ in ("det", "neg") and c.lower_ in ("no", "not") for c in head.children
            )
            if t.dep_ in ("acl", "advcl") and denied:
                return "negated", None
            if t.dep_ == "acl" and lemma in self.vocab["hedge_nouns"]:
                return "hedged", head
            return None, None
        if t.dep_ in ("pcomp", "pobj", "prep") and head.pos_ in ("ADP", "NOUN"):
            return None, head
        if t.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
            return self._own_modality(head, shared_only=True), None
        if t.dep_ in ("dobj", "nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN"):
            return None, head
        return None, None

    def _own_modality(self, tok: Token, *, shared_only: bool = False) -> Modality | None:
        hedged = False
        for c in tok.children:
            low = c.lower_
            negation = c.dep_ == "neg" or (
                c.dep_ in ("advmod", "det") and low in self.vocab["negation_words"]
            )
            if negation and (not shared_only or c.i < tok.i):
                return "negated"
            if c.dep_ in ("aux", "auxpass") and low in self.vocab["hedge_aux"]:
                hedged = True
            if shared_only:
                continue
            if c.dep_ == "advmod" and low in self.vocab["hedge_adverbs"]:
                hedged = True
            if c.dep_ == "mark" and low in ("if", "whether", "unless", "once"):
                hedged = True
            if c.dep_ in ("npadvmod", "prep") and any(
                g.lower_ in ("next", "coming", "later") for g in c.subtree
            ):
                hedged = True
        if tok.tag_ == "VB" and not shared_only and self._bare_infinitive(tok):
            hedged = True
        return "hedged" if hedged else None

    def _bare_infinitive(self, tok: Token) -> bool:
        """ "for Ukraine to join NATO", "an appeal to join": an infinitive that nothing
        asserts (the ordinal construction "the ninth country to join" is read elsewhere,
        and "signed an MoU to join" makes the join real)."""
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
            return False
        head = tok.head
        if tok.dep_ in ("ROOT", "advcl", "ccomp"):
            return not (
                head.lemma_.lower() in self.vocab["become_verbs"] | {"be"}
                or head.lemma_.lower() in self.vocab["agreement_verbs"]
            )
        if tok.dep_ in ("acl", "relcl"):
            return head.lemma_.lower() not in self.vocab["agreement_nouns"] | self.vocab[
                "member_nouns"
            ] | self.vocab["group_nouns"] and head.pos_ in ("NOUN", "PROPN")
        return False

    def is_question(self) -> bool:
        text = self.doc.text.rstrip(" \"'”’)")
        return text.endswith("?")

    def tokens(self) -> Iterator[Token]:
        return iter(self.doc)
