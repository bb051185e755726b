"""The claim extractor scored on the shared claim gold sets, in process.

Matching and counting are the reference scorer's own (../shared/tools/score_claims.py,
imported from its path); only the extraction runs here instead of one
`pactwatch extract FILE --kind text --json` process per file. It takes the same
path that command does (the CLI's document reader, then `extract_claims`, then
the same JSON encoding), so the numbers equal the reference scorer's;
tests/test_real_news.py checks that they do.

    python -m tests.claim_scores        # dev and off-topic scores, false claims by kind,
                                        # and today's values for the gates' constants
    python -m tests.claim_scores -v     # also every false claim (file, kind, ids, sentence hash)

No sentence from the corpora is printed or stored: a claim is named by its file,
kind, ids and the sha256 of its sentence.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from pactwatch.flows.cli import _json_default  # the encoder `extract --json` prints with
from pactwatch.flows.ingest import DocKind, Document, extract_documents
from pactwatch.parsers.gazetteer import Gazetteer
from pactwatch.parsers.model import article_json

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCORER = SHARED / "tools" / "score_claims.py"
CORPORA = SHARED / "corpora"
DEV = CORPORA / "real-news-dev"
OFFTOPIC = CORPORA / "real-news-offtopic"
KINDS = ("member_count", "joined", "left", "partnership", "partnership_ended")


@cache
def scorer() -> ModuleType:
    """The reference scorer, imported from its file (it is not a package)."""
    spec = importlib.util.spec_from_file_location("pactwatch_ref_score_claims", SCORER)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the reference scorer from {SCORER}")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def sentence_sha256(sentence: str) -> str:
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()


def claim_ids(claim: dict[str, Any]) -> str:
    """Who the claim is about: the coalition and actor, or the partners."""
    if claim.get("actors") is not None:
        return "+".join(str(a) for a in claim["actors"])
    return "/".join(str(claim[k]) for k in ("coalition", "actor") if claim.get(k) is not None)


def extract_json(docs: Sequence[Document]) -> list[dict[str, Any]]:
    """What `pactwatch extract --json` prints for these documents, one object per article."""
    # No configuration file: the CLI then uses the default gazetteer too.
    results, _problems = extract_documents(docs, gazetteer=Gazetteer.default())
    return [
        json.loads(json.dumps(article_json(article, claims), default=_json_default))
        for article, claims in results
    ]


def file_document(path: Path) -> Document:
    """The document `pactwatch extract PATH --kind text|html` reads (kind from the suffix, as the scorer picks it)."""
    kind: DocKind = "text" if path.suffix == ".txt" else "html"
    return Document(url=path.resolve().as_uri(), kind=kind, data=path.read_bytes())


def predict(path: Path) -> Any:
    """The scorer's Prediction for one page, as its `run_extract` builds it from stdout."""
    ref = scorer()
    pred = ref.Prediction()
    texts = []
    for obj in extract_json([file_document(path)]):
        pred.articles += 1
        if pred.articles == 1:
            pred.published_at = obj["article"].get("published_at")
        texts.append(obj["article"].get("text") or "")
        pred.claims.extend(obj["claims"])
    if pred.articles == 0:
        pred.error = "no JSON article object on stdout"
    elif pred.articles > 1:
        pred.warnings.append(f"{pred.articles} article objects for one page (claims pooled)")
    pred.text = "\n".join(texts)
    return pred


@dataclass(frozen=True)
class FalseClaim:
    """A claim no expect or optional pattern allows, named without its words."""

    file: str
    kind: str
    ids: str
    modality: str
    sentence_sha256: str
    forbidden: bool

    def __str__(self) -> str:
        trap = " (a forbid trap)" if self.forbidden else ""
        return (
            f"{self.file}: {self.kind} {self.ids} {self.modality} "
            f"sentence sha256 {self.sentence_sha256[:12]}{trap}"
        )


@dataclass
class Scores:
    """The reference scorer's Report plus the false claims it counted."""

    gold_dir: Path
    report: Any
    files: int
    false_claims: list[FalseClaim] = field(default_factory=list)

    def prf(self) -> tuple[float, float, float]:
        o = self.report.overall
        p, r, f = scorer().prf(o.tp, o.fp, o.fn)
        return float(p), float(r), float(f)

    def fp_by_kind(self) -> dict[str, int]:
        counts = Counter(c.kind for c in self.false_claims)
        return {k: counts.get(k, 0) for k in (*KINDS, *sorted(set(counts) - set(KINDS)))}

    def table(self) -> list[str]:
        """The scorer's per-kind table and overall line, formatted as it prints them."""
        ref = scorer()
        rows = [f"{'kind':<18} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
        per_kind = self.report.per_kind
        order = [k for k in ref.KINDS if k in per_kind] + sorted(set(per_kind) - set(ref.KINDS))
        for name, c in [*((k, per_kind[k]) for k in order), ("overall", self.report.overall)]:
            p, r, f = ref.prf(c.tp, c.fp, c.fn)
            rows.append(f"{name:<18} {p:6.3f} {r:6.3f} {f:6.3f} {c.tp:5d} {c.fp:5d} {c.fn:5d}")
        return rows

    def summary(self) -> str:
        o = self.report.overall
        p, r, f = self.prf()
        return (
            f"{self.gold_dir.name}: {self.files} files, f1={f:.3f} precision={p:.3f} "
            f"recall={r:.3f} tp={o.tp} fp={o.fp} fn={o.fn}; false claims by kind "
            + json.dumps(self.fp_by_kind())
        )


def false_claims(gold: Any, claims: list[dict[str, Any]]) -> list[FalseClaim]:
    """The claims the scorer counts as false positives for one gold line.

    A claim the greedy expect matching takes matches an expect pattern, so the
    scorer's rule (left over and matching no expect or optional pattern) is the
    same as matching no expect or optional pattern at all.
    """
    ref = scorer()
    allowed = [*gold.expect, *gold.optional]
    return [
        FalseClaim(
            file=gold.file,
            kind=str(c.get("kind")),
            ids=claim_ids(c),
            modality=str(c.get("modality")),
            sentence_sha256=sentence_sha256(str(c.get("sentence") or "")),
            forbidden=any(ref.matches(p, c) for p in gold.forbid),
        )
        for c in claims
        if not any(ref.matches(p, c) for p in allowed)
    ]


def score(gold_dir: Path, *, files: Sequence[str] | None = None) -> Scores:
    """Score every gold line of GOLD_DIR/gold.jsonl (or only the named files)."""
    ref = scorer()
    golds = ref.load_gold(gold_dir)
    if files is not None:
        golds = [g for g in golds if g.file in set(files)]
    report = ref.Report()
    out = Scores(gold_dir=gold_dir, report=report, files=len(golds))
    for g in golds:
        pred = predict(g.path)
        ref.score_file(g, pred, report, False)
        out.false_claims.extend(false_claims(g, pred.claims))
    if len(out.false_claims) != report.overall.fp:  # the rule above no longer holds
        raise AssertionError(
            f"{len(out.false_claims)} false claims listed, the scorer counted {report.overall.fp}"
        )
    return out


def gate_values(scores: Scores) -> str:
    """Today's measurement as tests/test_real_news.py's gate constants, to paste when they improve."""
    if scores.gold_dir.name == OFFTOPIC.name:
        return f"MAX_OFFTOPIC_FP = {scores.fp_by_kind()}"
    p, _r, f = scores.prf()
    # rounded down, so that the measurement itself passes
    return f"MIN_F1 = {math.floor(f * 1000) / 1000}\nMIN_PRECISION = {math.floor(p * 1000) / 1000}"


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not SCORER.is_file():
        print(f"no reference scorer at {SCORER}", file=sys.stderr)
        return 2
    for gold_dir in (DEV, OFFTOPIC):
        if not (gold_dir / "gold.jsonl").is_file():
            print(f"no gold set at {gold_dir}", file=sys.stderr)
            continue
        scores = score(gold_dir)
        print("\n".join(scores.table()))
        print(scores.summary())
        print(gate_values(scores))
        if "-v" in args or "--verbose" in args:
            for claim in scores.false_claims:
                print(f"  FP {claim}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
