"""Claims from real journalism: the extractor scored on ../shared/corpora/real-news-*.

The scores are the reference scorer's (../shared/tools/score_claims.py), computed
in process by tests/claim_scores.py; one test checks that a subprocess run of the
scorer reports the same on a few files. `python -m tests.claim_scores -v` prints
the scores and every false claim.

Floors only go up. When the extractor improves, raise them to the new
measurement (rounded down to three places) in the same commit; never lower
them to let a change pass: fix the extractor instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.claim_scores import DEV, OFFTOPIC, SCORER, Scores, score, scorer

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not SCORER.is_file()
        or not (DEV / "gold.jsonl").is_file()
        or not (OFFTOPIC / "gold.jsonl").is_file(),
        reason=f"../shared not found: need {SCORER}, {DEV} and {OFFTOPIC}",
    ),
]

# real-news-dev, first honest measurement (extractor 2026.12.06-1, 83 files):
# tp=79 fp=51 fn=162, P=0.608 R=0.328 F1=0.426. Raised with the tree's readings
# winning over the surface patterns' (same extractor version, same session):
# tp=89 fp=42 fn=152, P=0.679 R=0.369 F1=0.478. Joins without an object in an
# article about one coalition, and rosters after "including":
# tp=100 fp=44 fn=141, P=0.694 R=0.415 F1=0.519.
# Target (issue "Claims from real journalism"): F1 >= 0.80, precision >= 0.85.
MIN_F1 = 0.828
MIN_PRECISION = 0.879

# real-news-offtopic (78 files): false claims allowed per kind, today's counts.
# Ceilings only go down. Target: no false joined, left or member_count at all, at
# most 1 false partnership per 100 articles.
MAX_OFFTOPIC_FP = {
    "member_count": 0,
    "joined": 0,
    "left": 0,
    "partnership": 0,
    "partnership_ended": 0,
}

# Checked against a subprocess run of the reference scorer: files with true
# claims, false claims and forbid traps of every kind (one run takes ~10 s).
SUBSET = {
    DEV: [
        "018-spacecom-colombia-19th.txt",
        "302-turkey-ratifies-finland-nato.txt",
        "323-mali-burkina-ecowas-notice.txt",
        "502-panama-exits-bri.txt",
        "508-hungary-to-leave-icc.txt",
    ],
    OFFTOPIC: [
        "729-asianews-sipri-top-military-spenders-2019.txt",
        "830-anews-nato-offers-ukraine-hope-no-invitation.txt",
        "838-clamreport-eu-14th-package-lng.txt",
    ],
}


@pytest.fixture(scope="module")
def dev() -> Scores:
    result = score(DEV)
    print("\n" + result.summary())
    return result


@pytest.fixture(scope="module")
def offtopic() -> Scores:
    result = score(OFFTOPIC)
    print("\n" + result.summary())
    return result


def _report(scores: Scores) -> str:
    lines = [scores.summary(), *scores.table(), "false claims:"]
    lines += [f"  {c}" for c in scores.false_claims]
    return "\n".join(lines)


def test_dev_set_is_scored_whole(dev: Scores) -> None:
    assert dev.files >= 80
    assert dev.report.errors == 0, _report(dev)
    assert dev.report.overall.tp + dev.report.overall.fn >= 240  # the expect patterns


def test_dev_f1_and_precision(dev: Scores) -> None:
    p, _r, f = dev.prf()
    assert f >= MIN_F1, _report(dev)
    assert p >= MIN_PRECISION, _report(dev)


def test_offtopic_false_claims_per_kind(offtopic: Scores) -> None:
    assert offtopic.files >= 75
    assert offtopic.report.errors == 0, _report(offtopic)
    over = {
        kind: n for kind, n in offtopic.fp_by_kind().items() if n > MAX_OFFTOPIC_FP.get(kind, 0)
    }
    assert not over, f"more false claims than allowed ({MAX_OFFTOPIC_FP}): {over}\n" + _report(
        offtopic
    )


def _pactwatch() -> Path:
    return Path(sys.executable).parent / "pactwatch"


@pytest.mark.skipif(not _pactwatch().exists(), reason="no pactwatch next to this Python")
@pytest.mark.parametrize("gold_dir", list(SUBSET), ids=lambda p: p.name)
def test_in_process_scores_equal_the_reference_scorer(gold_dir: Path, tmp_path: Path) -> None:
    files = SUBSET[gold_dir]
    # The scorer reads GOLD/gold.jsonl: give it the subset's lines, pages read in place.
    lines = (gold_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    subset = [line for line in lines if line.strip() and json.loads(line)["file"] in files]
    assert len(subset) == len(files)
    (tmp_path / "gold.jsonl").write_text("\n".join(subset) + "\n", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            str(SCORER),
            "--gold",
            str(tmp_path),
            "--pages",
            str(gold_dir / "texts"),
            "--pactwatch",
            str(_pactwatch()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    reference = proc.stdout.splitlines()
    mine = score(gold_dir, files=files)
    o = mine.report.overall
    p, r, f = mine.prf()
    assert reference[-1].startswith(
        f"claims f1={f:.3f} precision={p:.3f} recall={r:.3f} tp={o.tp} fp={o.fp} fn={o.fn} "
    ), "\n".join(reference)
    table = mine.table()
    start = reference.index(table[0])
    assert reference[start : start + len(table)] == table


def test_scorer_is_the_shared_one() -> None:
    assert Path(scorer().__file__ or "") == SCORER
