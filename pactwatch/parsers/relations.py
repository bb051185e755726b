"""Claims from the dependency tree of one sentence.

Each rule is a small named function over a parsed `Sentence` (see
`pactwatch.parsers.tree`): it finds a predicate by lemma (vocabulary in
`data/predicates.json`), reads its subject and object from the tree, and yields
`RawClaim`s. The rules run in `RULES` order; `claims_from_tree` merges what
they find (a join with an ordinal absorbs the same join without one).

A partnership needs a relation: a cooperation predicate whose subject and
with-object (or two conjoined subjects) are actors. Countries that merely
appear in one list never pair up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from pactwatch.parsers.model import ClaimKind, Modality
from pactwatch.parsers.numbers import Quantity
from pactwatch.parsers.rule_parts import RawClaim
from pactwatch.parsers.tree import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["RULES", "claims_from_tree"]

Rule = Callable[[Sentence], Iterator[RawClaim]]


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


# ---- joins -----------------------------------------------------------------


def _status_of(s: Sentence, verb: Token) -> bool:
    """ "joined BRICS as a partner country": partner, observer or candidate status."""
    for p in verb.children:
        if p.dep_ == "prep" and p.lower_ == "as":
            for o in p.children:
                words = {o.lemma_.lower(), *(c.lemma_.lower() for c in o.children)}
                if words & s.vocab["status_nouns"]:
                    return True
    return False


def join_by_verb(s: Sentence) -> Iterator[RawClaim]:
    """Subject joins, signs or accedes to a coalition. "Egypt and Iran joined BRICS"."""
    for v in s.tokens():
        lemma = v.lemma_.lower()
        if lemma not in s.vocab["join_verbs"] or v.pos_ not in ("VERB", "AUX"):
            continue
        coalitions = [a for t in s.objects(v, ("to", "onto", "into")) for a in s.coalitions_of(t)]
        if not coalitions:
            continue
        joiners = [a for a in s.subject_actors(v) if a not in coalitions]
        mood = s.modality(v)
        if _status_of(s, v):
            continue  # partner or observer status is not membership (DESIGN section 4)
        for coalition in coalitions:
            for actor in joiners:
                yield _claim(s, v, "joined", mood, coalition=coalition, actor=actor)


def _restricted(s: Sentence, noun: Token) -> bool:
    """ "the first African nation", "the eighth this year", "under this administration":
    an ordinal within a subset, not the coalition's count."""
    for c in noun.children:
        if c.dep_ in ("amod", "compound") and c.text[:1].isupper() and not s.actor(c):
            return True
        if c.dep_ in ("amod",) and s.actor(c) and not s.is_coalition(s.actor(c)):
            return True  # "the first Arab country"
        if c.dep_ in ("npadvmod",) or (
            c.dep_ == "prep" and c.lower_ in ("in", "under", "from", "since", "this")
        ):
            if (
                c.dep_ == "prep"
                and c.lower_ == "in"
                and any(s.is_coalition(s.actor(o)) for o in c.children)
            ):
                continue
            return True
        if c.dep_ in ("acl", "relcl") and _restricted_clause(c):
            return True
    return False


def _restricted_clause(clause: Token) -> bool:
    """ "... to sign the Accords under this administration / since 2020 / this year"."""
    for g in clause.children:
        if g.dep_ == "npadvmod" or (g.dep_ == "prep" and g.lower_ in ("under", "since", "during")):
            return True
        dated = any(t.like_num or t.lower_ in ("year", "month", "week") for t in g.subtree)
        if g.dep_ == "prep" and g.lower_ == "in" and dated:
            return True
    return False


def _ordinals(s: Sentence, noun: Token) -> list[int]:
    found: list[int] = []
    for c in noun.lefts:
        for t in c.subtree:
            value = s.ordinal(t)
            if value is not None and value not in found:
                found.append(value)
    return found


def _membership_target(s: Sentence, noun: Token) -> str | None:
    """The coalition a member noun belongs to: "member of NATO", "NATO's member",
    "the 41st country to sign the Accords"."""
    found = s.coalition_in(noun)
    if found:
        return found
    for c in noun.children:
        if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in s.vocab["join_verbs"]:
            for t in s.objects(c, ("to", "onto", "into")):
                hits = s.coalitions_of(t)
                if hits:
                    return hits[0]
    return None


def _xcomp_target(s: Sentence, verb: Token) -> str | None:
    """ "became the ninth country to join the ILRS", parsed with "to join" on the verb."""
    for c in verb.children:
        if c.dep_ in ("xcomp", "advcl") and c.lemma_.lower() in s.vocab["join_verbs"]:
            for t in s.objects(c, ("to", "onto", "into")):
                hits = s.coalitions_of(t)
                if hits:
                    return hits[0]
    return None


def _becoming_target(s: Sentence, verb: Token, noun: Token) -> str | None:
    """The coalition of "became a member of X" / "the ninth country to join X", or None
    when the noun is no member noun, or a plain "country" with nothing to join."""
    nl = noun.lemma_.lower()
    if nl not in s.vocab["member_nouns"] | s.vocab["group_nouns"]:
        return None
    coalition = _membership_target(s, noun) or _xcomp_target(s, verb)
    if coalition is None or nl in s.vocab["member_nouns"] or _xcomp_target(s, verb):
        return coalition
    if any(c.dep_ in ("acl", "relcl") for c in noun.children):
        return coalition
    if s.coalition_in(noun) and nl in ("country", "nation", "state"):
        return coalition
    return None


def join_by_becoming(s: Sentence) -> Iterator[RawClaim]:
    """Subject becomes (or, with an ordinal, is) a member or signatory of a coalition.
    "Sweden became NATO's 32nd member"; "Peru is the 41st nation to sign the Accords"."""
    for v in s.tokens():
        lemma = v.lemma_.lower()
        if lemma not in s.vocab["become_verbs"] and lemma != "be":
            continue
        for noun in (c for c in v.children if c.dep_ in ("attr", "oprd", "acomp")):
            nl = noun.lemma_.lower()
            coalition = _becoming_target(s, v, noun)
            if coalition is None:
                continue
            status = nl in s.vocab["status_nouns"] or any(
                c.lemma_.lower() in s.vocab["status_nouns"]
                for c in noun.children
                if c.dep_ in ("compound", "amod")
            )
            joiners = [a for a in s.subject_actors(v) if a != coalition]
            if not joiners:
                continue
            restricted = (
                _restricted(s, noun)
                or any(_restricted_clause(c) for c in v.children if c.dep_ in ("xcomp", "advcl"))
                or any(
                    t.dep_ == "npadvmod" and t.lemma_ in ("year", "month", "week", "decade")
                    for t in v.subtree
                )
            )
            ordinals = [] if restricted else _ordinals(s, noun)
            if lemma == "be" and not ordinals:
                continue
            mood = s.modality(v)
            if status:
                continue  # "became a BRICS partner country": not membership
            if len(ordinals) == len(joiners) > 1 and "respectively" in s.doc.text.lower():
                for actor, ordinal in zip(joiners, ordinals, strict=True):
                    yield _claim(
                        s, v, "joined", mood, coalition=coalition, actor=actor, ordinal=ordinal
                    )
                continue
            single = ordinals[0] if len(ordinals) == 1 and len(joiners) == 1 else None
            for actor in joiners:
                yield _claim(s, v, "joined", mood, coalition=coalition, actor=actor, ordinal=single)


def join_by_admission(s: Sentence) -> Iterator[RawClaim]:
    """A coalition admits a member: "Timor-Leste was admitted to ASEAN", "NATO welcomed Finland"."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["join_passive_verbs"]:
            continue
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
        targets = [a for t in s.prep_objects(v, ("to", "into", "in")) for a in s.coalitions_of(t)]
        as_member = any(
            o.lemma_.lower() in s.vocab["member_nouns"] for o in s.prep_objects(v, ("as",))
        )
        if passive:
            members = [a for a in s.subject_actors(v) if not s.is_coalition(a) or a in ("esa",)]
            coalitions = targets or [
                a for t in s.prep_objects(v, ("by",)) for a in s.coalitions_of(t)
            ]
        else:
            subj = s.subject_actors(v)
            coalitions = targets or [a for a in subj if s.is_coalition(a)]
            members = [a for t in s.objects(v) for a in s.actors_of(t) if a not in coalitions]
        if not coalitions or not members:
            continue
        if v.lemma_.lower() in ("welcome", "accept", "approve") and not (targets or as_member):
            continue
        mood = s.modality(v)
        for c in coalitions:
            for m in members:
                if m != c:
                    yield _claim(s, v, "joined", mood, coalition=c, actor=m)


# ---- departures --------------------------------------------------------------


def leave_by_verb(s: Sentence) -> Iterator[RawClaim]:
    """Subject leaves, quits, withdraws or pulls out of a coalition; or is expelled."""
    for v in s.tokens():
        lemma = v.lemma_.lower()
        phrasal = s.vocab.phrasal.get(lemma)
        is_phrasal = phrasal is not None and any(
            c.dep_ == "prt" and c.lower_ == phrasal for c in v.children
        )
        if lemma not in s.vocab["leave_verbs"] | s.vocab["leave_passive_verbs"] and not is_phrasal:
            continue
        if lemma in s.vocab["leave_passive_verbs"]:
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
            coalitions = [a for t in s.prep_objects(v, ("from",)) for a in s.coalitions_of(t)]
            if passive:
                leavers = s.subject_actors(v)
            else:
                coalitions = coalitions or [a for a in s.subject_actors(v) if s.is_coalition(a)]
                leavers = [a for t in s.objects(v) for a in s.actors_of(t)]
        else:
            objs = s.objects(v, ("from", "of"))
            coalitions = [a for t in objs for a in s.coalitions_of(t)]
            leavers = s.subject_actors(v)
        mood = s.modality(v)
        for c in coalitions:
            for who in leavers:
                if who != c:
                    yield _claim(s, v, "left", mood, coalition=c, actor=who)


def leave_by_noun(s: Sentence) -> Iterator[RawClaim]:
    """ "Russia's withdrawal from the treaty", "announced its exit from OPEC": a departure
    named as a noun; finished only when the governing verb says so."""
    for n in s.tokens():
        if n.lemma_.lower() not in ("withdrawal", "exit", "departure", "pullout", "secession"):
            continue
        coalitions = [a for t in s.prep_objects(n, ("from", "of")) for a in s.coalitions_of(t)]
        if not coalitions:
            continue
        leavers = [a for c in n.children if c.dep_ == "poss" for a in s.actors_of(c)]
        gov = n.head
        if not leavers and gov.pos_ in ("VERB", "AUX"):
            leavers = s.subject_actors(gov)
        if not leavers:
            continue
        done = gov.lemma_.lower() in (
            "complete",
            "finalise",
            "finalize",
            "formalise",
            "formalize",
            "take",
        )
        mood: Modality = s.modality(gov) if gov.pos_ in ("VERB", "AUX") else "asserted"
        if mood == "asserted" and not done:
            mood = "hedged"
        for c in coalitions:
            for who in leavers:
                if who != c:
                    yield _claim(s, n, "left", mood, coalition=c, actor=who)


# ---- partnerships ------------------------------------------------------------


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


def partnership_by_verb(s: Sentence) -> Iterator[RawClaim]:
    """Subject cooperates, partners or teams up with someone: "China will cooperate with Russia"."""
    for v in s.tokens():
        lemma = v.lemma_.lower()
        needs_with = lemma in s.vocab["partner_verbs_need_with"]
        if lemma not in s.vocab["partner_verbs"] and not needs_with:
            continue
        if v.pos_ not in ("VERB", "AUX"):
            continue
        partners = [
            a
            for t in s.objects(v, ("with", "alongside"))
            if t.dep_ == "pobj"
            for a in s.actors_of(t)
        ]
        if needs_with and not partners:
            continue
        if lemma == "join" and not any(c.lemma_ == "force" for c in v.children if c.dep_ == "dobj"):
            continue
        yield from _partner_claims(
            s, v, "partnership", s.subject_actors(v), partners, s.modality(v), _topic(s, v)
        )


def partnership_by_agreement(s: Sentence) -> Iterator[RawClaim]:
    """Subject signs an agreement, MoU or deal with someone (or two subjects sign one)."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["agreement_verbs"]:
            continue
        for n in (c for c in v.children if c.dep_ in ("dobj", "nsubjpass")):
            if n.lemma_.lower() not in s.vocab["agreement_nouns"]:
                continue
            partners = [
                a
                for t in [*s.prep_objects(n, ("with", "between")), *s.prep_objects(v, ("with",))]
                for a in s.actors_of(t)
            ]
            left = s.subject_actors(v) if n.dep_ == "dobj" else []
            if not left and len(partners) == 2:
                left, partners = partners[:1], partners[1:]
            if any(s.is_coalition(a) and not s.is_actor(a) for a in left + partners):
                continue  # signing "the Accords" is a join, read by join_by_verb
            yield from _partner_claims(
                s, v, "partnership", left, partners, s.modality(v), _topic(s, n, v)
            )


def partnership_by_noun(s: Sentence) -> Iterator[RawClaim]:
    """A cooperation noun with its sides: "deepened their cooperation with Egypt",
    "Pakistan and China have been strategic partners"."""
    for n in s.tokens():
        nl = n.lemma_.lower()
        if nl in s.vocab["cooperation_nouns"]:
            gov = n.head
            # "deepened their cooperation with Egypt" forms a partnership; "their relationship
            # with the EU is bilateral" only describes one, good or bad
            if n.dep_ not in ("dobj", "pobj") or gov is n:
                continue
            if gov.lemma_.lower() in s.vocab["end_verbs"]:
                continue
            if n.dep_ == "dobj" and gov.lemma_.lower() not in s.vocab["cooperation_make_verbs"]:
                continue
            partners = [a for t in s.prep_objects(n, ("with", "between")) for a in s.actors_of(t)]
            owners = [a for c in n.children if c.dep_ == "poss" for a in s.actors_of(c)]
            if not owners or any(
                c.lower_ in ("its", "their") for c in n.children if c.dep_ == "poss"
            ):
                owners = s.subject_actors(gov) if gov.pos_ in ("VERB", "AUX") else owners
            if not partners and len(owners) != 2:
                continue
            yield from _partner_claims(
                s, n, "partnership", owners, partners, s.modality(gov), _topic(s, n)
            )
        elif nl in ("partner", "ally") and n.dep_ == "attr" and n.head.lemma_ in ("be", "become"):
            subj = s.subject_actors(n.head)
            partners = [a for t in s.prep_objects(n, ("of", "with")) for a in s.actors_of(t)]
            if any(s.is_coalition(a) for a in subj + partners):
                continue
            yield from _partner_claims(
                s, n.head, "partnership", subj, partners, s.modality(n.head), None
            )


def payload_on_mission(s: Sentence) -> Iterator[RawClaim]:
    """Subject flies a payload on another country's mission: a partnership with its owner."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["carry_verbs"]:
            continue
        payloads = [
            c
            for c in v.children
            if c.dep_ == "dobj" and c.lemma_.lower() in s.vocab["payload_nouns"]
        ]
        if not payloads:
            continue
        owners: list[str] = []
        for t in [
            *s.prep_objects(v, ("on", "aboard", "onboard")),
            *(o for p in payloads for o in s.prep_objects(p, ("on", "aboard", "onboard"))),
        ]:
            for u in t.subtree:
                slot = s.slot(u)
                if slot is not None and slot.kind == "mission" and slot.actor not in owners:
                    owners.append(slot.actor or "")
        owners = [o for o in owners if o]
        if not owners:
            continue
        yield from _partner_claims(
            s, v, "partnership", s.subject_actors(v), owners, s.modality(v), None
        )


def partnership_ended(s: Sentence) -> Iterator[RawClaim]:
    """Subject ends, suspends or severs its cooperation with someone; a bloc suspends a member."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["end_verbs"] or v.pos_ not in ("VERB", "AUX"):
            continue
        mood = s.modality(v)
        subj = s.subject_actors(v)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
        for n in s.objects(v):
            nl = n.lemma_.lower()
            if nl in s.vocab["cooperation_nouns"] | s.vocab["agreement_nouns"] | {"membership"}:
                partners = [
                    a
                    for t in [
                        *s.prep_objects(n, ("with", "between")),
                        *s.prep_objects(v, ("with",)),
                    ]
                    for a in s.actors_of(t)
                ]
                owners = subj
                if nl == "membership":
                    partners = partners or [
                        a for t in s.prep_objects(n, ("in", "of")) for a in s.actors_of(t)
                    ]
                yield from _partner_claims(
                    s, v, "partnership_ended", owners, partners, mood, _topic(s, n)
                )
            elif not passive and s.actors_of(n) and any(s.is_coalition(a) for a in subj):
                blocs = [a for a in subj if s.is_coalition(a)]
                yield from _partner_claims(
                    s, v, "partnership_ended", blocs, s.actors_of(n), mood, None
                )
        if passive:
            blocs = [a for t in s.prep_objects(v, ("from", "by")) for a in s.coalitions_of(t)]
            yield from _partner_claims(s, v, "partnership_ended", subj, blocs, mood, None)


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
    ]
)


def _count_coalition(s: Sentence, noun: Token) -> str | None:
    """The coalition a counted member noun belongs to ("17 members of the ILRS"); a
    plain country noun counts only as what a coalition has ("NATO has 32 countries")."""
    found = s.coalition_in(noun)
    if found and noun.lemma_.lower() in s.vocab["member_nouns"]:
        return found
    head = noun.head
    if noun.dep_ in ("compound", "amod", "nmod") and s.is_coalition(s.actor(head)):
        return s.actor(head)  # "a 32-nation alliance"
    if noun.dep_ in ("dobj", "attr") and head.lemma_.lower() in _HAVE:
        for a in s.subject_actors(head):
            if s.is_coalition(a):
                return a
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.lemma_.lower() in _HAVE:
        return _grown_to(s, head.head)
    return None


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


def _past_figure(s: Sentence, noun: Token, number: Token) -> bool:
    """ "up from 24", "the eight founding members", "seventeen signed in 2024"."""
    verb = noun.head if noun.dep_ != "pobj" else noun.head.head
    if verb.pos_ in ("VERB", "AUX") and _dated_past(s, verb):
        return True
    past = s.vocab["past_count_adjectives"]
    if any(
        c.lemma_.lower() in past or c.lower_ in past
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
    return noun.dep_ == "nsubj" and (
        noun.head.lemma_.lower() in s.vocab["join_verbs"] | s.vocab["leave_verbs"]
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
            mood = s.modality(noun.head) if noun.head.pos_ in ("VERB", "AUX") else "asserted"
            yield _count(s, tok, coalition, slot.quantity, mood)
        elif (
            tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.head.lemma_.lower() in _HAVE
        ):
            verb = tok.head.head
            for o in s.objects(verb):
                if o.lemma_.lower() not in (
                    "total",
                    "number",
                    "tally",
                    "membership",
                    "count",
                    "roster",
                    "ranks",
                ):
                    continue
                coalition = s.coalition_in(o) or _count_total_of(s, o, verb)
                if coalition and not _dated_past(s, verb):
                    seen.add(id(slot))
                    yield _count(s, tok, coalition, slot.quantity, s.modality(verb))


def _count_total_of(s: Sentence, total: Token, verb: Token) -> str | None:
    """ "bringing the total number of signatories to 50": a total of members, of the
    coalition the sentence's join is about."""
    members = s.vocab["member_nouns"] | s.vocab["group_nouns"]
    if not any(t.lemma_.lower() in members for t in total.subtree) and total.lemma_ != "membership":
        head = verb.head if verb.dep_ in ("advcl", "conj", "xcomp") else None
        if head is None or head.lemma_.lower() not in s.vocab["join_verbs"]:
            return None
        hits = [a for t in s.objects(head, ("to",)) for a in s.coalitions_of(t)]
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


RULES: tuple[Rule, ...] = (
    member_count,
    join_by_verb,
    join_by_becoming,
    join_by_admission,
    leave_by_verb,
    leave_by_noun,
    partnership_by_verb,
    partnership_by_agreement,
    partnership_by_noun,
    payload_on_mission,
    partnership_ended,
)


def claims_from_tree(s: Sentence) -> list[RawClaim]:
    """Every claim the rules read in one parsed sentence, in sentence order."""
    if s.is_question():
        return []
    found = [c for rule in RULES for c in rule(s)]
    with_ordinal = {
        (c.coalition, c.actor, c.modality) for c in found if c.kind == "joined" and c.ordinal
    }
    out: list[RawClaim] = []
    for c in found:
        if (
            c.kind == "joined"
            and c.ordinal is None
            and (c.coalition, c.actor, c.modality) in with_ordinal
        ):
            continue
        out.append(c)
    out.sort(key=lambda c: c.pos)
    return out
