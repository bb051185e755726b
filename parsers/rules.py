"""Claim rules over masked sentences (see `parsers.masking`).

Each rule is a small regular expression over placeholders plus a few checks in
code, grouped by claim kind: `parsers.counts`, `parsers.memberships`,
`parsers.partnerships` (shared pieces in `parsers.rule_parts`). They prefer
precision: a false count or join wakes someone at night, so when a figure or an
ordinal is not clearly about the whole coalition, now, the rule stays silent
(or keeps the join and drops the ordinal).
"""

from __future__ import annotations

from parsers.counts import count_claims
from parsers.gazetteer import Gazetteer
from parsers.masking import Masked
from parsers.memberships import membership_claims
from parsers.partnerships import partnership_claims
from parsers.rule_parts import RawClaim

__all__ = ["RawClaim", "apply_rules"]


def apply_rules(m: Masked, *, main: str | None, gazetteer: Gazetteer) -> list[RawClaim]:
    """Every claim the rules find in one masked sentence, in sentence order."""
    out = [
        *count_claims(m, main),
        *membership_claims(m, main, gazetteer),
        *partnership_claims(m, gazetteer),
    ]
    out.sort(key=lambda c: c.pos)
    return out
