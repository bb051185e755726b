"""member_count rules: a coalition and a figure of its members, now.

A figure about the past ("up from 24", "the eight founding members", "seventeen
signed in 2024") or about a subset ("seven African nations") is not a count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pactwatch.parsers.masking import Masked
from pactwatch.parsers.nlp import verb_forms
from pactwatch.parsers.numbers import Quantity
from pactwatch.parsers.rule_parts import (
    COUNT_ADJ,
    NOUN,
    POSS,
    PRE_C,
    C,
    F,
    Q,
    RawClaim,
    clause,
    last_clause,
)
from pactwatch.parsers.speech import modality

__all__ = ["count_claims"]


PAST = re.compile(
    r"\b(?:(?:in|during)\s+(?:19|20)\d\d|last\s+(?:year|month|week|decade)|(?:a|one|two|three|"
    r"\d+)\s+(?:years?|months?)\s+(?:ago|earlier)|at\s+(?:the\s+time|first|its\s+(?:founding|"
    r"launch|inception|creation|start))|when\s+(?:it|they)\s+(?:was|were)\s+\w+|originally|"
    r"initially|back\s+then|previously|formerly|used\s+to|up\s+from|down\s+from|"
    r"since\s+(?:it|they|the\s+\w+|@[ABC]\d+)\s+(?:was|were)\s+(?:founded|created|formed|launched|set\s+up|"
    r"established)|since\s+(?:its\s+|their\s+)?(?:founding|inception|creation|launch)|"
    r"at\s+the\s+(?:end|start|beginning|close)\s+of\s+(?:19|20)\d\d)\b",
    F,
)
# "three signatories of the pact were ...": the group described, as it was then
_WAS = re.compile(r"\s*(?:was|were)\b", F)
# "Twenty years ago, ESA had 15 member states": a past frame opening the clause
_PAST_LEAD = re.compile(
    r"^\s*(?:(?:[\w#]+\s+){1,3}(?:years?|months?|decades?)\s+ago|back\s+in\s+(?:19|20)\d\d|"
    r"in\s+(?:19|20)\d\d|at\s+(?:its|the)\s+(?:founding|launch|start|outset)|when\s+\w+\s+"
    r"(?:was|were)\s+\w+|originally|initially|at\s+first|"
    # "When Sweden joined, NATO had 32 members": the count at that join, not now
    r"(?:when|after|once|by\s+the\s+time)\s+[^;]{0,120}?\b(?:joined|signed|acceded|entered|"
    r"came\s+aboard)\b)",
    F,
)
_PAST_BEFORE_Q = re.compile(
    r"\b(?:from|of\s+the\s+original|another|other|first|last|next|initial|original|top|"
    r"only\s+the\s+first|additional)\s*$",
    F,
)
_COUNT_VERB = (
    r"(?:(?:now|still|already|currently)\s+)?(?:has|have|had|counts?|counted|boasts?|comprises?|"
    r"groups|represents|"
    r"includes?|numbers?|totals?|encompasses|unites|gathers|brings\s+together|consists\s+of|"
    r"is\s+made\s+up\s+of|(?:has\s+|had\s+)?(?:grown|grew|risen|rose|climbed|increased|expanded|"
    r"swelled|jumped)\s+to|(?:has\s+)?reached|stands\s+at|stood\s+at|with|"
    rf"from\s+{Q}\s+to|(?:has\s+|have\s+)?(?:signed\s+up|enrolled|attracted|gained|won\s+over)|"
    r"(?:will|would|could|may|might|is\s+expected\s+to|expects\s+to|aims\s+to|hopes\s+to)\s+"
    r"(?:have|reach|count|number|total|grow\s+to|rise\s+to))"
)
_R_SUBJECT = re.compile(
    rf"(?P<c>{C}){POSS}?(?P<mid>[^;]{{0,160}}?)\b(?P<verb>{_COUNT_VERB})\s+"
    rf"(?:(?:a\s+total\s+of|a\s+membership\s+of|just|only|already|some\s+of)\s+)?"
    rf"(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})\b(?P<after>[^;]*)",
    F,
)
_R_BEFORE = re.compile(
    rf"(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})(?P<ormore>\s+or\s+more)?\s+(?:(?:that|which|who)\s+)?"
    rf"(?P<mid>(?:(?:have|has|had|are|now|already|so\s+far|currently|formally|officially|"
    rf"collectively|all|expected\s+to|set\s+to|likely\s+to|projected\s+to|due\s+to|"
    rf"forecast\s+to|will|could|may|might|would)\s+)*)"
    r"(?P<rel>signed(?:\s+(?:on|up))?(?:\s+to)?|joined|back(?:ing|ed)?|support(?:ing|ed)?|"
    r"endors(?:ing|ed)|adher(?:ing|ed)\s+to|behind|in|of|within|belong(?:ing|s)?\s+to|party\s+to|"
    r"(?:put|putting|added|adding)\s+their\s+(?:names?|signatures?)\s+to|"
    r"members\s+of|part\s+of|signatories\s+(?:of|to)|parties\s+to|making\s+up|make\s+up|"
    r"participating\s+in|taking\s+part\s+in|committed\s+to|to|(?:to\s+)?(?:have\s+)?"
    rf"(?:signed|joined)(?:\s+(?:on\s+)?to)?)\s+{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    F,
)
_R_POSSESSIVE = re.compile(
    rf"(?P<c>{C}){POSS}\s+(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})\b(?P<after>[^;]*)", F
)
_R_COMPOUND = re.compile(
    rf"(?P<q>{Q})-(?:member|nation|country|state|strong|signatory)\s+{PRE_C}(?P<c>{C})"
    rf"(?P<after>[^;]*)",
    F,
)
_R_APPOSITION = re.compile(
    rf"(?P<c>{C})(?:\s*,\s*|\s+(?:is|remains|has\s+become|became)\s+)"
    rf"(?P<mid>(?:now|still|currently|already|today)\s+)?(?:the|a|an)\s+(?P<q>{Q})-"
    r"(?:member|nation|country|state|strong)\s+"
    r"(?:alliance|bloc|group|grouping|coalition|club|pact|organi[sz]ation|agency|initiative|"
    r"programme|program|project|union|accords?)(?P<after>[^;]*)",
    F,
)
# "APSCO, a grouping of eight nations,", "the ILRS now boasts a roster of 17 member countries"
_R_GROUP_OF = re.compile(
    rf"(?P<c>{C})(?:\s*,\s*|\s+(?P<mid>(?:(?:now|still|currently|already|today)\s+)?"
    r"(?:is|remains|has\s+become|became|has|boasts|counts)\s+(?:now\s+)?))(?:the|a|an|its)\s+"
    r"(?:[\w-]+\s+)?(?:grouping|group|bloc|club|alliance|coalition|roster|membership|union|"
    rf"organi[sz]ation|network|community|family|line-up|lineup)\s+of\s+(?P<q>{Q})\s+{COUNT_ADJ}"
    rf"(?P<noun>{NOUN})\b(?P<after>[^;]*)",
    F,
)
# "An 11-member organisation, APSCO is based in Beijing"
_R_FRONT_APPOSITION = re.compile(
    rf"^(?:An?|The)\s+(?:(?P<q>{Q})-(?:member|nation|country|state|strong)\s+[a-z]+)\s*,\s*"
    rf"{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    F,
)
# "A coalition of 47 nations, the Artemis Accords ..."
_R_FRONT_GROUP = re.compile(
    r"^(?:An?|The)\s+(?:grouping|group|bloc|club|coalition|alliance|union|family)\s+of\s+"
    rf"(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})\s*,\s*{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    F,
)
_R_QUALIFIED = re.compile(
    rf"\b(?:the|all|its|all\s+the|all\s+of\s+the)\s+(?P<q>{Q})\s+(?P<c>{C})\s+"
    r"(?:member\s+(?:states|countries|nations)|members|allies|signatories|nations|countries|"
    r"states)\b(?P<after>[^;]*)",
    F,
)
_R_ELLIPSIS = re.compile(
    rf"(?P<c>{C}){POSS}?(?P<mid>[^;]{{0,120}}?)\b(?P<verb>(?:now\s+)?(?:has|have|counts?|numbers?|"
    rf"totals?)|(?:has\s+|have\s+)?(?:grown|risen|climbed|swelled)\s+to|stands\s+at)\s+"
    rf"(?P<q>{Q})(?P<after>\s*(?:[.;,]|$)[^;]*)",
    F,
)
_R_COMPARED = re.compile(
    rf"\b(?:compared\s+(?:with|to)|against|versus|vs\.?|while)\s+(?:just\s+|only\s+)?(?P<q>{Q})"
    rf"(?:\s+{NOUN})?\s+(?:for|in|behind|backing|of)\s+{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    F,
)
_R_LEAVING = re.compile(
    rf"\b(?:leaving|leaves|left)\s+(?:it|them|(?P<c>{C}))\s+with\s+(?:just\s+|only\s+)?(?P<q>{Q})"
    rf"(?:\s+{NOUN})?(?P<after>\s*(?:[.;,]|$)[^;]*)",
    F,
)
_R_PASSIVE = re.compile(
    rf"(?P<c>{C})\s+(?P<mid>(?:(?:has|have|had|now|already|so\s+far)\s+)*)been\s+(?:signed|joined|"
    rf"endorsed|ratified|backed)\s+by\s+(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})\b(?P<after>[^;]*)",
    F,
)
_R_WITH_FRONT = re.compile(
    rf"\b[Ww]ith\s+(?:(?:just|only|some)\s+)?(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})\s*,\s*"
    rf"{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    F,
)
_R_PAREN = re.compile(rf"(?P<c>{C})\s*\(\s*(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})\s*\)", F)
_R_C_MEMBERSHIP = re.compile(
    rf"(?P<c>{C}){POSS}?\s+(?:membership|signatory\s+count|roster|ranks|tally)\s+"
    rf"(?P<mid>(?:(?:has|have|now|already|so\s+far|will|could|may|is\s+expected\s+to)\s+)*)"
    rf"(?:climbs?|climbed|climbing|rises?|rose|risen|grows?|grew|grown|reach(?:es|ed)?|hits?|"
    rf"stands?|stood|jump(?:s|ed)?|swell(?:s|ed)?|increase[sd]?|totals?|totalled|is|was)\s+"
    rf"(?:at\s+|to\s+)?(?P<q>{Q})\b(?P<after>[^;]*)",
    F,
)
_R_NUMBER_OF = re.compile(
    rf"\b(?:the\s+)?(?:number\s+of\s+(?:{NOUN})|{NOUN}|membership|signatory\s+count|tally|roster|"
    rf"ranks)\s+(?:of|to|in)\s+{PRE_C}(?P<c>{C})(?P<mid>\s+(?:has|have|now|already|thus\s+far|"
    rf"so\s+far|\s)*)(?:stands|stood|is|was|totals|totalled|totaled|rose|risen|grew|grown|"
    rf"climbed|increased|reached|swelled|jumped|number)\s+(?:at\s+|to\s+)?(?P<q>{Q})\b"
    rf"(?P<after>[^;]*)",
    F,
)
_R_TOTAL = re.compile(
    rf"\b(?:bringing|brings|bring|taking|takes|raising|raises|pushing|pushes|increasing|lifting)"
    rf"\s+(?:the\s+)?(?:total|number|tally|count|membership|(?:its\s+)?(?:ranks|roster))"
    rf"(?:\s+(?:number\s+)?of\s+(?:{NOUN}))?(?:\s+(?:of|to|in)\s+{PRE_C}(?P<c2>{C}))?"
    rf"\s+to\s+(?P<q>{Q})\b(?P<after>[^;]*)",
    F,
)


def _lead(text: str, pos: int) -> str:
    """Up to four words before `pos` in the same clause."""
    head = re.split(r"[,;:]", text[:pos])[-1]
    return " ".join(head.split()[-4:])


def count_claims(m: Masked, main: str | None) -> Iterator[RawClaim]:
    text = m.text
    seen_q: set[str] = set()

    def ok_q(qtok: str, qstart: int) -> bool:
        return qtok not in seen_q and not _PAST_BEFORE_Q.search(text[max(0, qstart - 25) : qstart])

    def emit(
        qtok: str, ctok: str, pos: int, before: str, after: str, or_more: bool = False
    ) -> Iterator[RawClaim]:
        q = m.slots[qtok].quantity
        if q is not None and or_more and q.value is not None:
            q = Quantity(None, q.value, None, True)  # "fifty countries or more"
        coalition = m.slots[ctok].actor
        if q is None or coalition is None:
            return
        clause_start = max(text.rfind(";", 0, pos), text.rfind(". ", 0, pos)) + 1
        if (
            PAST.search(clause(after))
            or PAST.search(before)
            or _PAST_LEAD.search(text[clause_start:pos])
        ):
            return
        seen_q.add(qtok)
        yield RawClaim("member_count", pos, modality(before, clause(after)), coalition, quantity=q)

    for rx in (_R_SUBJECT,):
        for mt in rx.finditer(text):
            mid = mt.group("mid")
            if not ok_q(mt.group("q"), mt.start("q")):
                continue
            # the coalition nearest the verb, and never a sentence whose subject is an actor
            coal = m.coalitions(mt.group("c") + mid)
            tail = last_clause(mid).strip()
            if re.search(r"@A\d+\s*(?:now|still|already|currently)?$", tail) or re.search(
                rf"{Q}\s+{NOUN}", mid, F
            ):
                continue
            if re.search(r"\b(?:he|she|they|it|which\s+@A\d+)$", tail, F):
                continue
            if not coal:
                continue
            yield from emit(
                mt.group("q"),
                coal[-1].token,
                mt.start("q"),
                tail + " " + mt.group("verb"),
                mt.group("after"),
            )
    for mt in _R_ELLIPSIS.finditer(text):
        # "the accords, which began with eight signatories, now have more than 50":
        # the noun is given earlier in the sentence, the figure stands alone
        mid = mt.group("mid")
        if not re.search(NOUN, text[: mt.start("q")], F) or not ok_q(mt.group("q"), mt.start("q")):
            continue
        if re.search(r"@A\d+", last_clause(mid)):
            continue
        nearest = m.coalitions(mt.group("c") + mid)
        yield from emit(
            mt.group("q"),
            nearest[-1].token,
            mt.start("q"),
            last_clause(mid) + " " + mt.group("verb"),
            mt.group("after"),
        )
    if re.search(NOUN, text, F):
        for mt in _R_LEAVING.finditer(text):
            ctok = mt.group("c")
            if ctok is None:
                before_coal = m.coalitions(text[: mt.start()])
                ctok = before_coal[-1].token if before_coal else None
            if ctok and ok_q(mt.group("q"), mt.start("q")):
                yield from emit(mt.group("q"), ctok, mt.start("q"), "", mt.group("after"))
    if re.search(NOUN, text, F):  # a comparison borrows the noun of the first figure
        for mt in _R_COMPARED.finditer(text):
            if ok_q(mt.group("q"), mt.start("q")):
                yield from emit(mt.group("q"), mt.group("c"), mt.start("q"), "", mt.group("after"))
    # a possessive owns its figure: "NATO's 31 allies have signed the treaty" counts NATO
    for rx in (
        _R_POSSESSIVE,
        _R_BEFORE,
        _R_COMPOUND,
        _R_APPOSITION,
        _R_GROUP_OF,
        _R_FRONT_APPOSITION,
        _R_FRONT_GROUP,
        _R_QUALIFIED,
        _R_PAREN,
        _R_WITH_FRONT,
        _R_PASSIVE,
    ):
        for mt in rx.finditer(text):
            if not ok_q(mt.group("q"), mt.start("q")):
                continue
            d = mt.groupdict()
            before = d.get("mid") or ""
            if rx is _R_BEFORE:
                if _WAS.match(d.get("after") or ""):
                    continue  # "all three signatories of the pact were allies then"
                # "analysts expect fewer than 20 members in the ILRS": the verb before
                # the figure sets the modality
                before = _lead(text, mt.start()) + " " + before
            yield from emit(
                mt.group("q"),
                mt.group("c"),
                mt.start("q"),
                before,
                d.get("after") or "",
                bool(d.get("ormore")),
            )
    for mt in _R_C_MEMBERSHIP.finditer(text):
        if ok_q(mt.group("q"), mt.start("q")):
            yield from emit(
                mt.group("q"), mt.group("c"), mt.start("q"), mt.group("mid"), mt.group("after")
            )
    for mt in _R_NUMBER_OF.finditer(text):
        if ok_q(mt.group("q"), mt.start("q")):
            yield from emit(
                mt.group("q"), mt.group("c"), mt.start("q"), mt.group("mid"), mt.group("after")
            )
    for mt in _R_TOTAL.finditer(text):
        if not ok_q(mt.group("q"), mt.start("q")):
            continue
        ctok = mt.group("c2")
        if ctok is None:
            before_coal = m.coalitions(text[: mt.start()])
            if not before_coal:
                continue
            # a bare "bringing the total to N" counts members only after a join ("Peru
            # signed, bringing the total to 41"), not after entries added to a list
            of_members = " of " in text[mt.start() : mt.start("q")]
            joined = verb_forms("join_verbs", "join_passive_verbs", "become_verbs")
            if not of_members and not joined.search(text[: mt.start()]):
                continue
            ctok = before_coal[-1].token
        yield from emit(mt.group("q"), ctok, mt.start("q"), "", mt.group("after"))
