"""Member counts read from the tree: a figure on a member noun of a coalition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pactwatch.parsers.model import Modality
from pactwatch.parsers.numbers import Quantity
from pactwatch.parsers.relations._common import _claim, object_coalitions, signs
from pactwatch.parsers.rule_parts import RawClaim
from pactwatch.parsers.tree import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Token


# ---- counts ------------------------------------------------------------------

_HAVE = frozenset(
    [
        "have",
        "count",
        "number",
        "comprise",
        "include",
        "boast",
        "total",
        "reach",
        "grow",
        "expand",
        "swell",
        "rise",
        "increase",
        "bring",
        "take",
        "push",
        "climb",
        "stand",
        "shrink",
        "fall",
        "drop",
        "reduce",
        "decline",
        "group",
        "unite",
        "gather",
        "consist",
    ]
)


def _count_coalition(s: Sentence, noun: Token) -> str | None:
    """The coalition a counted member noun belongs to ("17 members of the ILRS"); a
    plain country noun counts only as what a coalition has ("NATO has 32 countries")."""
    found = s.coalition_in(noun)
    if found and (noun.lemma_.lower() in s.vocab["member_nouns"] or _member_kind(s, noun)):
        # "17 members of the ILRS", "the 22 member states of ESA", and "the three AUKUS
        # countries": all of a coalition's countries (a bare "three EU countries" is some)
        return found
    head = noun.head
    if noun.dep_ in ("compound", "amod", "nmod"):
        return _sized_group(s, head)
    if noun.dep_ == "nsubj" and _signed_so_far(s, head):
        # "more than 50 countries have signed the accords": how many have, to date
        if _part_of_tally(noun, head):
            return None
        signed = [a for o in s.objects(head, ("to", "on", "onto")) for a in s.coalitions_of(o)]
        return signed[0] if signed else None
    if noun.dep_ in ("dobj", "attr") and head.lemma_.lower() in _HAVE:
        return _owner(s, head)
    if noun.dep_ == "nsubj" and not _part_of_tally(noun, head):
        # "more than 40 nations are now part of the accords", "belong to the accords"
        belonged = _belonged_to(s, head)
        if belonged:
            return belonged
    if noun.dep_ == "pobj" and head.dep_ in ("agent", "prep"):
        by_phrase = _counted_by_phrase(s, noun, head)
        if by_phrase:
            return by_phrase
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.lemma_.lower() in _HAVE:
        return _grown_to(s, head.head)
    if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
        return _group_of(s, head.head)
    return None


def _belonged_to(s: Sentence, verb: Token) -> str | None:
    """A present-tense "be part of" or "belong to" names the coalition counted."""
    if verb.tag_ not in ("VBP", "VBZ"):
        return None
    if verb.lemma_ == "belong":
        hits = [a for o in s.objects(verb, ("to",)) for a in s.coalitions_of(o)]
        return hits[0] if hits else None
    if verb.lemma_ == "be":
        for attr in (c for c in verb.children if c.dep_ == "attr" and c.lemma_ == "part"):
            hits = [a for o in s.prep_objects(attr, ("of",)) for a in s.coalitions_of(o)]
            if hits:
                return hits[0]
    return None


def _counted_by_phrase(s: Sentence, noun: Token, prep: Token) -> str | None:
    """ "the accords have been signed by 56 countries" (a passive's agents, to date);
    "with 13 members, the ILRS remains ..." (what the subject has); "a roster of 17
    member countries" (the roster of the verb's subject)."""
    verb = prep.head
    if prep.dep_ == "agent" and _signed_so_far(s, verb):
        hits = [a for a in s.subject_actors(verb) if s.is_coalition(a)]
        return hits[0] if hits else None
    fronted = prep.i < verb.i and verb.tag_ in ("VBP", "VBZ")
    if prep.lower_ == "with" and verb.pos_ in ("VERB", "AUX") and fronted:
        return _owner(s, verb)
    roster = verb.lemma_.lower() in ("roster", "list", "family") and verb.dep_ == "dobj"
    if prep.lower_ == "of" and roster and verb.head.lemma_.lower() in _HAVE:
        return _owner(s, verb.head)
    return None


def _member_kind(s: Sentence, noun: Token) -> bool:
    """ "member states", "member countries"; or "the three AUKUS countries", where "the"
    makes the figure all of them."""
    if any(c.dep_ == "compound" and c.lemma_.lower() == "member" for c in noun.children):
        return True
    definite = any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children)
    named = any(c.dep_ == "compound" and s.is_coalition(s.actor(c)) for c in noun.children)
    return definite and named


def _sized_group(s: Sentence, group: Token) -> str | None:
    """ "a 32-nation alliance", "the 27-member bloc", "the 15-country bloc of ECOWAS", and
    "NATO, a 32-nation alliance, ...": the coalition a group noun sized by a figure is."""
    hit = s.coalition_in(group)
    if hit:
        return hit
    if group.dep_ == "appos" and group.lemma_.lower() in s.vocab["coalition_nouns"]:
        hits = s.coalitions_of(group.head)
        return hits[0] if hits else None
    return None


def _owner(s: Sentence, verb: Token) -> str | None:
    """The coalition that has, counts or groups the members: the verb's subject ("NATO
    has 32 members"), or the noun a relative subject stands for ("the ASEAN bloc, which
    has 10 member states")."""
    for a in s.subject_actors(verb):
        if s.is_coalition(a):
            return a
    for subj in s.subjects(verb):
        hit = s.coalition_in(subj)
        if hit:
            return hit
    return None


def _group_of(s: Sentence, group: Token) -> str | None:
    """ "the NATO family of 30 nations", "the CSTO, a military alliance of six
    states": a body of N members that is, or stands in apposition to, a coalition."""
    if group.lemma_.lower() not in s.vocab["coalition_nouns"]:
        return None
    hit = s.coalition_in(group)
    if hit is None and group.dep_ == "appos":
        hits = s.coalitions_of(group.head)
        hit = hits[0] if hits else None
    return hit


def _grown_to(s: Sentence, verb: Token) -> str | None:
    """ "the alliance grew to 32 members", "bringing its membership to 23"."""
    for a in s.subject_actors(verb):
        if s.is_coalition(a):
            return a
    for o in s.objects(verb):
        hit = s.coalition_in(o)
        if hit:
            return hit
        if any(p.lower_ == "its" for p in o.children) and s.main:
            return s.main
    return None


def _signed_so_far(s: Sentence, verb: Token) -> bool:
    """A join verb in the present perfect ("have signed", "has joined"): a tally to date,
    unlike "seventeen signed in 2024"."""
    return (
        signs(s, verb)
        and verb.tag_ == "VBN"
        and any(
            c.dep_ in ("aux", "auxpass") and c.lemma_ == "have" and c.tag_ != "VBD"
            for c in verb.children
        )
    )


def _part_of_tally(noun: Token, verb: Token) -> bool:
    """Signers that are only some of the members: a named kind ("seven Latin American
    countries"), one part of a sum ("fifteen nations and two agencies"), or those that
    came after the founders ("have joined since it was founded")."""
    if any(c.dep_ in ("amod", "compound") and c.text[:1].isupper() for c in noun.children):
        return True
    if any(c.dep_ == "conj" and any(g.like_num for g in c.subtree) for c in noun.children):
        return True  # "fifteen nations and two agencies"; not "17 countries and bodies"
    return any(
        (c.dep_ == "prep" and c.lower_ == "since")
        or (c.dep_ == "advcl" and any(m.lower_ == "since" for m in c.children))
        for c in verb.children
    )


def _dated_past(s: Sentence, verb: Token) -> bool:
    """A past-tense verb in a sentence that names a year: "grew to 32 members in 2024"."""
    if verb.tag_ != "VBD":
        return False
    when = any(
        c.dep_ == "advcl" and any(g.lower_ in ("when", "after", "before") for g in c.children)
        for c in verb.children
    )
    return when or any(
        t.like_num and len(t.text) == 4 and t.text[:2] in ("19", "20") for t in s.doc
    )


def _names_origin(word: Token) -> bool:
    """ "six former Soviet states": "former" qualifies the name after it (the states'
    origin), not the figure."""
    nxt = word.nbor(1) if word.i + 1 < len(word.doc) else None
    return word.lower_ == "former" and nxt is not None and nxt.text[:1].isupper()


def _past_figure(s: Sentence, noun: Token, number: Token) -> bool:
    """ "up from 24", "the eight founding members", "seventeen signed in 2024", "the
    three signatories were allies then"."""
    verb = noun.head if noun.dep_ != "pobj" else noun.head.head
    if verb.pos_ in ("VERB", "AUX") and _dated_past(s, verb):
        return True
    past = s.vocab["past_count_adjectives"]
    if any(
        (c.lemma_.lower() in past or c.lower_ in past) and not _names_origin(c)
        for c in noun.children
        if c.dep_ in ("amod", "compound")
    ):
        return True
    for t in (number, noun):
        h = t.head
        if (h.dep_ == "prep" and h.lower_ in ("from",)) or (
            t.dep_ == "pobj" and t.head.lower_ == "from"
        ):
            return True
    if noun.dep_ != "nsubj":
        return False
    # "seventeen signed", and "all three signatories were members of ...": a figure
    # that joined, left or was something then describes the past
    if _signed_so_far(s, noun.head):
        return False
    return noun.head.lemma_.lower() in s.vocab["join_verbs"] | s.vocab["leave_verbs"] or (
        noun.head.lemma_ == "be" and noun.head.tag_ == "VBD"
    )


def member_count(s: Sentence) -> Iterator[RawClaim]:
    """A figure attached to a member noun of a coalition: "the ILRS has 17 members",
    "NATO's 32 member states", "bringing the total to 50"."""
    seen: set[int] = set()
    for tok in s.tokens():
        slot = s.slot(tok)
        if slot is None or slot.kind != "quantity" or slot.quantity is None or id(slot) in seen:
            continue
        noun = tok.head if tok.dep_ in ("nummod", "quantmod", "compound", "amod") else None
        while noun is not None and noun.dep_ in ("nummod", "quantmod") and noun.head is not noun:
            noun = noun.head
        if (
            noun is not None
            and noun.lemma_.lower() in s.vocab["member_nouns"] | s.vocab["group_nouns"]
        ):
            coalition = _count_coalition(s, noun)
            if coalition is None or _past_figure(s, noun, tok) or slot.quantity.low in (0, 1):
                continue
            seen.add(id(slot))
            yield _count(s, tok, coalition, slot.quantity, _count_mood(s, noun))
        elif _numbers(tok):
            # "signatories to the accords now number 58", "members now total 22"
            coalition = _counted_subject(s, tok.head)
            if coalition and not _dated_past(s, tok.head):
                seen.add(id(slot))
                yield _count(s, tok, coalition, slot.quantity, s.modality(tok.head))
        elif (
            tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.head.lemma_.lower() in _HAVE
        ):
            verb = tok.head.head
            totals = [o for o in s.objects(verb) if o.lemma_.lower() in _TOTALS]
            # "the number of signatories has risen to 56": the total is the subject
            totals += [
                t for t in verb.children if t.dep_ == "nsubj" and t.lemma_.lower() in _TOTALS
            ]
            for o in totals:
                coalition = s.coalition_in(o) or _count_total_of(s, o, verb)
                if coalition and not _dated_past(s, verb):
                    seen.add(id(slot))
                    yield _count(s, tok, coalition, slot.quantity, s.modality(verb))
                    break


_TOTALS = frozenset(["total", "number", "tally", "membership", "count", "roster", "ranks"])
_NUMBER_VERBS = frozenset(["number", "total"])


def _numbers(figure: Token) -> bool:
    """The figure is what a "number" or "total" verb says."""
    verb = figure.head
    return (
        figure.dep_ in ("nummod", "dobj", "npadvmod", "attr")
        and verb.pos_ == "VERB"
        and verb.lemma_.lower() in _NUMBER_VERBS
    )


def _counted_subject(s: Sentence, verb: Token) -> str | None:
    """The coalition whose members are the subject of "number" or "total"."""
    for subj in [*s.subjects(verb), *(c for c in verb.children if c.dep_ == "nsubj")]:
        if subj.lemma_.lower() in s.vocab["member_nouns"]:
            hit = s.coalition_in(subj)
            if hit:
                return hit
    return None


def _count_mood(s: Sentence, noun: Token) -> Modality:
    """A figure the verb states ("has 17 members", "will shrink to 12 nations") takes
    the verb's modality; one that describes a noun ("the 31-member group") is asserted
    whatever the sentence then does with the group."""
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "to":
        head = head.head
    elif noun.dep_ not in ("dobj", "attr", "nsubj", "nsubjpass"):
        return "asserted"
    return s.modality(head) if head.pos_ in ("VERB", "AUX") else "asserted"


def _count_total_of(s: Sentence, total: Token, verb: Token) -> str | None:
    """ "bringing the total number of signatories to 50": a total of members, of the
    coalition the sentence's join is about; "the number of signatories to the accords":
    of the coalition the members belong to."""
    members = s.vocab["member_nouns"] | s.vocab["group_nouns"]
    for t in total.subtree:
        if t is not total and t.lemma_.lower() in s.vocab["member_nouns"]:
            owner = s.coalition_in(t)
            if owner:
                return owner
    if not any(t.lemma_.lower() in members for t in total.subtree) and total.lemma_ != "membership":
        head = verb.head if verb.dep_ in ("advcl", "conj", "xcomp") else None
        if head is None or head.lemma_.lower() not in s.vocab["join_verbs"]:
            return None
        hits = object_coalitions(s, head, ("to",))
        return hits[0] if hits else None
    for t in total.subtree:
        hit = s.coalitions_of(t)
        if hit:
            return hit[0]
    coalitions = {
        a
        for slot in s.masked.slots.values()
        if slot.kind == "actor"
        for a in [slot.actor]
        if s.is_coalition(a)
    }
    return next(iter(coalitions)) if len(coalitions) == 1 else None


def _count(s: Sentence, tok: Token, coalition: str, q: Quantity, mood: Modality) -> RawClaim:
    return _claim(s, tok, "member_count", mood, coalition=coalition, quantity=q)
