"""Claims from the dependency tree of one sentence.

Each rule is a small named function over a parsed `Sentence` (see
`pactwatch.parsers.tree`): it finds a predicate by lemma (vocabulary in
`data/predicates.json`), reads its subject and object from the tree, and yields
`RawClaim`s. The rules run in `RULES` order; `claims_from_tree` merges what
they find (a join with an ordinal absorbs the same join without one).

A partnership needs a relation: a cooperation predicate whose subject and
with-object (or two conjoined subjects) are actors. Countries that merely
appear in one list never pair up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pactwatch.parsers.relations.counts import member_count
from pactwatch.parsers.relations.joins import (
    join_by_admission,
    join_by_agreement,
    join_by_application,
    join_by_becoming,
    join_by_consent,
    join_by_noun,
    join_by_verb,
    leave_by_becoming,
    leave_by_noun,
    leave_by_verb,
)
from pactwatch.parsers.relations.partners import (
    acting_together,
    joint_undertaking,
    partnership_by_agreement,
    partnership_by_noun,
    partnership_by_status,
    partnership_by_verb,
    partnership_ended,
    partnership_ended_by_noun,
    payload_from_abroad,
    payload_on_mission,
)
from pactwatch.parsers.rule_parts import RawClaim
from pactwatch.parsers.tree import Sentence

__all__ = ["RULES", "claims_from_tree"]

Rule = Callable[[Sentence], Iterator[RawClaim]]


RULES: tuple[Rule, ...] = (
    member_count,
    join_by_verb,
    join_by_becoming,
    join_by_admission,
    join_by_noun,
    join_by_consent,
    join_by_application,
    join_by_agreement,
    leave_by_verb,
    leave_by_becoming,
    leave_by_noun,
    partnership_by_verb,
    partnership_by_agreement,
    partnership_by_noun,
    partnership_by_status,
    joint_undertaking,
    acting_together,
    payload_on_mission,
    payload_from_abroad,
    partnership_ended,
    partnership_ended_by_noun,
)


def claims_from_tree(s: Sentence) -> list[RawClaim]:
    """Every claim the rules read in one parsed sentence, in sentence order."""
    if s.is_question():
        return []
    found = [c for rule in RULES for c in rule(s) if not _pact_acts(s, c)]
    with_ordinal = {
        (c.coalition, c.actor, c.modality) for c in found if c.kind == "joined" and c.ordinal
    }
    out: list[RawClaim] = []
    for c in found:
        if (
            c.kind == "joined"
            and c.ordinal is None
            and (c.coalition, c.actor, c.modality) in with_ordinal
        ):
            continue
        out.append(c)
    out.sort(key=lambda c: c.pos)
    return out


def _pact_acts(s: Sentence, c: RawClaim) -> bool:
    """A treaty or pact known only by its name in the text ("the Treaty of Rome was
    signed") never joins, leaves or partners: only its parties do."""
    gaz = s.gazetteer
    return any(gaz.is_found(a) and not gaz.is_actor(a) for a in (c.actor, *(c.actors or ())) if a)
