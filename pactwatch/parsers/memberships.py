"""joined and left rules: who signs, joins, leaves which coalition, with ordinals.

Only a coalition-wide ordinal counts ("the 41st country to sign"); "the first
African nation" or "the tenth this year" keep the join and drop the ordinal.
Partner, observer or candidate status is not membership.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.masking import Masked
from pactwatch.parsers.model import ClaimKind, Modality
from pactwatch.parsers.rule_parts import (
    NOUN,
    OBJECT_OF_PREP,
    ORD,
    POSS,
    PRE,
    PRE_C,
    SUBJ,
    A,
    C,
    F,
    RawClaim,
    clause,
    ids_in,
    list_of,
    nearest_subject,
)
from pactwatch.parsers.speech import modality

__all__ = ["membership_claims"]


_JOIN_VERB = (
    r"(?:signed|signs|sign|signing|joined|joins|join|joining|rejoined|rejoins|rejoin|rejoining|"
    r"acceded\s+to|accedes\s+to|"
    r"accede\s+to|ratified|ratifies|ratify|inked|inks|ink|endorsed|endorses|endorse|adopted|"
    r"entered|enter|(?:became|become|becomes|becoming)\s+(?:a|an|the\s+latest|the\s+newest|the\s+"
    r"most\s+recent|its\s+newest|its\s+latest|the\s+next|its\s+next)\s+(?:full\s+)?(?:member|signatory|party|signer)"
    r"(?:\s+(?:state|country|nation))?\s+(?:of|to|in)|(?:was|were|has\s+been|have\s+been|is|are|"
    r"be|being)\s+(?:formally\s+|officially\s+)?(?:admitted|accepted|welcomed)\s+(?:to|into|as\s+(?:an?\s+)?"
    r"(?:full\s+)?members?(?:\s+(?:states?|countries|nations))?\s+of)|(?:put|puts|added|adds)\s+(?:its|their)\s+(?:name|signature)s?\s+to)"
)
_J_DIRECT = re.compile(
    rf"{SUBJ}{PRE}(?P<verb>{_JOIN_VERB})(?:\s+(?:on|up)\s+to|\s+onto)?\s+{PRE_C}(?P<c>{C})"
    rf"(?:\s+(?:or|and|and\s+later|as\s+well\s+as)\s+{PRE_C}(?P<c2>{C}))?(?P<after>[^;]*)",
    F,
)
# "the African Union space council", "the ILRS talks": the coalition only qualifies a noun
_MODIFIED_C = re.compile(
    r"^\s+(?:[a-z-]+\s+)?(?:council|summit|conference|commission|committee|fund|office|"
    r"secretariat|parliament|talks|meeting|forum|workshop|seminar|missions?|headquarters|session|"
    r"delegation|leaders|officials|negotiations|observers?|partners?)\b|"
    r"^\s+[a-z-]+\s+(?:group|body|panel|team|board|programme|program|project|budget|agency|"
    r"market|funds?|mission)\b",
    F,
)
_SCOPE = re.compile(
    r"\b(?:(?:this|that|last)\s+(?:year|month|week|decade)|so\s+far\s+this|in\s+(?:the\s+)?"
    r"(?:region|Africa|Europe|Asia|Latin\s+America|South\s+America|Middle\s+East|Gulf|Pacific|"
    r"Caribbean|Andes)|from\s+(?:the\s+)?(?:region|Africa|Europe|Asia|Latin\s+America)|"
    r"outside\s+\w+|among\s+\w+)\b",
    F,
)
_COORD_PRE = (
    r"(?:(?:has|have|had|will|would|could|may|might|also|then|later|subsequently|did|does|not|"
    r"never|n['’]t|formally|officially|eventually|stopped\s+short\s+of|refused\s+to|declined\s+to|"
    r"plans\s+to|is\s+expected\s+to|is\s+set\s+to|wants\s+to|hopes\s+to|agreed\s+to|"
    r"went\s+on\s+to|is\s+considering|intends\s+to)\s+)*"
)
_SECOND_VP = re.compile(
    rf"^\s*,?\s*(?:or|and|and\s+then|and\s+later)\s+(?:to\s+)?(?:{_JOIN_VERB})"
    rf"(?:\s+(?:on|up)\s+to|\s+onto)?\s+{PRE_C}(?P<c>{C})",
    F,
)
_J_COORD = re.compile(
    rf"^(?:[\w'’]+\s+){{0,4}}?(?:the\s+)?(?P<subj>{list_of(A)})\s+[^;]{{0,200}}?\b(?:but|and|yet)\s+"
    rf"(?P<pre>{_COORD_PRE})(?P<verb>{_JOIN_VERB})(?:\s+(?:on|up)\s+to|\s+onto)?\s+"
    rf"{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    F,
)
_J_BARE = re.compile(
    rf"\b(?:when|as|after|before|since|once|where)\s+(?:the\s+)?(?P<subj>{list_of(A)})\s+"
    r"(?P<pre>(?:(?:also|formally|officially|finally|all|both|had|have|has|later)\s+){0,2})"
    r"(?P<verb>joined|joins|signed(?:\s+(?:on|up))?|signs(?:\s+(?:on|up))?|acceded|accedes|"
    r"came\s+aboard|came\s+on\s+board|"
    r"(?:added|adds|put|puts)\s+(?:its|their)\s+"
    r"(?:name|signature)s?)(?=\s*(?:[.,;]|$|in\s+|on\s+|last\s+|this\s+))",
    F,
)
_J_PASSIVE = re.compile(
    rf"(?P<c>{C})(?:\s+(?:[a-z-]+\s+){{0,2}}?(?:agreement|accords?|charter|memorandum|treaty|"
    rf"declaration|framework))?\s+(?P<pre>(?:(?:has|have|had|was|were|been|also|now|since|"
    rf"already|formally|will|be|could|would)\s+)*)(?P<verb>signed|joined|ratified|endorsed)\s+(?:[\w-]+\s+)?"
    rf"by\s+(?:the\s+)?(?P<subj>{list_of(A)})(?P<after>[^;]*)",
    F,
)
_J_AMONG = re.compile(
    rf"{SUBJ}(?P<pre>(?:(?:is|are|was|were|now|also)\s+)+)(?:among|(?:one|#Q\d+)\s+of)\s+(?:the\s+)?"
    rf"(?:(?:first|original|founding|initial|#O\d+)\s+)?(?:#Q\d+\s+)?(?:[\w-]+\s+){{0,2}}?{NOUN}\s+"
    rf"(?:(?:that|which|who)\s+(?:have|has|had)\s+(?:already\s+)?(?P<verb>signed|joined)|"
    rf"to\s+(?P<verb2>sign|join))(?:\s+(?:on|up)\s+to)?\s+{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    F,
)
_J_OBJECT = re.compile(
    rf"(?P<c>{C})\s+(?P<pre>(?:(?:has|have|had|will|formally|officially|also|now|on\s+\w+)\s+)*)"
    rf"(?P<verb>welcomed|welcomes|admitted|admits|added|adds|accepted|accepts)\s+"
    rf"(?P<subj>{list_of(A)})(?P<after>[^;]*)",
    F,
)
_ORD_NOUN = (
    r"(?:(?:member|signatory)\s+(?:states?|countr(?:y|ies)|nations?)|countr(?:y|ies)|nations?|"
    r"states?|signator(?:y|ies)|members?|signers?|part(?:y|ies)|governments?|econom(?:y|ies))"
)
# When a join happened is not a scope: "the 41st member in January" keeps its ordinal,
# "the tenth this year" does not.
_ORD_TIME = re.compile(
    r"\b(?:(?:on|in|from|by|since|next|later|early|late|last)\s+(?:this\s+)?(?:Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|(?:19|20)\d\d|week|month|year|spring|summer|"
    r"autumn|fall|winter)(?:\s+\d{1,2})?(?:,?\s+(?:19|20)\d\d)?|on\s+\w+day)\b",
    F,
)
_J_ORDINAL = re.compile(
    rf"{SUBJ}{PRE}(?P<verb>became|becomes|become|becoming|is|are|was|were|has\s+become|"
    rf"have\s+become|be)\s+(?:(?:now|officially|formally|thus|also|effectively)\s+)?(?:(?:the\s+)?(?P<owner>{C}){POSS}\s+|the\s+|its\s+|their\s+)?(?P<ords>{ORD}(?:\s*(?:,\s*and|,|and)\s*{ORD}){{0,15}})\s+"
    rf"(?P<adj>(?:[\w'’@-]+\s+){{0,3}}?)(?P<noun>{_ORD_NOUN})\b(?P<after>[^;]*)",
    F,
)
_ORD_TAIL = re.compile(
    rf"^(?P<qual>[^.;]{{0,200}}?)\s*(?:\bto\s+(?:formally\s+|officially\s+)?(?P<v2>sign|join|ink|"
    rf"accede\s+to|ratify|adopt|endorse|back|support|(?:put|add)\s+its\s+(?:name|signature)\s+to|"
    rf"come\s+(?:aboard|on\s+board)|become\s+(?:a\s+)?(?:member|signatory|party)\s+(?:of|to))"
    rf"(?:\s+(?:on|up)\s+to)?\b(?:\s+{PRE_C}(?P<c>{C}))?|\b(?:of|to|in)\s+{PRE_C}(?P<c2>{C}))",
    F,
)
_ORD_AFTER_JOIN = re.compile(
    rf"^[^.;]{{0,200}}?(?:,?\s*\b(?:becoming|to\s+become|and\s+became|which\s+made\s+(?:it|them)|"
    rf"making\s+(?:it|them)|as)\s+|,\s*)(?:(?:the\s+)?{C}{POSS}\s+|the\s+|its\s+|their\s+)?(?P<ords>{ORD}(?:\s*(?:,\s*and|,|and)\s*{ORD}){{0,15}})\s+"
    rf"(?P<adj>(?:[\w'’@-]+\s+){{0,3}}?)(?P<noun>{_ORD_NOUN})\b(?P<qual>[^.;,]{{0,200}}?)"
    rf"(?:\s+to\s+(?:do\s+so|sign|join|ink|accede)\b|\s+(?:of|to|in)\s+{PRE_C}{C}|[.;,]|$)",
    F,
)
_NOT_MEMBERSHIP = re.compile(
    r"^\s*(?:\S+\s+){0,3}?as\s+(?:a|an)\s+(?:\w+\s+)?(?:partner|observer|candidate|associate|"
    r"dialogue\s+partner|guest)\b|^\s*(?:partner|observer|candidate|associate|dialogue)\b",
    F,
)
_J_APPOSITION = re.compile(
    rf"(?P<subj>{A})\s*,\s*(?:the|its)\s+(?P<ord>{ORD})\s+(?:signatory|member|signer|"
    rf"member\s+(?:state|country|nation))(?:\s+(?:of|to)\s+{PRE_C}(?P<c>{C}))?\s*,",
    F,
)
_J_NOMINAL = re.compile(
    rf"(?P<subj>{A}){POSS}\s+(?P<pre>(?:formal|recent|planned|expected|proposed|long-awaited|"
    rf"swift|eventual)\s+)?(?P<verb>accession|admission|entry|membership\s+bid|bid\s+to\s+join|"
    rf"(?:membership\s+)?application(?:\s+to\s+join)?|request\s+to\s+join|candidacy)"
    rf"(?:\s+(?:to|into|of|in)\s+{PRE_C}(?P<c>{C}))?(?P<after>[^;]*)",
    F,
)
_J_INVITATION = re.compile(
    rf"{SUBJ}{PRE}(?P<verb>weighing|considering|studying|reviewing|examining|mulling|accepted|"
    r"accepts|accepting|received|receives|declined|declines|rejected|rejects|turned\s+down|"
    rf"refused)\s+(?:an|the|its|their|a)\s+invitation\s+(?:to|from)\s+(?:join\s+)?{PRE_C}(?P<c>{C})"
    rf"(?P<after>[^;]*)",
    F,
)
# "..., while Indonesia has already declined": the coalition is the one just named
_J_ELLIPTIC_NO = re.compile(
    rf"[,;]\s*(?:while|but|whereas|and)\s+(?:the\s+)?(?P<subj>{list_of(A)})\s+"
    r"(?P<pre>(?:(?:has|have|had|already|so\s+far|also|flatly|firmly)\s+)*)"
    r"(?P<verb>declined|refused|said\s+no|rejected\s+(?:it|the\s+offer))\s*(?=[.;,]|$)",
    F,
)
_J_MAKING = re.compile(
    rf"\b(?:making|made)\s+(?P<subj>{list_of(A)})\s+(?:(?:the\s+)?{C}{POSS}\s+|the\s+|its\s+)?"
    rf"(?P<ords>{ORD}(?:\s*(?:,\s*and|,|and)\s*{ORD}){{0,15}})\s+(?P<adj>(?:[\w'’@-]+\s+){{0,3}}?)"
    rf"(?P<noun>{_ORD_NOUN})\b(?P<qual>[^.;,]{{0,200}}?)(?:\s+to\s+(?:do\s+so|sign|join)\b|"
    rf"\s+(?:of|to|in)\s+{PRE_C}(?P<c>{C})|[.;,]|$)",
    F,
)
# "Croatia was welcomed on Wednesday as NATO's 28th member"
_J_AS_ORDINAL = re.compile(
    rf"{SUBJ}{PRE}(?P<verb>(?:was|were|has\s+been|have\s+been|is|are|will\s+be|would\s+be|"
    r"could\s+be)\s+(?:formally\s+|officially\s+)?(?:welcomed|admitted|accepted|inducted|"
    r"approved|confirmed|sworn\s+in)|joined|joins|signed\s+on|came\s+aboard|came\s+on\s+board|"
    rf"entered)\b(?P<mid>[^;,.]{{0,60}}?)\s+as\s+(?:the\s+|(?P<owner>{C}){POSS}\s+|its\s+|"
    rf"their\s+)(?P<ords>{ORD})\s+(?P<adj>(?:[\w'’@-]+\s+){{0,3}}?)(?P<noun>{_ORD_NOUN})\b"
    r"(?P<after>[^;]*)",
    F,
)
# "Egypt, Ethiopia and Iran came aboard": a join whose coalition the sentence names elsewhere
_J_ABOARD = re.compile(
    rf"{SUBJ}{PRE}(?P<verb>came|come|comes|coming|climbed|climb|got|get)\s+(?:aboard|on\s+board)"
    rf"(?:\s+{PRE_C}(?P<c>{C}))?(?P<after>[^;]*)",
    F,
)
_REJECTED = re.compile(
    r"\b(?:rejected|blocked|vetoed|turned\s+down|denied|refused|failed|stalled|shelved|"
    r"withdrawn|frozen)\b",
    F,
)
_LEAVE_VERB = (
    r"(?:left|leaves|leave|leaving|quit|quits|quitting|withdrew\s+from|withdraws\s+from|"
    r"withdraw\s+from|withdrawn\s+from|withdrawing\s+from|exited|exits|exit|exiting|"
    r"pulled\s+out\s+of|pulls\s+out\s+of|pull\s+out\s+of|pulling\s+out\s+of|"
    r"(?:severed|severs|sever|cut|cuts|broke\s+off|ended)\s+(?:its\s+|their\s+|all\s+)?ties\s+with|"
    r"(?:suspended|ended|terminated|renounced|gave\s+up)\s+(?:its\s+|their\s+)?"
    r"(?:membership|participation)\s+(?:in|of)|walked\s+away\s+from|resigned\s+from|"
    r"(?:was|were|has\s+been)\s+expelled\s+from|renounced)"
)
_L_DIRECT = re.compile(
    rf"{SUBJ}{PRE}(?P<verb>{_LEAVE_VERB})\s+{PRE_C}(?P<c>{C})(?P<after>[^;]*)", F
)


_ADJUNCT = re.compile(
    r"\b(?:after|before|following|when|amid|despite|because|during|thanks\s+to|"
    r"at\s+(?:a|the)\s+(?:ceremony|signing|summit|event|meeting)|with\s+(?:a|the)\s+signing|ending|"
    r"capping|completing|marking)\b",
    F,
)


def _ordinal_ok(adj: str, qual: str, rest: str = "") -> bool:
    """A coalition-wide ordinal has no qualifier: not "first African nation", "tenth this year".

    `rest` is the clause after the ordinal phrase ("... to do so this year").
    """
    # "the 44th country and the fifth this year": the second ordinal carries the scope
    qual = re.sub(r"^\s*and\s+(?:the\s+)?#O\d+\b.*$", "", qual, flags=F)
    if _SCOPE.search(qual) or _SCOPE.search(clause(rest)):
        return False
    # an adjunct after the noun says when or why, not which subset: "the 21st member in 2015
    # after years of talks", "the 41st signatory at a ceremony in Lima"
    qual = _ADJUNCT.split(qual, maxsplit=1)[0]
    return not adj.strip() and not _ORD_TIME.sub("", qual).strip(" ,.!?\"'”’)")


def _ordinals(m: Masked, ords: str) -> list[int]:
    return [s.ordinal for s in m.tokens(ords, "#") if s.ordinal is not None]


def _pair(subjects: list[str], ordinals: list[int], ok: bool) -> list[tuple[str, int | None]]:
    subjects = list(dict.fromkeys(subjects))  # "in Yerevan, Armenia": one party named twice
    if ok and len(ordinals) == len(subjects):
        return [(s, o) for s, o in zip(subjects, ordinals, strict=True)]
    if ok and len(ordinals) == 1 and len(subjects) == 1:
        return [(subjects[0], ordinals[0])]
    return [(s, None) for s in subjects]


def membership_claims(m: Masked, main: str | None, gaz: Gazetteer) -> Iterator[RawClaim]:
    text = m.text
    done: set[tuple[str, str]] = set()

    def make(
        kind: ClaimKind, actor: str, coalition: str, pos: int, mod: Modality, ordinal: int | None
    ) -> Iterator[RawClaim]:
        if actor == coalition or (actor, coalition) in done:
            return
        done.add((actor, coalition))
        yield RawClaim(kind, pos, mod, coalition, actor=actor, ordinal=ordinal)

    for mt in _J_ORDINAL.finditer(text):
        after = mt.group("after")
        tail = _ORD_TAIL.match(after)
        noun = mt.group("noun").lower()
        coalition: str | None = None
        qual = ""
        owner = mt.group("owner")
        if tail:
            qual = tail.group("qual")
            ctok = tail.group("c") or tail.group("c2") or owner
            coalition = m.slots[ctok].actor if ctok else main
            if not ctok and ids_in(m, qual, "@"):
                continue
        elif noun.startswith(("signator", "member", "signer", "part")):
            coalition = m.slots[owner].actor if owner else main
            qual = clause(after)
        if coalition is None or _NOT_MEMBERSHIP.search(after):
            continue
        if re.search(r"\bpartner", mt.group("adj"), F):
            continue
        subjects = ids_in(m, mt.group("subj"))
        ok = _ordinal_ok(mt.group("adj"), qual, after[tail.end() :] if tail else "")
        mod = modality(mt.group("pre") + " " + mt.group("verb"), clause(after))
        for actor, ordinal in _pair(subjects, _ordinals(m, mt.group("ords")), ok):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, ordinal)

    for mt in nearest_subject(_J_AS_ORDINAL, text):
        if OBJECT_OF_PREP.search(text[: mt.start("subj")]):
            continue
        after = mt.group("after")
        owner = mt.group("owner")
        in_mid = m.coalitions(mt.group("mid"))
        of_c = re.match(rf"\s+(?:of|to|in)\s+{PRE_C}(?P<c>{C})", after, F)
        if owner:
            coalition = m.slots[owner].actor
        elif in_mid:
            coalition = in_mid[0].actor
        elif of_c:
            coalition = m.slots[of_c.group("c")].actor
        else:
            coalition = (
                main if mt.group("noun").lower().startswith(("member", "signator")) else None
            )
        if coalition is None or _NOT_MEMBERSHIP.search(after):
            continue
        qual = after[of_c.end() :] if of_c else after
        ok = _ordinal_ok(mt.group("adj"), clause(qual))
        mod = modality(mt.group("pre") + " " + mt.group("verb"), clause(after))
        for actor, ordinal in _pair(
            ids_in(m, mt.group("subj")), _ordinals(m, mt.group("ords")), ok
        ):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, ordinal)

    for mt in nearest_subject(_J_ABOARD, text):
        if OBJECT_OF_PREP.search(text[: mt.start("subj")]):
            continue
        ctok = mt.group("c")
        if ctok is None:
            before_coal = m.coalitions(text[: mt.start()])
            after_coal = m.coalitions(mt.group("after"))
            near = before_coal[-1:] or after_coal[:1]
            ctok = near[0].token if near else None
        coalition = m.slots[ctok].actor if ctok else main
        if coalition is None:
            continue
        mod = modality(mt.group("pre"), clause(mt.group("after")))
        for actor in ids_in(m, mt.group("subj")):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, None)

    for mt in [
        *nearest_subject(_J_DIRECT, text),
        *_J_COORD.finditer(text),
        *_J_AMONG.finditer(text),
    ]:
        after = mt.group("after")
        if _NOT_MEMBERSHIP.search(after) or _MODIFIED_C.match(after):
            continue
        if OBJECT_OF_PREP.search(text[: mt.start("subj")]):
            continue  # "a deal with CNSA ... joining": CNSA is not the one joining
        ctoks = [mt.group("c"), mt.groupdict().get("c2")]
        coalitions = [m.slots[t].actor for t in ctoks if t and m.slots[t].actor]
        subjects = ids_in(m, mt.group("subj"))
        ords: list[int] = []
        ok = False
        om = _ORD_AFTER_JOIN.match(after)
        if om and len(coalitions) == 1:
            ords = _ordinals(m, om.group("ords"))
            ok = _ordinal_ok(om.group("adj"), om.group("qual"), after[om.end() :])
        verb = mt.group("verb") or mt.groupdict().get("verb2") or ""
        verb_pos = mt.start("verb") if mt.group("verb") else mt.start("verb2")
        mod = modality(mt.group("pre") + " " + verb, clause(after))
        second = _SECOND_VP.match(after)
        if second and m.slots[second.group("c")].actor:
            # "may sign the Artemis Accords or join the ILRS": one subject, two coalitions
            coalitions.append(m.slots[second.group("c")].actor)
            ords = []
        for coalition in coalitions:
            for actor, ordinal in _pair(subjects, ords, ok):
                yield from make("joined", actor, str(coalition), verb_pos, mod, ordinal)

    for mt in _J_APPOSITION.finditer(text):
        ctok = mt.group("c")
        coalition = m.slots[ctok].actor if ctok else main
        who = m.slots[mt.group("subj")].actor
        if coalition and who:
            ordinal = m.slots[mt.group("ord")].ordinal
            yield from make("joined", who, coalition, mt.start("ord"), "asserted", ordinal)

    for mt in _J_MAKING.finditer(text):
        ctok = mt.group("c")
        if ctok is None:
            before_coal = m.coalitions(text[: mt.start()])
            ctok = before_coal[-1].token if before_coal else None
        coalition = m.slots[ctok].actor if ctok else main
        if coalition is None:
            continue
        ok = _ordinal_ok(mt.group("adj"), mt.group("qual"))
        subjects = ids_in(m, mt.group("subj"))
        for actor, ordinal in _pair(subjects, _ordinals(m, mt.group("ords")), ok):
            yield from make("joined", actor, coalition, mt.start("ords"), "asserted", ordinal)

    for mt in nearest_subject(_J_INVITATION, text):
        coalition = m.slots[mt.group("c")].actor
        if coalition is None:
            continue
        verb = mt.group("verb").lower()
        # an accepted invitation is a step towards membership, not membership
        mod = "negated" if re.match(r"declin|reject|turn|refus", verb) else "hedged"
        for who in ids_in(m, mt.group("subj")):
            yield from make("joined", who, coalition, mt.start("verb"), mod, None)

    for mt in _J_ELLIPTIC_NO.finditer(text):
        before_coal = m.coalitions(text[: mt.start()])
        if not before_coal or before_coal[-1].actor is None:
            continue
        for who in ids_in(m, mt.group("subj")):
            yield from make("joined", who, before_coal[-1].actor, mt.start("verb"), "negated", None)

    for mt in _J_NOMINAL.finditer(text):
        ctok = mt.group("c")
        if ctok is None:
            near = [s for s in m.coalitions(text) if s.actor]
            ctok = near[-1].token if len(near) == 1 else None
        coalition = m.slots[ctok].actor if ctok else None
        who = m.slots[mt.group("subj")].actor
        if coalition is None or who is None:
            continue
        verb = mt.group("verb").lower()
        mod = modality(mt.group("pre") or "")
        if re.search(r"bid|applic|request|candida", verb):
            # a bid is open until decided: "Pakistan's application was rejected" is a no
            mod = "negated" if _REJECTED.search(clause(mt.group("after"))) else "hedged"
        yield from make("joined", who, coalition, mt.start("verb"), mod, None)

    for mt in _J_BARE.finditer(text):
        before_coal = m.coalitions(text[: mt.start()])
        if not before_coal and re.match(r"(?:when|after|once|since|as)\b", mt.group(0), F):
            # "When Laos and Myanmar joined in 1997, ASEAN had nine members"
            before_coal = m.coalitions(text[mt.end() :])[:1]
        coalition = before_coal[-1].actor if before_coal else None
        if coalition is None:
            continue
        mod = modality(mt.group("pre"))
        for actor in ids_in(m, mt.group("subj")):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, None)

    for mt in _J_PASSIVE.finditer(text):
        coalition = m.slots[mt.group("c")].actor
        if coalition is None or _NOT_MEMBERSHIP.search(mt.group("after")):
            continue
        mod = modality(mt.group("pre"), clause(mt.group("after")))
        for actor in ids_in(m, mt.group("subj")):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, None)

    for mt in _J_OBJECT.finditer(text):
        after = mt.group("after")
        if _NOT_MEMBERSHIP.search(after):
            continue
        coalition = m.slots[mt.group("c")].actor
        if coalition is None:
            continue
        mod = modality(mt.group("pre"), clause(after))
        for actor in ids_in(m, mt.group("subj")):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, None)

    for mt in nearest_subject(_L_DIRECT, text):
        ctok = mt.group("c")
        coalition = m.slots[ctok].actor
        verb = mt.group("verb").lower()
        if _MODIFIED_C.match(mt.group("after")):
            continue
        # "cut ties with ESA" ends a partnership with an agency; leaving needs a coalition
        if coalition is None or (ctok[1] == "B" and "ties" in verb):
            continue
        if OBJECT_OF_PREP.search(text[: mt.start("subj")]):
            continue
        mod = modality(mt.group("pre"), clause(mt.group("after")))
        for actor in ids_in(m, mt.group("subj")):
            yield from make("left", actor, coalition, mt.start("verb"), mod, None)
