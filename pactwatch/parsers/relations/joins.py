"""Joins and departures read from the tree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pactwatch.parsers.model import Modality
from pactwatch.parsers.raw import RawClaim
from pactwatch.parsers.relations._common import (
    _claim,
    charter_of,
    object_coalitions,
    purpose_coalitions,
    signs,
)
from pactwatch.parsers.tree import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Token


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


# Prepositions that date or list a join rather than naming what was joined.
_NOT_AN_OBJECT = frozenset(
    ["in", "on", "during", "since", "after", "before", "at", "by", "including", "like", "following"]
)


def _implied_coalition(s: Sentence, verb: Token) -> list[str]:
    """ "Laos and Peru signed up in 2023", "six more countries have signed": a join with
    no object, in an article about one coalition, is a join of that coalition (or, with no
    main coalition, of the one coalition the sentence names: "the accords now have 47
    signatories after Switzerland added its name")."""
    main = s.main or _only_coalition(s)
    if main is None:
        return []
    for c in verb.children:
        if c.dep_ == "dobj" and c.lemma_.lower() in s.vocab["signature_nouns"]:
            continue  # "after Switzerland added its name": signed what the article is about
        if c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ not in _NOT_AN_OBJECT):
            return []
    return [main]


def _only_coalition(s: Sentence) -> str | None:
    named = {a for t in s.doc if (a := s.actor(t)) and s.is_coalition(a)}
    return named.pop() if len(named) == 1 else None


def _roster(s: Sentence, verb: Token) -> list[str]:
    """ "six more countries have signed, including Ukraine and Brazil": the members a
    counted subject lists."""
    out: list[str] = []
    for t in [*s.subjects(verb), verb]:
        for o in s.prep_objects(t, ("including", "like")):
            out += [a for a in s.actors_of(o) if not s.is_coalition(a)]
    return list(dict.fromkeys(out))


def _agents(s: Sentence, verb: Token) -> list[str]:
    """ "The accords were signed by Chile and Peru": the passive's by-agents."""
    if not any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return []
    found = [
        a
        for c in verb.children
        if c.dep_ == "agent"
        for o in c.children
        if o.dep_ == "pobj"
        for t in s.group(o)
        for a in s.actors_of(t)
    ]
    return [a for a in dict.fromkeys(found) if not s.is_coalition(a) or s.is_actor(a)]


def _signed_text(s: Sentence, verb: Token) -> list[str]:
    """What a passive join verb's subject names: "the Accords were signed by Chile", or a
    coalition's own text ("the first ILRS cooperation agreement was signed by Pakistan")."""
    found = [a for a in s.subject_actors(verb) if s.is_coalition(a)]
    found += [
        c
        for t in s.subjects(verb)
        if t.dep_ == "nsubjpass" and (c := charter_of(s, t)) and c not in found
    ]
    return found


def _among(s: Sentence, verb: Token) -> list[str]:
    """ "Chile and Peru are among the countries that have signed", "Chile is one of the
    nations that joined": the subject of the "be" that puts them in that group."""
    if verb.dep_ != "relcl":
        return []
    noun = verb.head
    prep = noun.head if noun.dep_ == "pobj" else None
    if prep is None or prep.lower_ not in ("among", "of"):
        return []
    host = prep.head
    if prep.lower_ == "of":
        if host.lower_ != "one" or host.dep_ not in ("attr", "nsubj"):
            return []
        host = host.head
    if host.lemma_ != "be":
        return []
    return [
        a
        for c in host.children
        if c.dep_ == "nsubj"
        for t in s.group(c)
        for a in s.actors_of(t)
        if not s.is_coalition(a)
    ]


def _acts_as_verb(v: Token) -> bool:
    """A verb, or a word the tagger took for a noun that heads a clause of its own
    ("saw India and Pakistan join": "join" with a subject)."""
    return v.pos_ in ("VERB", "AUX") or (
        v.dep_ in ("ccomp", "xcomp", "conj", "advcl") and any(c.dep_ == "nsubj" for c in v.children)
    )


def _colon_roster(s: Sentence, verb: Token) -> list[str]:
    """ "Several members have quit the group: Qatar, Indonesia and Ecuador": a subject
    that only counts ("members", "countries") named by a verbless list after a colon."""
    subjects = s.subjects(verb)
    counted = s.vocab["member_nouns"] | s.vocab["group_nouns"]
    if not subjects or any(t.lemma_.lower() not in counted for t in subjects):
        return []
    colon = next((t for t in s.doc[verb.i + 1 :] if t.text == ":"), None)
    if colon is None:
        return []
    tail = s.doc[colon.i + 1 :]
    if any(t.pos_ in ("VERB", "AUX") for t in tail):
        return []
    found = [a for t in tail for a in [s.actor(t)] if a]
    if not found or any(s.is_coalition(a) for a in found):
        return []
    return list(dict.fromkeys(found))


def join_by_verb(s: Sentence) -> Iterator[RawClaim]:
    """Subject joins, signs or accedes to a coalition. "Egypt and Iran joined BRICS"."""
    for v in s.tokens():
        if not signs(s, v) or not _acts_as_verb(v):
            continue
        signers = _agents(s, v)
        coalitions = (
            _signed_text(s, v) if signers else object_coalitions(s, v) or _implied_coalition(s, v)
        )
        if not coalitions or _status_of(s, v):
            continue  # partner or observer status is not membership (DESIGN section 4)
        made, made_ordinal = _making_ordinal(s, v)
        joiners = (
            signers
            or [a for a in s.subject_actors(v) if a not in coalitions]
            or _among(s, v)
            or _roster(s, v)
            or _colon_roster(s, v)
            or ([made] if made else [])
        )
        mood = s.modality(v)
        ordinal = (
            _appositive_ordinal(s, v)
            or _do_so_ordinal(s, v)
            or _as_ordinal(s, v)
            or (made_ordinal if made in (None, joiners[0]) else None)
            if len(joiners) == 1
            else None
        )
        for coalition in coalitions:
            for actor in joiners:
                yield _claim(
                    s, v, "joined", mood, coalition=coalition, actor=actor, ordinal=ordinal
                )


def _do_so_ordinal(s: Sentence, verb: Token) -> int | None:
    """ "Iceland signed the Accords, becoming the 43rd country to do so"; "... on Tuesday,
    the 44th government to do so"; "joined the Accords, becoming the 19th to sign on": an
    ordinal member noun whose clause repeats the join."""
    counted = s.vocab["member_nouns"] | s.vocab["group_nouns"]
    for noun in verb.subtree:
        if noun.lemma_.lower() not in counted or _restricted(s, noun):
            continue
        repeats = any(
            c.dep_ in ("acl", "relcl")
            and (
                _does_so(c)
                # "becoming the 19th nation to sign on", "the 48th country to sign the
                # US-led principles": the join again, with no object or one that names
                # no other actor
                or (signs(s, c) and not _names_another(s, c, verb))
                # "becoming the 53rd nation to back the principles": endorsing them
                or c.lemma_.lower() in s.vocab["endorse_verbs"]
            )
            for c in noun.children
        ) or (
            # "becoming the 44th country and the fifth this year to do so", with "to do
            # so" hung on "becoming"
            noun.dep_ == "attr"
            and any(
                c.dep_ == "xcomp"
                and (_does_so(c) or (signs(s, c) and not _names_another(s, c, verb)))
                for c in noun.head.children
            )
        )
        found = _ordinals(s, noun) if repeats else []
        if len(found) == 1:
            return found[0]
    return None


def _names_another(s: Sentence, clause: Token, verb: Token) -> bool:
    """The clause's object names an actor other than the coalitions `verb` joins ("to
    sign a deal with Chile")."""
    joined = set(object_coalitions(s, verb) or _implied_coalition(s, verb))
    objects = s.objects(clause, ("to", "onto", "into", "with"))
    objects += [p for o in objects for p in s.prep_objects(o, ("with", "between"))]
    # ("the US-led text": a modifier describes the text, it is no party to it)
    named = [a for o in objects for a in s.actors_of(o) + s.coalitions_of(o)]
    return any(a not in joined for a in named)


def _does_so(clause: Token) -> bool:
    """ "to do so": a clause that repeats the verb before it."""
    return clause.lemma_ == "do" and any(g.lower_ == "so" for g in clause.children)


def _making_ordinal(s: Sentence, verb: Token) -> tuple[str | None, int | None]:
    """ "signed the Accords on Monday, making Ecuador the 40th signatory", "making it the
    45th country to do so": the joiner a "making" participle names (None for a pronoun)
    and the ordinal it gives."""
    for mk in verb.children:
        if mk.dep_ != "advcl" or mk.lemma_ != "make":
            continue
        words = list(mk.subtree)
        repeated = any(_does_so(w) or signs(s, w) for w in words)
        for noun in words:
            lemma = noun.lemma_.lower()
            counted = lemma in s.vocab["member_nouns"] or (
                repeated and lemma in s.vocab["group_nouns"]
            )
            if not counted or _restricted(s, noun):
                continue
            found = _ordinals(s, noun)
            if len(found) != 1:
                continue
            named = [
                a for w in words if w.i < noun.i and (a := s.actor(w)) and not s.is_coalition(a)
            ]
            return (named[0] if len(set(named)) == 1 else None), found[0]
    return None, None


def _as_ordinal(s: Sentence, verb: Token) -> int | None:
    """ "joined NATO in 2023 as the alliance's 31st member": an ordinal member noun the
    join is made as."""
    for noun in s.prep_objects(verb, ("as",)):
        if noun.lemma_.lower() not in s.vocab["member_nouns"] or _restricted(s, noun):
            continue
        found = _ordinals(s, noun)
        if len(found) == 1:
            return found[0]
    return None


def _appositive_ordinal(s: Sentence, verb: Token) -> int | None:
    """ "Finland, the Accords' 53rd signatory, joined ...": an ordinal member noun in
    apposition to the subject."""
    for subj in s.subjects(verb):
        for c in subj.children:
            if c.dep_ != "appos" or c.lemma_.lower() not in s.vocab["member_nouns"]:
                continue
            if _restricted(s, c):
                return None
            found = _ordinals(s, c)
            if len(found) == 1:
                return found[0]
    return None


def _restricted(s: Sentence, noun: Token) -> bool:
    """ "the first African nation", "the eighth this year", "under this administration":
    an ordinal within a subset, not the coalition's count."""
    for c in noun.children:
        if c.dep_ in ("amod", "compound") and c.text[:1].isupper() and not s.actor(c):
            return True
        if c.dep_ in ("amod",) and s.actor(c) and not s.is_coalition(s.actor(c)):
            return True  # "the first Arab country"
        dated = c.dep_ == "npadvmod" and any(
            g.lower_ in ("next", "last", "coming") for g in c.children
        )  # "the 54th signatory next month" dates the join, it does not count a subset
        if (c.dep_ == "npadvmod" and not dated) or (
            c.dep_ == "prep" and c.lower_ in ("in", "under", "from", "since", "this")
        ):
            if (
                c.dep_ == "prep"
                and c.lower_ == "in"
                and any(s.is_coalition(s.actor(o)) for o in c.children)
            ):
                continue
            if _dates_the_join(s, c, noun):
                continue
            return True
        if c.dep_ in ("acl", "relcl") and _restricted_clause(c, s):
            return True
    return False


def _restricted_clause(clause: Token, s: Sentence | None = None) -> bool:
    """ "... to sign the Accords under this administration / since 2020 / this year"."""
    for g in clause.children:
        if g.dep_ == "npadvmod" or (g.dep_ == "prep" and g.lower_ in ("under", "since", "during")):
            return True
        dated = any(t.like_num or t.lower_ in ("year", "month", "week") for t in g.subtree)
        if g.dep_ == "prep" and g.lower_ == "in" and dated:
            if s is not None and _dates_the_join(s, g, clause):
                continue
            return True
    return False


_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


def _dates_the_join(s: Sentence, prep: Token, owner: Token) -> bool:
    """ "the 13th signatory of the Accords in 2022", "the 17th nation to sign the Accords
    in June 2021": a calendar date after the coalition is named dates the join; before
    it ("the fifth country in 2024 to sign") it counts within that year."""
    if prep.lower_ != "in":
        return False
    words = list(prep.subtree)
    calendar = any(
        (t.like_num and len(t.text) == 4 and t.text[:2] in ("19", "20")) or t.lower_ in _MONTHS
        for t in words
    )
    if not calendar or any(t.lower_ in ("this", "same", "that") for t in words):
        return False
    return any(
        s.is_coalition(s.actor(t)) or s.means_main(t)
        for t in owner.subtree
        if t.i < prep.i and t not in words
    )


def _ordinals(s: Sentence, noun: Token) -> list[int]:
    found: list[int] = []
    before = noun.nbor(-1) if noun.i > 0 else None
    if before is not None and before.head == noun.head and before.dep_ == noun.dep_:
        # "the 13th signatory" parsed as two attributes side by side
        value = s.ordinal(before)
        if value is not None:
            found.append(value)
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
        if c.dep_ in ("acl", "relcl") and signs(s, c):
            # "the 15th country to sign on to join the Accords": the join it signs on to
            hits = object_coalitions(s, c) or [
                a
                for x in c.children
                if x.dep_ == "xcomp" and signs(s, x)
                for a in object_coalitions(s, x)
            ]
            if hits:
                return hits[0]
    return None


def _beside_target(s: Sentence, verb: Token, noun: Token) -> str | None:
    """ "became the 42nd signatory to the Accords", parsed with "to" on the verb: the
    coalition right after a member noun."""
    if noun.lemma_.lower() not in s.vocab["member_nouns"]:
        return None
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("to", "of") and c.i == noun.right_edge.i + 1:
            hits = [a for o in c.children if o.dep_ == "pobj" for a in s.coalitions_of(o)]
            if hits:
                return hits[0]
    return None


def _xcomp_target(s: Sentence, verb: Token) -> str | None:
    """ "became the ninth country to join the ILRS", parsed with "to join" on the verb."""
    for c in verb.children:
        if c.dep_ in ("xcomp", "advcl") and signs(s, c):
            hits = object_coalitions(s, c)
            if hits:
                return hits[0]
    return None


def _becoming_target(s: Sentence, verb: Token, noun: Token) -> str | None:
    """The coalition of "became a member of X" / "the ninth country to join X", or None
    when the noun is no member noun, or a plain "country" with nothing to join."""
    nl = noun.lemma_.lower()
    if nl not in s.vocab["member_nouns"] | s.vocab["group_nouns"]:
        return None
    via_clause = _xcomp_target(s, verb)
    coalition = _membership_target(s, noun) or via_clause or _beside_target(s, verb, noun)
    if coalition is None and nl in s.vocab["member_nouns"] and _ordinals(s, noun):
        coalition = s.main  # "once the UK becomes the 12th member", in a CPTPP article
    if coalition is None or nl in s.vocab["member_nouns"] or via_clause:
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
                or any(
                    _restricted_clause(c, s)
                    for c in v.children
                    if c.dep_ in ("xcomp", "advcl")
                    # "when it signed in 2022" dates the join, it does not count a subset
                    and not any(
                        m.dep_ in ("mark", "advmod") and m.lower_ in ("when", "as")
                        for m in c.children
                    )
                )
                or any(
                    # "the eighth this year" counts a subset; "next month" dates the join
                    t.dep_ == "npadvmod"
                    and t.lemma_ in ("year", "month", "week", "decade")
                    and not any(c.lower_ in ("next", "last", "coming") for c in t.children)
                    for t in v.subtree
                )
            )
            ordinals = [] if restricted else _ordinals(s, noun)
            subset = restricted and bool(_ordinals(s, noun))
            founding = any(
                c.dep_ in ("amod", "compound") and c.lower_ in ("founding", "founder")
                for c in noun.children
            )
            if lemma == "be" and not ordinals and not subset and not founding:
                continue  # "Chile is a member" describes; "is the 5th member" reports
            mood = s.modality(v)
            if status:
                continue  # "became a BRICS partner country": not membership
            # "Chile and Peru became the 41st and 42nd signatories": in order, as with
            # "respectively"
            paired = "respectively" in s.doc.text.lower() or noun.tag_ == "NNS"
            if len(ordinals) == len(joiners) > 1 and paired:
                for actor, ordinal in zip(joiners, ordinals, strict=True):
                    yield _claim(
                        s, v, "joined", mood, coalition=coalition, actor=actor, ordinal=ordinal
                    )
                continue
            single = ordinals[0] if len(ordinals) == 1 and len(joiners) == 1 else None
            for actor in joiners:
                yield _claim(
                    s,
                    v,
                    "joined",
                    mood,
                    coalition=coalition,
                    actor=actor,
                    ordinal=single,
                )


def join_by_making(s: Sentence) -> Iterator[RawClaim]:
    """ "The ceremony in Quito made Ecuador the 40th signatory of the Artemis Accords":
    whatever makes an actor a coalition's Nth member makes it join (the member noun names
    the coalition; "making X the Nth" after a join verb is read with that verb)."""
    for v in s.tokens():
        if v.lemma_.lower() != "make" or v.pos_ != "VERB":
            continue
        for noun in v.children:
            if noun.dep_ not in ("ccomp", "oprd", "xcomp", "attr"):
                continue
            if noun.lemma_.lower() not in s.vocab["member_nouns"] or _restricted(s, noun):
                continue
            coalition = _membership_target(s, noun)
            found = _ordinals(s, noun)
            named = [
                a
                for c in [*noun.children, *v.children]
                if c.dep_ in ("nsubj", "dobj") and c.i < noun.i
                for a in s.actors_of(c)
                if not s.is_coalition(a)
            ]
            if coalition is None or len(found) != 1 or len(set(named)) != 1:
                continue
            yield _claim(
                s, v, "joined", s.modality(v), coalition=coalition, actor=named[0], ordinal=found[0]
            )


def join_by_apposition(s: Sentence) -> Iterator[RawClaim]:
    """ "Peru, the 41st signatory of the Artemis Accords, hosted a conference": an actor
    described by an ordinal member noun of a coalition joined it as that member, whatever
    the sentence goes on to say (without an ordinal, "Peru, a signatory" only describes)."""
    for noun in s.tokens():
        lemma = noun.lemma_.lower()
        if noun.dep_ != "appos" or _restricted(s, noun):
            continue
        clause = any(c.dep_ in ("acl", "relcl") and signs(s, c) for c in noun.children)
        if lemma not in s.vocab["member_nouns"] and not (
            clause and lemma in s.vocab["group_nouns"]
        ):
            continue
        found = _ordinals(s, noun)
        coalition = _membership_target(s, noun)
        actors = [a for a in s.actors_of(noun.head) if not s.is_coalition(a)]
        if len(found) != 1 or coalition is None or len(actors) != 1:
            continue
        yield _claim(
            s, noun, "joined", "asserted", coalition=coalition, actor=actors[0], ordinal=found[0]
        )


def join_by_invitation(s: Sentence) -> Iterator[RawClaim]:
    """ "The Philippines is weighing an invitation to the ILRS, while Indonesia has already
    declined": an invitation to a coalition is a hedged join of whoever holds it (negated
    when turned down), and a refusing verb with no object of its own in the same
    sentence turns the same invitation down."""
    for n in s.tokens():
        if n.lemma_.lower() != "invitation" or n.dep_ != "dobj":
            continue
        coalitions = [a for t in s.prep_objects(n, ("to",)) for a in s.coalitions_of(t)]
        verb = n.head
        if not coalitions:
            continue
        mood: Modality = "negated" if s.modality(n) == "negated" else "hedged"
        for who in s.subject_actors(verb):
            if who not in coalitions:
                yield _claim(s, verb, "joined", mood, coalition=coalitions[0], actor=who)
        for other in verb.children:
            if (
                other.dep_ in ("advcl", "conj")
                and s.refuses(other)
                and not any(c.dep_ in ("dobj", "xcomp", "prep") for c in other.children)
            ):
                for who in s.subject_actors(other):
                    if who not in coalitions:
                        yield _claim(
                            s, other, "joined", "negated", coalition=coalitions[0], actor=who
                        )


def join_by_admission(s: Sentence) -> Iterator[RawClaim]:
    """A coalition admits a member: "Timor-Leste was admitted to ASEAN", "NATO welcomed Finland"."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["join_passive_verbs"]:
            continue
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
        targets = [a for t in s.prep_objects(v, ("to", "into", "in")) for a in s.coalitions_of(t)]
        as_nouns = [
            o for o in s.prep_objects(v, ("as",)) if o.lemma_.lower() in s.vocab["member_nouns"]
        ]
        as_member = bool(as_nouns)
        if passive:  # "was welcomed as NATO's 28th member", "accepted as members of APSCO"
            targets += [c for n in as_nouns if (c := s.coalition_in(n)) and c not in targets]
        if passive:
            members = [a for a in s.subject_actors(v) if not s.is_coalition(a) or a in ("esa",)]
            coalitions = (
                targets
                or [a for t in s.prep_objects(v, ("by",)) for a in s.coalitions_of(t)]
                # "since Cambodia was admitted in 1999": the article's coalition
                or (_implied_coalition(s, v) if v.lemma_.lower() == "admit" else [])
            )
        else:
            subj = s.subject_actors(v)
            # a dateline read as the subject keeps its apposition ("Nairobi - The AU ...")
            beside = [
                a
                for t in s.subjects(v)
                for c in t.children
                if c.dep_ == "appos"
                for a in s.coalitions_of(c)
            ]
            coalitions = targets or [a for a in subj if s.is_coalition(a)] or beside
            members = [a for t in s.objects(v) for a in s.actors_of(t) if a not in coalitions]
        if not coalitions or not members:
            continue
        if v.lemma_.lower() in ("welcome", "accept", "approve") and not (targets or as_member):
            continue
        mood = s.modality(v)
        # "admitted Morocco as its 55th member"
        found = [o for n in as_nouns if not _restricted(s, n) for o in _ordinals(s, n)]
        ordinal = found[0] if len(found) == 1 and len(members) == 1 else None
        for c in coalitions:
            for m in members:
                if m != c:
                    yield _claim(s, v, "joined", mood, coalition=c, actor=m, ordinal=ordinal)


# ---- departures --------------------------------------------------------------


# Verbs that say a join or exit named as a noun happened ("completed its accession").
_FINISHING = frozenset(["complete", "finalise", "finalize", "formalise", "formalize"])
_JOIN_DONE = _FINISHING | {"mark", "celebrate"}  # "Croatia's accession marked ..."
_LEAVE_DONE = _FINISHING | {"take"}  # "the exit took effect"


def _noun_event_mood(s: Sentence, n: Token, done: bool) -> Modality:
    """The modality of a join or exit named as a noun: its governing verb's, but at
    most hedged unless a completing verb (`done`) or a preposition of sequence
    ("following Peru's inclusion") says it happened."""
    gov = n.head
    mood: Modality = s.modality(gov) if gov.pos_ in ("VERB", "AUX") else "asserted"
    return "hedged" if mood == "asserted" and not (done or _after(n)) else mood


_TIME_WORDS = _MONTHS | frozenset(
    [
        "year",
        "month",
        "week",
        "spring",
        "summer",
        "autumn",
        "fall",
        "winter",
    ]
)


def _is_time(tok: Token) -> bool:
    return tok.like_num or tok.lemma_.lower() in _TIME_WORDS


def join_by_noun(s: Sentence) -> Iterator[RawClaim]:
    """ "following South Africa's inclusion in September", "after Finland's accession to
    NATO": a join named as a noun with its owner. It happened when a preposition of
    sequence or a completing verb says so; otherwise ("Ukraine's accession to NATO")
    it is at most hedged."""
    for n in s.tokens():
        if n.lemma_.lower() not in s.vocab["join_nouns"] or n.pos_ != "NOUN":
            continue
        owners = [c for c in n.children if c.dep_ == "poss"]
        membership = n.lemma_.lower() == "membership"
        if membership:  # "the membership of Egypt and Iran was due to take effect"
            owners += s.prep_objects(n, ("of",))
        joiners = [a for c in owners for a in s.actors_of(c) if not s.is_coalition(a)]
        if not joiners:
            continue
        coalitions = [
            a
            for t in s.prep_objects(
                n, ("to", "in", "into") if membership else ("to", "in", "into", "of")
            )
            for a in s.coalitions_of(t)
        ] + [a for c in n.children if c.dep_ in ("compound", "poss") for a in s.coalitions_of(c)]
        if not coalitions and any(not _is_time(o) for o in s.prep_objects(n, ("in", "to", "into"))):
            continue  # "inclusion in the squad": something else was joined
        if not coalitions:
            coalitions = [s.main] if membership and s.main else _implied_coalition(s, n)
        gov = n.head
        done = gov.pos_ in ("VERB", "AUX") and gov.lemma_.lower() in _JOIN_DONE
        if membership and n.dep_ not in ("nsubj", "nsubjpass") and not (done or _after(n)):
            # membership is a state: "end the United States' NATO membership" or
            # "assess its membership" say nothing of a join; only a membership that
            # takes effect, begins or is completed does
            continue
        mood = _noun_event_mood(s, n, done)
        for c in dict.fromkeys(coalitions):
            for who in joiners:
                yield _claim(s, n, "joined", mood, coalition=c, actor=who)


def join_by_consent(s: Sentence) -> Iterator[RawClaim]:
    """ "Iran, Egypt and Ethiopia all agreed to inclusion", "Laos consented to membership
    in the ILRS": agreeing to one's own inclusion completes it, as the agreement stands."""
    for n in s.tokens():
        if n.lemma_.lower() not in s.vocab["join_nouns"] or n.pos_ != "NOUN":
            continue
        consent = _consented(s, n)
        if consent is None:
            continue
        joiners = [a for a in s.subject_actors(consent) if not s.is_coalition(a)]
        coalitions = [
            a for t in s.prep_objects(n, ("to", "in", "into", "of")) for a in s.coalitions_of(t)
        ] + [a for c in n.children if c.dep_ == "compound" for a in s.coalitions_of(c)]
        if not coalitions and s.main:
            coalitions = [s.main]
        for c in dict.fromkeys(coalitions):
            for who in joiners:
                yield _claim(s, n, "joined", s.modality(consent), coalition=c, actor=who)


_APPLICANTS = frozenset(["applicant", "candidate", "aspirant"])


def join_by_application(s: Sentence) -> Iterator[RawClaim]:
    """ "other applicants to the bloc, which include Peru and Laos", "candidates for
    membership include Peru": applicants a list names are hedged joins (an application
    is no membership yet)."""
    for v in s.tokens():
        if v.lemma_.lower() not in ("include", "comprise") or v.pos_ != "VERB":
            continue
        applicant, target = _applicants_of(s, v)
        if applicant is None:
            continue
        coalitions = [
            a for t in s.prep_objects(applicant, ("to", "of", "for")) for a in s.coalitions_of(t)
        ]
        if target is not None:
            coalitions += [a for a in s.coalitions_of(target) if a not in coalitions]
        if not coalitions and s.main:
            coalitions = [s.main]
        joiners = [
            a
            for o in s.objects(v)
            for a in s.actors_of(o)
            if not s.is_coalition(a) or s.is_actor(a)
        ]
        mood: Modality = "negated" if s.modality(v) == "negated" else "hedged"
        for c in coalitions[:1]:
            for who in joiners:
                if who != c:
                    yield _claim(s, v, "joined", mood, coalition=c, actor=who)


def _applicants_of(s: Sentence, verb: Token) -> tuple[Token | None, Token | None]:
    """The applicant noun a list verb describes, and the coalition noun the parser may
    have hung the clause on ("applicants to the bloc, which include")."""
    for c in verb.children:
        if c.dep_ == "nsubj" and c.lemma_.lower() in _APPLICANTS:
            return c, None
    if verb.dep_ != "relcl":
        return None, None
    head = verb.head
    if head.lemma_.lower() in _APPLICANTS:
        return head, None
    prep = head.head if head.dep_ == "pobj" else None
    if prep is not None and prep.lower_ in ("to", "for") and prep.i > 0:
        before = s.doc[prep.i - 1]
        if before.lemma_.lower() in _APPLICANTS:
            return before, head
    return None, None


def _consented(s: Sentence, noun: Token) -> Token | None:
    """The verb of "agreed to inclusion" / "consented to membership", for a join noun
    with no owner of its own."""
    if any(c.dep_ == "poss" for c in noun.children):
        return None
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "to":
        return None
    verb = prep.head
    if verb.lemma_.lower() in ("agree", "consent", "accept") and verb.pos_ == "VERB":
        return verb
    return None


def join_by_agreement(s: Sentence) -> Iterator[RawClaim]:
    """ "Pakistan signed an agreement to participate in the ILRS": an agreement whose
    purpose is taking part in a coalition is a join by whoever signs it."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["agreement_verbs"] or v.pos_ != "VERB":
            continue
        for n in s.objects(v):
            if n.lemma_.lower() not in s.vocab["agreement_nouns"]:
                continue
            for c in n.children:
                if (
                    c.dep_ == "prep"
                    and c.lower_ in ("on", "of")
                    and any(o.lemma_.lower() in s.vocab["join_nouns"] for o in c.children)
                ):
                    # "sign a memorandum on accession": a join of the article's coalition
                    # unless the accession names its own
                    acc = [o for o in c.children if o.dep_ == "pobj"]
                    named = [
                        a
                        for o in acc
                        for t in s.prep_objects(o, ("to", "into"))
                        for a in s.coalitions_of(t)
                    ]
                    coalitions = named or ([s.main] if s.main else [])
                else:
                    coalitions = purpose_coalitions(s, c)
                joiners = [a for a in s.subject_actors(v) if a not in coalitions]
                mood = s.modality(v)
                for coalition in coalitions:
                    for actor in joiners:
                        yield _claim(s, v, "joined", mood, coalition=coalition, actor=actor)


# "walked away from": the parser may read the particle as a preposition or an adverb
_PARTICLE_DEPS = ("prt", "prep", "advmod")


def leave_by_verb(s: Sentence) -> Iterator[RawClaim]:
    """Subject leaves, quits, withdraws or pulls out of a coalition; or is expelled."""
    for v in s.tokens():
        lemma = v.lemma_.lower()
        is_phrasal = s.phrasal(v, "leave", _PARTICLE_DEPS)
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
            coalitions += [c for t in objs if (c := charter_of(s, t)) and c not in coalitions]
            if not coalitions and lemma in ("leave", "withdraw", "quit", "exit"):
                # "Burundi, which left in 2017": no object, the article's coalition
                coalitions = _implied_coalition(s, v)
            leavers = s.subject_actors(v) or _colon_roster(s, v)
        mood = s.modality(v)
        for c in coalitions:
            for who in leavers:
                if who != c:
                    yield _claim(s, v, "left", mood, coalition=c, actor=who)


_TAKING_PART = frozenset(["participation", "membership", "involvement"])
_TIES = frozenset(["tie", "ties", "relation", "relations"])


def leave_by_ending(s: Sentence) -> Iterator[RawClaim]:
    """ "Niger has suspended its participation in the ILRS", "ended its membership of the
    bloc", "severed its ties with the ILRS": ending one's part in a known coalition is
    leaving it. A treaty recognised only
    from the text may bind two states, and suspending one's part in it ends a
    partnership, not a membership, so it is left to the partnership readers."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["end_verbs"] or v.pos_ not in ("VERB", "AUX"):
            continue
        for n in s.objects(v):
            lemma = n.lemma_.lower()
            if lemma not in _TAKING_PART | _TIES:
                continue
            # "severed its ties with the ILRS" (DESIGN section 4)
            preps = ("with",) if lemma in _TIES else ("in", "of")
            coalitions = [
                a
                for t in s.prep_objects(n, preps)
                for a in s.coalitions_of(t)
                if not s.gazetteer.is_found(a)
            ]
            leavers = s.subject_actors(v)
            mood = s.modality(v)
            for c in dict.fromkeys(coalitions):
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
        gov = n.head
        if not coalitions and _after(n):
            coalitions = _implied_coalition(s, n)  # "following Lithuania's departure"
        if not coalitions:
            continue
        leavers = [a for c in n.children if c.dep_ == "poss" for a in s.actors_of(c)]
        if not leavers and gov.pos_ in ("VERB", "AUX"):
            leavers = s.subject_actors(gov)
        if not leavers:
            continue
        mood = _noun_event_mood(s, n, gov.lemma_.lower() in _LEAVE_DONE)
        for c in coalitions:
            for who in leavers:
                if who != c:
                    yield _claim(s, n, "left", mood, coalition=c, actor=who)


def _after(n: Token) -> bool:
    """An event noun placed before another: "following Lithuania's exit", "after its
    accession", "the move follows Azerbaijan's inclusion"."""
    gov = n.head
    return (n.dep_ == "pobj" and gov.lower_ in ("following", "after", "since")) or (
        n.dep_ == "dobj" and gov.lemma_.lower() == "follow"
    )


def leave_by_becoming(s: Sentence) -> Iterator[RawClaim]:
    """ "Chad is becoming the first state to withdraw from the ICC": the subject
    becomes a country that leaves (an ordinal of departures is no member count)."""
    for v in s.tokens():
        if v.lemma_.lower() not in s.vocab["become_verbs"]:
            continue
        for noun in (c for c in v.children if c.dep_ in ("attr", "oprd")):
            if noun.lemma_.lower() not in s.vocab["group_nouns"]:
                continue
            for clause in noun.children:
                if clause.dep_ not in ("acl", "relcl") or (
                    clause.lemma_.lower() not in s.vocab["leave_verbs"]
                ):
                    continue
                coalitions = object_coalitions(s, clause, ("from", "of"))
                leavers = [a for a in s.subject_actors(v) if a not in coalitions]
                mood = s.modality(v)
                for c in coalitions:
                    for who in leavers:
                        yield _claim(s, v, "left", mood, coalition=c, actor=who)
