"""Organisations the gazetteer does not know, recognised by the shape of their names.

"Rocket Lab signed an agreement with the Luxembourg Space Agency" names two
parties no gazetteer lists. Such a name becomes an actor of kind
``organisation`` whose id is a slug, so the claim rules can use it like any
other actor (it is masked as ``@A<n>``, see `pactwatch.parsers.masking`).

Slug convention: the lower-case full name, ASCII-folded, words joined by
hyphens, without a leading "the" or a legal-form suffix ("Inc", "Ltd", "LLC",
"plc", "GmbH"); "&" is "and". "Luxembourg Space Agency" is
``luxembourg-space-agency``, "Rocket Lab" ``rocket-lab``. An acronym defined in
the same text ("the Korea Astronomy and Space Science Institute (KASI)") is an
alias, never the id: later mentions of "KASI" in that text are the same actor,
``korea-astronomy-and-space-science-institute``, so an organisation keeps one
id whether or not an article spells out its acronym. Actors the gazetteer
knows keep their gazetteer ids (a configured ``[[actors]]`` entry wins).

Precision first. A name counts when it is at least two capitalised words,
ends in an organisation word (Agency, Institute, Lab, University, Space,
Technologies, Ltd, ... or that word before "of"/"for": "University of Tokyo"),
and has one word that is not generic ("Space Agency" alone is no name), or when
an acronym defined right after it matches its initials. Never: a name in a
headline-case line, a name holding a mission ("Artemis II"), a day or a month,
or a known agency or coalition ("NASA Goddard Space Flight Center" stays NASA).
A country's ministry, government or embassy stays the country, as DESIGN
section 4 asks.

Coalitions the gazetteer does not know are found the same way (DESIGN section 4:
"coalitions and organisations missing from the gazetteer get a slug"). A name
whose head word says it is a grouping of members or a treaty ("the Minerals
Security Partnership", "the Lima Group", "the Community of Latin American and
Caribbean States", "the Nairobi Protocol"; the head words are
``coalition_heads`` and ``coalition_heads_shared`` in `data/predicates.json`) is
flagged ``coalition``. Whether it becomes a claim's coalition is the structure's
call: the tree rules read it as one only as the object of a join or exit, the
owner of members or a count (`pactwatch.parsers.relations`). A head that also
names ordinary bodies ("Group", "Council", "Union") keeps the name an
organisation too, so "Tata Group" can still sign a deal. The id follows the
organisation convention, the slug of the full name with a defined acronym as an
alias, so a coalition keeps one id across articles whether or not they spell
out its acronym; a configured ``[[actors]]`` entry gives it a short id. Never a
coalition: a name holding two countries ("the US-Japan Security Treaty" is a
bilateral pact), or one made only of words that say what kind of pact it is
("a Comprehensive Strategic Partnership").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pactwatch.parsers.gazetteer import Gazetteer, Mention
from pactwatch.parsers.model import Actor, Claim
from pactwatch.parsers.nlp import vocabulary
from pactwatch.parsers.sentences import split_sentences

__all__ = [
    "OrgMention",
    "actors_in_claims",
    "find_organisations",
    "headline_case",
    "merge_mentions",
    "open_coalitions",
    "org_slug",
]


@dataclass(frozen=True, slots=True)
class OrgMention:
    start: int
    end: int
    id: str
    name: str  # the full name as written, without a leading "the"
    known: bool = False  # a gazetteer actor under another spelling ("Russian Space Agency")
    acronym: str | None = None
    coalition: str | None = None  # its head word, when that names a grouping or a treaty


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The last word of an organisation's name (or the word before its "of"/"for").
_CUES = _words("""
    Agency Agencies Institute Institution Organisation Organization Administration Centre Center
    Office Corporation Company Inc Ltd LLC Plc plc GmbH Corp Lab Labs Laboratory Laboratories
    University College Academy Council Commission Ministry Authority Foundation Consortium
    Association Society Space Aerospace Technologies Technology Group Systems Industries
    Dynamics Robotics Aeronautics Astronautics Observatory Directorate Department Bureau
""")
_LEGAL_SUFFIX = _words("Inc Ltd LLC Plc plc GmbH")
# Words that say what an organisation does, not which one it is.
_GENERIC = _CUES | _words("""
    National International State Federal Research Science Sciences Scientific Technical
    Exploration Development Defence Defense Affairs Foreign Outer Deep Lunar Planetary
    Astronautical Satellite Satellites Launch Flight Applications Application Industry Joint
    General Central Public Private Commercial New Advanced Higher Education Economic Innovation
    Earth Moon Solar Orbital Air Upper Atmosphere Geospatial Remote Sensing Global Regional
    United European Asian African Arab American Interior Home Civil Military Security Strategic
    Industrial Trade Energy Nuclear Atomic Meteorological Weather
""")
# A country's ministry or government is the country (`pactwatch.parsers.claims` merges those).
_GOVERNMENT_HEADS = _words("""
    Ministry Government Embassy Cabinet Parliament Office Council Presidency Department
    Directorate Bureau
""")
# Programmes, missions and places that may carry a defined acronym without being organisations.
_NOT_ORG_HEADS = _words("""
    Program Programme Mission Missions Station Services Service Platform Initiative Project
    Accords Accord Treaty Agreement Act Gateway Rover Lander Telescope Summit Conference Forum
    Network Facility Complex Cosmodrome Base Spaceport Range Module Vehicle System Rocket
    Declaration Strategy Plan Law Fund
""")
# Capitalised words that open sentences or precede names without being part of them.
_OPENERS = _words("""
    The A An This That These Those In On At By For From With After Before During Under Over Last
    Next Earlier Later Meanwhile However But And Or Yet Still Now Today Yesterday Tomorrow
    Officials Both Also While When Since Asked According Like Unlike Even If As Its Their His
    Her Our Several Many Some Startup Firm Company Private Commercial Rival Fellow Then Once
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December Administrator President
    Minister Director Chief Deputy Secretary Spokesman Spokeswoman Spokesperson Ambassador
    Premier Chancellor Senator Governor Head Dr Prof Professor Mr Mrs Ms Sir Dame Where Why
    How What Who Which Whether Although Though Because Despite Unless Until Through Across
    Among Between Against Into Onto Upon Within Without Instead Only Just Here There
""")
# Words that never sit inside an organisation's name: a run holding one is headline case.
_NEVER_INSIDE = _words("""
    In On At By From With After Before During Under Over Last Next Meanwhile However But Or Yet
    Still Now Today Yesterday Tomorrow Officials Both Also While When Since Asked According If As
    Its Their His Her Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
    March April May June July August September October November December Says Said Signs
    Signed Joins Joined Agrees Agreed Plans Will Would Could Is Are Was Were Has Have Had To
    Opens Deal Deals Pact Talks Amid
""")

_WORD = r"[A-Z][A-Za-z0-9]*(?:[-'’&][A-Za-z0-9]+)*"
_CONNECTOR = r"(?:of|for|and|&|de|du|des|la|del)"
_RUN = re.compile(rf"(?<![\w@#%'’.-]){_WORD}(?:[ ](?:{_CONNECTOR}[ ])?{_WORD})*")
_TOKEN = re.compile(rf"{_WORD}|{_CONNECTOR}")
# Words that say what kind of pact a coalition-shaped name is, not which one.
_PACT_GENERIC = _words("""
    Comprehensive Strategic Free Cooperation Friendship Mutual Bilateral Multilateral Enhanced
    Special Privileged Investment Partnership Economic Trade Security Defence Defense Framework
    Agreement Treaty Accord Accords Protocol Pact Memorandum Understanding Joint Association
""")
_ACRONYM_AFTER = re.compile(r"^\s*\(\s*(?P<a>[A-Z][A-Z&-]{1,9})\s*\)")
_POSSESSIVE = re.compile(r"['’]s$")

_Token = tuple[int, int, str]


def org_slug(name: str) -> str:
    """The id of an organisation the gazetteer does not know (see the module docstring)."""
    words = name.replace("&", " and ").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    while len(words) > 1 and words[-1].rstrip(".") in _LEGAL_SUFFIX:
        words = words[:-1]
    ascii_name = (
        unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode("ascii")
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower().replace("'", "").replace("’", "")).strip(
        "-"
    )


def headline_case(sentence: str) -> bool:
    """ "Rocket Lab Signs Deal With Luxembourg": most mixed-case words capitalised."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", sentence) if not w.isupper()]
    if len(words) < 4:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.75


def _initials_match(acronym: str, tokens: Sequence[_Token]) -> bool:
    """KASI for "Korea Astronomy and Space Science Institute": the acronym's letters,
    in order, among the words' initials, starting with the first word's."""
    letters = [t[2][0].lower() for t in tokens]
    capitals = [t[2] for t in tokens if t[2][0].isupper()]
    want = [ch.lower() for ch in acronym if ch.isalpha()]
    if not want or not capitals or want[0] != capitals[0][0].lower():
        return False
    if len(want) < max(2, len(capitals) - 2):
        return False
    it = iter(letters)
    return all(ch in it for ch in want)


def _is_connector(tok: _Token) -> bool:
    return not tok[2][0].isupper()


def _strip(tokens: list[_Token]) -> list[_Token]:
    """Drop sentence openers and titles in front, connectors at either end."""
    while tokens and (tokens[0][2] in _OPENERS or _is_connector(tokens[0])):
        tokens = tokens[1:]
    while tokens and _is_connector(tokens[-1]):
        tokens = tokens[:-1]
    return tokens


def _head(tokens: Sequence[_Token]) -> str:
    """The word that says what kind of body a name is: its last, or the one before
    its first "of"/"for" ("University of Tokyo")."""
    words = [t[2] for t in tokens]
    for i, w in enumerate(words):
        if i and w in ("of", "for"):
            return words[i - 1]
    return words[-1]


def _has_cue(tokens: Sequence[_Token]) -> bool:
    return _head(tokens) in _CUES or tokens[-1][2] in _LEGAL_SUFFIX


def _coalition_head(tokens: Sequence[_Token]) -> str | None:
    """ "pure" when the head word names only groupings and treaties ("Partnership"),
    "shared" when it also names ordinary bodies ("Group"), else None."""
    head = _head(tokens).lower()
    vocab = vocabulary()
    if head in vocab["coalition_heads"]:
        return "pure"
    if head in vocab["coalition_heads_shared"]:
        return "shared"
    return None


class _Finder:
    def __init__(self, text: str, gaz: Gazetteer, named: Sequence[Mention]) -> None:
        self.text = text
        self.gaz = gaz
        self.named = sorted(named)
        self.headlines = [(s, e) for s, e, sent in split_sentences(text) if headline_case(sent)]

    def _in_headline(self, start: int) -> bool:
        return any(s <= start < e for s, e in self.headlines)

    def _overlapping(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.named if m[0] < end and m[1] > start]

    def candidate(self, tokens: list[_Token], acronym: str | None) -> OrgMention | None:
        tokens = _strip(tokens)
        capitals = [t for t in tokens if not _is_connector(t)]
        if len(capitals) < 2:
            return None
        start, end = tokens[0][0], tokens[-1][1]
        name = self.text[start:end]
        words = [t[2] for t in capitals]
        if any(w in _NEVER_INSIDE for w in words) or self.gaz.find_missions(name):
            return None
        known = self.gaz.lookup(name)
        if known:
            return OrgMention(start, end, known, name, known=True)
        inside = self._overlapping(start, end)
        pact = _coalition_head(tokens)
        places = all(s >= start and e <= end and self._place(aid) for s, e, aid in inside)
        if pact is not None and places and len({aid for _, _, aid in inside}) < 2:
            # a place in the name ("the Lima Group") is the name's; two countries make
            # it a bilateral pact ("the US-Japan Security Treaty")
            return self._coalition(tokens, name, acronym, pact)
        if not (acronym and words[-1] not in _NOT_ORG_HEADS) and not _has_cue(tokens):
            return None
        if any(
            not self.gaz.has_role(aid, "country") or s < start or e > end for s, e, aid in inside
        ):
            return None  # "NASA Goddard Space Flight Center" is NASA's
        distinctive = [
            t
            for t in capitals
            if t[2] not in _GENERIC and not any(s <= t[0] and t[1] <= e for s, e, _ in inside)
        ]
        # "Space Agency" names nobody; "the Chinese Foreign Ministry" is China
        if not distinctive and (not inside or _head(tokens) in _GOVERNMENT_HEADS):
            return None
        return OrgMention(start, end, org_slug(name), name, acronym=acronym)

    def _place(self, aid: str) -> bool:
        return self.gaz.has_role(aid, "country")

    def _coalition(
        self, tokens: list[_Token], name: str, acronym: str | None, pact: str
    ) -> OrgMention | None:
        words = [t[2] for t in tokens if not _is_connector(t)]
        if all(
            w in _GENERIC or w in _PACT_GENERIC or w.lower() == _head(tokens).lower() for w in words
        ):
            return None  # "a Comprehensive Strategic Partnership" names a kind of pact
        if pact == "pure" and not self._definite(tokens[0][0]):
            return None  # "a Framework Agreement", "signed Free Trade Agreements"
        head = _head(tokens).lower()
        return OrgMention(
            tokens[0][0], tokens[-1][1], org_slug(name), name, acronym=acronym, coalition=head
        )

    def _definite(self, start: int) -> bool:
        """A treaty or partnership is a named one after "the" (or a possessive)."""
        before = self.text[max(0, start - 12) : start]
        return re.search(r"(?:\bthe|['’]s?)\s+$", before, re.IGNORECASE) is not None

    def run(self) -> list[OrgMention]:
        found: list[OrgMention] = []
        for rm in _RUN.finditer(self.text):
            if self._in_headline(rm.start()):
                continue
            tokens = [
                (rm.start() + t.start(), rm.start() + t.end(), t.group(0))
                for t in _TOKEN.finditer(rm.group(0))
            ]
            for part in _split_possessives(tokens):
                found.extend(self._part(part))
        return self._with_acronyms(found)

    def _part(self, tokens: list[_Token]) -> Iterator[OrgMention]:
        acro = _ACRONYM_AFTER.match(self.text[tokens[-1][1] :])
        if acro and not self.gaz.find(acro.group("a")):
            # the longest tail of the run whose initials spell the acronym
            for i in range(len(tokens)):
                tail = _strip(tokens[i:])
                if tail and tail[0] == tokens[i] and _initials_match(acro.group("a"), tail):
                    org = self.candidate(tail, acro.group("a"))
                    if org:
                        yield org
                        return
        words = [t[2] for t in tokens]
        if "of" in words and "and" in words[words.index("of") :]:
            # "the Community of Latin American and Caribbean States": "and" inside the
            # of-phrase of a coalition's name does not end the name
            whole = self.candidate(tokens, None)
            if whole is not None and whole.coalition:
                yield whole
                return
        pieces: list[list[_Token]] = [[]]
        for tok in tokens:
            if tok[2] in ("and", "&"):
                pieces.append([])
            else:
                pieces[-1].append(tok)
        for piece in pieces:
            org = self.candidate(piece, None) if piece else None
            if org:
                yield org

    def _with_acronyms(self, found: list[OrgMention]) -> list[OrgMention]:
        """Later mentions of an acronym defined in the text are that organisation."""
        out = list(found)
        for org in found:
            if not org.acronym or org.known:
                continue
            for am in re.finditer(rf"(?<![\w-]){re.escape(org.acronym)}(?![\w-])", self.text):
                span = (am.start(), am.end())
                taken = any(o.start < span[1] and o.end > span[0] for o in out)
                if not taken and not self._overlapping(*span):
                    out.append(
                        OrgMention(
                            span[0],
                            span[1],
                            org.id,
                            org.name,
                            acronym=org.acronym,
                            coalition=org.coalition,
                        )
                    )
        return sorted(out, key=lambda o: o.start)


def _split_possessives(tokens: list[_Token]) -> Iterator[list[_Token]]:
    """ "Luxembourg's Space Resources Initiative": the possessor is not part of the name."""
    part: list[_Token] = []
    for tok in tokens:
        if _POSSESSIVE.search(tok[2]):
            if part:
                yield part
            part = []
        else:
            part.append(tok)
    if part:
        yield part


def find_organisations(
    text: str, gazetteer: Gazetteer, named: Sequence[Mention] | None = None
) -> list[OrgMention]:
    """Organisation names in `text` that the gazetteer's matcher missed, in order.

    `named` are the gazetteer's mentions in `text` (found again when not given).
    A country mention inside an organisation's name ("Luxembourg" in "Luxembourg
    Space Agency") is part of that name: callers replace it with the organisation.
    """
    if named is None:
        named = gazetteer.find(text)
    return _Finder(text, gazetteer, named).run()


def open_coalitions(orgs: Iterable[OrgMention]) -> list[tuple[str, str, str, bool]]:
    """The coalition-shaped names among `orgs` as `Gazetteer.with_coalitions` takes them:
    (id, name, head noun, also an organisation)."""
    shared = vocabulary()["coalition_heads_shared"]
    found: dict[str, tuple[str, str, str, bool]] = {}
    for o in orgs:
        if o.coalition and not o.known and o.id not in found:
            found[o.id] = (o.id, o.name, o.coalition, o.coalition in shared)
    return list(found.values())


def merge_mentions(named: Sequence[Mention], orgs: Iterable[OrgMention]) -> list[Mention]:
    """The gazetteer's mentions with organisations added and what they cover removed."""
    spans = [(o.start, o.end, o.id) for o in orgs]
    kept = [m for m in named if not any(s < m[1] and e > m[0] for s, e, _ in spans)]
    return sorted([*kept, *spans])


def actors_in_claims(
    claims: Iterable[Claim], gazetteer: Gazetteer | None = None, *, text: str | None = None
) -> list[Actor]:
    """The organisations and coalitions outside the gazetteer that `claims` name, as
    actors to store (kind ``coalition`` for an id a claim names as its coalition).

    Names come from `text` (the article, which may define an acronym that a claim's
    sentence only uses) or else from the claims' sentences. Ids the gazetteer knows,
    and ids no organisation name in the text gives, are left out.
    """
    gaz = gazetteer or Gazetteer.default()
    claims = list(claims)
    wanted: dict[str, None] = {}
    for c in claims:
        for aid in (c.actor, *(c.actors or ()), c.coalition):
            if aid and gaz.get(aid) is None:
                wanted.setdefault(aid)
    if not wanted:
        return []
    sources = [text] if text is not None else list(dict.fromkeys(c.sentence for c in claims))
    names: dict[str, OrgMention] = {}
    coalitions = {c.coalition for c in claims if c.coalition}
    aliases: dict[str, dict[str, None]] = {}
    for source in sources:
        for org in find_organisations(source, gaz):
            if org.id in wanted and not org.known:
                if org.id not in names or len(org.name) > len(names[org.id].name):
                    names[org.id] = org
                if org.acronym:
                    aliases.setdefault(org.id, {})[org.acronym] = None
    return [
        Actor(
            aid,
            "coalition" if aid in coalitions else "organisation",
            names[aid].name,
            tuple(aliases.get(aid, ())),
        )
        for aid in wanted
        if aid in names
    ]
