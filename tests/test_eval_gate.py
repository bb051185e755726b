"""Quality gate: the extractor's scores on the hand-written gold set (tests/eval).

Thresholds are a floor, never to be lowered to make a change pass: improve the
extractor instead. `make eval` prints every miss and false alarm.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.eval.score import Scores, load_gold, report, score

# The gates were F1 >= 0.90 and precision >= 0.92; the floors stand at the last
# measurement (extractor 2026.12.07-26), raised with every gain.
MIN_F1 = 0.989
MIN_PRECISION = 0.988
# The first held-out set (written apart from the rules, scored many times since, so no
# longer blind; heldout2 is). Its floors: the same rule.
HELDOUT_MIN_F1 = 0.98
HELDOUT_MIN_PRECISION = 0.987
HELDOUT = Path(__file__).resolve().parent / "eval" / "heldout.jsonl"


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
