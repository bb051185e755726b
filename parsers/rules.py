"""Claim rules over masked sentences (see `parsers.masking`).

Each rule is a small regular expression over placeholders plus a few checks in
code. They prefer precision: a false count or join wakes someone at night, so
when a figure or an ordinal is not clearly about the whole coalition, now, the
rule stays silent (or keeps the join and drops the ordinal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from parsers.gazetteer import Gazetteer
from parsers.masking import Masked
from parsers.model import ClaimKind, Modality
from parsers.numbers import Quantity
from parsers.speech import modality

__all__ = ["RawClaim", "apply_rules"]


@dataclass(frozen=True, slots=True)
class RawClaim:
    kind: ClaimKind
    pos: int  # where the claim's verb or figure is in the masked text
    modality: Modality
    coalition: str | None = None
    actor: str | None = None
    actors: tuple[str, ...] | None = None
    quantity: Quantity | None = None
    ordinal: int | None = None
    topic: str | None = None


_F = re.IGNORECASE

A = r"@[AB]\d+"  # can act
C = r"@[CB]\d+"  # coalition
X = r"@[ABC]\d+"  # any named party
Q = r"#Q\d+"
ORD = r"#O\d+"
POSS = r"(?:['’]s?)"


def _list(p: str) -> str:
    item = rf"(?:the\s+)?{p}"
    return rf"{p}(?:\s*,\s*{item})*(?:\s*,?\s*(?:and|&|as\s+well\s+as)\s+{item})?"


# what may stand between "the" and a coalition: "the US-led", "China's", "the Russia-China"
PRE_C = (
    rf"(?:the\s+)?(?:(?:{X}(?:-{X})*{POSS}?|[\w@-]+-(?:led|backed|dominated|initiated|"
    rf"sponsored|proposed|run|driven|headed|founded))\s+)*"
)
NOUN = (
    r"(?:member\s+(?:states|countries|nations|agencies)|members|signatories|"
    r"signatory\s+(?:states|countries|nations)|signers|countries|nations|states|participants|"
    r"participating\s+(?:countries|nations|states)|parties|allies)"
    r"(?:\s+and\s+(?:international\s+)?(?:organi[sz]ations|agencies|institutions))?"
)
# adjectives a whole-coalition count may carry; anything else ("African") makes a subset
COUNT_ADJ = r"(?:(?:full|sovereign|current|signatory|member|participating|official)\s+)?"

PAST = re.compile(
    r"\b(?:(?:in|during)\s+(?:19|20)\d\d|last\s+(?:year|month|week|decade)|(?:a|one|two|three|"
    r"\d+)\s+(?:years?|months?)\s+(?:ago|earlier)|at\s+(?:the\s+time|first|its\s+(?:founding|"
    r"launch|inception|creation|start))|when\s+(?:it|they)\s+(?:was|were)\s+\w+|originally|"
    r"initially|back\s+then|previously|formerly|used\s+to|up\s+from|down\s+from|"
    r"since\s+(?:it|they|the\s+\w+|@[ABC]\d+)\s+(?:was|were)\s+(?:founded|created|formed|launched|set\s+up|"
    r"established)|since\s+(?:its\s+|their\s+)?(?:founding|inception|creation|launch))\b",
    _F,
)
_PAST_BEFORE_Q = re.compile(
    r"\b(?:from|of\s+the\s+original|another|other|first|last|next|initial|original|top|"
    r"only\s+the\s+first|additional)\s*$",
    _F,
)
_BAD_COUNT_ADJ = re.compile(
    r"^\s*(?:founding|original|initial|new|newer|more|additional|other|potential|prospective|"
    r"candidate|associate|observer|partner|former|remaining|further|extra)\b",
    _F,
)

# ---- member_count -----------------------------------------------------------

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
    _F,
)
_R_BEFORE = re.compile(
    rf"(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})(?P<ormore>\s+or\s+more)?\s+(?:(?:that|which|who)\s+)?"
    rf"(?P<mid>(?:(?:have|has|had|are|now|already|so\s+far|currently|formally|officially|"
    rf"collectively|all|expected\s+to|set\s+to|likely\s+to|projected\s+to|due\s+to|"
    rf"forecast\s+to|will|could|may|might|would)\s+)*)"
    r"(?P<rel>signed(?:\s+(?:on|up))?(?:\s+to)?|joined|back(?:ing|ed)?|support(?:ing|ed)?|"
    r"endors(?:ing|ed)|adher(?:ing|ed)\s+to|behind|in|of|within|belonging\s+to|party\s+to|"
    r"members\s+of|part\s+of|signatories\s+(?:of|to)|parties\s+to|making\s+up|make\s+up|"
    r"participating\s+in|taking\s+part\s+in|committed\s+to|to|(?:to\s+)?(?:have\s+)?"
    rf"(?:signed|joined)(?:\s+(?:on\s+)?to)?)\s+{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    _F,
)
_R_POSSESSIVE = re.compile(
    rf"(?P<c>{C}){POSS}\s+(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})\b(?P<after>[^;]*)", _F
)
_R_COMPOUND = re.compile(
    rf"(?P<q>{Q})-(?:member|nation|country|state|strong|signatory)\s+{PRE_C}(?P<c>{C})"
    rf"(?P<after>[^;]*)",
    _F,
)
_R_APPOSITION = re.compile(
    rf"(?P<c>{C})\s*,\s*(?:the|a|an)\s+(?P<q>{Q})-(?:member|nation|country|state|strong)\s+"
    r"(?:alliance|bloc|group|grouping|coalition|club|pact|organi[sz]ation|agency|initiative|"
    r"programme|program|project|union|accords?)(?P<after>[^;]*)",
    _F,
)
_R_QUALIFIED = re.compile(
    rf"\b(?:the|all|its|all\s+the|all\s+of\s+the)\s+(?P<q>{Q})\s+(?P<c>{C})\s+"
    r"(?:member\s+(?:states|countries|nations)|members|allies|signatories|nations|countries|"
    r"states)\b(?P<after>[^;]*)",
    _F,
)
_R_ELLIPSIS = re.compile(
    rf"(?P<c>{C}){POSS}?(?P<mid>[^;]{{0,120}}?)\b(?P<verb>(?:now\s+)?(?:has|have|counts?|numbers?|"
    rf"totals?)|(?:has\s+|have\s+)?(?:grown|risen|climbed|swelled)\s+to|stands\s+at)\s+"
    rf"(?P<q>{Q})(?P<after>\s*(?:[.;,]|$)[^;]*)",
    _F,
)
_R_COMPARED = re.compile(
    rf"\b(?:compared\s+(?:with|to)|against|versus|vs\.?|while)\s+(?:just\s+|only\s+)?(?P<q>{Q})"
    rf"(?:\s+{NOUN})?\s+(?:for|in|behind|backing|of)\s+{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    _F,
)
_R_LEAVING = re.compile(
    rf"\b(?:leaving|leaves|left)\s+(?:it|them|(?P<c>{C}))\s+with\s+(?:just\s+|only\s+)?(?P<q>{Q})"
    rf"(?:\s+{NOUN})?(?P<after>\s*(?:[.;,]|$)[^;]*)",
    _F,
)
_R_WITH_FRONT = re.compile(
    rf"\b[Ww]ith\s+(?:(?:just|only|some)\s+)?(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})\s*,\s*"
    rf"{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    _F,
)
_R_PAREN = re.compile(rf"(?P<c>{C})\s*\(\s*(?P<q>{Q})\s+{COUNT_ADJ}(?P<noun>{NOUN})\s*\)", _F)
_R_NUMBER_OF = re.compile(
    rf"\b(?:the\s+)?(?:number\s+of\s+(?:{NOUN})|{NOUN}|membership|signatory\s+count|tally|roster|"
    rf"ranks)\s+(?:of|to|in)\s+{PRE_C}(?P<c>{C})(?P<mid>\s+(?:has|have|now|already|thus\s+far|"
    rf"so\s+far|\s)*)(?:stands|stood|is|was|totals|totalled|totaled|rose|risen|grew|grown|"
    rf"climbed|increased|reached|swelled|jumped|number)\s+(?:at\s+|to\s+)?(?P<q>{Q})\b"
    rf"(?P<after>[^;]*)",
    _F,
)
_R_TOTAL = re.compile(
    rf"\b(?:bringing|brings|bring|taking|takes|raising|raises|pushing|pushes|increasing|lifting)"
    rf"\s+(?:the\s+)?(?:total|number|tally|count|membership|(?:its\s+)?(?:ranks|roster))"
    rf"(?:\s+(?:number\s+)?of\s+(?:{NOUN}))?(?:\s+(?:of|to|in)\s+{PRE_C}(?P<c2>{C}))?"
    rf"\s+to\s+(?P<q>{Q})\b(?P<after>[^;]*)",
    _F,
)
_CLAUSE_END = re.compile(r"[,;:]|\s(?:but|while|whereas|although|and\s+(?!organi))\s", _F)


def _clause(after: str) -> str:
    m = _CLAUSE_END.search(after)
    return after[: m.start()] if m else after


def _last_clause(mid: str) -> str:
    """The part of `mid` after its last comma: "X, a project set for 2035, has" -> " has"."""
    return re.split(r"[,;:]", mid)[-1]


def _counts(m: Masked, main: str | None) -> Iterator[RawClaim]:
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
        if PAST.search(_clause(after)) or PAST.search(before):
            return
        seen_q.add(qtok)
        yield RawClaim("member_count", pos, modality(before, _clause(after)), coalition, quantity=q)

    for rx in (_R_SUBJECT,):
        for mt in rx.finditer(text):
            mid = mt.group("mid")
            if not ok_q(mt.group("q"), mt.start("q")):
                continue
            # the coalition nearest the verb, and never a sentence whose subject is an actor
            cs = m.tokens(mt.group("c") + mid, "@")
            coal = [s for s in cs if s.token[1] in "CB"]
            tail = _last_clause(mid).strip()
            if re.search(r"@A\d+\s*(?:now|still|already|currently)?$", tail) or re.search(
                rf"{Q}\s+{NOUN}", mid, _F
            ):
                continue
            if re.search(r"\b(?:he|she|they|it|which\s+@A\d+)$", tail, _F):
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
        if not re.search(NOUN, mid, _F) or not ok_q(mt.group("q"), mt.start("q")):
            continue
        if re.search(r"@A\d+", _last_clause(mid)):
            continue
        nearest = [s for s in m.tokens(mt.group("c") + mid) if s.token[1] in "CB"]
        yield from emit(
            mt.group("q"),
            nearest[-1].token,
            mt.start("q"),
            _last_clause(mid) + " " + mt.group("verb"),
            mt.group("after"),
        )
    if re.search(NOUN, text, _F):
        for mt in _R_LEAVING.finditer(text):
            ctok = mt.group("c")
            if ctok is None:
                before_coal = [s for s in m.tokens(text[: mt.start()]) if s.token[1] in "CB"]
                ctok = before_coal[-1].token if before_coal else None
            if ctok and ok_q(mt.group("q"), mt.start("q")):
                yield from emit(mt.group("q"), ctok, mt.start("q"), "", mt.group("after"))
    if re.search(NOUN, text, _F):  # a comparison borrows the noun of the first figure
        for mt in _R_COMPARED.finditer(text):
            if ok_q(mt.group("q"), mt.start("q")):
                yield from emit(mt.group("q"), mt.group("c"), mt.start("q"), "", mt.group("after"))
    for rx in (
        _R_BEFORE,
        _R_POSSESSIVE,
        _R_COMPOUND,
        _R_APPOSITION,
        _R_QUALIFIED,
        _R_PAREN,
        _R_WITH_FRONT,
    ):
        for mt in rx.finditer(text):
            if not ok_q(mt.group("q"), mt.start("q")):
                continue
            d = mt.groupdict()
            before = d.get("mid") or ""
            yield from emit(
                mt.group("q"),
                mt.group("c"),
                mt.start("q"),
                before,
                d.get("after") or "",
                bool(d.get("ormore")),
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
            before_coal = [s for s in m.tokens(text[: mt.start()]) if s.token[1] in "CB"]
            if not before_coal:
                continue
            ctok = before_coal[-1].token
        yield from emit(mt.group("q"), ctok, mt.start("q"), "", mt.group("after"))


# ---- joined / left ----------------------------------------------------------

_SUBJ = rf"(?P<subj>{_list(A)})(?:\s*,\s*(?:which|who|that)\s+|\s*,\s*|\s+)"
_PRE = r"(?P<pre>(?:[\w'’@-]+,?\s+){0,9}?)"
_JOIN_VERB = (
    r"(?:signed|signs|sign|signing|joined|joins|join|joining|rejoined|rejoins|rejoin|rejoining|"
    r"acceded\s+to|accedes\s+to|"
    r"accede\s+to|ratified|ratifies|ratify|inked|inks|ink|endorsed|endorses|endorse|adopted|"
    r"entered|enter|(?:became|become|becomes|becoming)\s+(?:a|an|the\s+latest|the\s+newest|the\s+"
    r"most\s+recent|its\s+newest|its\s+latest)\s+(?:full\s+)?(?:member|signatory|party|signer)"
    r"(?:\s+(?:state|country|nation))?\s+(?:of|to|in)|(?:was|were|has\s+been|have\s+been|is|are|"
    r"be|being)\s+(?:formally\s+|officially\s+)?(?:admitted|accepted|welcomed)\s+(?:to|into|as\s+a\s+"
    r"member\s+of)|(?:put|puts|added|adds)\s+(?:its|their)\s+(?:name|signature)s?\s+to)"
)
_J_DIRECT = re.compile(
    rf"{_SUBJ}{_PRE}(?P<verb>{_JOIN_VERB})(?:\s+(?:on|up)\s+to|\s+onto)?\s+{PRE_C}(?P<c>{C})"
    rf"(?:\s+(?:or|and|and\s+later|as\s+well\s+as)\s+{PRE_C}(?P<c2>{C}))?(?P<after>[^;]*)",
    _F,
)
# "the African Union space council", "the ILRS talks": the coalition only qualifies a noun
_MODIFIED_C = re.compile(
    r"^\s+(?:[a-z-]+\s+)?(?:council|summit|conference|commission|committee|fund|office|"
    r"secretariat|parliament|talks|meeting|forum|workshop|seminar|missions?|headquarters|session|"
    r"delegation|leaders|officials|negotiations|observers?|partners?)\b|"
    r"^\s+[a-z-]+\s+(?:group|body|panel|team|board)\b",
    _F,
)
_SCOPE = re.compile(
    r"\b(?:(?:this|that|last)\s+(?:year|month|week|decade)|so\s+far\s+this|in\s+(?:the\s+)?"
    r"(?:region|Africa|Europe|Asia|Latin\s+America|South\s+America|Middle\s+East|Gulf|Pacific|"
    r"Caribbean|Andes)|from\s+(?:the\s+)?(?:region|Africa|Europe|Asia|Latin\s+America)|"
    r"outside\s+\w+|among\s+\w+)\b",
    _F,
)
_COORD_PRE = (
    r"(?:(?:has|have|had|will|would|could|may|might|also|then|later|subsequently|did|does|not|"
    r"never|n['’]t|formally|officially|eventually|stopped\s+short\s+of|refused\s+to|declined\s+to|"
    r"plans\s+to|is\s+expected\s+to|is\s+set\s+to|wants\s+to|hopes\s+to|agreed\s+to|"
    r"went\s+on\s+to|is\s+considering|intends\s+to)\s+)*"
)
_J_COORD = re.compile(
    rf"^(?:[\w'’]+\s+){{0,4}}?(?:the\s+)?(?P<subj>{_list(A)})\s+[^;]*?\b(?:but|and|yet)\s+"
    rf"(?P<pre>{_COORD_PRE})(?P<verb>{_JOIN_VERB})(?:\s+(?:on|up)\s+to|\s+onto)?\s+"
    rf"{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    _F,
)
_J_BARE = re.compile(
    rf"\b(?:when|as|after|before|since|once|where)\s+(?:the\s+)?(?P<subj>{_list(A)})\s+"
    r"(?P<pre>(?:(?:also|formally|officially|finally|all|both|had|have|has|later)\s+){0,2})"
    r"(?P<verb>joined|signed(?:\s+(?:on|up))?|acceded|(?:added|put)\s+(?:its|their)\s+"
    r"(?:name|signature)s?)(?=\s*(?:[.,;]|$|in\s+|on\s+|last\s+|this\s+))",
    _F,
)
_J_PASSIVE = re.compile(
    rf"(?P<c>{C})\s+(?P<pre>(?:(?:has|have|had|was|were|been|also|now|since|already|formally|"
    rf"will|be|could|would)\s+)*)(?P<verb>signed|joined|ratified|endorsed)\s+(?:[\w-]+\s+)?"
    rf"by\s+(?:the\s+)?(?P<subj>{_list(A)})(?P<after>[^;]*)",
    _F,
)
_J_AMONG = re.compile(
    rf"{_SUBJ}(?P<pre>(?:(?:is|are|was|were|now|also)\s+)+)(?:among|one\s+of)\s+(?:the\s+)?"
    rf"(?:{NOUN}|#Q\d+\s+{NOUN})\s+(?:that|which|who)\s+(?:have|has|had)\s+(?:already\s+)?"
    rf"(?P<verb>signed|joined)(?:\s+(?:on|up)\s+to)?\s+{PRE_C}(?P<c>{C})(?P<after>[^;]*)",
    _F,
)
_OBJECT_OF_PREP = re.compile(
    r"\b(?:with|on|of|from|for|at|by|in|into|about|against|between|than|like|to|toward|towards)\s+"
    r"(?:the\s+)?$",
    _F,
)
_J_OBJECT = re.compile(
    rf"(?P<c>{C})\s+(?P<pre>(?:(?:has|have|had|will|formally|officially|also|now|on\s+\w+)\s+)*)"
    rf"(?P<verb>welcomed|welcomes|admitted|admits|added|adds|accepted|accepts)\s+"
    rf"(?P<subj>{_list(A)})(?P<after>[^;]*)",
    _F,
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
    _F,
)
_J_ORDINAL = re.compile(
    rf"{_SUBJ}{_PRE}(?P<verb>became|becomes|become|becoming|is|are|was|were|has\s+become|"
    rf"have\s+become|be)\s+(?:the\s+|(?P<owner>{C}){POSS}\s+|its\s+|their\s+)?(?P<ords>{ORD}(?:\s*(?:,\s*and|,|and)\s*{ORD})*)\s+"
    rf"(?P<adj>(?:[\w'’@-]+\s+){{0,3}}?)(?P<noun>{_ORD_NOUN})\b(?P<after>[^;]*)",
    _F,
)
_ORD_TAIL = re.compile(
    rf"^(?P<qual>[^.;]*?)\s*(?:\bto\s+(?:formally\s+|officially\s+)?(?P<v2>sign|join|ink|"
    rf"accede\s+to|ratify|adopt|endorse|become\s+(?:a\s+)?(?:member|signatory|party)\s+(?:of|to))"
    rf"(?:\s+(?:on|up)\s+to)?\b(?:\s+{PRE_C}(?P<c>{C}))?|\b(?:of|to|in)\s+{PRE_C}(?P<c2>{C}))",
    _F,
)
_ORD_AFTER_JOIN = re.compile(
    rf"^[^.;]*?(?:,?\s*\b(?:becoming|to\s+become|and\s+became|which\s+made\s+(?:it|them)|"
    rf"making\s+(?:it|them)|as)\s+|,\s*)(?:the\s+|{C}{POSS}\s+|its\s+|their\s+)?(?P<ords>{ORD}(?:\s*(?:,\s*and|,|and)\s*{ORD})*)\s+"
    rf"(?P<adj>(?:[\w'’@-]+\s+){{0,3}}?)(?P<noun>{_ORD_NOUN})\b(?P<qual>[^.;,]*?)"
    rf"(?:\s+to\s+(?:do\s+so|sign|join|ink|accede)\b|\s+(?:of|to|in)\s+{PRE_C}{C}|[.;,]|$)",
    _F,
)
_NOT_MEMBERSHIP = re.compile(
    r"^\s*(?:\S+\s+){0,3}?as\s+(?:a|an)\s+(?:\w+\s+)?(?:partner|observer|candidate|associate|"
    r"dialogue\s+partner|guest)\b|^\s*(?:partner|observer|candidate|associate|dialogue)\b",
    _F,
)
_PARTNER_STATUS = re.compile(
    rf"{_SUBJ}{_PRE}(?P<verb>became|becomes|become|becoming|joined|joins|join|was\s+made|"
    rf"was\s+granted|is|was)\s+(?:a|an|the)?\s*(?:{C}\s+)?(?:partner|dialogue\s+partner)"
    rf"(?:\s+(?:country|nation|state|status))?(?:\s+(?:of|in|with|to)\s+{PRE_C})?",
    _F,
)
_PARTNER_CHOICE = re.compile(
    rf"^(?:the\s+)?(?P<subj>{A})\b(?P<pre>[^;]*?)\b(?P<verb>opt(?:ed|ing|s)?|cho(?:se|ose|osen|osing)|"
    r"accept(?:ed|ing|s)?|t(?:ook|aking|akes)|settl(?:ed|ing|es)|grant(?:ed)?|given|receiv(?:ed|ing|es)"
    r")\s+(?:instead\s+)?(?:for\s+)?(?:a\s+|the\s+)?partner\s+(?:status|country\s+status)",
    _F,
)
_J_APPOSITION = re.compile(
    rf"(?P<subj>{A})\s*,\s*(?:the|its)\s+(?P<ord>{ORD})\s+(?:signatory|member|signer|"
    rf"member\s+(?:state|country|nation))(?:\s+(?:of|to)\s+{PRE_C}(?P<c>{C}))?\s*,",
    _F,
)
_J_NOMINAL = re.compile(
    rf"(?P<subj>{A}){POSS}\s+(?P<pre>(?:formal|recent|planned|expected|proposed|long-awaited|"
    rf"swift|eventual)\s+)?(?P<verb>accession|admission|entry|membership\s+bid|bid\s+to\s+join)"
    rf"(?:\s+(?:to|into|of|in)\s+{PRE_C}(?P<c>{C}))?(?P<after>[^;]*)",
    _F,
)
_J_MAKING = re.compile(
    rf"\b(?:making|made)\s+(?P<subj>{_list(A)})\s+(?:the\s+|{C}{POSS}\s+|its\s+)?"
    rf"(?P<ords>{ORD}(?:\s*(?:,\s*and|,|and)\s*{ORD})*)\s+(?P<adj>(?:[\w'’@-]+\s+){{0,3}}?)"
    rf"(?P<noun>{_ORD_NOUN})\b(?P<qual>[^.;,]*?)(?:\s+to\s+(?:do\s+so|sign|join)\b|"
    rf"\s+(?:of|to|in)\s+{PRE_C}(?P<c>{C})|[.;,]|$)",
    _F,
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
    rf"{_SUBJ}{_PRE}(?P<verb>{_LEAVE_VERB})\s+{PRE_C}(?P<c>{C})(?P<after>[^;]*)", _F
)


def _nearest_subject(rx: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Matches of a subject-verb rule, keeping for each verb the subject nearest to it.

    "A spokesperson for the Kremlin said Russia would never join": Russia joins, not
    the Kremlin. A subject that is the object of a preposition never counts, and a
    list ("Peru and Chile signed") stays one subject.
    """
    best: dict[int, re.Match[str]] = {}
    pos = 0
    while (mt := rx.search(text, pos)) is not None:
        pos = mt.start() + 1
        if _OBJECT_OF_PREP.search(text[: mt.start("subj")]):
            continue
        key = mt.start("verb")
        old = best.get(key)
        if old is None or mt.start("subj") >= old.end("subj"):
            best[key] = mt
    return sorted(best.values(), key=lambda mt: mt.start("verb"))


def _ids(m: Masked, fragment: str, prefix: str = "@") -> list[str]:
    return [s.actor for s in m.tokens(fragment, prefix) if s.actor]


def _ordinal_ok(adj: str, qual: str, rest: str = "") -> bool:
    """A coalition-wide ordinal has no qualifier: not "first African nation", "tenth this year".

    `rest` is the clause after the ordinal phrase ("... to do so this year").
    """
    # "the 44th country and the fifth this year": the second ordinal carries the scope
    qual = re.sub(r"^\s*and\s+(?:the\s+)?#O\d+\b.*$", "", qual, flags=_F)
    if _SCOPE.search(qual) or _SCOPE.search(_clause(rest)):
        return False
    return not adj.strip() and not _ORD_TIME.sub("", qual).strip(" ,.!?\"'”’)")


def _ordinals(m: Masked, ords: str) -> list[int]:
    return [s.ordinal for s in m.tokens(ords, "#") if s.ordinal is not None]


def _pair(subjects: list[str], ordinals: list[int], ok: bool) -> list[tuple[str, int | None]]:
    if ok and len(ordinals) == len(subjects):
        return [(s, o) for s, o in zip(subjects, ordinals, strict=True)]
    if ok and len(ordinals) == 1 and len(subjects) == 1:
        return [(subjects[0], ordinals[0])]
    return [(s, None) for s in subjects]


def _memberships(m: Masked, main: str | None, gaz: Gazetteer) -> Iterator[RawClaim]:
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
            if not ctok and _ids(m, qual, "@"):
                continue
        elif noun.startswith(("signator", "member", "signer", "part")):
            coalition = m.slots[owner].actor if owner else main
            qual = _clause(after)
        if coalition is None or _NOT_MEMBERSHIP.search(after):
            continue
        if re.search(r"\bpartner", mt.group("adj"), _F):
            continue
        subjects = _ids(m, mt.group("subj"))
        ok = _ordinal_ok(mt.group("adj"), qual, after[tail.end() :] if tail else "")
        mod = modality(mt.group("pre") + " " + mt.group("verb"), _clause(after))
        for actor, ordinal in _pair(subjects, _ordinals(m, mt.group("ords")), ok):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, ordinal)

    for mt in [
        *_nearest_subject(_J_DIRECT, text),
        *_J_COORD.finditer(text),
        *_J_AMONG.finditer(text),
    ]:
        after = mt.group("after")
        if _NOT_MEMBERSHIP.search(after) or _MODIFIED_C.match(after):
            continue
        if _OBJECT_OF_PREP.search(text[: mt.start("subj")]):
            continue  # "a deal with CNSA ... joining": CNSA is not the one joining
        ctoks = [mt.group("c"), mt.groupdict().get("c2")]
        coalitions = [m.slots[t].actor for t in ctoks if t and m.slots[t].actor]
        subjects = _ids(m, mt.group("subj"))
        ords: list[int] = []
        ok = False
        om = _ORD_AFTER_JOIN.match(after)
        if om and len(coalitions) == 1:
            ords = _ordinals(m, om.group("ords"))
            ok = _ordinal_ok(om.group("adj"), om.group("qual"), after[om.end() :])
        mod = modality(mt.group("pre") + " " + mt.group("verb"), _clause(after))
        for coalition in coalitions:
            for actor, ordinal in _pair(subjects, ords, ok):
                yield from make("joined", actor, str(coalition), mt.start("verb"), mod, ordinal)

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
            before_coal = [s for s in m.tokens(text[: mt.start()]) if s.token[1] in "CB"]
            ctok = before_coal[-1].token if before_coal else None
        coalition = m.slots[ctok].actor if ctok else main
        if coalition is None:
            continue
        ok = _ordinal_ok(mt.group("adj"), mt.group("qual"))
        subjects = _ids(m, mt.group("subj"))
        for actor, ordinal in _pair(subjects, _ordinals(m, mt.group("ords")), ok):
            yield from make("joined", actor, coalition, mt.start("ords"), "asserted", ordinal)

    for mt in _J_NOMINAL.finditer(text):
        ctok = mt.group("c")
        if ctok is None:
            near = [s for s in m.tokens(text) if s.token[1] in "CB" and s.actor]
            ctok = near[-1].token if len(near) == 1 else None
        coalition = m.slots[ctok].actor if ctok else None
        who = m.slots[mt.group("subj")].actor
        if coalition is None or who is None:
            continue
        verb = mt.group("verb").lower()
        mod = "hedged" if "bid" in verb else modality(mt.group("pre") or "")
        yield from make("joined", who, coalition, mt.start("verb"), mod, None)

    for mt in _J_BARE.finditer(text):
        before_coal = [s for s in m.tokens(text[: mt.start()]) if s.token[1] in "CB"]
        coalition = before_coal[-1].actor if before_coal else None
        if coalition is None:
            continue
        mod = modality(mt.group("pre"))
        for actor in _ids(m, mt.group("subj")):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, None)

    for mt in _J_PASSIVE.finditer(text):
        coalition = m.slots[mt.group("c")].actor
        if coalition is None or _NOT_MEMBERSHIP.search(mt.group("after")):
            continue
        mod = modality(mt.group("pre"), _clause(mt.group("after")))
        for actor in _ids(m, mt.group("subj")):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, None)

    for mt in _J_OBJECT.finditer(text):
        after = mt.group("after")
        if _NOT_MEMBERSHIP.search(after):
            continue
        coalition = m.slots[mt.group("c")].actor
        if coalition is None:
            continue
        mod = modality(mt.group("pre"), _clause(after))
        for actor in _ids(m, mt.group("subj")):
            yield from make("joined", actor, coalition, mt.start("verb"), mod, None)

    for mt in _nearest_subject(_L_DIRECT, text):
        ctok = mt.group("c")
        coalition = m.slots[ctok].actor
        verb = mt.group("verb").lower()
        if _MODIFIED_C.match(mt.group("after")):
            continue
        # "cut ties with ESA" ends a partnership with an agency; leaving needs a coalition
        if coalition is None or (ctok[1] == "B" and "ties" in verb):
            continue
        if _OBJECT_OF_PREP.search(text[: mt.start("subj")]):
            continue
        mod = modality(mt.group("pre"), _clause(mt.group("after")))
        for actor in _ids(m, mt.group("subj")):
            yield from make("left", actor, coalition, mt.start("verb"), mod, None)


# ---- partnerships -----------------------------------------------------------

_COOP_NOUN = (
    r"(?:cooperation|co-operation|partnership|collaboration|agreement|deal|memorandum"
    r"(?:\s+of\s+understanding)?|MoU|pact|alliance|accord|treaty|ties|talks|framework|"
    r"joint\s+venture|relationship)"
)
_P_NOUN_WITH = re.compile(
    rf"(?P<a>{X}){POSS}?(?P<pre>[^;@]{{0,80}}?)\b{_COOP_NOUN}\s+(?:\w+\s+){{0,2}}?with\s+"
    rf"(?P<b>{_list(X)})(?P<after>[^;]*)",
    _F,
)
_COOP_VERB = (
    r"(?:partnered|partners|partner|partnering|teamed\s+up|teams\s+up|team\s+up|teaming\s+up|"
    r"cooperates?|cooperated|cooperating|co-operates?|co-operated|co-operating|collaborates?|"
    r"collaborated|collaborating|joined\s+forces|join\s+forces|joining\s+forces|works?|worked|"
    r"working|signed\s+(?:an?\s+)?(?:\w+\s+){0,3}?(?:agreements?|deals?|memorand(?:um|a)|pacts?|"
    r"accords?)|sign\s+(?:an?\s+)?(?:\w+\s+){0,3}?(?:agreements?|deals?|memorand(?:um|a)|pacts?|accords?))"
)
_P_VERB_WITH = re.compile(
    rf"(?P<a>{_list(X)})\s+(?P<pre>(?:[\w'’-]+\s+){{0,5}}?)(?P<verb>{_COOP_VERB})\s+"
    rf"(?:(?:closely|together|jointly|\w+ly)\s+)?with\s+(?P<b>{_list(X)})(?P<after>[^;]*)",
    _F,
)
_P_TOGETHER = re.compile(
    rf"(?P<a>{X}(?:\s*,\s*(?:the\s+)?{X})*\s*,?\s*(?:and|&)\s+(?:the\s+)?{X})\s+(?P<pre>(?:[\w'’-]+\s+){{0,5}}?)"
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
    _F,
)
_P_JOINT = re.compile(
    rf"(?P<a>{X}\s+and\s+(?:the\s+)?{X})\s+(?P<pre>(?:[\w'’-]+\s+){{0,3}}?)"
    r"(?P<verb>launched|built|developed|designed|flew|operate|operated|run|ran|unveiled|"
    r"completed|tested)\b(?P<after>[^.;]*?\b(?:a\s+joint|jointly|together|in\s+partnership|"
    r"in\s+cooperation|co-developed|collaborative)\b[^.;]*)",
    _F,
)
_AGREEMENT_WORD = re.compile(
    r"\b(?:agreement|deal|pact|memorandum|MoU|treaty|accord|partnership|cooperation|co-operation|"
    r"framework|joint|together|jointly|to\s+cooperate|to\s+collaborate|to\s+work\s+together)\b",
    _F,
)
_P_PAYLOAD = re.compile(
    rf"(?P<a>{_list(X)})\s+(?P<pre>(?:[\w'’-]+\s+){{0,4}}?)(?P<verb>launched|launches|launch|"
    r"flew|flies|fly|flown|sent|sends|send|placed|put|carried|contributed|contributes|"
    r"contribute|provided|provides|provide|supplied|supplies|supply|delivered|has|have|had|"
    r"will\s+fly|will\s+send)\s+(?:a\s+|an\s+|its\s+|their\s+|two\s+|several\s+|\w+\s+)?"
    r"(?P<what>payloads?|instruments?|experiments?|equipment|detectors?|rovers?|cubesats?|"
    r"satellites?|spectrometers?|cameras?)\s+(?:on\s+board|aboard|onboard|on|to|for|in)\s+"
    rf"(?P<mission>[^;]*)",
    _F,
)
_P_CREW = re.compile(
    rf"(?P<a>{X})\s+(?P<pre>[^.;@]{{0,60}}?)\b(?P<verb>launch|fly|send|host|train|carry|take)\w*"
    rf"\s+(?:a\s+|an\s+|two\s+|three\s+|the\s+first\s+|its\s+first\s+)?(?P<b>{A})\s+"
    r"(?P<what>astronauts?|cosmonauts?|taikonauts?|crew(?:\s+members?)?)(?P<after>[^;]*)",
    _F,
)
_P_NO_LONGER = re.compile(
    rf"(?P<a>{_list(X)})\b(?P<pre>[^;]*?)\b(?P<verb>won['’]t\s+be\s+(?:a\s+)?part\s+of|will\s+not\s+be\s+"
    r"(?:a\s+)?part\s+of|(?:will\s+)?no\s+longer\s+(?:be\s+(?:a\s+)?part\s+of|take\s+part\s+in|"
    r"participate\s+in|cooperate\s+with|work\s+with|collaborate\s+with)|won['’]t\s+(?:take\s+part|"
    r"participate)\s+in|will\s+not\s+(?:take\s+part|participate)\s+in|pulled\s+out\s+of|"
    r"withdrew\s+from|has\s+withdrawn\s+from|(?:cancell?ed|ended|ends|halted|suspended|froze|"
    r"terminated)\s+(?:its\s+|their\s+|all\s+)?(?:participation|involvement|cooperation|"
    r"co-operation|collaboration|partnership)\s+(?:in|on|with))\s+(?P<rest>[^;]*)",
    _F,
)
_P_CANCEL = re.compile(
    rf"(?P<a>{X})\s+(?P<pre>(?:[\w'’-]+\s+){{0,3}}?)(?P<verb>cancell?ed|scrapped|dropped|"
    r"abandoned|shelved|called\s+off|cancels|scraps|drops|abandons)\s+(?P<rest>[^;]*)",
    _F,
)
_PLANNED_THING = re.compile(
    r"^(?:(?:its|their|the|a|all|plans?\s+(?:for|to))\s+)*(?:sending|plans?|joint|cooperation|"
    r"co-operation|participation|partnership|collaboration|agreement|deal|project|mission|"
    r"flights?|talks)\b",
    _F,
)
_PROHIBIT = re.compile(
    r"\b(?:prohibits?|prohibited|prohibiting|bars?|barred|barring|bans?|banned|banning|forbids?|"
    r"forbade|forbidden|prevents?|prevented|preventing|blocks?|blocked|restricts?|restricted)\s+"
    r"$",
    _F,
)
_RESTRAINT = re.compile(
    rf"\b(?:restrains?|restricts?|bars?|bans?|prohibits?|forbids?|blocks?|limits?|curbs?|"
    rf"hampers?|hinders?)\s+(?:all\s+)?(?P<a>{X})-(?P<b>{X})\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?:cooperation|co-operation|engagement|collaboration|ties|partnership|contacts?|exchanges?)",
    _F,
)
_MISSIONISH = re.compile(
    r"\b(?:missions?|programmes?|programs?|projects?|stations?|flights?|cooperation|"
    r"co-operation|landers?|probes?|exploration|initiative)\b",
    _F,
)
_TOPIC_CUT = re.compile(
    r"\s*(?:,|;|\bwhich\b|\bbecause\b|\bbut\b|\bwhile\b|\bwhereas\b|\bafter\b|\bfollowing\b|"
    r"\bin\s+the\s+(?:future|coming)\b|\bin\s+a\s+year|\bby\s+(?:19|20)\d\d|\bnext\s+\w+|"
    r"\bthis\s+(?:year|month|week)|\bsaid\b|\bsuch\s+as\b|\bas\s+well\b|\bstarting\b|"
    r"\bfrom\s+(?:19|20)\d\d|\bin\s+(?:19|20)\d\d|\blast\s+\w+|\baccording\b|[.!?]\s*$)",
    _F,
)
_TOPIC_PREP = re.compile(
    r"(?:^|\s)(?:on|for|in|over|regarding|concerning|covering|to\s+(?:jointly\s+)?"
    r"(?:build|develop|explore|launch|study|operate|establish|fly|share|send|land|deploy|"
    r"cooperate\s+on|"
    r"work\s+on|collaborate\s+on))\s+(?P<topic>.+)",
    _F,
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
        flags=_F,
    )
    text = " ".join(text.split()).strip(" .,'\"“”‘’").lower()
    if not text or len(text) > 80 or not re.search(r"[a-z]", text):
        return None
    return text


_AS_OBJECT = re.compile(
    r"\b(?:join|joining|joined|joins|sign|signed|signing|signs|leave|left|leaving|quit|of|with|to|"
    r"from|for|by|into)\s+(?:the\s+)?$",
    _F,
)
_SENTENCE_SUBJECT = re.compile(rf"^(?:[\w'’]+\s+){{0,3}}?(?:the\s+)?(?P<s>{A})\b", _F)


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


_TOPIC_STOP = frozenset(
    [
        "its",
        "their",
        "the",
        "a",
        "an",
        "his",
        "her",
        "of",
        "in",
        "on",
        "for",
        "with",
        "further",
        "closer",
        "deeper",
        "new",
        "joint",
        "and",
        "has",
        "have",
        "had",
        "made",
        "make",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "to",
        "end",
        "from",
        "by",
        "at",
        "as",
        "any",
        "no",
        "not",
    ]
)


def _same(gaz: Gazetteer, a: str, b: str) -> bool:
    return a == b or gaz.stands_for(a) == gaz.stands_for(b)


def _pairs(gaz: Gazetteer, left: list[str], right: list[str]) -> Iterator[tuple[str, ...]]:
    for a in left:
        for b in right:
            if not _same(gaz, a, b):
                yield tuple(sorted((a, b)))


def _owner(m: Masked, fragment: str) -> str | None:
    """Whose mission: the first named country/agency or named mission in `fragment`."""
    for slot in m.tokens(fragment, "@%"):
        if slot.kind == "mission" or slot.token[1] in "AB":
            return slot.actor
    return None


def _partnerships(m: Masked, gaz: Gazetteer) -> Iterator[RawClaim]:
    text = m.text
    done: set[tuple[ClaimKind, tuple[str, ...], str]] = set()

    def make(
        kind: ClaimKind, pair: tuple[str, ...], pos: int, mod: Modality, topic: str | None
    ) -> Iterator[RawClaim]:
        key = (kind, pair, mod)
        if key in done:
            return
        done.add(key)
        yield RawClaim(kind, pos, mod, actors=pair, topic=topic)

    def prohibited(start: int, pre: str) -> bool:
        return bool(
            _PROHIBIT.search(text[max(0, start - 40) : start])
            or re.search(r"\b(?:prohibit|bar|ban|forbid|prevent|block)\w*\b", pre, _F)
        )

    for mt in _P_NO_LONGER.finditer(text):
        rest = mt.group("rest")
        cut = _TOPIC_CUT.search(rest)
        near = rest[: cut.start()] if cut else rest
        subjects = _ids(m, mt.group("a"))
        verb = mt.group("verb").lower()
        topic = _topic(
            m, re.sub(r"^(?:subsequent|future|further|upcoming|later)\s+", "", rest), prep=False
        )
        topic = re.sub(r"^(?:[\w’'.-]+\s+)?(?=\w+\s+missions?\b)", "", topic or "") or topic
        if len(subjects) > 1 and not verb.endswith("with"):
            # "Roscosmos and ESA ended their cooperation on ExoMars": the pair is the subject
            for a, b in combinations(subjects, 2):
                for pair in _pairs(gaz, [a], [b]):
                    yield from make("partnership_ended", pair, mt.start("verb"), "asserted", topic)
            continue
        owner = _owner(m, near)
        # leaving a coalition is `left`, handled with memberships
        b_slot = m.tokens(near, "@")
        if owner is None or not subjects or (b_slot and b_slot[0].token[1] == "C"):
            continue
        if not (_MISSIONISH.search(rest) or "with" in verb):
            continue
        for pair in _pairs(gaz, subjects[-1:], [owner]):
            yield from make("partnership_ended", pair, mt.start("verb"), "asserted", topic)

    for mt in _P_CANCEL.finditer(text):
        rest = mt.group("rest")
        if not _PLANNED_THING.search(rest):
            continue
        owner = _owner(m, rest)
        canceller = m.slots[mt.group("a")].actor
        if owner is None or canceller is None:
            continue
        mod = modality(mt.group("pre"))
        topic = _topic(m, re.sub(r"^(?:plans?\s+(?:for|to)\s+)", "", rest, flags=_F), prep=False)
        for pair in _pairs(gaz, [canceller], [owner]):
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
            for pair in _pairs(gaz, [one], [other]):
                yield from make("partnership", pair, mt.start(), "negated", None)

    for rx in (_P_VERB_WITH, _P_NOUN_WITH):
        for mt in rx.finditer(text):
            left = _ids(m, mt.group("a"))
            right = _ids(m, mt.group("b"))
            pre = mt.group("pre")
            after = mt.group("after")
            if rx is _P_NOUN_WITH and re.search(
                r"\b(?:accus\w*|hamper\w*|interfer\w*|meddl\w*|against)\b", pre, _F
            ):
                continue
            if _AS_OBJECT.search(text[: mt.start("a")]):
                # "Ethiopia plans to join the ILRS and has held talks with CNSA": the ILRS
                # is an object; the talks belong to the sentence's subject
                subject = _SENTENCE_SUBJECT.match(text)
                if subject is None or not re.search(r"\b(?:and|but)\b", pre, _F):
                    continue
                left = _ids(m, subject.group("s"))
            pos = mt.start("verb") if "verb" in mt.groupdict() else mt.start("b")
            mod = "negated" if prohibited(mt.start("a"), pre) else modality(pre, _clause(after))
            kind: ClaimKind = "partnership"
            if re.search(
                r"\bno\s+longer\b|\bend\s+of\b|\b(?:ended|ending|ends|suspended|froze|frozen|halted|"
                r"terminated|severed|cut|broke\s+off)\b",
                pre,
                _F,
            ):
                kind, mod = "partnership_ended", "asserted"
            topic = _topic(m, after)
            if topic is None and rx is _P_NOUN_WITH:
                topic = _topic_before_noun(pre)
            for pair in _pairs(gaz, left, right):
                yield from make(kind, pair, pos, mod, topic)

    for mt in _P_TOGETHER.finditer(text):
        after = mt.group("after")
        verb = mt.group("verb").lower()
        if re.search(r"^[^,;]*?\bwith\s+(?:the\s+)?@[ABC]\d+", after, _F):
            continue  # "A and B signed agreements with C": partners of C, not of each other
        if re.match(rf"\s*{PRE_C}{C}", after, _F) and re.match(r"sign|ink", verb):
            continue  # "A and B signed the Artemis Accords": joins, not a partnership
        if re.match(r"(?:signed|inked|concluded|reached|struck|agreed|sign|ink)$", verb) and not (
            _AGREEMENT_WORD.search(after[:80])
        ):
            continue
        ids = _ids(m, mt.group("a"))
        pre = mt.group("pre")
        mod = (
            "negated"
            if prohibited(mt.start("a"), pre)
            else modality(pre + " " + verb, _clause(after))
        )
        topic = _topic(m, after)
        for a, b in combinations(ids, 2):
            for pair in _pairs(gaz, [a], [b]):
                yield from make("partnership", pair, mt.start("verb"), mod, topic)

    for mt in _P_JOINT.finditer(text):
        ids = _ids(m, mt.group("a"))
        joint = re.search(r"\bjoint\s+(?P<t>[^,.;]+)", mt.group("after"), _F)
        topic = _topic(m, joint.group("t"), prep=False) if joint else None
        mod = modality(mt.group("pre"))
        for a, b in combinations(ids, 2):
            for pair in _pairs(gaz, [a], [b]):
                yield from make("partnership", pair, mt.start("verb"), mod, topic)

    for mt in _P_PAYLOAD.finditer(text):
        mission = mt.group("mission")
        owner = _owner(m, mission)
        if owner is None:
            continue
        left = _ids(m, mt.group("a"))
        mod = modality(mt.group("pre") + " " + mt.group("verb"), _clause(mission))
        what = "payloads" if mt.group("what").lower().endswith("s") else "payload"
        where = _topic(m, mission, prep=False)
        if where:
            where = re.sub(r"^[\w’'.-]+['’]s\s+", "", where)
            where = re.sub(r"\s+(?:and|but)\b.*$", "", where)
        topic = f"{what} on {where}" if where else what
        for pair in _pairs(gaz, left, [owner]):
            yield from make("partnership", pair, mt.start("verb"), mod, topic)

    for mt in _P_CREW.finditer(text):
        host = m.slots[mt.group("a")].actor
        guest = m.slots[mt.group("b")].actor
        if host is None or guest is None:
            continue
        mod = modality(mt.group("pre"), _clause(mt.group("after")))
        what = mt.group("what").lower()
        rest = _topic(m, mt.group("after"))
        topic = f"{what} to {rest}" if rest else what
        topic = topic.replace(" to its ", " to ")
        for pair in _pairs(gaz, [host], [guest]):
            yield from make("partnership", pair, mt.start("verb"), mod, topic)

    for mt in _PARTNER_CHOICE.finditer(text):
        cs = [s.actor for s in m.tokens(text) if s.token[1] == "C" and s.actor]
        actor = m.slots[mt.group("subj")].actor
        if len(set(cs)) != 1 or actor is None:
            continue
        mod = modality(re.split(r"[,;]", mt.group("pre"))[-1])
        for pair in _pairs(gaz, [actor], cs[:1]):
            yield from make("partnership", pair, mt.start("verb"), mod, "partner status")

    for mt in _PARTNER_STATUS.finditer(text):
        cs = [s.actor for s in m.tokens(mt.group(0)) if s.token[1] in "CB" and s.actor]
        cs = [c for c in cs if c not in _ids(m, mt.group("subj"))]
        if not cs:
            continue
        mod = modality(mt.group("pre") + " " + mt.group("verb"))
        for actor in _ids(m, mt.group("subj")):
            for pair in _pairs(gaz, [actor], cs[:1]):
                yield from make("partnership", pair, mt.start("verb"), mod, "partner status")


def apply_rules(m: Masked, *, main: str | None, gazetteer: Gazetteer) -> list[RawClaim]:
    """Every claim the rules find in one masked sentence, in sentence order."""
    out = [*_counts(m, main), *_memberships(m, main, gazetteer), *_partnerships(m, gazetteer)]
    out.sort(key=lambda c: c.pos)
    return out
