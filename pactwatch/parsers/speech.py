"""Modality and attribution: is a claim asserted, hedged or negated, and who says so.

Both work on a *masked* sentence (see `pactwatch.parsers.masking`): named actors appear
as placeholders such as ``@A3``, so "China said" and "Wu said" look alike to
the patterns here and a speaker can be an organisation as well as a person.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pactwatch.parsers.model import Modality

__all__ = ["Speaker", "SpeakerTracker", "modality"]

_NEGATION = re.compile(
    r"\b(?:not|never|no\s+plans?|no\s+intention|no\s+longer|declined|declines|decline|refused|"
    r"refuses|refuse|rejected|rejects|reject|ruled\s+out|rules\s+out|denied|denies|yet\s+to|"
    r"failed\s+to|fails\s+to|without|stopped\s+short\s+of|stops\s+short\s+of|nor|withdrew|"
    r"withdrawn|withdraws|abandoned|abandons|dropped|drops|scrapped|scraps|shelved|turned\s+down|"
    r"backed\s+away|ruled\s+out|opted\s+out|against|(?:blocked|barred|prevented|banned|excluded|"
    r"vetoed|kept\s+out)\s+from)\b|n['’]t\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:will|would|could|may|might|should|can|shall|expected|expects|expect|plans?|planning|"
    r"planned|intends?|intended|intending|set\s+to|poised|likely|considering|considers|consider|"
    r"scheduled|aims?|aiming|hopes?|hoping|seeks?|seeking|wants?|wanted|is\s+to|are\s+to|"
    r"due\s+to|about\s+to|preparing|prepares|mulling|weighing|negotiating|talks|applied|applies|"
    r"applying|bid|proposed|proposes|invited|possible|possibly|potentially|ready\s+to|eager|keen|"
    r"if|soon|interest\s+in|interested\s+in|moving\s+to|on\s+track\s+to|pledged|pledges|vowed|"
    r"vows|promised|promises|close\s+to|nearing|on\s+the\s+verge\s+of)\b",
    re.IGNORECASE,
)
# After the verb only time phrases hedge: "will sign next month" is hedged by "will",
# "signs next month" by the date alone.
_HEDGE_AFTER = re.compile(
    r"\b(?:next\s+(?:week|month|year)|later\s+this\s+(?:week|month|year)|in\s+the\s+coming\s+\w+|"
    r"by\s+(?:the\s+end\s+of\s+)?(?:19|20)\d\d|by\s+the\s+end\s+of\s+the\s+(?:year|decade)|"
    r"soon|if\s+\w+)\b",
    re.IGNORECASE,
)


_UNDECIDED = re.compile(r"\b(?:whether|undecided|weigh(?:s|ing|ed)?|mulling)\b", re.IGNORECASE)


def modality(before: str, after: str = "") -> Modality:
    """Modality from the words between a claim's subject and its verb (`before`)
    and the rest of the clause (`after`)."""
    if _UNDECIDED.search(before):
        return "hedged"  # "has yet to decide whether to join" is open, not a refusal
    if _NEGATION.search(before):
        return "negated"
    if _HEDGE.search(before) or _HEDGE_AFTER.search(after):
        return "hedged"
    return "asserted"


# ---- attribution ----------------------------------------------------------

_NAME_TOKEN = r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]\.)"
_PARTICLE = r"(?:de|da|del|der|den|van|von|bin|le|la|di|al-[A-Z][a-z]+)"
_NAME = rf"(?:{_NAME_TOKEN}(?:\s+(?:{_NAME_TOKEN}|{_PARTICLE})){{0,3}})"
_MENTION = r"@[ABC]\d+"
_SAY = (
    r"(?:said|says|stated|states|asserted|asserts|claimed|claims|told|tells|announced|announces|"
    r"noted|notes|added|adds|argued|argues|insisted|insists|maintained|maintains|indicated|"
    r"indicates|mentioned|mentions|confirmed|confirms|explained|explains|warned|warns|declared|"
    r"declares|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|acknowledged|acknowledges|reported|"
    r"reports|wrote|writes|revealed|reveals|suggested|suggests|contended|contends|alleged|alleges|"
    r"believes|believed|estimated|estimates|predicted|predicts|boasted|boasts|conceded|concedes|"
    r"spoke|speaks|replied|replies|recalled|recalls|pointed\s+out|points\s+out)"
)
_SPEAKER_BEFORE = re.compile(
    rf"(?P<who>{_NAME}|{_MENTION}|\b[Hh]e|\b[Ss]he)"
    rf"(?:\s+(?:officials?|spokes(?:man|woman|person)|ministry|government))?"
    r"(?:\s*,\s*[^,]{1,80},)?"  # an apposition: "Wu Weiren, the chief designer, said"
    rf"\s+(?:(?:also|has|had|have|previously|again|later|recently|publicly|repeatedly|then)\s+)?"
    rf"{_SAY}\b"
)
_SPEAKER_AFTER = re.compile(
    rf"[,—–]\s*(?:{_SAY})\s+(?:the\s+[a-z ]{{1,40}}\s+)?(?P<who>{_NAME}|{_MENTION})"
    rf"|[,—–]\s*(?:an?\s+|the\s+)?(?P<adj>(?:senior|top|chief|former|deputy|unnamed|"
    rf"anonymous|local)\s+)?(?P<who2>{_NAME}|{_MENTION}|[Hh]e|[Ss]he)"
    r"(?P<role>\s+(?:officials?|spokes(?:man|woman|person)|ministry|government|agency|"
    r"diplomats?|sources?|engineers?|scientists?|planners?))?"
    rf"\s+(?:{_SAY})(?:\s+[\w@'’-]+){{0,6}}\s*[.!]?[\"”’]?\s*$"
)
_ACCORDING = re.compile(
    rf"\b[Aa]ccording\s+to\s+(?:the\s+)?(?:{_MENTION}(?:['’]s?)?\s+|{_NAME}['’]s?\s+)?"
    rf"(?:[a-z-]+\s+){{0,5}}?(?P<who>{_NAME}|{_MENTION})"
    r"(?P<role>\s+(?:state\s+media|officials?|sources?|spokes(?:man|woman|person)|ministry|"
    r"government|media|diplomats?))?"
)
# ", a Western diplomat in Beijing said." / ", NASA Administrator Bill Nelson told reporters":
# the whole noun phrase before a closing speech verb; `_describe` turns it into a speaker
_SPEAKER_TAIL = re.compile(
    rf"[,—–]\s*(?!(?:and|but|while|which|who|as|after|when|so|or|because|though|although)\b)"
    rf"(?P<np>[^,;:\"“”]{{1,90}}?)\s+(?:(?:also|has|had|have|later|again)\s+)?(?:{_SAY})"
    r"(?:\s+[\w@'’.-]+){0,6}(?:\s*,\s*(?:citing|quoting)\s+[^,;]{1,60})?\s*[.!]?[\"”’]?\s*$"
)
_SPEAKER_LEAD = re.compile(
    rf"^(?P<np>(?:An?|The)\s+[^,;:\"“”]{{1,80}}?)\s+(?:(?:also|has|had|have|later|again)\s+)?"
    rf"(?:{_SAY})\b"
)
_ACCORDING_NP = re.compile(r"\b[Aa]ccording\s+to\s+(?P<np>[^,;:\"“”]{1,90}?)\s*(?:[,;:.!]|$)")
# a noun phrase that is only a name's title and a name: "Roscosmos chief Yuri Borisov"
_TRAILING_NAME = re.compile(
    rf"(?:^|\s)(?P<name>{_NAME_TOKEN}(?:\s+(?:{_NAME_TOKEN}|{_PARTICLE}))*\s+{_NAME_TOKEN})$"
)
_NP_VERBISH = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|that|which|who|it|they|he|she|this|these|"
    r"signed|joined|said)\b",
    re.IGNORECASE,
)
_PREP_BEFORE = re.compile(r"\b(?:in|at|from|of|for|to|on|near|with)\s*$", re.IGNORECASE)
_ANAPHOR_NP = re.compile(
    r"^(?:the\s+)?(?:agency|country|nation|bloc|group|alliance|organi[sz]ation|union|"
    r"government|accords?|station|programme|program)$",
    re.IGNORECASE,
)

_STOP_WORDS = """
    The This That These Those But And In On As At It Its A An If While When After Before
    However Meanwhile Still Yet So Also Then There Here Officials Analysts Experts
    Administrator President Minister Director Chief Deputy Secretary General Spokesman
    Spokeswoman Spokesperson Ambassador Commander Premier Chancellor Senator Governor Head
    Dr Prof Professor Foreign Prime Vice
"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who speaks in a sentence, and from which masked offset on their words count."""

    name: str
    from_pos: int  # claims triggered at or after this offset are theirs


@dataclass(slots=True)
class SpeakerTracker:
    """Follows named speakers through an article so "He said" and "Wu said"
    resolve to the full name seen earlier ("Wu Weiren")."""

    names: list[str] = field(default_factory=list)

    def _clean(self, raw: str) -> str | None:
        tokens = raw.split()
        while tokens and tokens[0] in _STOP:
            tokens = tokens[1:]
        if not tokens:
            return None
        name = " ".join(tokens)
        if name in ("He", "he", "She", "she"):
            return self.names[-1] if self.names else None
        if len(tokens) == 1:
            for known in reversed(self.names):
                if name in known.split():
                    return known
        return name

    def _remember(self, name: str) -> None:
        if name in self.names:
            self.names.remove(name)
        self.names.append(name)

    def speaker(self, masked: str, surface: Callable[[str], str]) -> Speaker | None:
        """The speaker of `masked`, if the sentence reports someone's words.

        `surface` turns a placeholder (``@A3``) back into the text it stands for.
        """
        found: Speaker | None = None
        for rx in (_ACCORDING_NP, _SPEAKER_TAIL, _SPEAKER_LEAD):
            m = rx.search(masked)
            if m:
                found = self._describe(m.group("np"), surface)
                if found is not None:
                    return Speaker(found.name, m.end() if rx is _SPEAKER_LEAD else 0)
        m = _ACCORDING.search(masked)
        if m:
            found = self._make(m.group("who"), 0, surface)
            if found is not None and m.group("role"):
                found = Speaker(found.name + m.group("role"), 0)
        if found is None:
            m = _SPEAKER_AFTER.search(masked)
            if m:
                found = self._make(m.group("who") or m.group("who2"), 0, surface)
                if found is not None and m.group("who2"):
                    adj = m.group("adj") or ""
                    found = Speaker(adj + found.name + (m.group("role") or ""), 0)
        if found is None:
            for m in _SPEAKER_BEFORE.finditer(masked):
                found = self._make(m.group("who"), m.end(), surface)
                if found is not None:
                    break
        return found

    def _make(self, raw: str, pos: int, surface: Callable[[str], str]) -> Speaker | None:
        if raw.startswith("@"):
            return Speaker(surface(raw), pos)
        name = self._clean(raw)
        if name is None:
            return None
        if name[0].isupper() and " " in name:
            self._remember(name)
        return Speaker(name, pos)

    def _describe(self, np: str, surface: Callable[[str], str]) -> Speaker | None:
        """The speaker a noun phrase names: the person's name when the phrase ends in one
        ("Roscosmos chief Yuri Borisov"), else the phrase without its article
        ("a Western diplomat in Beijing" -> "Western diplomat in Beijing")."""
        np = np.strip()
        if len(np.split()) > 9 or "#" in np or _NP_VERBISH.search(np):
            return None
        if re.fullmatch(_MENTION, np):
            return Speaker(re.sub(r"^(?:an?|the)\s+", "", surface(np), flags=re.IGNORECASE), 0)
        nm = _TRAILING_NAME.search(np)
        if nm and not _PREP_BEFORE.search(np[: nm.start("name")]):
            run = nm.group("name").split()
            # "Commission President Ursula von der Leyen": the name follows the last title word
            titles = [i for i, tok in enumerate(run) if tok in _STOP]
            name = self._clean(" ".join(run[titles[-1] + 1 :] if titles else run))
            if name is not None and " " in name:
                self._remember(name)
                return Speaker(name, 0)
        text = re.sub(r"@[ABC]\d+", lambda t: surface(t.group(0)), np)
        text = re.sub(r"^(?:an?|the)\s+", "", text, flags=re.IGNORECASE).strip()
        if not text or _ANAPHOR_NP.match(text) or not re.search(r"[a-z]", text):
            return None
        if text in ("He", "he", "She", "she") or (text[0].isupper() and " " not in text):
            return None  # a pronoun or a lone surname: the older rules know those
        return Speaker(text, 0)
