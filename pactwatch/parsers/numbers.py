"""Numbers as newswire writes them: digits, number words, ordinals and bounds.

Everything here is total: a string that is not a number gives None, never an
exception. Bounds follow DESIGN section 4 ("more than 50" -> low 51, "50-plus"
-> low 50, "fewer than 20" -> high 19, "about 60" -> value 60, all approximate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "OrdinalMatch",
    "Quantity",
    "QuantityMatch",
    "find_ordinals",
    "find_quantities",
    "number_to_words",
    "ordinal_to_words",
    "parse_int",
    "parse_ordinal",
    "parse_quantity",
]

_UNITS_TEXT = """
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen
"""
_UNITS = _UNITS_TEXT.split()
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = {"thousand": 1_000, "million": 1_000_000}

_UNIT_VALUE = {w: i for i, w in enumerate(_UNITS)}
_TENS_VALUE = {w: 20 + 10 * i for i, w in enumerate(_TENS)}

_ORD_UNITS_TEXT = """
    zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
    thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth
"""
_ORD_UNITS = _ORD_UNITS_TEXT.split()
_ORD_TENS_TEXT = """
    twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth
"""
_ORD_TENS = _ORD_TENS_TEXT.split()
_ORD_VALUE = {w: i for i, w in enumerate(_ORD_UNITS)}
_ORD_VALUE.update({w: 20 + 10 * i for i, w in enumerate(_ORD_TENS)})
_ORD_SCALE = {"hundredth": 100, "thousandth": 1_000, "millionth": 1_000_000}

# Spelling variants newswire uses.
_ALIASES = {"fourty": "forty", "ninty": "ninety", "ninteen": "nineteen"}

_WORDS_LIMIT = 10**9


# A small grammar written as one state machine: every branch is a transition on
# the previous token's class, and split up it would be harder to check as a whole.
def _cardinal_words(tokens: list[str]) -> int | None:  # noqa: C901
    """Value of a sequence of cardinal number words, or None when it is not one.

    Accepts "one hundred and twenty-three", "two dozen", "a dozen", "a hundred",
    "hundred" (as 100). Rejects ungrammatical runs such as "one two".
    """
    total = 0
    group = 0  # value below the current thousand/million scale
    prev_scale = 0
    # what the previous token was: start, a, unit, teen, tens, unit_after_tens, hundred, scale, dozen
    last = "start"
    for i, raw in enumerate(tokens):
        tok = _ALIASES.get(raw, raw)
        if tok == "and":
            if last not in ("hundred", "scale"):
                return None
        elif tok in ("a", "an"):
            if i != 0:
                return None
            group, last = 1, "a"
        elif tok in _UNIT_VALUE:
            v = _UNIT_VALUE[tok]
            if v == 0:
                if len(tokens) != 1:
                    return None
                last = "unit"
            elif last in ("start", "hundred", "scale"):
                group += v
                last = "teen" if v >= 10 else "unit"
            elif last == "tens" and v <= 9:
                group += v
                last = "unit_after_tens"
            else:
                return None
        elif tok in _TENS_VALUE:
            if last not in ("start", "hundred", "scale"):
                return None
            group += _TENS_VALUE[tok]
            last = "tens"
        elif tok == "hundred":
            if last == "start":
                group = 100
            elif last in ("a", "unit", "teen", "tens", "unit_after_tens") and group < 100:
                group *= 100
            else:
                return None
            last = "hundred"
        elif tok in _SCALES:
            scale = _SCALES[tok]
            if last in ("start", "scale", "dozen") or (prev_scale and scale >= prev_scale):
                return None
            total += group * scale
            group, prev_scale, last = 0, scale, "scale"
        elif tok == "dozen":
            if last not in ("start", "a", "unit", "teen", "tens", "unit_after_tens"):
                return None
            group = (group or 1) * 12
            last = "dozen"
        else:
            return None
    if last in ("start", "a"):
        return None
    return total + group


_TOKEN_SPLIT = re.compile(r"[\s\-‐‑–]+")
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")


def parse_int(text: str) -> int | None:
    """Cardinal value of `text` ("17", "1,200", "seventeen", "forty-one", "two dozen")."""
    s = text.strip().lower()
    if not s:
        return None
    if _DIGITS.fullmatch(s):
        digits = s.replace(",", "")
        return int(digits) if len(digits) <= 12 else None
    return _cardinal_words([t for t in _TOKEN_SPLIT.split(s) if t])


_ORD_DIGITS = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th)")


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def parse_ordinal(text: str) -> int | None:
    """Ordinal value of `text` ("41st", "forty-first", "tenth", "one hundredth")."""
    s = text.strip().lower()
    if not s:
        return None
    m = _ORD_DIGITS.fullmatch(s)
    if m:
        digits = m.group(1).replace(",", "")
        if len(digits) > 12:
            return None
        n = int(digits)
        return n if m.group(2) == _ordinal_suffix(n) else None
    tokens = [t for t in _TOKEN_SPLIT.split(s) if t]
    if not tokens:
        return None
    head, tail = tokens[:-1], _ALIASES.get(tokens[-1], tokens[-1])
    if tail in _ORD_VALUE:
        v = _ORD_VALUE[tail]
        if not head:
            return v or None
        base = _cardinal_words(head)
        if base is None or v == 0:
            return None
        # "forty-first", "one hundred and first": units follow tens, teens follow scales
        last = _ALIASES.get(head[-1], head[-1])
        if (last in _TENS_VALUE and v <= 9) or (
            last in ("hundred", "thousand", "million", "and") and v < 100
        ):
            return base + v
        return None
    if tail in _ORD_SCALE:
        word = tail.removesuffix("th")
        return _cardinal_words([*head, word]) if head else _ORD_SCALE[tail]
    return None


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [_UNITS[hundreds], "hundred"]
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        words.append(_TENS[tens - 2] + (f"-{_UNITS[unit]}" if unit else ""))
    elif rest:
        words.append(_UNITS[rest])
    return words


def number_to_words(n: int) -> str:
    """English words for 0 <= n < 10**9 ("forty-one", "one hundred twenty")."""
    if n < 0 or n >= _WORDS_LIMIT:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return "zero"
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1_000)
    words: list[str] = []
    if millions:
        words += [*_below_thousand(millions), "million"]
    if thousands:
        words += [*_below_thousand(thousands), "thousand"]
    words += _below_thousand(units)
    return " ".join(words)


def ordinal_to_words(n: int) -> str:
    """English ordinal words for 1 <= n < 10**9 ("forty-first", "tenth")."""
    if n < 1:
        raise ValueError(f"out of range: {n}")
    words = number_to_words(n)
    head, sep, last = words.rpartition(" ")
    prefix, hyphen, unit = last.rpartition("-")
    if unit in _UNIT_VALUE:
        unit = _ORD_UNITS[_UNIT_VALUE[unit]]
    elif unit in _TENS_VALUE:
        unit = _ORD_TENS[_TENS.index(unit)]
    else:
        unit = unit + "th"  # hundred, thousand, million
    return f"{head}{sep}{prefix}{hyphen}{unit}"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure with its bounds; `value` is None for open ranges ("50-plus")."""

    value: int | None
    low: int | None
    high: int | None
    approx: bool


@dataclass(frozen=True, slots=True)
class QuantityMatch:
    """A quantity found in running text, with its offsets."""

    start: int
    end: int
    quantity: Quantity


@dataclass(frozen=True, slots=True)
class OrdinalMatch:
    """An ordinal found in running text, with its offsets."""

    start: int
    end: int
    value: int


_NUM_WORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|fou?rty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|thousand|million|dozen)"
)
_NUM_WORDS = rf"(?:(?:an?\s+)?{_NUM_WORD}(?:(?:\s+and\s+|[\s\-‐‑]+){_NUM_WORD})*)"
_NUM_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
_ORD_WORD = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth|hundredth|thousandth)"
)

_LOW_PLUS_ONE = r"more\s+than|over|upwards\s+of|in\s+excess\s+of|above"
_LOW = r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of|not\s+less\s+than"
_HIGH_MINUS_ONE = r"fewer\s+than|less\s+than|under|below"
_HIGH = r"up\s+to|at\s+most|no\s+more\s+than|a\s+maximum\s+of|not\s+more\s+than|as\s+many\s+as"
_ABOUT = (
    r"about|around|roughly|approximately|nearly|almost|some|close\s+to|an\s+estimated|"
    r"estimated|approx\.|circa|just\s+over|just\s+under|an?\s+approximate"
)

_QUANTITY = re.compile(
    rf"(?<![\w\-])(?:(?P<mod>{_LOW_PLUS_ONE}|{_LOW}|{_HIGH_MINUS_ONE}|{_HIGH}|{_ABOUT})\s+)?"
    rf"(?P<num>{_NUM_DIGITS}|{_NUM_WORDS})"
    rf"(?P<suffix>\s*-\s*plus\b|\s*\+|\s+plus\b(?!\s+\w+\s+(?:and|or)\b)|\s+or\s+more\b|\s+or\s+so\b|"
    rf"\s+or\s+fewer\b|\s+or\s+less\b|\s+odd\b)?"
    rf"(?![\w])",
    re.IGNORECASE,
)

_ORDINAL = re.compile(
    rf"(?<![\w\-])(?:(?P<digits>{_NUM_DIGITS})(?:st|nd|rd|th)|"
    rf"(?P<words>(?:{_NUM_WORD}(?:\s+and\s+|[\s\-‐‑]+))*{_ORD_WORD}))(?![\w])",
    re.IGNORECASE,
)

_YEAR = re.compile(r"1[89]\d\d|2[01]\d\d")


def _bounds(n: int, mod: str | None, suffix: str | None) -> Quantity:
    m = " ".join((mod or "").lower().split())
    sfx = " ".join((suffix or "").lower().replace("-", " ").split())
    if m in ("more than", "over", "upwards of", "in excess of", "above"):
        return Quantity(None, n + 1, None, True)
    if m in ("at least", "no fewer than", "no less than", "a minimum of", "not less than"):
        return Quantity(None, n, None, True)
    if m in ("fewer than", "less than", "under", "below"):
        return Quantity(None, None, max(n - 1, 0), True)
    if m in ("up to", "at most", "no more than", "a maximum of", "not more than", "as many as"):
        return Quantity(None, None, n, True)
    if sfx in ("plus", "+", "or more"):
        return Quantity(None, n, None, True)
    if sfx in ("or fewer", "or less"):
        return Quantity(None, None, n, True)
    if m or sfx in ("or so", "odd"):
        return Quantity(n, None, None, True)
    return Quantity(n, n, n, False)


def parse_quantity(text: str) -> Quantity | None:
    """The quantity a whole phrase states ("more than 50", "50-plus", "about sixty")."""
    s = text.strip()
    if not s or len(s) > 200:
        return None
    m = _QUANTITY.fullmatch(s)
    if not m:
        return None
    n = parse_int(m.group("num"))
    if n is None:
        return None
    return _bounds(n, m.group("mod"), m.group("suffix"))


def find_quantities(text: str, *, years: bool = False) -> list[QuantityMatch]:
    """Every quantity in `text` with its character offsets.

    Four-digit numbers that look like years (1800-2199, no comma) are skipped
    unless `years` is true: "in 2024" is a date, not a count.
    """
    out: list[QuantityMatch] = []
    for m in _QUANTITY.finditer(text):
        num = m.group("num")
        if not years and _YEAR.fullmatch(num):
            continue
        n = parse_int(num)
        start = m.start()
        art = re.match(r"an?\s+", num, re.IGNORECASE)
        if n is None and art and not m.group("mod"):
            # "a ten-nation bloc": the article belongs to the noun phrase, not the figure
            n = parse_int(num[art.end() :])
            start = m.start("num") + art.end()
        if n is None:
            continue  # a run like "one two" is not one number
        q = _bounds(n, m.group("mod"), m.group("suffix"))
        out.append(QuantityMatch(start, m.end(), q))
    return out


def find_ordinals(text: str) -> list[OrdinalMatch]:
    """Every ordinal ("41st", "forty-first", "tenth") in `text` with its offsets."""
    out: list[OrdinalMatch] = []
    for m in _ORDINAL.finditer(text):
        v = parse_ordinal(m.group(0))
        if v is None and m.group("words"):
            # "one forty-first" is not one ordinal: keep the trailing part only
            tail = re.search(rf"(?:{_NUM_WORD}[\-‐‑])?{_ORD_WORD}$", m.group(0), re.IGNORECASE)
            if tail:
                v = parse_ordinal(tail.group(0))
                if v is not None:
                    out.append(OrdinalMatch(m.start() + tail.start(), m.end(), v))
            continue
        if v is not None:
            out.append(OrdinalMatch(m.start(), m.end(), v))
    return out
