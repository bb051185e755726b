"""Who is who: countries, agencies and coalitions, and where a text names them.

Countries come from pycountry (ISO 3166-1 alpha-2 ids in upper case), completed
by `data/actors.json` with common names, demonyms and capitals used as
metonyms ("Washington" for the United States). Coalitions and agencies are
lower-case slugs; a national agency `stands_for` its country (nasa -> US).

Users extend the gazetteer from `pactwatch.toml` without code. The mapping that
`Gazetteer.with_extra` takes is the parsed TOML (or an equivalent dict)::

    [[actors]]
    id = "unoosa"                  # lower-case slug, or an alpha-2 code for a country
    kind = "organisation"          # country | agency | coalition | organisation | person
    name = "UN Office for Outer Space Affairs"
    aliases = ["UNOOSA", "Office for Outer Space Affairs"]
    stands_for = ""                # optional: the country an agency represents

i.e. ``{"actors": [{"id": ..., "kind": ..., "name": ..., "aliases": [...],
"stands_for": None}]}``. An entry whose id is already known adds its aliases
(and replaces name, kind and stands_for when given).

Matching is case-sensitive ("US" is the country, "us" is not) and finds the
longest name at each position with one compiled regular expression.

Organisations no entry lists ("Rocket Lab", "the Luxembourg Space Agency") are
found by `pactwatch.parsers.organisations`, which gives them the id convention for
unknown organisations: the slug of the full name (``rocket-lab``), with an
acronym the article defines as an alias, never as the id.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, cast

import pycountry

from pactwatch.errors import ConfigError
from pactwatch.parsers.model import Actor, ActorKind

__all__ = ["Gazetteer", "Mention", "MissionMention"]

_KINDS: tuple[ActorKind, ...] = ("country", "agency", "coalition", "organisation", "person")
_BLOCKED = ""  # id of names we recognise only to ignore ("Latin America")

# Curly and straight apostrophes match alike; the table keeps string lengths.
_FOLD = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-"})

Mention = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class MissionMention:
    start: int
    end: int
    name: str
    owner: str


def _trie_regex(words: Iterable[str]) -> str:
    """A regex alternation of `words` built as a trie, longest match first."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return walk(trie)


@dataclass(frozen=True, slots=True)
class _Entry:
    actor: Actor
    roles: frozenset[str]
    anaphors: tuple[str, ...] = ()
    context_aliases: tuple[str, ...] = ()
    context_requires: tuple[str, ...] = ()
    strong_anaphors: tuple[str, ...] = ()


# A capitalised word right before a name that is also a surname ("Lisa Jordan"), unless it
# is a function word or a title that may open a sentence or precede a country.
_GIVEN_NAME = re.compile(
    r"(?<![\w.])(?!(?:In|At|From|To|With|For|By|And|But|The|Of|On|As|Like|Both|While|"
    r"Whereas|Neighbouring|Neighboring|Only|Even|Unlike|Including|Also|When|After|Before|"
    r"Since|Today|Yesterday|Meanwhile|Northern|Southern|Eastern|Western|Central|King|Queen|"
    r"Kingdom|Republic|State|Nation)\b)[A-Z][a-z]+\s+$"
)


class Gazetteer:
    """Known actors and a compiled matcher over all their names."""

    def __init__(
        self,
        entries: Mapping[str, _Entry],
        blocked: Iterable[str] = (),
        missions: Iterable[tuple[str, str, bool]] = (),
        surnames: Iterable[str] = (),
    ) -> None:
        self._entries = dict(entries)
        self._found: frozenset[str] | set[str] = frozenset()
        self._surnames = frozenset(surnames)
        self._blocked = tuple(blocked)
        self._missions = tuple(missions)
        self._alias_to_id: dict[str, str] = {}
        self._folded: dict[str, str] | None = None
        for entry in self._entries.values():
            for alias in (entry.actor.name, *entry.actor.aliases):
                key = alias.translate(_FOLD)
                # first come wins: pycountry's canonical names before extras
                self._alias_to_id.setdefault(key, entry.actor.id)
        for alias in self._blocked:
            self._alias_to_id[alias.translate(_FOLD)] = _BLOCKED
        self._regex = re.compile(r"(?<![\w@#%])(?:" + _trie_regex(self._alias_to_id) + r")(?!\w)")
        self._context: list[tuple[str, str, tuple[str, ...]]] = []
        for entry in self._entries.values():
            for alias in entry.context_aliases:
                self._context.append((alias, entry.actor.id, entry.context_requires))
        ctx_words = {a.lower() for a, _, _ in self._context}
        self._context_regex = (
            re.compile(r"(?<![\w])(?:" + _trie_regex(ctx_words) + r")(?![\w])", re.IGNORECASE)
            if ctx_words
            else None
        )
        mission_alts = []
        for name, _owner, needs_number in self._missions:
            num = r"(?:[\s-]?(?:\d+|I{1,3}|IV|V|VI{1,3}))"
            mission_alts.append(
                re.escape(name.translate(_FOLD)) + (num if needs_number else num + "?")
            )
        self._mission_regex = (
            re.compile(r"(?<![\w])(?:" + "|".join(mission_alts) + r")(?![\w])")
            if mission_alts
            else None
        )

    # ---- construction -------------------------------------------------

    @classmethod
    def default(cls) -> Gazetteer:
        """The built-in gazetteer (pycountry plus `data/actors.json`), built once."""
        return _default()

    def with_extra(self, mapping: Mapping[str, Any]) -> Gazetteer:
        """A new gazetteer with the actors of a `pactwatch.toml`-shaped mapping added."""
        raw = mapping.get("actors", [])
        if not isinstance(raw, list):
            raise ConfigError("actors: expected a list of tables")
        entries = dict(self._entries)
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping):
                raise ConfigError(f"actors[{i}]: expected a table")
            aid = item.get("id")
            if not isinstance(aid, str) or not aid.strip():
                raise ConfigError(f"actors[{i}].id: expected a non-empty string")
            aliases = item.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise ConfigError(f"actors[{i}].aliases: expected a list of strings")
            kind = item.get("kind")
            if kind is not None and kind not in _KINDS:
                raise ConfigError(f"actors[{i}].kind: expected one of {', '.join(_KINDS)}")
            name = item.get("name")
            if name is not None and not isinstance(name, str):
                raise ConfigError(f"actors[{i}].name: expected a string")
            stands_for = item.get("stands_for") or None
            if stands_for is not None and not isinstance(stands_for, str):
                raise ConfigError(f"actors[{i}].stands_for: expected a string")
            old = entries.get(aid)
            if old is None:
                if kind is None or name is None:
                    raise ConfigError(f"actors[{i}]: a new actor needs kind and name")
                actor = Actor(aid, cast(ActorKind, kind), name, tuple(aliases), stands_for)
                entries[aid] = _Entry(actor, frozenset({kind}))
            else:
                actor = replace(
                    old.actor,
                    kind=cast(ActorKind, kind or old.actor.kind),
                    name=name or old.actor.name,
                    aliases=tuple(dict.fromkeys([*old.actor.aliases, *aliases])),
                    stands_for=stands_for or old.actor.stands_for,
                )
                roles = old.roles | ({kind} if kind else set())
                entries[aid] = replace(old, actor=actor, roles=frozenset(roles))
        return Gazetteer(entries, self._blocked, self._missions, self._surnames)

    def with_coalitions(self, found: Iterable[tuple[str, str, str, bool]]) -> Gazetteer:
        """This gazetteer plus the coalitions an article names that no entry lists, as
        (id, name, head noun, also an organisation) from `pactwatch.parsers.organisations`.

        Cheap enough for every article: the compiled matchers are shared, since the
        article's own finder already located those names. The head noun ("the group",
        "the partnership") is the new coalition's anaphor.
        """
        new = {
            aid: _Entry(
                Actor(aid, "coalition", name),
                frozenset({"coalition", "organisation"} if shared else {"coalition"}),
                anaphors=(head.lower(),),
            )
            for aid, name, head, shared in found
            if aid not in self._entries
        }
        if not new:
            return self
        out = copy.copy(self)
        out._entries = {**self._entries, **new}
        out._found = self._found | set(new)
        return out

    def is_found(self, actor_id: str) -> bool:
        """Was this coalition added from an article's text (`with_coalitions`)?"""
        return actor_id in self._found

    # ---- queries --------------------------------------------------------

    def actors(self) -> list[Actor]:
        """Every known actor."""
        return [e.actor for e in self._entries.values()]

    def get(self, actor_id: str) -> Actor | None:
        entry = self._entries.get(actor_id)
        return entry.actor if entry else None

    def stands_for(self, actor_id: str) -> str:
        """The id to compare by: a national agency's country, else the id itself."""
        entry = self._entries.get(actor_id)
        if entry and entry.actor.stands_for:
            return entry.actor.stands_for
        return actor_id

    def is_coalition(self, actor_id: str) -> bool:
        entry = self._entries.get(actor_id)
        return bool(entry and "coalition" in entry.roles)

    def is_actor(self, actor_id: str) -> bool:
        """Can this id act (sign, join, partner): anything but a pure coalition."""
        entry = self._entries.get(actor_id)
        return bool(entry and entry.roles - {"coalition"})

    def kind(self, actor_id: str) -> ActorKind | None:
        entry = self._entries.get(actor_id)
        return entry.actor.kind if entry else None

    def has_role(self, actor_id: str, role: str) -> bool:
        entry = self._entries.get(actor_id)
        return bool(entry and role in entry.roles)

    def anaphors(self, actor_id: str) -> tuple[str, ...]:
        """Nouns that refer back to this coalition ("the accords", "the alliance")."""
        entry = self._entries.get(actor_id)
        return entry.anaphors if entry else ()

    def strong_anaphor(self, noun: str) -> str | None:
        """The coalition a distinctive noun means even when the article names none
        ("the accords" is the Artemis Accords)."""
        noun = noun.lower()
        hits = [e.actor.id for e in self._entries.values() if noun in e.strong_anaphors]
        return hits[0] if len(hits) == 1 else None

    def find(self, text: str) -> list[Mention]:
        """(start, end, actor_id) for every name of a known actor in `text`."""
        folded = text.translate(_FOLD)
        out: list[Mention] = []
        for m in self._regex.finditer(folded):
            aid = self._alias_to_id.get(m.group(0))
            if (
                aid
                and m.group(0) in self._surnames
                and _GIVEN_NAME.search(text[max(0, m.start() - 40) : m.start()])
            ):
                continue  # "Lisa Jordan said": a person, not the country
            if aid:
                out.append((m.start(), m.end(), aid))
        return out

    def find_in_context(self, text: str, known: set[str]) -> list[Mention]:
        """Descriptive names ("the lunar station") whose coalition the context makes clear.

        `known` is the set of actor ids the article names elsewhere; a
        descriptive name counts only when one of its required ids is among them.
        """
        if self._context_regex is None:
            return []
        out: list[Mention] = []
        for m in self._context_regex.finditer(text):
            phrase = m.group(0).lower()
            for alias, aid, requires in self._context:
                if alias.lower() == phrase and (not requires or known & set(requires)):
                    out.append((m.start(), m.end(), aid))
                    break
        return out

    def lookup(self, name: str) -> str | None:
        """The id of the actor one of whose names is `name`, ignoring case
        ("Russian Space Agency" is Roscosmos); None when no actor has that name."""
        if self._folded is None:
            self._folded = {}
            for alias, aid in self._alias_to_id.items():
                self._folded.setdefault(alias.lower(), aid)
        return self._folded.get(name.translate(_FOLD).lower()) or None

    def find_missions(self, text: str) -> list[MissionMention]:
        """Named missions ("Chang'e-6") with the country that flies them."""
        if self._mission_regex is None:
            return []
        folded = text.translate(_FOLD)
        out: list[MissionMention] = []
        for m in self._mission_regex.finditer(folded):
            for name, owner, _ in self._missions:
                if m.group(0).startswith(name.translate(_FOLD)):
                    out.append(MissionMention(m.start(), m.end(), m.group(0), owner))
                    break
        return out


def _country_names(country: Any) -> list[str]:
    names: list[str] = []
    for attr in ("common_name", "name", "official_name"):
        value = getattr(country, attr, None)
        if not value:
            continue
        value = re.sub(r"\s*\(.*?\)", "", value)
        if "," in value:
            continue
        names.append(value.removeprefix("the "))
    return list(dict.fromkeys(names))


def _load_data() -> dict[str, Any]:
    text = (
        resources.files("pactwatch.parsers")
        .joinpath("data/actors.json")
        .read_text(encoding="utf-8")
    )
    return cast(dict[str, Any], json.loads(text))


@cache
def _default() -> Gazetteer:
    data = _load_data()
    extras: dict[str, list[str]] = data.get("countries", {})
    entries: dict[str, _Entry] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = _country_names(country)
        extra = extras.get(code, [])
        display = extra[0] if extra else (names[0] if names else code)
        aliases = tuple(dict.fromkeys([*names, *(a.removeprefix("the ") for a in extra)]))
        entries[code] = _Entry(Actor(code, "country", display, aliases), frozenset({"country"}))
    for item in data.get("actors", []):
        kind = item["kind"]
        actor = Actor(
            item["id"],
            kind,
            item["name"],
            tuple(item.get("aliases", [])),
            item.get("stands_for"),
        )
        entries[actor.id] = _Entry(
            actor,
            frozenset(item.get("roles", [kind])),
            tuple(item.get("anaphors", [])),
            tuple(item.get("context_aliases", [])),
            tuple(item.get("context_requires", [])),
            tuple(item.get("strong_anaphors", [])),
        )
    missions = [(m["name"], m["owner"], bool(m.get("needs_number"))) for m in data["missions"]]
    return Gazetteer(entries, data.get("blocked", []), missions, data.get("surname_aliases", []))
