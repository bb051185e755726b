"""Quality gate: the extractor's scores on the hand-written gold set (tests/eval).

Thresholds are a floor, never to be lowered to make a change pass: improve the
extractor instead. `make eval` prints every miss and false alarm.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.eval.score import Scores, load_gold, report, score

# The gates were F1 >= 0.90 and precision >= 0.92; the floors stand at the last
# measurement (extractor 2026.12.07-26; held-out raised at -34), raised with every gain.
# The tree alone (extractor 2026.12.07-39) scores 0.992: the one answer it gives
# differently from this set is e56, "Italy pulled out of China's Belt and Road
# Initiative", gold here as a partnership with China ended. real-news-dev (written by
# others, the reference) reads an exit from the BRI as leaving it, and the extractor
# follows it; the gold item stays as written, so it counts as a miss and a false alarm.
MIN_F1 = 0.991
MIN_PRECISION = 0.991
# The first held-out set (written apart from the rules, scored many times since, so no
# longer blind). Its floors: the same rule.
HELDOUT_MIN_F1 = 0.987
HELDOUT_MIN_PRECISION = 0.987
HELDOUT = Path(__file__).resolve().parent / "eval" / "heldout.jsonl"
# The second held-out set was kept blind through the rewrite of the extractor and
# scored once, after the regular-expression patterns were deleted (extractor
# 2026.12.07-39): F1 0.864, P 0.927, R 0.810 (tp 51, fp 4, fn 12). The deleted patterns
# scored 0.870 on it the same day. It is no longer blind; these floors keep that
# first score from slipping and rise only with work done on other sets.
HELDOUT2_MIN_F1 = 0.864
HELDOUT2_MIN_PRECISION = 0.927
HELDOUT2 = Path(__file__).resolve().parent / "eval" / "heldout2.jsonl"


@pytest.fixture(scope="module")
def scores() -> Scores:
    return score(load_gold())


def test_gold_set_is_big_enough_and_has_traps() -> None:
    gold = load_gold()
    assert len(gold) >= 60
    assert len({g["id"] for g in gold}) == len(gold)
    assert sum(1 for g in gold if g.get("trap")) >= 10


def test_overall_f1_and_precision(scores: Scores) -> None:
    p, _r, f = scores.prf()
    assert f >= MIN_F1, report(scores)
    assert p >= MIN_PRECISION, report(scores)


def test_no_count_or_join_false_alarm_on_traps(scores: Scores) -> None:
    assert scores.trap_false_alarms == [], report(scores)


def test_heldout_f1_and_precision() -> None:
    held = score(load_gold(HELDOUT))
    p, _r, f = held.prf()
    assert f >= HELDOUT_MIN_F1, report(held)
    assert p >= HELDOUT_MIN_PRECISION, report(held)


def test_second_heldout_f1_and_precision() -> None:
    held = score(load_gold(HELDOUT2))
    p, _r, f = held.prf()
    assert f >= HELDOUT2_MIN_F1, report(held)
    assert p >= HELDOUT2_MIN_PRECISION, report(held)
