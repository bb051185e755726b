"""Claim rules over masked sentences (see `pactwatch.parsers.masking`).

Each rule is a small regular expression over placeholders plus a few checks in
code, grouped by claim kind: `pactwatch.parsers.counts`, `pactwatch.parsers.memberships`,
`pactwatch.parsers.partnerships` (shared pieces in `pactwatch.parsers.rule_parts`). They prefer
precision: a false count or join wakes someone at night, so when a figure or an
ordinal is not clearly about the whole coalition, now, the rule stays silent
(or keeps the join and drops the ordinal).
"""

from __future__ import annotations

from pactwatch.parsers.counts import count_claims
from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.masking import Masked
from pactwatch.parsers.memberships import membership_claims
from pactwatch.parsers.partnerships import partnership_claims
from pactwatch.parsers.rule_parts import RawClaim

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
