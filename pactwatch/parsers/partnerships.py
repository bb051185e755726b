"""partnership and partnership_ended rules: who cooperates with whom, on what.

Restrictions ("prohibits NASA from cooperating with China") are negated
partnerships; cancelled or abandoned cooperation ends one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations

from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.masking import Masked
from pactwatch.parsers.model import ClaimKind, Modality
from pactwatch.parsers.rule_parts import (
    POSS,
    PRE,
    PRE_C,
    SUBJ,
    A,
    C,
    F,
    RawClaim,
    X,
    clause,
    ids_in,
    list_of,
    pairs,
)
from pactwatch.parsers.speech import modality

__all__ = ["partnership_claims"]


_PARTNER_STATUS = re.compile(
    rf"{SUBJ}{PRE}(?P<verb>became|becomes|become|becoming|joined|joins|join|was\s+made|"
    rf"was\s+granted|were\s+granted|has\s+been\s+granted|received|receives|obtained|gained|won|"
    rf"holds|was\s+given|is|was)\s+(?:a|an|the)?\s*(?:{C}\s+)?(?:partner|dialogue\s+partner|"
    rf"observer)(?:\s+(?:country|nation|state|status))?(?:\s+(?:of|in|with|to|at)\s+{PRE_C}(?:{C})?)?",
    F,
)
_QUALIFIED_EVENT = re.compile(
    r"^\s*(?:[a-z-]+\s+)?(?:summit|meeting|talks|forum|conference|session|assembly|games|"
    r"workshop|council|committee)\b",
    F,
)
_PARTNER_CHOICE = re.compile(
    rf"^(?:the\s+)?(?P<subj>{A})\b(?P<pre>[^;]{{0,200}}?)\b(?P<verb>opt(?:ed|ing|s)?|cho(?:se|ose|osen|osing)|"
    r"accept(?:ed|ing|s)?|t(?:ook|aking|akes)|settl(?:ed|ing|es)|grant(?:ed)?|given|receiv(?:ed|ing|es)"
    r")\s+(?:instead\s+)?(?:for\s+)?(?:a\s+|the\s+)?partner\s+(?:status|country\s+status)",
    F,
)
_COOP_NOUN = (
    r"(?:cooperation|co-operation|partnership|collaboration|agreement|deal|memorandum"
    r"(?:\s+of\s+understanding)?|MoU|pact|alliance|accord|treaty|ties|framework|"
    r"joint\s+venture|relationship)"
)
_P_NOUN_WITH = re.compile(
    rf"(?P<a>{X}){POSS}?(?P<pre>[^;@]{{0,80}}?)\b{_COOP_NOUN}\s+(?:\w+\s+){{0,2}}?with\s+"
    rf"(?:the\s+(?=@[AB]))?(?P<b>{list_of(X)})(?P<after>[^;]*)",
    F,
)
_COOP_VERB = (
    r"(?:partnered|partners|partner|partnering|teamed\s+up|teams\s+up|team\s+up|teaming\s+up|"
    r"cooperates?|cooperated|cooperating|co-operates?|co-operated|co-operating|collaborates?|"
    r"collaborated|collaborating|joined\s+forces|join\s+forces|joining\s+forces|works?|worked|"
    r"working|signed\s+(?:an?\s+)?(?:\w+\s+){0,3}?(?:agreements?|deals?|memorand(?:um|a)|pacts?|"
    r"accords?)|sign\s+(?:an?\s+)?(?:\w+\s+){0,3}?(?:agreements?|deals?|memorand(?:um|a)|pacts?|accords?))"
)
_P_VERB_WITH = re.compile(
    rf"(?P<a>{list_of(X)})\s+(?P<pre>(?:[\w'’-]+\s+){{0,5}}?)(?P<verb>{_COOP_VERB})\s+"
    rf"(?:(?:closely|together|jointly|\w+ly)\s+)?with\s+(?:the\s+(?=@[AB]))?(?P<b>{list_of(X)})(?P<after>[^;]*)",
    F,
)
_P_TOGETHER = re.compile(
    rf"(?P<a>{X}(?:\s*,\s*(?:the\s+)?{X}){{0,15}}\s*,?\s*(?:and|&)\s+(?:the\s+)?{X})\s+(?P<pre>(?:[\w'’-]+\s+){{0,5}}?)"
    rf"(?P<verb>(?:signed|inked|concluded|reached|struck|agreed|sign|ink)\b|{_COOP_VERB}|"
    r"(?:are|will\s+be|have\s+been)\s+(?:working|cooperating|collaborating)|jointly|"
    r"(?:launched|unveiled|announced|agreed\s+on|plan|planned|will\s+build|are\s+building|"
    r"built|develop|developed|are\s+developing)\s+(?:a\s+|an\s+)?(?:joint|shared|common)|"
    r"(?:pledged|pledge|vowed|vow|promised|promise|agreed|agree|plan|plans|planned|intend|"
    r"intends|aim|aims|decided|committed)\s+to\s+(?:jointly\s+)?(?:build|develop|launch|explore|"
    r"create|set\s+up|establish|construct|fly|send|operate|deploy|study|cooperate|collaborate|"
    r"work\s+together|design)|"
    r"(?:deepened|deepen|strengthened|strengthen|expanded|expand|boosted|boost|bolstered|"
    r"stepped\s+up|upgraded|formali[sz]ed|renewed|extended)\s+(?:their\s+|its\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:ties|cooperation|co-operation|partnership|collaboration|relations))"
    r"(?P<after>[^;]*)",
    F,
)
_P_JOINT = re.compile(
    rf"(?P<a>{X}\s+and\s+(?:the\s+)?{X})\s+(?P<pre>(?:[\w'’-]+\s+){{0,3}}?)"
    r"(?P<verb>launched|built|developed|designed|flew|operate|operated|run|ran|unveiled|"
    r"completed|tested)\b(?P<after>[^.;]{0,200}?\b(?:a\s+joint|jointly|together|in\s+partnership|"
    r"in\s+cooperation|co-developed|collaborative)\b[^.;]*)",
    F,
)
_AGREEMENT_WORD = re.compile(
    r"\b(?:agreement|deal|pact|memorandum|MoU|treaty|accord|partnership|cooperation|co-operation|"
    r"framework|joint|together|jointly|to\s+cooperate|to\s+collaborate|to\s+work\s+together)\b",
    F,
)
_P_PAYLOAD = re.compile(
    rf"(?P<a>{list_of(X)})\s+(?P<pre>(?:[\w'’-]+\s+){{0,4}}?)(?P<verb>launched|launches|launch|"
    r"flew|flies|fly|flown|sent|sends|send|placed|put|carried|contributed|contributes|"
    r"contribute|provided|provides|provide|supplied|supplies|supply|delivered|has|have|had|"
    r"will\s+fly|will\s+send)\s+(?:a\s+|an\s+|its\s+|their\s+|two\s+|several\s+|\w+\s+)?"
    r"(?P<what>payloads?|instruments?|experiments?|equipment|detectors?|rovers?|cubesats?|"
    r"satellites?|spectrometers?|cameras?)\s+(?:on\s+board|aboard|onboard|on|to|for|in)\s+"
    rf"(?P<mission>[^;]*)",
    F,
)
_P_CREW = re.compile(
    rf"(?P<a>{X})\s+(?P<pre>[^.;@]{{0,60}}?)\b(?P<verb>launch|fly|send|host|train|carry|take)\w*"
    rf"\s+(?:a\s+|an\s+|two\s+|three\s+|the\s+first\s+|its\s+first\s+)?(?P<b>{A})\s+"
    r"(?P<what>astronauts?|cosmonauts?|taikonauts?|crew(?:\s+members?)?)(?P<after>[^;]*)",
    F,
)
_P_NO_LONGER = re.compile(
    rf"(?P<a>{list_of(X)})\b(?P<pre>[^;]{{0,200}}?)\b(?P<verb>won['’]t\s+be\s+(?:a\s+)?part\s+of|will\s+not\s+be\s+"
    r"(?:a\s+)?part\s+of|(?:will\s+)?no\s+longer\s+(?:be\s+(?:a\s+)?part\s+of|take\s+part\s+in|"
    r"participate\s+in|cooperate\s+with|work\s+with|collaborate\s+with)|won['’]t\s+(?:take\s+part|"
    r"participate)\s+in|will\s+not\s+(?:take\s+part|participate)\s+in|pulled\s+out\s+of|"
    r"withdrew\s+from|has\s+withdrawn\s+from|(?:cancell?ed|cancel|ended|ends?|ending|halted|halts?|"
    r"halting|suspended|suspends?|suspending|froze|freezes?|freezing|terminated|terminates?|"
    r"terminating|scrapped|scraps?|scrapping|wound\s+down|winds?\s+down|winding\s+down|"
    r"discontinued|discontinues?)\s+(?:its\s+|their\s+|all\s+)?"
    r"(?:(?!(?:of|the|its|their|in|on|with|to|for|and|a|an)\b)[\w-]+\s+){0,2}?"
    r"(?:participation|involvement|cooperation|co-operation|collaboration|partnership|"
    r"arrangement|agreement|deal|joint\s+(?:projects?|work|activities|missions?|operations?|"
    r"programmes?|programs?))(?:\s+(?:in|on|with|of|for))?)\s+(?P<rest>[^;]*)",
    F,
)
_P_CANCEL = re.compile(
    rf"(?P<a>{X})\s+(?P<pre>(?:[\w'’-]+\s+){{0,3}}?)(?P<verb>cancell?ed|scrapped|dropped|"
    r"abandoned|shelved|called\s+off|cancels|scraps|drops|abandons)\s+(?P<rest>[^;]*)",
    F,
)
_COOPERATION_QUALIFIER = re.compile(
    r"\b(?:its|their)\s+(?P<mods>(?:[\w-]+\s+){1,3}?)(?:participation|involvement|cooperation|"
    r"co-operation|collaboration|partnership)\s+with$",
    F,
)
_PLANNED_THING = re.compile(
    r"^(?:(?:its|their|the|a|all|plans?\s+(?:for|to))\s+)*(?:sending|plans?|joint|cooperation|"
    r"co-operation|participation|partnership|collaboration|agreement|deal|project|mission|"
    r"flights?|talks)\b",
    F,
)
_PROHIBIT = re.compile(
    r"\b(?:prohibits?|prohibited|prohibiting|bars?|barred|barring|bans?|banned|banning|forbids?|"
    r"forbade|forbidden|prevents?|prevented|preventing|blocks?|blocked|restricts?|restricted)\s+"
    r"$",
    F,
)
_RESTRAINT = re.compile(
    rf"\b(?:restrains?|restricts?|bars?|bans?|prohibits?|forbids?|blocks?|limits?|curbs?|"
    rf"hampers?|hinders?)\s+(?:all\s+)?(?P<a>{X})-(?P<b>{X})\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?:cooperation|co-operation|engagement|collaboration|ties|partnership|contacts?|exchanges?)",
    F,
)
_MISSIONISH = re.compile(
    r"\b(?:missions?|programmes?|programs?|projects?|stations?|flights?|cooperation|"
    r"co-operation|landers?|probes?|exploration|initiative)\b",
    F,
)
_TOPIC_CUT = re.compile(
    r"\s*(?:,|;|\bwhich\b|\bbecause\b|\bbut\b|\bwhile\b|\bwhereas\b|\bafter\b|\bfollowing\b|"
    r"\bin\s+the\s+(?:future|coming)\b|\bin\s+a\s+year|\bby\s+(?:19|20)\d\d|\bnext\s+\w+|"
    r"\bthis\s+(?:year|month|week)|\bsaid\b|\bsuch\s+as\b|\bas\s+well\b|\bstarting\b|"
    r"\bfrom\s+(?:19|20)\d\d|\bin\s+(?:19|20)\d\d|\blast\s+\w+|\baccording\b|[.!?]\s*$)",
    F,
)
_TOPIC_PREP = re.compile(
    r"(?:^|\s)(?:on|for|in|over|regarding|concerning|covering|to\s+(?:jointly\s+)?"
    r"(?:build|develop|explore|launch|study|operate|establish|fly|share|send|land|deploy|"
    r"cooperate\s+on|"
    r"work\s+on|collaborate\s+on))\s+(?P<topic>.+)",
    F,
)
_WHEN = re.compile(
    r"\b(?:(?:on|last|this|next|early|late)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|week|month|year|decade)|(?:in|on|since|from|by)\s+(?:(?:early|late|mid)\s+)?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|(?:19|20)\d\d)(?:\s+\d{1,2})?(?:,?\s+(?:19|20)\d\d)?|on\s+\d{1,2}\s+[A-Z][a-z]+)\b",
)


def _topic(m: Masked, fragment: str, *, prep: bool = True) -> str | None:
    """A short lower-case topic from the words after a partnership's parties."""
    text = _WHEN.sub(" ", fragment)
    if prep:
        pm = _TOPIC_PREP.search(text)
        if not pm:
            return None
        text = pm.group("topic")
    cut = _TOPIC_CUT.search(text)
    if cut:
        text = text[: cut.start()]
    text = m.unmask(text)
    text = re.sub(r"\b(\w+)-based\b", r"\1", text)
    text = re.sub(
        r"^(?:(?:the|a|an|its|their|his|her|particularly|especially|notably|mainly)\s+)+",
        "",
        text.strip(),
        flags=F,
    )
    text = " ".join(text.split()).strip(" .,'\"“”‘’").lower()
    if not text or len(text) > 80 or not re.search(r"[a-z]", text):
        return None
    return text


_AS_OBJECT = re.compile(
    r"\b(?:join|joining|joined|joins|sign|signed|signing|signs|leave|left|leaving|quit|of|with|to|"
    r"from|for|by|into)\s+(?:the\s+)?$",
    F,
)
_SENTENCE_SUBJECT = re.compile(rf"^(?:[\w'’]+\s+){{0,3}}?(?:the\s+)?(?P<s>{A})\b", F)


def _topic_before_noun(pre: str) -> str | None:
    """ "its lunar exploration cooperation with" -> "lunar exploration"."""
    words = re.split(r"\s+", pre.strip())
    tail: list[str] = []
    for word in reversed(words):
        if not re.fullmatch(r"[a-z][a-z-]*", word) or word in _TOPIC_STOP:
            break
        tail.insert(0, word)
    tail = tail[-3:]
    if not tail or tail == ["space"]:
        return None
    return " ".join(tail)


_TOPIC_STOP_WORDS = """
    its their the a an his her of in on for with further closer deeper new joint and has
    have had made make is are was were will would to end from by at as any no not
"""
_TOPIC_STOP = frozenset(_TOPIC_STOP_WORDS.split())


def _owner(m: Masked, fragment: str) -> str | None:
    """Whose mission: the first named country/agency or named mission in `fragment`."""
    for slot in m.tokens(fragment, "@%"):
        if slot.kind == "mission" or slot.token[1] in "AB":
            return slot.actor
    return None


def partnership_claims(m: Masked, gaz: Gazetteer) -> Iterator[RawClaim]:
    text = m.text
    done: set[tuple[ClaimKind, tuple[str, ...], str]] = set()
    ended: set[tuple[str, ...]] = set()

    def make(
        kind: ClaimKind, pair: tuple[str, ...], pos: int, mod: Modality, topic: str | None
    ) -> Iterator[RawClaim]:
        key = (kind, pair, mod)
        if key in done:
            return
        done.add(key)
        if kind == "partnership_ended":
            ended.add(pair)
        yield RawClaim(kind, pos, mod, actors=pair, topic=topic)

    def prohibited(start: int, pre: str) -> bool:
        return bool(
            _PROHIBIT.search(text[max(0, start - 40) : start])
            or re.search(r"\b(?:prohibit|bar|ban|forbid|prevent|block)\w*\b", pre, F)
        )

    for mt in _P_NO_LONGER.finditer(text):
        rest = mt.group("rest")
        cut = _TOPIC_CUT.search(rest)
        near = rest[: cut.start()] if cut else rest
        subjects = ids_in(m, mt.group("a"))
        verb = mt.group("verb").lower()
        topic = _topic(
            m, re.sub(r"^(?:subsequent|future|further|upcoming|later)\s+", "", rest), prep=False
        )
        topic = re.sub(r"^(?:[\w’'.-]+\s+)?(?=\w+\s+missions?\b)", "", topic or "") or topic
        if verb.endswith("with"):
            # "ended its lunar exploration cooperation with Roscosmos (on the rover)": the
            # topic is what qualifies the cooperation, else what follows the partner.
            qual = _COOPERATION_QUALIFIER.search(verb)
            topic = (_topic_before_noun(qual.group("mods")) if qual else None) or _topic(m, rest)
        # "may end its cooperation with": a hedged end, not a hedged partnership
        end_mod = modality(mt.group("pre"))
        if len(subjects) > 1 and not verb.endswith("with"):
            # "Roscosmos and ESA ended their cooperation on ExoMars": the pair is the subject
            for a, b in combinations(subjects, 2):
                for pair in pairs(gaz, [a], [b]):
                    yield from make("partnership_ended", pair, mt.start("verb"), end_mod, topic)
            continue
        owner = _owner(m, near)
        # leaving a coalition is `left`, handled with memberships
        b_slot = m.tokens(near, "@")
        if owner is None or not subjects or (b_slot and b_slot[0].token[1] == "C"):
            continue
        if not (_MISSIONISH.search(rest) or "with" in verb):
            continue
        for pair in pairs(gaz, subjects[-1:], [owner]):
            yield from make("partnership_ended", pair, mt.start("verb"), end_mod, topic)

    for mt in _P_CANCEL.finditer(text):
        rest = mt.group("rest")
        if not _PLANNED_THING.search(rest):
            continue
        owner = _owner(m, rest)
        canceller = m.slots[mt.group("a")].actor
        if owner is None or canceller is None:
            continue
        mod = modality(mt.group("pre"))
        topic = _topic(m, re.sub(r"^(?:plans?\s+(?:for|to)\s+)", "", rest, flags=F), prep=False)
        for pair in pairs(gaz, [canceller], [owner]):
            yield from make(
                "partnership_ended",
                pair,
                mt.start("verb"),
                mod,
                topic,
            )

    for mt in _RESTRAINT.finditer(text):
        one, other = m.slots[mt.group("a")].actor, m.slots[mt.group("b")].actor
        if one and other:
            for pair in pairs(gaz, [one], [other]):
                yield from make("partnership", pair, mt.start(), "negated", None)

    for rx in (_P_VERB_WITH, _P_NOUN_WITH):
        for mt in rx.finditer(text):
            left = ids_in(m, mt.group("a"))
            right = ids_in(m, mt.group("b"))
            pre = mt.group("pre")
            after = mt.group("after")
            if rx is _P_NOUN_WITH and re.search(
                r"\b(?:accus\w*|hamper\w*|interfer\w*|meddl\w*|against)\b", pre, F
            ):
                continue
            if _AS_OBJECT.search(text[: mt.start("a")]):
                # "Ethiopia plans to join the ILRS and has held talks with CNSA": the ILRS
                # is an object; the talks belong to the sentence's subject
                subject = _SENTENCE_SUBJECT.match(text)
                if subject is None or not re.search(r"\b(?:and|but)\b", pre, F):
                    continue
                left = ids_in(m, subject.group("s"))
            pos = mt.start("verb") if "verb" in mt.groupdict() else mt.start("b")
            mod = "negated" if prohibited(mt.start("a"), pre) else modality(pre, clause(after))
            kind: ClaimKind = "partnership"
            if re.search(
                r"\bno\s+longer\b|\bend\s+of\b|\b(?:ended|ending|ends?|suspend(?:ed|s)?|froze|frozen|"
                r"freeze|halt(?:ed|s)?|terminat(?:ed|es?)|sever(?:ed|s)?|cut|broke\s+off|break\s+off|"
                r"scrap(?:ped|s)?|wound\s+down|winds?\s+down|winding\s+down|discontinu(?:ed|es?))\b",
                pre,
                F,
            ):
                # "may end its cooperation with": hedged if the end is, never a negated end
                kind = "partnership_ended"
                mod = "hedged" if mod == "hedged" else "asserted"
            topic = _topic(m, after)
            if topic is None and rx is _P_NOUN_WITH:
                topic = _topic_before_noun(pre)
            for pair in pairs(gaz, left, right):
                yield from make(kind, pair, pos, mod, topic)

    for mt in _P_TOGETHER.finditer(text):
        after = mt.group("after")
        verb = mt.group("verb").lower()
        if re.search(r"^[^,;]{0,200}?\bwith\s+(?:the\s+)?@[ABC]\d+", after, F):
            continue  # "A and B signed agreements with C": partners of C, not of each other
        if re.match(rf"\s*{PRE_C}{C}", after, F) and re.match(r"sign|ink", verb):
            continue  # "A and B signed the Artemis Accords": joins, not a partnership
        if re.match(r"(?:signed|inked|concluded|reached|struck|agreed|sign|ink)$", verb) and not (
            _AGREEMENT_WORD.search(after[:80])
        ):
            continue
        ids = ids_in(m, mt.group("a"))
        pre = mt.group("pre")
        mod = (
            "negated"
            if prohibited(mt.start("a"), pre)
            else modality(pre + " " + verb, clause(after))
        )
        topic = _topic(m, after)
        for a, b in combinations(ids, 2):
            for pair in pairs(gaz, [a], [b]):
                if pair not in ended:  # "suspended their joint work": the joint work ended
                    yield from make("partnership", pair, mt.start("verb"), mod, topic)

    for mt in _P_JOINT.finditer(text):
        ids = ids_in(m, mt.group("a"))
        joint = re.search(r"\bjoint\s+(?P<t>[^,.;]+)", mt.group("after"), F)
        topic = _topic(m, joint.group("t"), prep=False) if joint else None
        mod = modality(mt.group("pre"))
        for a, b in combinations(ids, 2):
            for pair in pairs(gaz, [a], [b]):
                if pair not in ended:  # "suspended their joint work": the joint work ended
                    yield from make("partnership", pair, mt.start("verb"), mod, topic)

    for mt in _P_PAYLOAD.finditer(text):
        mission = mt.group("mission")
        owner = _owner(m, mission)
        if owner is None:
            continue
        left = ids_in(m, mt.group("a"))
        mod = modality(mt.group("pre") + " " + mt.group("verb"), clause(mission))
        what = "payloads" if mt.group("what").lower().endswith("s") else "payload"
        where = _topic(m, mission, prep=False)
        if where:
            where = re.sub(r"^[\w’'.-]+['’]s\s+", "", where)
            where = re.sub(r"\s+(?:and|but)\b.*$", "", where)
        topic = f"{what} on {where}" if where else what
        for pair in pairs(gaz, left, [owner]):
            yield from make("partnership", pair, mt.start("verb"), mod, topic)

    for mt in _P_CREW.finditer(text):
        host = m.slots[mt.group("a")].actor
        guest = m.slots[mt.group("b")].actor
        if host is None or guest is None:
            continue
        mod = modality(mt.group("pre"), clause(mt.group("after")))
        what = mt.group("what").lower()
        rest = _topic(m, mt.group("after"))
        topic = f"{what} to {rest}" if rest else what
        topic = topic.replace(" to its ", " to ")
        for pair in pairs(gaz, [host], [guest]):
            yield from make("partnership", pair, mt.start("verb"), mod, topic)

    for mt in _PARTNER_CHOICE.finditer(text):
        cs = [s.actor for s in m.tokens(text) if s.token[1] == "C" and s.actor]
        actor = m.slots[mt.group("subj")].actor
        if len(set(cs)) != 1 or actor is None:
            continue
        mod = modality(re.split(r"[,;]", mt.group("pre"))[-1])
        for pair in pairs(gaz, [actor], cs[:1]):
            yield from make("partnership", pair, mt.start("verb"), mod, "partner status")

    for mt in _PARTNER_STATUS.finditer(text):
        if _QUALIFIED_EVENT.match(text[mt.end() :]):
            continue  # "observer status at the African Union summit": a meeting, not the union
        cs = [s.actor for s in m.coalitions(mt.group(0)) if s.actor]
        cs = [c for c in cs if c not in ids_in(m, mt.group("subj"))]
        if not cs:
            continue
        mod = modality(mt.group("pre") + " " + mt.group("verb"))
        for actor in ids_in(m, mt.group("subj")):
            for pair in pairs(gaz, [actor], cs[:1]):
                yield from make("partnership", pair, mt.start("verb"), mod, "partner status")
