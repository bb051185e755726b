"""Score `extract_claims` against `gold.jsonl`: precision, recall and F1 per kind.

Run as ``python -m tests.eval.score`` (``make eval``). Every miss and false
alarm is listed with its sentence, so a rule change can be judged by reading.

Claims match on (kind, coalition, actors as a set with national agencies
normalised to their country, value, low, high, ordinal, modality). Topic and
attribution are reported but do not decide a match.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactwatch.parsers.claims import EXTRACTOR_VERSION, extract_claims
from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.model import CLAIM_KINDS, Claim

GOLD = Path(__file__).resolve().parent / "gold.jsonl"

Key = tuple[Any, ...]


@dataclass
class Scores:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    trap_false_alarms: list[str] = field(default_factory=list)
    attribution_misses: list[str] = field(default_factory=list)
    attribution_checked: int = 0
    attribution_right: int = 0

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        if kind is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[kind], self.fp[kind], self.fn[kind]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def load_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def key(claim: dict[str, Any], gaz: Gazetteer) -> Key:
    """The fields a claim must get right to count as found."""
    parties = claim.get("actors") or ([claim["actor"]] if claim.get("actor") else [])
    return (
        claim["kind"],
        claim.get("coalition"),
        frozenset(gaz.stands_for(a) for a in parties),
        claim.get("value"),
        claim.get("low"),
        claim.get("high"),
        claim.get("ordinal"),
        claim["modality"],
    )


def show(k: Key) -> str:
    kind, coalition, parties, value, low, high, ordinal, modality = k
    bits = [kind, modality]
    if coalition:
        bits.append(f"coalition={coalition}")
    if parties:
        bits.append("actors=" + "+".join(sorted(parties)))
    if kind == "member_count":
        bits.append(f"value={value} low={low} high={high}")
    if ordinal is not None:
        bits.append(f"ordinal={ordinal}")
    return " ".join(bits)


def score(gold: list[dict[str, Any]], gaz: Gazetteer | None = None) -> Scores:
    gaz = gaz or Gazetteer.default()
    s = Scores()
    for item in gold:
        predicted: list[Claim] = extract_claims(
            item["text"], gazetteer=gaz, title=item.get("title")
        )
        by_key: dict[Key, Claim] = {}
        for c in predicted:
            by_key.setdefault(key(c.to_json(), gaz), c)
        gold_keys = {key(g, gaz): g for g in item["claims"]}
        for k, g in gold_keys.items():
            if k in by_key:
                s.tp[k[0]] += 1
                if "attributed_to" in g:
                    s.attribution_checked += 1
                    right = by_key[k].attributed_to == g["attributed_to"]
                    s.attribution_right += right
                    if not right:
                        s.attribution_misses.append(
                            f"{item['id']}: {g['attributed_to']!r} read as "
                            f"{by_key[k].attributed_to!r}\n    {by_key[k].sentence}"
                        )
            else:
                s.fn[k[0]] += 1
                s.misses.append(f"{item['id']}: {show(k)}\n    {item['text']}")
        for k, c in by_key.items():
            if k not in gold_keys:
                s.fp[k[0]] += 1
                line = f"{item['id']}: {show(k)}\n    {c.sentence}"
                s.false_alarms.append(line)
                if item.get("trap") and k[0] in ("member_count", "joined"):
                    s.trap_false_alarms.append(line)
    return s


def report(s: Scores) -> str:
    lines = [
        f"extractor {EXTRACTOR_VERSION}",
        f"{'kind':<18} {'P':>6} {'R':>6} {'F1':>6}  tp fp fn",
    ]
    for kind in (*CLAIM_KINDS, None):
        p, r, f = s.prf(kind)
        name = kind or "overall"
        tp = s.tp[kind] if kind else sum(s.tp.values())
        fp = s.fp[kind] if kind else sum(s.fp.values())
        fn = s.fn[kind] if kind else sum(s.fn.values())
        lines.append(f"{name:<18} {p:6.3f} {r:6.3f} {f:6.3f}  {tp} {fp} {fn}")
    if s.attribution_checked:
        lines.append(
            f"attribution right on {s.attribution_right}/{s.attribution_checked} matched claims"
        )
    lines.append(f"\nmisses ({len(s.misses)}):")
    lines += [f"  {m}" for m in s.misses]
    lines.append(f"\nfalse alarms ({len(s.false_alarms)}):")
    lines += [f"  {m}" for m in s.false_alarms]
    lines.append(f"\nattribution differences ({len(s.attribution_misses)}):")
    lines += [f"  {m}" for m in s.attribution_misses]
    lines.append(f"\ncount/join false alarms on trap items: {len(s.trap_false_alarms)}")
    return "\n".join(lines)


def main() -> int:
    args = sys.argv[1:]
    path = Path(args[args.index("--gold") + 1]) if "--gold" in args else GOLD
    print(report(score(load_gold(path))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
