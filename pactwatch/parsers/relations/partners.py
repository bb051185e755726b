"""Partnerships formed and ended, read from the tree: a partnership needs a relation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pactwatch.parsers.model import Modality
from pactwatch.parsers.raw import RawClaim
from pactwatch.parsers.relations._common import (
    _partner_claims,
    _topic,
    charter_of,
    object_coalitions,
    purpose_coalitions,
    signs,
)
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
        if _no_longer(v):
            # "will no longer cooperate with ESA": the cooperation ends, as of now
            mood: Modality = (
                "hedged"
                if any(c.dep_ == "aux" and c.lower_ in _DOUBT for c in v.children)
                else "asserted"
            )
            yield from _partner_claims(
                s, v, "partnership_ended", s.subject_actors(v), partners, mood, _topic(s, v)
            )
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


# modals that leave an ending open ("may no longer cooperate"); "will" announces it
_DOUBT = frozenset(["may", "might", "could", "would", "should", "can"])


def _no_longer(v: Token) -> bool:
    """ "no longer cooperate", "will not cooperate any longer"."""
    negated = any(n.dep_ == "neg" for n in v.children)
    return any(
        c.dep_ == "advmod"
        and c.lower_ == "longer"
        and (negated or any(g.lower_ in ("no", "any") for g in c.children))
        for c in v.children
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
        if v.lemma_.lower() not in s.vocab["agreement_verbs"] | {"agree"}:
            continue
        # a noun object the parser read as a clause ("signed a minerals deal in ..."), and
        # the agreement "agreed in" or "agreed on"
        objects = [
            c
            for c in v.children
            if c.dep_ in ("dobj", "nsubjpass") or (c.dep_ == "ccomp" and c.pos_ == "NOUN")
        ]
        if v.lemma_.lower() == "agree":
            objects += s.prep_objects(v, ("in", "on", "to"))
        for top in objects:
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
                    *_with_clause_subjects(v),
                ]
                for a in s.actors_of(t)
            ]
            left = s.subject_actors(v) if top.dep_ != "nsubjpass" else []
            if not left and len(partners) == 2:
                left, partners = partners[:1], partners[1:]
            if any(s.is_coalition(a) and not s.is_actor(a) for a in left + partners):
                continue  # signing "the Accords" is a join, read by join_by_verb
            if charter_of(s, n):
                continue  # "will sign the ILRS agreement together": each joins the ILRS
            if not partners and _joins_through(s, n):
                continue  # "agreements to participate in the ILRS": joins (join_by_agreement)
            yield from _partner_claims(
                s, v, "partnership", left, partners, s.modality(v), _topic(s, n, v)
            )


def _with_clause_subjects(verb: Token) -> list[Token]:
    """ "Laos signed an accord with China to take part in ...", parsed as a clause
    "with China to take part": its subject is the with-object."""
    return [
        n
        for c in verb.children
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "with" for m in c.children)
        for n in c.children
        if n.dep_ == "nsubj"
    ]


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
            yield from _cooperation(s, n)
        elif nl in ("partner", "ally") and n.dep_ == "attr" and n.head.lemma_ in ("be", "become"):
            subj = s.subject_actors(n.head)
            partners = [a for t in s.prep_objects(n, ("of", "with")) for a in s.actors_of(t)]
            if any(s.is_coalition(a) for a in subj + partners):
                continue
            yield from _partner_claims(
                s, n.head, "partnership", subj, partners, s.modality(n.head), None
            )


def _cooperation(s: Sentence, n: Token) -> Iterator[RawClaim]:
    """The partnership a cooperation noun forms, wants or is refused."""
    gov = n.head
    # "deepened their cooperation with Egypt" forms a partnership; "their relationship
    # with the EU is bilateral" only describes one, good or bad
    if n.dep_ not in ("dobj", "pobj") or gov is n:
        return
    if gov.lemma_.lower() in s.vocab["end_verbs"]:
        return
    # "sought cooperation with NATO" wants one; "agreed a partnership" forms it
    sought = (
        n.dep_ == "dobj"
        and gov.lemma_.lower() in s.vocab["hedge_verbs"]
        and gov.lemma_.lower() not in s.vocab["cooperation_make_verbs"]
    )
    refused = n.dep_ == "dobj" and s.refuses(gov)  # "restrains US-China engagement"
    if (
        n.dep_ == "dobj"
        and gov.lemma_.lower() not in s.vocab["cooperation_make_verbs"]
        and not (sought or refused)
    ):
        return
    partners = [a for t in s.prep_objects(n, ("with", "between")) for a in s.actors_of(t)]
    owners = [a for c in n.children if c.dep_ == "poss" for a in s.actors_of(c)]
    if gov.lower_ == "in" and n.dep_ == "pobj" and gov.head.pos_ == "VERB":
        # "developed by Bahrain's agency in cooperation with the UAE"
        gov = gov.head
        owners = owners or _agents(s, gov)
    if not owners or any(c.lower_ in ("its", "their") for c in n.children if c.dep_ == "poss"):
        owners = s.subject_actors(gov) if gov.pos_ in ("VERB", "AUX") else owners
    if not partners and not owners and n.dep_ == "dobj":
        # "restrains US-China space engagement" (the verb acts on it; "through EU-China
        # cooperation" only names the channel)
        owners = _hyphen_pair(s, n)
    if not partners and len(owners) != 2:
        return
    mood: Modality = "hedged" if sought and s.modality(gov) == "asserted" else s.modality(gov)
    if refused:
        mood = "negated"
    yield from _partner_claims(s, n, "partnership", owners, partners, mood, _topic(s, n, gov))


def _hyphen_pair(s: Sentence, n: Token) -> list[str]:
    """ "US-China space engagement", "the Sino-Russian partnership": two actors joined by
    a hyphen in front of the cooperation noun."""
    words = [t for t in n.subtree if t.i < n.i]
    if not any(t.text in ("-", "–") for t in words):
        return []
    found = list(dict.fromkeys(a for t in words if (a := s.actor(t))))
    return found if len(found) == 2 else []


def _is_joint(n: Token) -> bool:
    """ "their joint radar project", "a Joint Lunar Polar Exploration mission"."""
    return any(
        t.lower_ == "joint" and t.dep_ in ("amod", "compound") for c in n.lefts for t in c.subtree
    )


_UNDERTAKING_VERBS = frozenset(
    ["sign", "issue", "operate", "run", "fly", "conduct", "hold", "design", "complete"]
)


def _one_thing(v: Token) -> bool:
    """The verb's object is one thing ("a power plant"), not several ("more missiles")."""
    return any(
        c.dep_ == "dobj"
        and c.tag_ in ("NN", "NNP")
        and any(d.dep_ == "det" and d.lower_ in ("a", "an", "the") for d in c.children)
        for c in v.children
    )


def _joint_delivery(s: Sentence, v: Token) -> bool:
    """ "Russia and China will deliver a nuclear reactor to the Moon": one thing that two
    sides build, send or deliver to a place in space is their joint undertaking."""
    if v.lemma_.lower() not in s.vocab["undertake_verbs"] or not _one_thing(v):
        return False
    return any(
        o.dep_ == "pobj" and o.lemma_.lower() in s.vocab["space_destinations"]
        for p in v.children
        if p.dep_ in ("prep", "dative") and p.lower_ in ("to", "on", "onto", "around", "into")
        for o in p.children
    )


def _shared_commitment(s: Sentence, v: Token) -> bool:
    """ "Moscow and Beijing have pledged to build a power plant on the Moon": `v` is an
    undertaking its governor's subjects commit to together, one thing built by both (a
    plural object, "vowed to build more missiles", is each side's own)."""
    return (
        _one_thing(v)
        and v.dep_ == "xcomp"
        and v.lemma_.lower() in s.vocab["undertake_verbs"]
        and v.head.lemma_.lower() in s.vocab["commit_verbs"]
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children)
    )


def acting_together(s: Sentence) -> Iterator[RawClaim]:
    """Two actors do one thing jointly or together, or commit to it together: "Japan and
    India will jointly build a rover", "KASI and NASA agreed to fly a magnetometer
    together", "Moscow and Beijing have pledged to build a power plant on the Moon". More
    than two sides is a multilateral act, not stated pairs."""
    for v in s.tokens():
        # a fronted "Together, A and B account for half" adds figures, it acts on nothing
        jointly = any(
            c.dep_ == "advmod" and (c.lower_ == "jointly" or (c.lower_ == "together" and c.i > v.i))
            for c in v.children
        )
        if v.pos_ != "VERB" or not (jointly or _shared_commitment(s, v) or _joint_delivery(s, v)):
            continue
        if v.lemma_.lower() in s.vocab["end_verbs"] | s.vocab["leave_verbs"]:
            continue
        if signs(s, v) and object_coalitions(s, v):
            continue  # "will sign the ILRS agreement together": each joins the coalition
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
            owners += [a for a in _vehicle_owners(s, t) if a not in owners]
        owners = [o for o in owners if o]
        if not owners:
            continue
        yield from _partner_claims(
            s, v, "partnership", s.subject_actors(v), owners, s.modality(v), None
        )


_VEHICLES = frozenset(
    ["mission", "spacecraft", "lander", "orbiter", "probe", "station", "rocket", "module"]
)


def _vehicle_owners(s: Sentence, noun: Token) -> list[str]:
    """ "China's lunar missions", "its Tiangong space station", "a Chinese lander": the
    country or agency a mission or vehicle belongs to."""
    if noun.lemma_.lower() not in _VEHICLES:
        return []
    return [
        a
        for c in noun.children
        if c.dep_ in ("poss", "amod", "compound", "nmod")
        for a in s.actors_of(c)
        if not s.is_coalition(a) or s.is_actor(a)
    ]


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
        payloads = [
            c
            for c in v.children
            if c.dep_ == "dobj" and c.lemma_.lower() in s.vocab["payload_nouns"]
        ]
        sources = [
            a for c in payloads for t in s.prep_objects(c, ("from",)) for a in s.actors_of(t)
        ]
        # "to launch a Pakistani astronaut on its space station": the payload's nationality
        sources += [a for c in payloads for a in s.demonyms(c) if a not in sources]
        if not sources:
            continue
        owners = _mission_owners(s, (u for t in s.subjects(v) for u in t.subtree))
        if not owners:
            everywhere = _mission_owners(s, s.tokens())
            owners = everywhere if len(everywhere) == 1 else []
        if not owners:
            # the one who launches it on its own vehicle
            on = [
                *s.prep_objects(v, ("on", "aboard", "to")),
                *(o for c in payloads for o in s.prep_objects(c, ("on", "aboard", "to"))),
            ]
            if any(o.lemma_.lower() in _VEHICLES for o in on):
                owners = [a for a in s.subject_actors(v) if a not in sources]
        yield from _partner_claims(s, v, "partnership", owners, sources, s.modality(v), None)


def _ends(s: Sentence, v: Token) -> bool:
    """An ending verb ("suspended", "dropped") or verb and particle ("wound down")."""
    if v.pos_ not in ("VERB", "AUX"):
        return False
    lemma = v.lemma_.lower()
    if lemma in s.vocab["end_verbs"]:
        return True
    return s.phrasal(v, "end")


def _ended_things(s: Sentence, v: Token) -> list[Token]:
    """What an ending verb ends: its objects, and what a dropped plan was for ("dropped
    plans for a joint Venus mission with NASA")."""
    out: list[Token] = []
    for n in s.objects(v):
        out.append(n)
        if n.lemma_.lower() in s.vocab["hedge_nouns"]:
            out += [o for o in s.prep_objects(n, ("for",)) if _is_joint(o)]
    return out


def partnership_ended(s: Sentence) -> Iterator[RawClaim]:
    """Subject ends, suspends or severs its cooperation with someone; a bloc suspends a member."""
    for v in s.tokens():
        if not _ends(s, v):
            continue
        mood = s.modality(v)
        subj = s.subject_actors(v)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
        for n in _ended_things(s, v):
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
                    s, v, "partnership_ended", owners, partners, mood, _topic(s, n, v)
                )
            elif not passive and s.actors_of(n) and any(s.is_coalition(a) for a in subj):
                blocs = [a for a in subj if s.is_coalition(a)]
                yield from _partner_claims(
                    s, v, "partnership_ended", blocs, s.actors_of(n), mood, None
                )
        if passive:
            blocs = [a for t in s.prep_objects(v, ("from", "by")) for a in s.coalitions_of(t)]
            yield from _partner_claims(s, v, "partnership_ended", subj, blocs, mood, None)


def participation_ended(s: Sentence) -> Iterator[RawClaim]:
    """ "ESA won't be part of subsequent Chinese lunar missions", "ESA also canceled
    sending astronauts to China's space station": no longer taking part in another's
    missions ends the cooperation with their owner."""
    for v in s.tokens():
        owners: list[str] = []
        if v.lemma_ == "be" and any(c.dep_ == "neg" for c in v.children):
            for part in (c for c in v.children if c.dep_ == "attr" and c.lemma_ == "part"):
                owners += [a for o in s.prep_objects(part, ("of",)) for a in _vehicle_owners(s, o)]
        elif _ends(s, v):
            for g in v.children:
                if g.dep_ != "xcomp" or g.tag_ != "VBG":
                    continue
                if g.lemma_.lower() not in s.vocab["carry_verbs"] | s.vocab["undertake_verbs"]:
                    continue
                places = [
                    o
                    for x in [g, *s.objects(g)]
                    for p in x.children
                    if p.dep_ in ("prep", "dative") and p.lower_ in ("to", "on", "aboard")
                    for o in p.children
                    if o.dep_ == "pobj"
                ]
                owners += [a for o in places for a in _vehicle_owners(s, o)]
        if not owners:
            continue
        mood: Modality = "hedged" if s.modality(v) == "hedged" and _ends(s, v) else "asserted"
        yield from _partner_claims(
            s, v, "partnership_ended", s.subject_actors(v), owners, mood, None
        )


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
