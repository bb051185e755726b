"""Lenient date-time parsing for feed and page metadata, always to aware UTC."""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime

from dateutil import parser as dateparser

# An unknown zone name ("MSK") is read as UTC; the warning about it is noise here.
warnings.filterwarnings("ignore", category=dateparser.UnknownTimezoneWarning)

__all__ = ["parse_datetime"]

# Month names feeds in other languages put where RFC 822 wants English ones.
_MONTHS = {
    "jan": ("gen", "gennaio", "janv", "janvier", "januar", "ene", "enero", "janeiro", "januari"),
    "feb": ("febbraio", "févr", "fevr", "février", "fevrier", "februar", "febrero", "fev",
            "fevereiro", "februari"),
    "mar": ("marzo", "mars", "mär", "mrz", "märz", "marz", "março", "marco", "mrt", "maart"),
    "apr": ("aprile", "avr", "avril", "abr", "abril"),
    "may": ("mag", "maggio", "mai", "mayo", "maio", "mei"),
    "jun": ("giu", "giugno", "juin", "juni", "junio", "junho"),
    "jul": ("lug", "luglio", "juil", "juillet", "juli", "julio", "julho"),
    "aug": ("ago", "agosto", "août", "aout", "augustus"),
    "sep": ("set", "settembre", "sept", "septembre", "septiembre", "setembro"),
    "oct": ("ott", "ottobre", "octobre", "okt", "oktober", "octubre", "out", "outubro"),
    "nov": ("novembre", "noviembre", "novembro"),
    "dec": ("dic", "dicembre", "déc", "décembre", "decembre", "dez", "dezember", "diciembre",
            "dezembro"),
}  # fmt: skip
_FOREIGN = {name: english for english, names in _MONTHS.items() for name in names}
_WORD = re.compile(r"[^\W\d_]+\.?", re.UNICODE)
_WEEKDAY_PREFIX = re.compile(r"^\s*[^\W\d_]{2,12}\.?,\s*", re.UNICODE)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
_TZ_ABBREVIATIONS = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
    "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
    "CET": 3600, "CEST": 7200, "MEZ": 3600, "MESZ": 7200, "BST": 3600,
    "EET": 7200, "EEST": 3 * 3600, "IST": 19800, "JST": 9 * 3600,
}  # fmt: skip


_DEFAULT = datetime(2000, 1, 1)


def _english_months(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group(0).rstrip(".").lower()
        return _FOREIGN.get(word, match.group(0))

    return _WORD.sub(swap, text)


def parse_datetime(text: str | None) -> datetime | None:
    """Parse a date or date-time as feeds and pages write them (ISO 8601, RFC 822,
    12-hour clocks, non-English month names) to aware UTC. Naive values are taken
    as UTC. None when there is no plausible date (a year 1800-2199) in `text`."""
    if not text:
        return None
    raw = " ".join(text.split())
    if not _YEAR.search(raw):
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        cleaned = _english_months(_WEEKDAY_PREFIX.sub("", raw))
        try:
            # A fixed default: a missing day or month must not borrow today's.
            moment = dateparser.parse(cleaned, default=_DEFAULT, tzinfos=_TZ_ABBREVIATIONS)
        except Exception:  # dateutil on arbitrary text: any failure means "no date"
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
