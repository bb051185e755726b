import random

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pactwatch.parsers.dedup import fingerprint, hamming, near_duplicate, story_key

# A vocabulary large enough that two independent texts share few 3-word shingles.
VOCAB = [f"w{i}" for i in range(2000)]


def _text(seed: int, length: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCAB) for _ in range(length))


# Article-like texts: hundreds of words, few repeated 3-word shingles. (A text of one
# repeated word has a single shingle, and any edit changes a third of its set.)
texts = st.builds(_text, st.integers(0, 2**32), st.integers(300, 1500))


@given(texts)
def test_identical_text_is_distance_zero(text: str) -> None:
    assert hamming(fingerprint(text), fingerprint(text)) == 0
    assert fingerprint(text) == fingerprint("  " + text.upper().replace(" ", ",\n "))


def _edit(text: str, position: int, replacement: str) -> str:
    words = text.split()
    position %= len(words)
    return " ".join([*words[:position], replacement, *words[position + 1 :]])


# No per-example deadline: texts of up to 1,500 words are fingerprinted twice per
# example, and on a busy machine that alone can pass Hypothesis' 200 ms default.
# The test checks distances, not speed (bench/ measures speed).
@settings(max_examples=300, deadline=None)
@given(texts, st.integers(0, 10_000), st.sampled_from(["said", "officials", "Friday"]))
def test_a_light_edit_stays_near(text: str, position: int, replacement: str) -> None:
    # One edited word changes at most 6 shingles, so at most 6 bins can change their
    # minimum; unrelated texts are ~32 bits apart.
    assert hamming(fingerprint(text), fingerprint(_edit(text, position, replacement))) <= 6


def test_one_word_edits_are_near_duplicates_at_the_default_distance() -> None:
    rng = random.Random(11)
    trials, near = 1000, 0
    for _ in range(trials):
        text = _text(rng.getrandbits(32), rng.randint(300, 1500))
        edited = _edit(text, rng.randrange(10_000), "said")
        near += near_duplicate(fingerprint(text), fingerprint(edited))
    assert near / trials >= 0.99


# Two texts from one seed share their opening words (one is a prefix of the other:
# a copy cut short, not an unrelated text), so unrelated texts come from two seeds.
@settings(max_examples=100)
@given(st.integers(0, 2**32), st.integers(0, 2**32), st.integers(300, 1500), st.integers(300, 1500))
def test_unrelated_texts_are_far(seed_a: int, seed_b: int, len_a: int, len_b: int) -> None:
    assume(seed_a != seed_b)
    a, b = _text(seed_a, len_a), _text(seed_b, len_b)
    shared = set(a.split()) & set(b.split())
    assume(len(shared) < 0.5 * len(set(a.split())))
    assert hamming(fingerprint(a), fingerprint(b)) > 8


def test_syndicated_copy_with_dateline_and_credit_is_near() -> None:
    rng = random.Random(7)
    story = " ".join(rng.choice(VOCAB) for _ in range(600))
    copy = f"BEIJING (Reuters) - {story} Additional reporting by Jane Doe; editing by John Roe."
    assert near_duplicate(fingerprint(story), fingerprint(copy))


def test_empty_and_short_texts() -> None:
    assert fingerprint("") == 0 == fingerprint("  ,.;  ")
    assert fingerprint("one") != fingerprint("two")
    assert 0 <= fingerprint("a b") < 2**64


def test_story_key_ignores_case_punctuation_and_spacing() -> None:
    assert story_key("ESA severed ties, Wu said.") == story_key("esa  severed ties -- wu said")
    assert story_key("ESA severed ties") != story_key("ESA kept ties")
