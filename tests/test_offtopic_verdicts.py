"""Every claim drawn from real pages and feed captures carries a human verdict.

tests/data/offtopic_verdicts.json holds one verdict per claim (see tests/verdicts.py).
`python -m tests.verdicts` (or `make verdicts`) lists the claims to judge and the
stale verdicts; `--update` writes the skeleton entries.
"""

from __future__ import annotations

from typing import Any

import pytest

from pactwatch.flows.ingest import Document
from tests.verdicts import (
    FEEDS,
    PAGES,
    REAL_FEEDS,
    VERDICTS,
    Comparison,
    Found,
    claim_key,
    compare,
    describe,
    found_claims,
    load_verdicts,
)

corpora = pytest.mark.skipif(
    not PAGES.is_dir() or not FEEDS.is_dir(),
    reason=f"corpora not found: need {PAGES} and {FEEDS}",
)

KEY_SHAPE = {"file", "kind", "modality", "sentence_sha256", "verdict", "reason"}


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    result = compare(found_claims(), load_verdicts())
    print(
        f"\nreal pages and feeds: {len(result.true)} true claims, {len(result.false)} false; "
        f"{len(result.unjudged)} unjudged, {len(result.stale)} stale"
    )
    return result


def test_verdict_file_is_well_formed() -> None:
    verdicts = load_verdicts()
    assert VERDICTS.exists(), f"{VERDICTS} is missing: run `make verdicts`"
    keys = [claim_key(v) for v in verdicts]
    assert len(keys) == len(set(keys)), "a claim is judged twice"
    for v in verdicts:
        assert v.keys() >= KEY_SHAPE, f"missing fields in {v}"
        assert {"coalition", "actor", "actors"} & v.keys(), f"no subject in {v}"
        assert len(v["sentence_sha256"]) == 64
        if isinstance(v["verdict"], bool):
            assert v["reason"].strip(), f"a verdict needs a reason: {describe(v)}"


@pytest.mark.corpus
@corpora
def test_real_feed_captures_exist() -> None:
    missing = [name for name in REAL_FEEDS if not (FEEDS / name).is_file()]
    assert not missing


@pytest.mark.corpus
@corpora
def test_every_claim_has_a_verdict(comparison: Comparison) -> None:
    assert not comparison.unjudged, (
        f"{len(comparison.unjudged)} claim(s) without a verdict; judge them "
        "(`python -m tests.verdicts --update`, then set verdict and reason):\n"
        + "\n".join(describe(f.entry) for f in comparison.unjudged)
        + f"\n({len(comparison.false)} false claims among those judged)"
    )


@pytest.mark.corpus
@corpora
def test_no_stale_verdicts(comparison: Comparison) -> None:
    assert not comparison.stale, (
        f"{len(comparison.stale)} verdict(s) for claims no longer extracted; "
        "drop them with `python -m tests.verdicts --update`:\n"
        + "\n".join(describe(v) for v in comparison.stale)
    )


# The machinery itself, on sentences of our own.


def _found(**entry: Any) -> Found:
    full = {"file": "f.html", "modality": "asserted", "sentence_sha256": "0" * 64, **entry}
    return Found(claim_key(full), full, "")


def test_compare_sorts_claims_into_true_false_unjudged_and_stale() -> None:
    judged_true = _found(kind="joined", coalition="nato", actor="IS")
    judged_false = _found(kind="partnership", actors=["eu", "US"])
    new = _found(kind="left", coalition="who", actor="AR")
    gone = {**_found(kind="member_count", coalition="eu").entry, "verdict": False, "reason": "x"}
    verdicts = [
        {**judged_true.entry, "verdict": True, "reason": "it says so"},
        # partners are a set: the order in the file does not matter
        {**judged_false.entry, "actors": ["US", "eu"], "verdict": False, "reason": "a fair"},
        {**new.entry, "verdict": None, "reason": ""},  # written by --update, not judged yet
        gone,
    ]
    found = {f.key: f for f in (judged_true, judged_false, new)}
    result = compare(found, verdicts)
    assert [v["kind"] for v in result.true] == ["joined"]
    assert [v["kind"] for v in result.false] == ["partnership"]
    assert result.unjudged == [new]
    assert result.stale == [gone]


def test_found_claims_keys_a_claim_by_hash_not_words() -> None:
    text = "Ruritania news\n\nIceland joined NATO on Monday, the foreign ministry said.\n"
    doc = Document(url="file:///own-words.txt", kind="text", data=text.encode())
    found = found_claims([("own-words.txt", [doc])])
    entries = [f.entry for f in found.values()]
    assert any(e["kind"] == "joined" and e.get("coalition") == "nato" for e in entries), entries
    for e in entries:
        assert "sentence" not in e
        assert len(e["sentence_sha256"]) == 64


def test_maintenance_targets_are_documented() -> None:
    root = VERDICTS.parents[2]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for target in ("claim-scores", "verdicts"):
        assert f"\n{target}: " in makefile
        assert f"make {target}" in readme
