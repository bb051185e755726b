"""Numbers, ordinals and bounds: round trips and "never raises" as properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.parsers.numbers import (
    Quantity,
    find_ordinals,
    find_quantities,
    number_to_words,
    ordinal_to_words,
    parse_int,
    parse_ordinal,
    parse_quantity,
)


@given(st.integers(min_value=0, max_value=999_999))
def test_words_round_trip(n: int) -> None:
    assert parse_int(number_to_words(n)) == n


@given(st.integers(min_value=1, max_value=999_999))
def test_ordinal_words_round_trip(n: int) -> None:
    assert parse_ordinal(ordinal_to_words(n)) == n


@given(st.integers(min_value=1, max_value=10**9))
def test_ordinal_digits_round_trip(n: int) -> None:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    assert parse_ordinal(f"{n}{suffix}") == n
    assert parse_ordinal(f"{n:,}{suffix}") == n


@given(st.integers(min_value=0, max_value=10**9))
def test_digits_with_commas(n: int) -> None:
    assert parse_int(f"{n:,}") == n
    assert parse_int(str(n)) == n


@given(st.integers(min_value=1, max_value=999_999))
def test_words_found_in_running_text(n: int) -> None:
    found = find_quantities(f"The group has {number_to_words(n)} members.")
    assert [q.quantity.value for q in found] == [n]


@given(st.integers(min_value=1, max_value=999_999))
def test_ordinal_words_found_in_running_text(n: int) -> None:
    found = find_ordinals(f"Peru became the {ordinal_to_words(n)} country to sign.")
    assert [o.value for o in found] == [n]


@settings(max_examples=300)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    value = parse_int(text)
    assert value is None or value >= 0
    ordinal = parse_ordinal(text)
    assert ordinal is None or ordinal >= 1
    parse_quantity(text)
    # Every match points into the text it was found in.
    for match in [*find_quantities(text), *find_ordinals(text)]:
        assert 0 <= match.start < match.end <= len(text)


_SOUP_TEXT = """
    one two ten eleven twenty forty hundred thousand million dozen and a first tenth
    twentieth hundredth - , plus more than at least
"""
_SOUP = _SOUP_TEXT.split()


@settings(max_examples=200)
@given(
    st.lists(
        st.sampled_from(_SOUP),
        max_size=8,
    )
)
def test_never_raises_on_number_word_soup(words: list[str]) -> None:
    text = " ".join(words)
    parse_int(text)
    parse_ordinal(text)
    parse_quantity(text)
    find_quantities(text)
    find_ordinals(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("seventeen", 17),
        ("forty-one", 41),
        ("forty one", 41),
        ("two dozen", 24),
        ("a dozen", 12),
        ("hundred", 100),
        ("a hundred", 100),
        ("one hundred and five", 105),
        ("1,200", 1200),
        ("17", 17),
        ("one two", None),
        ("twenty thirty", None),
        ("a", None),
        ("", None),
        ("members", None),
    ],
)
def test_parse_int(text: str, value: int | None) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("41st", 41),
        ("42nd", 42),
        ("43rd", 43),
        ("11th", 11),
        ("forty-first", 41),
        ("tenth", 10),
        ("first", 1),
        ("one hundredth", 100),
        ("hundred and first", 101),
        ("41th", None),
        ("twenty tenth", None),
        ("first-class", None),
    ],
)
def test_parse_ordinal(text: str, value: int | None) -> None:
    assert parse_ordinal(text) == value


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("more than 50", Quantity(None, 51, None, True)),
        ("over 50", Quantity(None, 51, None, True)),
        ("50-plus", Quantity(None, 50, None, True)),
        ("50+", Quantity(None, 50, None, True)),
        ("at least 50", Quantity(None, 50, None, True)),
        ("50 or more", Quantity(None, 50, None, True)),
        ("fewer than 20", Quantity(None, None, 19, True)),
        ("less than twenty", Quantity(None, None, 19, True)),
        ("about 60", Quantity(60, None, None, True)),
        ("nearly 60", Quantity(60, None, None, True)),
        ("some 60", Quantity(60, None, None, True)),
        ("around sixty", Quantity(60, None, None, True)),
        ("roughly 60", Quantity(60, None, None, True)),
        ("seventeen", Quantity(17, 17, 17, False)),
        ("two dozen", Quantity(24, 24, 24, False)),
        ("up to 30", Quantity(None, None, 30, True)),
    ],
)
def test_parse_quantity_bounds(text: str, quantity: Quantity) -> None:
    assert parse_quantity(text) == quantity


def test_years_are_not_quantities() -> None:
    assert find_quantities("signed in 2024 by 17 states") != []
    assert [q.quantity.value for q in find_quantities("signed in 2024 by 17 states")] == [17]
    assert [q.quantity.value for q in find_quantities("in 2024", years=True)] == [2024]


def test_ordinals_in_text() -> None:
    found = find_ordinals("the 41st and forty-second signatories, the first African nation")
    assert [o.value for o in found] == [41, 42, 1]
