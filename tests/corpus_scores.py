"""Scores over the shared corpora; `python -m tests.corpus_scores` prints them.

The corpus tests import these functions and gate on the numbers.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pactwatch.parsers.pages import extract_page

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
TRAFILATURA = CORPORA / "trafilatura-eval"

_WS = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


@dataclass
class PageScores:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    pages: int = 0
    dates_gold: int = 0
    dates_right: int = 0
    titles_gold: int = 0
    titles_right: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.dates_right / self.dates_gold if self.dates_gold else 0.0

    @property
    def title_accuracy(self) -> float:
        return self.titles_right / self.titles_gold if self.titles_gold else 0.0

    def summary(self) -> str:
        return (
            f"trafilatura-eval: {self.pages} pages, tp={self.tp} fn={self.fn} fp={self.fp} "
            f"precision={self.precision:.3f} recall={self.recall:.3f} f1={self.f1:.3f}; "
            f"date {self.dates_right}/{self.dates_gold}={self.date_accuracy:.3f}; "
            f"title {self.titles_right}/{self.titles_gold}={self.title_accuracy:.3f}; "
            f"{self.seconds:.1f}s"
        )


def _title_matches(gold: str, got: str | None) -> bool:
    g, t = normalise(gold).casefold(), normalise(got).casefold()
    return bool(t) and (g == t or g in t or t in g)


def score_trafilatura(folder: Path = TRAFILATURA) -> PageScores:
    """Micro-summed main-text P/R/F1 plus date and title accuracy over evaldata.json."""
    evaldata = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    scores = PageScores()
    started = time.perf_counter()
    for url, entry in evaldata.items():
        path = folder / "cache" / entry["file"]
        if not path.exists():
            continue
        scores.pages += 1
        article = extract_page(path.read_bytes(), url=url)
        text = normalise(article.text)
        for fragment in entry.get("with", []):
            if normalise(fragment) in text:
                scores.tp += 1
            else:
                scores.fn += 1
                scores.misses.append(f"{entry['file']}: missing {fragment[:60]!r}")
        for fragment in entry.get("without", []):
            if normalise(fragment) in text:
                scores.fp += 1
                scores.misses.append(f"{entry['file']}: boilerplate {fragment[:60]!r}")
        if entry.get("date"):
            scores.dates_gold += 1
            got = article.published_at.strftime("%Y-%m-%d") if article.published_at else None
            if got == str(entry["date"])[:10]:
                scores.dates_right += 1
            else:
                scores.misses.append(f"{entry['file']}: date {got} != {entry['date']}")
        if entry.get("title"):
            scores.titles_gold += 1
            if _title_matches(str(entry["title"]), article.title):
                scores.titles_right += 1
            else:
                scores.misses.append(
                    f"{entry['file']}: title {article.title!r} != {entry['title']!r}"
                )
    scores.seconds = time.perf_counter() - started
    return scores


def feed_agreement() -> list[str]:
    """One summary line per feed corpus: how many files/entries agree with the reference."""
    from tests import test_corpus_feedparser as fp
    from tests import test_corpus_feedrs as frs

    lines = []
    if fp.FILES:
        compared = [p for p in fp.FILES if fp._id(p).split("/")[0] in fp.COMPARED]
        failed = []
        for path in fp.FILES:
            try:
                fp.test_feed(path)
            except AssertionError:
                failed.append(fp._id(path))
        lines.append(
            f"feedparser-tests: {len(fp.FILES)} files parsed without raising, "
            f"{len(compared) - len(failed)}/{len(compared)} agree with feedparser"
            + (f"; disagreeing: {', '.join(failed)}" if failed else "")
        )
    if frs.CASES:
        found = [d for source, gold in frs.CASES for d in frs._disagreements(source, gold)]
        accepted = [key for key, _ in found if key in frs.ACCEPTED]
        entries = sum(
            len(json.loads(gold.read_text(encoding="utf-8"))["entries"]) for _, gold in frs.CASES
        )
        lines.append(
            f"feed-rs-fixture: {len(frs.CASES)} feeds, {entries} entries, "
            f"{len(found)} disagreements on title/link/date/count "
            f"({len(accepted)} accepted, {len(found) - len(accepted)} not)"
        )
    return lines


def main() -> int:
    if not CORPORA.is_dir():
        print(f"no corpora at {CORPORA}", file=sys.stderr)
        return 2
    if TRAFILATURA.is_dir():
        scores = score_trafilatura()
        if "-v" in sys.argv[1:]:
            for line in scores.misses:
                print(line)
        print(scores.summary())
    for line in feed_agreement():
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
