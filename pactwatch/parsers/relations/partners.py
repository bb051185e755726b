"""Partnerships formed and ended, read from the tree: a partnership needs a relation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pactwatch.parsers.model import Modality
from pactwatch.parsers.relations._common import _partner_claims, _topic, purpose_coalitions
from pactwatch.parsers.rule_parts import RawClaim
from pactwatch.parsers.tree import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Token


# ---- partnerships ------------------------------------------------------------


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
            s,
            v,
            "partnership",
            s.subject_actors(v),
            partners,
            _cooperation_mood(s, v),
            _topic(s, v),
        )


def _cooperation_mood(s: Sentence, verb: Token) -> Modality:
    """ "Sweden and Japan agreed to cooperate": the agreement is the partnership, so it
    stands as the agreement does (asserted, or hedged and negated with it)."""
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() == "agree":
        return s.modality(verb.head)
    return s.modality(verb)


def _joins_through(s: Sentence, agreement: Token) -> bool:
    """The agreement's purpose is taking part in a coalition."""
    return any(purpose_coalitions(s, c) for c in agreement.children)


_QUANTIFIERS = frozenset(["number", "series", "raft", "host", "string", "couple", "pair", "set"])


def _counted(s: Sentence, noun: Token) -> Token:
    """ "a series of agreements" is agreements."""
    if noun.lemma_.lower() in _QUANTIFIERS:
        inner = s.prep_objects(noun, ("of",))
        if inner:
            return inner[0]
    return noun


def partnership_by_agreement(s: Sentence) -> Iterator[RawClaim]:
    """Subject signs an agreement, MoU or deal with someone (or two subjects sign one)."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["agreement_verbs"]:
            continue
        for top in (c for c in v.children if c.dep_ in ("dobj", "nsubjpass")):
            n = _counted(s, top)
            if n.lemma_.lower() not in s.vocab["agreement_nouns"]:
                continue
            # "a memorandum of understanding with Egypt", "trade deals, including with
            # Australia": the with-phrase may hang anywhere inside the noun phrase
            inside = [
                t
                for t in top.subtree
                if (t.pos_ in ("NOUN", "PROPN") and not s.actor(t)) or t.lower_ == "including"
            ]
            partners = [
                a
                for t in [
                    *(o for x in inside for o in s.prep_objects(x, ("with", "between"))),
                    *s.prep_objects(v, ("with",)),
                ]
                for a in s.actors_of(t)
            ]
            left = s.subject_actors(v) if top.dep_ == "dobj" else []
            if not left and len(partners) == 2:
                left, partners = partners[:1], partners[1:]
            if any(s.is_coalition(a) and not s.is_actor(a) for a in left + partners):
                continue  # signing "the Accords" is a join, read by join_by_verb
            if not partners and _joins_through(s, n):
                continue  # "agreements to participate in the ILRS": joins (join_by_agreement)
            yield from _partner_claims(
                s, v, "partnership", left, partners, s.modality(v), _topic(s, n, v)
            )


def _agents(s: Sentence, verb: Token) -> list[str]:
    """The by-phrase of a passive verb: "developed by Bahrain's agency"."""
    return [
        a
        for c in verb.children
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by")
        for o in c.children
        if o.dep_ == "pobj"
        for a in s.actors_of(o)
    ]


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
            # "sought cooperation with NATO" wants one; "agreed a partnership" forms it
            sought = (
                n.dep_ == "dobj"
                and gov.lemma_.lower() in s.vocab["hedge_verbs"]
                and gov.lemma_.lower() not in s.vocab["cooperation_make_verbs"]
            )
            if (
                n.dep_ == "dobj"
                and gov.lemma_.lower() not in s.vocab["cooperation_make_verbs"]
                and not sought
            ):
                continue
            partners = [a for t in s.prep_objects(n, ("with", "between")) for a in s.actors_of(t)]
            owners = [a for c in n.children if c.dep_ == "poss" for a in s.actors_of(c)]
            if gov.lower_ == "in" and n.dep_ == "pobj" and gov.head.pos_ == "VERB":
                # "developed by Bahrain's agency in cooperation with the UAE"
                gov = gov.head
                owners = owners or _agents(s, gov)
            if not owners or any(
                c.lower_ in ("its", "their") for c in n.children if c.dep_ == "poss"
            ):
                owners = s.subject_actors(gov) if gov.pos_ in ("VERB", "AUX") else owners
            if not partners and len(owners) != 2:
                continue
            mood = "hedged" if sought and s.modality(gov) == "asserted" else s.modality(gov)
            yield from _partner_claims(s, n, "partnership", owners, partners, mood, _topic(s, n))
        elif nl in ("partner", "ally") and n.dep_ == "attr" and n.head.lemma_ in ("be", "become"):
            subj = s.subject_actors(n.head)
            partners = [a for t in s.prep_objects(n, ("of", "with")) for a in s.actors_of(t)]
            if any(s.is_coalition(a) for a in subj + partners):
                continue
            yield from _partner_claims(
                s, n.head, "partnership", subj, partners, s.modality(n.head), None
            )


def _is_joint(n: Token) -> bool:
    """ "their joint radar project", "a Joint Lunar Polar Exploration mission"."""
    return any(
        t.lower_ == "joint" and t.dep_ in ("amod", "compound") for c in n.lefts for t in c.subtree
    )


_UNDERTAKING_VERBS = frozenset(
    ["sign", "issue", "operate", "run", "fly", "conduct", "hold", "design", "complete"]
)


def acting_together(s: Sentence) -> Iterator[RawClaim]:
    """Two actors do one thing jointly or together: "Japan and India will jointly build a
    rover", "KASI and NASA agreed to fly a magnetometer together". More than two sides
    is a multilateral act, not stated pairs."""
    for v in s.tokens():
        # a fronted "Together, A and B account for half" adds figures, it acts on nothing
        if v.pos_ != "VERB" or not any(
            c.dep_ == "advmod" and (c.lower_ == "jointly" or (c.lower_ == "together" and c.i > v.i))
            for c in v.children
        ):
            continue
        if v.lemma_.lower() in s.vocab["end_verbs"] | s.vocab["leave_verbs"]:
            continue
        sides = list(dict.fromkeys(s.subject_actors(v)))
        if len(sides) != 2 or any(s.is_coalition(a) and not s.is_actor(a) for a in sides):
            continue
        yield from _partner_claims(
            s, v, "partnership", sides[:1], sides[1:], _cooperation_mood(s, v), None
        )


# Status short of membership that is a partnership with the coalition (DESIGN section 4);
# candidate or applicant status is a step towards joining, not a partnership.
_PARTNER_STATUS = frozenset(["partner", "observer", "dialogue", "associate"])
_STATUS_VERBS = frozenset(["grant", "give", "award", "receive", "obtain", "gain", "get", "win"])


def partnership_by_status(s: Sentence) -> Iterator[RawClaim]:
    """Partner or observer status with a coalition: "Egypt was granted observer status in
    APSCO", "Nigeria became a BRICS partner country", "opting for partner status"."""
    for n in s.tokens():
        if not _partner_status(n):
            continue
        coalitions = s.coalitions_of(n) or [
            a
            for t in s.prep_objects(n, ("in", "at", "of", "with", "to"))
            for a in s.coalitions_of(t)
        ]
        found = s.coalition_in(n)
        if found and found not in coalitions:
            coalitions.append(found)
        verb = n.head
        if n.dep_ == "pobj" and verb.dep_ == "prep":
            verb = verb.head  # "opting for partner status"
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        coalitions += [
            a
            for t in s.prep_objects(verb, ("in", "at", "with", "to"))
            for a in s.coalitions_of(t)
            if a not in coalitions
        ]
        holders = s.subject_actors(verb) or [
            a for c in verb.children if c.dep_ == "dobj" for a in s.actors_of(c)
        ]
        if not coalitions and s.main and verb.lemma_.lower() != "become":
            coalitions = [s.main]
        for c in coalitions[:1]:
            yield from _partner_claims(
                s, n, "partnership", [h for h in holders if h != c], [c], s.modality(verb), None
            )


def _partner_status(n: Token) -> bool:
    """ "observer status", "partner status", "a BRICS partner country"."""
    if n.pos_ not in ("NOUN", "PROPN"):
        return False
    words = {c.lemma_.lower() for c in n.children if c.dep_ in ("compound", "amod")}
    if n.lemma_.lower() == "status":
        return bool(words & _PARTNER_STATUS)
    return n.lemma_.lower() in ("country", "nation", "state") and "partner" in words


def joint_undertaking(s: Sentence) -> Iterator[RawClaim]:
    """A joint mission or project names its sides: "a joint lunar mission between ISRO
    and JAXA"; "NASA and ISRO scheduled the launch of their joint satellite"."""
    for n in s.tokens():
        if n.pos_ not in ("NOUN", "PROPN") or not _is_joint(n):
            continue
        sides = [a for t in s.prep_objects(n, ("between",)) for a in s.actors_of(t)]
        verb = next((a for a in n.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if (
            not sides
            and verb is not None
            and (
                any(c.dep_ == "poss" and c.lower_ == "their" for c in n.children)
                # "Australia and Japan have launched a joint programme": the two that
                # launched, signed or run it are its sides
                or verb.lemma_.lower() in s.vocab["cooperation_make_verbs"] | _UNDERTAKING_VERBS
            )
        ):
            sides = s.subject_actors(verb)
        if verb is not None and verb.lemma_.lower() in s.vocab["end_verbs"]:
            continue  # "halted their joint operation": an end, read by partnership_ended
        sides = list(dict.fromkeys(sides))
        if len(sides) != 2:
            continue  # three or more sides: a multilateral act, not stated pairs
        mood = s.modality(verb) if verb is not None else "asserted"
        yield from _partner_claims(s, n, "partnership", sides[:1], sides[1:], mood, None)


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


def _mission_owners(s: Sentence, toks: Iterable[Token]) -> list[str]:
    owners: list[str] = []
    for u in toks:
        slot = s.slot(u)
        if slot is not None and slot.kind == "mission" and slot.actor and slot.actor not in owners:
            owners.append(slot.actor)
    return owners


def payload_from_abroad(s: Sentence) -> Iterator[RawClaim]:
    """A mission carries another country's payload: "the Chang'e-6 lander includes
    instruments from France and Italy, while the orbiter carries a satellite from
    Pakistan". The mission's owner partners with the payload's."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["carry_verbs"] or v.pos_ != "VERB":
            continue
        sources = [
            a
            for c in v.children
            if c.dep_ == "dobj" and c.lemma_.lower() in s.vocab["payload_nouns"]
            for t in s.prep_objects(c, ("from",))
            for a in s.actors_of(t)
        ]
        if not sources:
            continue
        owners = _mission_owners(s, (u for t in s.subjects(v) for u in t.subtree))
        if not owners:
            everywhere = _mission_owners(s, s.tokens())
            owners = everywhere if len(everywhere) == 1 else []
        yield from _partner_claims(s, v, "partnership", owners, sources, s.modality(v), None)


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
            if nl in s.vocab["cooperation_nouns"] | s.vocab["agreement_nouns"] | {
                "membership"
            } or _is_joint(n):
                partners = [
                    a
                    for t in [
                        *s.prep_objects(n, ("with", "between")),
                        *s.prep_objects(v, ("with",)),
                    ]
                    for a in s.actors_of(t)
                ]
                if nl in ("tie", "ties", "relation", "relations"):
                    # severing ties with a coalition is leaving it (DESIGN section 4), which
                    # the leave readers report; ties end between states and agencies
                    partners = [a for a in partners if not s.is_coalition(a)]
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


def partnership_ended_by_noun(s: Sentence) -> Iterator[RawClaim]:
    """An end noun over a cooperation: "announced the severance of diplomatic relations
    with Taiwan", "the suspension of its cooperation with Roscosmos"."""
    for n in s.tokens():
        if n.lemma_.lower() not in s.vocab["end_nouns"] or n.pos_ != "NOUN":
            continue
        for coop in s.prep_objects(n, ("of",)):
            if coop.lemma_.lower() not in s.vocab["cooperation_nouns"]:
                continue
            partners = [
                a for t in s.prep_objects(coop, ("with", "between")) for a in s.actors_of(t)
            ]
            owners = [a for c in n.children if c.dep_ == "poss" for a in s.actors_of(c)]
            gov = n.head
            if not owners and gov.pos_ in ("VERB", "AUX") and n.dep_ in ("dobj", "nsubjpass"):
                owners = s.subject_actors(gov)
            mood = s.modality(gov) if gov.pos_ in ("VERB", "AUX") else "asserted"
            yield from _partner_claims(
                s, n, "partnership_ended", owners, partners, mood, _topic(s, coop)
            )
