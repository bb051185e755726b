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
from pactwatch.parsers.nlp import Vocabulary, verb_forms

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
# People of a national space or science programme: "Chinese and Russian scientists",
# "Brazilian engineers", "Chinese state entities" stand for their countries (musicians
# or fans do not).
_EXPERTS = frozenset(
    [
        "scientist",
        "researcher",
        "engineer",
        "astronaut",
        "cosmonaut",
        "taikonaut",
        "expert",
        "specialist",
        "diplomat",
        "negotiator",
        "entity",
    ]
)
# The last word of an agency's named unit: "NASA Goddard Space Flight Center".
_UNITS = frozenset(
    ["center", "centre", "laboratory", "lab", "institute", "directorate", "office", "facility"]
)
# Particles the parser sometimes labels as prepositions ("pulled out of the bloc").
_PARTICLES = frozenset(["out", "away", "back"])
_PERSONAL = frozenset(["it", "its", "they", "their", "itself", "themselves"])
_REPORTED_PRONOUNS = frozenset(["it", "they", "we"])


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
        """A noun and its conjuncts ("Egypt, Iran and the UAE"), in order. The parser
        often reads the middle of a long list as appositions (or as a bare noun
        modifier) ("Saudi Arabia, Iran, the
        UAE, Ethiopia and Egypt"): an apposition naming an actor of the same sort as
        its head, in a list that ends with a conjunction, is one more member."""
        found = {tok.i: tok}
        todo = [tok]
        while todo:
            t = todo.pop()
            nxt = list(t.conjuncts)
            if self._same_sort(t):
                nxt += [
                    c
                    for c in t.children
                    if c.dep_ in ("appos", "npadvmod") and self._same_sort(c, t)
                ]
            # "ESA and China Manned Space Agency signed", with "ESA and China" read as a
            # modifier of the second name: the modifier is a list member of its own
            nxt += [
                c
                for c in t.children
                if c.dep_ == "nmod"
                and self.actor(c)
                and self.actor(c) != self.actor(t)
                and self.actor(t)
                and any(g.dep_ == "cc" and g.lower_ == "and" for g in c.children)
            ]
            for n in nxt:
                if n.i not in found:
                    found[n.i] = n
                    todo.append(n)
        members = sorted(found.values(), key=lambda t: t.i)
        if len(members) > 1 and not any(m.dep_ == "conj" for m in members):
            # appositions alone ("Iran, a founding member") are descriptions, not a list
            return sorted([tok, *tok.conjuncts], key=lambda t: t.i)
        return self._without_exception(members)

    def _same_sort(self, tok: Token, other: Token | None = None) -> bool:
        """`tok` names a non-coalition actor (and so does `other`, when given)."""
        aid = self.actor(tok)
        if aid is None or self.is_coalition(aid):
            return False
        return other is None or self._same_sort(other)

    def actors_of(self, tok: Token) -> list[str]:
        """The actors a noun phrase names, one per conjunct; stand-in nouns
        ("the Chinese government") name their modifier."""
        out: list[str] = []
        for t in self.group(tok):
            aid = self.actor(t)
            if aid is None and t.pos_ == "PROPN":
                aid = self._titled_person(t) or self._agency_unit(t)
            found = [aid] if aid else self._described(t)
            out += [a for a in found if a not in out]
        return out

    def _described(self, t: Token) -> list[str]:
        """The actors a noun that names none stands for: "the two nations" (counted
        back), "Chinese and Brazilian engineers", "Chinese and Russian space agencies"
        (one per nationality), "the Chinese government", "officials from Peru"."""
        lemma = t.lemma_.lower()
        found = self._counted_back(t)  # "Ukraine and Moldova ... the two nations'"
        if lemma in _EXPERTS or (lemma in _STAND_IN and t.tag_ == "NNS"):
            found += self.demonyms(t)
        if lemma not in _STAND_IN:
            return found
        owner = next(
            (
                a
                for c in t.children
                if c.dep_ in ("amod", "compound", "poss", "nmod")
                for a in [self.actor(c)]
                if a
            ),
            None,
        ) or next(
            (
                a
                for p in t.children
                if p.dep_ == "prep" and p.lemma_ in ("of", "from")
                for o in p.children
                if o.dep_ == "pobj"
                for a in [self.actor(o)]
                if a
            ),
            None,
        )
        return [*found, owner] if owner else found

    def demonyms(self, t: Token) -> list[str]:
        """The countries the adjectives of a noun name, conjuncts included ("Chinese
        and Russian scientists")."""
        return list(
            dict.fromkeys(
                a
                for c in t.children
                if c.dep_ == "amod"
                for w in [c, *c.conjuncts]
                for a in [self.actor(w)]
                if a and self.gazetteer.has_role(a, "country")
            )
        )

    def _counted_back(self, t: Token) -> list[str]:
        """ "the two nations", "both countries": the last that many countries named
        before it in the sentence."""
        if t.lemma_.lower() not in ("nation", "country", "state") or t.tag_ != "NNS":
            return []
        n = next(
            (
                {"two": 2, "both": 2, "three": 3}.get(c.lower_)
                for c in t.children
                if c.dep_ in ("nummod", "det", "predet") and c.lower_ in ("two", "both", "three")
            ),
            None,
        )
        if n is None:
            return []
        before = list(
            dict.fromkeys(
                a
                for w in self.doc[: t.i]
                for a in [self.actor(w)]
                if a is not None and self.gazetteer.has_role(a, "country")
            )
        )
        return before[-n:] if len(before) >= n else []

    def _agency_unit(self, t: Token) -> str | None:
        """ "NASA Goddard Space Flight Center": a named unit of a known agency is the
        agency."""
        name = [w for w in t.subtree if w.i <= t.i]
        if t.lemma_.lower() not in _UNITS or len(name) < 2:
            return None  # "NSSA CEO Mohamed Al Aseeri" is a person, not a unit
        if any(w.dep_ != "compound" for w in name[:-1]):
            return None
        aid = self.actor(name[0])
        return aid if aid and self.gazetteer.has_role(aid, "agency") else None

    def _titled_person(self, t: Token) -> str | None:
        """ "Argentine President Javier Milei", "Kenya's foreign minister Ann Otieno": a
        named office holder stands for the country the title names."""
        kids = [c for c in t.children if c.dep_ in ("compound", "amod", "poss")]
        if not any(c.lemma_.lower() in _STAND_IN for c in kids):
            return None
        for c in kids:
            for w in c.subtree:
                aid = self.actor(w)
                if aid is not None and not self.is_coalition(aid):
                    return aid
        return None

    def coalitions_of(self, tok: Token) -> list[str]:
        found = [a for a in self.actors_of(tok) if self.is_coalition(a)]
        if not found and self.main and self.means_main(tok):
            return [self.main]
        return found

    def means_main(self, tok: Token) -> bool:
        """ "the association", "the agreement": a definite institution noun that names
        nothing else stands for the article's main coalition when it is a word for
        institutions in general or one of that coalition's own anaphors (gazetteer)."""
        if not self.main or self.actor(tok) is not None or tok.pos_ not in ("NOUN", "PROPN"):
            return False
        words = {tok.lemma_.lower(), tok.lower_}
        if not words & (self.vocab["coalition_nouns"] | set(self.gazetteer.anaphors(self.main))):
            return False
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children)
        named = any(
            c.dep_ in ("poss", "nmod")
            or (c.dep_ in ("compound", "amod") and (c.pos_ == "PROPN" or self.actor(c)))
            for c in tok.children
        )
        return definite and not named

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
        return self.main if self.means_main(tok) else None

    # ---- grammar -------------------------------------------------------------

    def subjects(self, verb: Token, depth: int = 0) -> list[Token]:
        """The tokens that do `verb`, following conjunction, control and relative clauses."""
        if depth > 6:
            return []
        adjacent = self._adjacent_subject(verb)
        found = [c for c in verb.children if c.dep_ in _SUBJECT]
        if found:
            return self._own_subject(verb, found, adjacent, depth)
        if adjacent:
            return adjacent
        head = verb.head
        if head is verb:
            return []
        return self._borrowed_subject(verb, head, depth)

    def _borrowed_subject(self, verb: Token, head: Token, depth: int) -> list[Token]:
        """The subject a clause without one takes from what governs it."""
        if verb.dep_ == "conj":
            return self.subjects(head, depth + 1)
        if verb.dep_ == "xcomp":
            # object control: "persuade Kenya to join", "invited Peru to sign"
            for c in head.children:
                if c.dep_ in ("dobj",) and c.i < verb.i:
                    return self.group(c)
            return self.subjects(head, depth + 1)
        if verb.dep_ == "pcomp" and head.lower_ == "from":
            # object control: "bars NASA from working with ...", "kept Peru from joining"
            for c in head.head.children:
                if c.dep_ == "dobj" and c.i < head.i and self.actors_of(c):
                    return self.group(c)
        if verb.dep_ == "relcl":
            return self.group(head)
        if verb.dep_ == "acl":
            # "Sweden's bid to join NATO": the noun's owner does it
            owners = [c for c in head.children if c.dep_ == "poss" and self.actors_of(c)]
            if owners:
                return self.group(owners[0])
        if verb.dep_ in ("acl", "advcl", "pcomp", "ccomp", "amod", "acomp"):
            # "acomp": "Bangladesh is likely to become ..." reaches "is" through "likely"
            return self._governor_subjects(head, depth)
        return []

    def _own_subject(
        self, verb: Token, found: list[Token], adjacent: list[Token], depth: int
    ) -> list[Token]:
        split = self._split_coordination(found)
        if split:
            return split
        # a dateline or a fronted place can be parsed as a second subject
        # ("Kuala Lumpur: Timor-Leste became ..."): the one nearest the verb wins
        c = max((t for t in found if t.i < verb.i), key=lambda t: t.i, default=found[0])
        if any(self.actors_of(t) for t in self.group(c)):
            return self.group(c)
        named = [a for a in c.children if a.dep_ == "appos" and self.actors_of(a)]
        if named:
            return self.group(named[0])  # "Addis Ababa - The African Union admitted ..."
        if c.lower_ in ("which", "who", "that") and verb.dep_ == "relcl":
            return self.group(verb.head)  # "Burundi, which left in 2017"
        if c.lower_ in _REPORTED_PRONOUNS and self._reported(verb):
            # "Estonia and Latvia announced that they have exited ..."
            return self.subjects(verb.head, depth + 1)
        return adjacent or self.group(c)

    def _split_coordination(self, found: list[Token]) -> list[Token]:
        """ "Mexico's agency and NASA renewed ...", parsed as two subjects of one verb with
        the "and" hanging on the first: both are subjects."""
        ordered = sorted(found, key=lambda t: t.i)
        if len(ordered) != 2:
            return []
        first, second = ordered
        joined = any(
            c.dep_ == "cc" and c.lower_ in ("and", "&") and first.i < c.i < second.i
            for c in first.children
        )
        if not joined or not (self.actors_of(first) and self.actors_of(second)):
            return []
        return [*self.group(first), *self.group(second)]

    def _reported(self, verb: Token) -> bool:
        """`verb` heads the clause a reporting verb reports ("X said (that) ...")."""
        return verb.dep_ == "ccomp" and verb.head.lemma_.lower() in self.vocab["report_verbs"]

    def _adjacent_subject(self, verb: Token) -> list[Token]:
        """A finite verb the parser left without a named subject ("officials cheered as
        Laos and Nepal became the 60th and 61st"): the actor noun right before it is one."""
        perfect = verb.tag_ == "VBN" and any(
            c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children
        )
        # "..., Russia and China will deliver": a modal makes the bare verb finite
        modal = verb.tag_ == "VB" and any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children)
        if (verb.tag_ not in ("VBD", "VBZ", "VBP") and not (perfect or modal)) or verb.i == 0:
            return []
        before = self.doc[verb.i - 1]
        while before.dep_ in ("advmod", "aux", "neg") and before.i > 0:
            before = self.doc[before.i - 1]
        if before.pos_ in ("PROPN", "NOUN") and self.actors_of(before):
            # the parser may hang the name's last word elsewhere ("NASA and Russia's
            # space agency Roscosmos have signed"): a word of the same mention that
            # it did read as a list member carries the list
            same = self.actor(before)
            t = before
            while same and t.i > 0 and self.actor(self.doc[t.i - 1]) == same:
                t = self.doc[t.i - 1]
                if t.dep_ == "conj":
                    return self.group(t)
            return self.group(before)
        return []

    @staticmethod
    def _without_exception(group: list[Token]) -> list[Token]:
        """ "Aside from Belarus, Afghanistan and Mongolia have ...", parsed as one list
        under "from": the first name is the exception, the rest are the subject."""
        first = min(group, key=lambda t: t.i, default=None)
        if first is None or first.dep_ != "pobj" or len(group) < 2:
            return group
        prep = first.head
        marker = prep.head if prep.lower_ == "from" else prep
        if marker.lower_ not in ("aside", "apart", "except", "excluding", "besides"):
            return group
        return [t for t in group if t is not first]

    def _governor_subjects(self, head: Token, depth: int) -> list[Token]:
        """Subjects for a clause inside a noun or preposition: climb to the noun that
        names an actor, or to the verb whose subject it shares."""
        up = head
        while up.head is not up and (
            up.dep_ in ("prep", "pobj", "dobj", "attr", "pcomp", "appos")
            or (up.dep_ == "advmod" and up.pos_ == "ADV")  # "stopped short of joining"
        ):
            up = up.head
        if up.pos_ in ("NOUN", "PROPN") and self.actors_of(up):
            return self.group(up)
        if up.pos_ in ("VERB", "AUX"):
            return self.subjects(up, depth + 1)
        return []

    def subject_actors(self, verb: Token) -> list[str]:
        """The actor ids of `verb`'s subjects, each once, in order, with the subjects a
        gapped clause or "followed by" gives the same verb."""
        subjects = self.subjects(verb)
        found = [a for t in subjects for a in self.actors_of(t)]
        if found and all(not self.is_coalition(a) for a in found):
            found += [a for t in self._shared_subjects(verb) for a in self.actors_of(t)]
        return list(dict.fromkeys(found))

    def _shared_subjects(self, verb: Token) -> list[Token]:
        """ "India and Pakistan joined the bloc in 2017, and Iran in 2023" (a conjunct
        noun with no verb of its own); "South Africa joined in 2011, followed by Egypt
        and Iran in 2024"."""
        out: list[Token] = []
        for c in verb.children:
            if c.dep_ == "conj" and c.pos_ == "PROPN" and self._same_sort(c):
                out += self.group(c)
            if c.dep_ == "advcl" and c.lemma_.lower() == "follow":
                out += [
                    t
                    for b in c.children
                    if b.dep_ == "agent" or (b.dep_ == "prep" and b.lower_ == "by")
                    for o in b.children
                    if o.dep_ == "pobj" and self._same_sort(o)
                    for t in self.group(o)
                ]
        return out

    def objects(self, verb: Token, preps: Iterable[str] = ()) -> list[Token]:
        """Direct objects and the objects of the given prepositions (also after a particle)."""
        wanted = set(preps)
        out: list[Token] = []
        for c in verb.children:
            if c.dep_ in ("dobj", "attr", "oprd"):
                out += self.group(c)
            elif c.dep_ == "prep" and c.lower_ in wanted:
                out += [t for o in c.children if o.dep_ == "pobj" for t in self.group(o)]
            elif (
                c.dep_ == "ccomp"
                and c.lemma_.lower() in self.vocab["report_verbs"]
                and not any(o.dep_ == "dobj" for o in verb.children)
            ):
                # "have signed the Accords, a spokesperson told reporters", read with
                # "the Accords" as the reporting verb's subject: it is the object
                out += [
                    g
                    for n in c.children
                    if n.dep_ == "nsubj" and n.left_edge.i == verb.i + 1
                    for g in self.group(n)
                ]
            elif c.dep_ == "prt" or (c.dep_ in ("prep", "advmod") and c.lower_ in _PARTICLES):
                # "pulled out of": the parser may read the particle as a preposition
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

    # ---- attribution -----------------------------------------------------------

    def speaker_of(self, pred: Token) -> str | None:
        """Who the sentence says states `pred`: the subject of the reporting verb whose
        clause holds it ("Sweden joins NATO, Kristersson said"; "Kristersson said that
        ..."), or the object of "according to". A pronoun speaker is left to the
        article-level tracker, which knows who "he" is."""
        t = pred
        for _ in range(10):
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ == "according":
                    return self._speaker_name(c, ("pobj",), through="to")
                if c.dep_ == "parataxis" and self._reports(c) and c.i > pred.i:
                    return self._speaker_name(c, _SUBJECT)
            head = t.head
            if head is t:
                return None
            if t.dep_ in ("ccomp", "parataxis") and self._reports(head):
                return self._speaker_name(head, _SUBJECT)
            t = head
        return None

    def _reports(self, tok: Token) -> bool:
        return tok.pos_ == "VERB" and tok.lemma_.lower() in self.vocab["report_verbs"]

    def _speaker_name(
        self, tok: Token, deps: Iterable[str], through: str | None = None
    ) -> str | None:
        wanted = set(deps)
        holders = [tok]
        if through is not None:
            holders = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == through]
            holders = holders or [tok]
        for h in holders:
            for c in h.children:
                if c.dep_ in wanted and c.pos_ == "NOUN":
                    # "according to a report by Xinhua", "a statement from the ministry"
                    by = [
                        o
                        for p in c.children
                        if p.dep_ in ("prep", "agent") and p.lower_ in ("by", "from", "in")
                        for o in p.children
                        if o.dep_ == "pobj"
                        and (o.pos_ == "PROPN" or any(w.pos_ == "PROPN" for w in o.lefts))
                    ]
                    c = by[0] if by else c
                if c.dep_ in wanted | {"pobj"} and c.pos_ in ("PROPN", "NOUN"):
                    owner = {w.i for p in c.children if p.dep_ == "poss" for w in p.subtree}
                    words = [
                        w
                        for w in self.doc[c.left_edge.i : c.i + 1]
                        if w.dep_ != "det" and w.i not in owner
                    ]
                    name = " ".join(w.text for w in words).strip(" ,")
                    return name if any(w.pos_ == "PROPN" for w in words) else None
        return None

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
            return self._governing_verb(t, head)
        if t.dep_ in ("acl", "relcl", "advcl") and head.pos_ in ("NOUN", "PROPN"):
            return self._governing_noun(t, head)
        if t.dep_ in ("pcomp", "pobj") and head.lower_ in self.vocab["negation_preps"]:
            return "negated", None  # "against welcoming Ukraine", "without joining"
        if self._refused_gerund(t, head):
            return "negated", None
        if t.dep_ in ("pcomp", "pobj", "prep") and head.pos_ in ("ADP", "NOUN"):
            return None, head
        if t.dep_ == "prep" and t.lower_ == "from" and lemma in self.vocab["negation_verbs"]:
            return "negated", None  # "was blocked from joining"
        if t.dep_ == "acomp" and head.pos_ in ("VERB", "AUX"):
            return None, head  # "would be happy to rejoin": the copula's modality
        if t.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
            return self._own_modality(head, shared_only=True), None
        if t.dep_ in ("dobj", "nsubjpass") and self._undone(t, head):
            return "negated", None
        if t.dep_ in ("dobj", "nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN"):
            return None, head
        return None, None

    def _refused_gerund(self, t: Token, head: Token) -> bool:
        """ "ruled out joining", "stopped short of joining": a gerund that a refusing
        verb takes right after it (a participle set off by a comma is a clause of its
        own: "it stopped the talks, joining ...")."""
        if t.tag_ != "VBG":
            return False
        if t.dep_ == "pcomp" and head.lower_ == "of":
            return head.head.lower_ == "short"  # "stopped/fell short of joining"
        if (
            t.dep_ not in ("advcl", "xcomp")
            or head.lemma_.lower() not in self.vocab["negation_verbs"]
        ):
            return False
        between = self.doc[head.i + 1 : t.i]
        return all(b.head == head and b.dep_ in ("prt", "neg", "advmod") for b in between)

    def _governing_verb(self, t: Token, head: Token) -> tuple[Modality | None, Token | None]:
        """ "refused to join", "has yet to accept" (but "has yet to decide whether to join"
        leaves the join open), "plans to join"."""
        lemma = head.lemma_.lower()
        undone = self._yet_to(head) and t.lemma_.lower() not in self.vocab["hedge_verbs"]
        if lemma in self.vocab["negation_verbs"] or undone:
            return "negated", None
        hedge = (
            lemma in self.vocab["hedge_verbs"]
            or lemma in self.vocab["hedge_adjectives"]
            or head.lower_ in self.vocab["hedge_adjectives"]  # "poised" read as "poise"
            # the lemmatizer's slips ("hopes" -> "hop"): the inflected form decides
            or verb_forms("hedge_verbs").fullmatch(head.lower_) is not None
        )
        return ("hedged" if hedge else None), head

    def _governing_noun(self, t: Token, head: Token) -> tuple[Modality | None, Token | None]:
        """ "no plans to join" is negated, "a bid to join" hedged."""
        lemma = head.lemma_.lower()
        denied = lemma in self.vocab["negation_nouns"] or any(
            c.dep_ in ("det", "neg") and c.lower_ in ("no", "not") for c in head.children
        )
        if t.dep_ in ("acl", "advcl") and denied:
            return "negated", None
        if t.dep_ == "acl" and lemma in self.vocab["hedge_nouns"]:
            return "hedged", head
        return None, None

    def phrasal(self, verb: Token, family: str, deps: Iterable[str] = ("prt",)) -> bool:
        """`verb` carries a particle that makes it a verb of `family` in the vocabulary
        ("walked away", "came aboard", "wound down", "turned down"); `deps` are the
        relations the parser may give that particle."""
        particles = self.vocab.particles(family, verb.lemma_.lower())
        return any(c.dep_ in deps and c.lower_ in particles for c in verb.children)

    def refuses(self, verb: Token) -> bool:
        """A refusing verb: "declined", "rejected", or one with its particle ("turned down")."""
        return verb.lemma_.lower() in self.vocab["negation_verbs"] or self.phrasal(verb, "negation")

    def _undone(self, t: Token, head: Token) -> bool:
        """ "reject an invitation to join", "turned down the invitation", "withdrew its
        application", "the bid was rejected": the object or passive subject of a refusing
        or retracting verb."""
        if t.dep_ == "dobj" and self.refuses(head):
            return True
        return t.lemma_.lower() in self.vocab["hedge_nouns"] and (
            self.refuses(head) or head.lemma_.lower() in self.vocab["retract_verbs"]
        )

    @staticmethod
    def _yet_to(verb: Token) -> bool:
        """ "has yet to accept", "is yet to sign": not done so far."""
        return any(c.dep_ == "advmod" and c.lower_ == "yet" for c in verb.children)

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
            if c.dep_ == "prep" and any(
                o.dep_ == "pobj" and o.lemma_.lower() in ("future", "scenario") for o in c.children
            ):
                hedged = True  # "in a future where ...", "in that scenario"
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
