"""When an event happened, as its sentence dates it, beside when it was reported.

"Senegal signed the Artemis Accords in 2023", read in an article published on
2026-11-22, is a 2023 join first reported in 2026. `event_date` finds the first
expression in a claim's sentence that dates the event and resolves it against the
article's publication time:

- a full date ("on 14 September 2023", "September 14, 2023") gives a day;
- a day and month ("on 14 September") the latest such day not after publication;
- a month ("in September 2023", "in September", "last month") a month;
- a year ("in 2023", "last year", "this year") a year;
- a weekday ("on Tuesday", "signed Tuesday") the latest such day on or before
  publication; "yesterday" and "today" likewise.

An expression after "since", "until", "by", "before", "after", "from" or
"between" bounds a period instead of dating the event and is skipped. Relative
expressions need a publication time; without one only absolute dates resolve.
The result is an ISO 8601 date of the precision the sentence gives ("2023",
"2023-09", "2023-09-14"). Rules are small named functions in `RULES`, tried in
order at each position; vocabulary is data at the top of the module.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from pactwatch.parsers.model import Claim

__all__ = [
    "PRECISIONS",
    "RULES",
    "EventDate",
    "event_date",
    "first_day",
    "reported_later",
    "when_text",
    "with_event_dates",
]

Precision = Literal["day", "month", "year"]
PRECISIONS: dict[str | None, Precision] = {"day": "day", "month": "month", "year": "year"}

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip
# Words that make the date that follows a bound of a period, not the event's date.
BOUNDING_WORDS = ("since", "until", "till", "by", "before", "after", "from", "between", "through")

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
_END = r"(?![\w-])"


@dataclass(frozen=True, slots=True)
class EventDate:
    """A resolved event date: the first day of the period, and how precise it is."""

    day: date
    precision: Precision

    def iso(self) -> str:
        """ISO 8601 at the date's precision: "2023", "2023-09" or "2023-09-14"."""
        if self.precision == "year":
            return f"{self.day.year:04d}"
        if self.precision == "month":
            return f"{self.day.year:04d}-{self.day.month:02d}"
        return self.day.isoformat()


Rule = Callable[[re.Match[str], date | None], EventDate | None]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_no(m: re.Match[str]) -> int:
    return MONTHS[m["month"].lower()]


def full_date(m: re.Match[str], _: date | None) -> EventDate | None:
    """'14 September 2023', 'September 14, 2023' -> that day."""
    found = _safe_date(int(m["year"]), _month_no(m), int(m["day"]))
    return EventDate(found, "day") if found else None


def day_and_month(m: re.Match[str], published: date | None) -> EventDate | None:
    """'on 14 September' -> the latest 14 September not after publication."""
    if published is None:
        return None
    month, day = _month_no(m), int(m["day"])
    found = _safe_date(published.year, month, day)
    if found is not None and found > published:
        found = _safe_date(published.year - 1, month, day)
    return EventDate(found, "day") if found else None


def month_and_year(m: re.Match[str], _: date | None) -> EventDate | None:
    """'in September 2023' -> that month."""
    return EventDate(date(int(m["year"]), _month_no(m), 1), "month")


def month_alone(m: re.Match[str], published: date | None) -> EventDate | None:
    """'in September' -> the latest September that began by publication."""
    if published is None:
        return None
    month = _month_no(m)
    year = published.year if month <= published.month else published.year - 1
    return EventDate(date(year, month, 1), "month")


def year_alone(m: re.Match[str], _: date | None) -> EventDate | None:
    """'in 2023' -> that year."""
    return EventDate(date(int(m["year"]), 1, 1), "year")


def weekday(m: re.Match[str], published: date | None) -> EventDate | None:
    """'on Tuesday' -> the latest Tuesday on or before publication."""
    if published is None:
        return None
    back = (published.weekday() - WEEKDAYS[m["weekday"].lower()]) % 7
    return EventDate(published - timedelta(days=back), "day")


def relative(m: re.Match[str], published: date | None) -> EventDate | None:
    """'yesterday', 'today', 'last month', 'this month', 'last year', 'this year'."""
    if published is None:
        return None
    word = " ".join(m["relative"].lower().split())
    if word == "yesterday":
        return EventDate(published - timedelta(days=1), "day")
    if word == "today":
        return EventDate(published, "day")
    which, unit = word.rsplit(" ", 1)
    shift = 1 if which == "last" else 0
    if unit == "year":
        return EventDate(date(published.year - shift, 1, 1), "year")
    first = published.replace(day=1)
    if shift:
        first = (first - timedelta(days=1)).replace(day=1)
    return EventDate(first, "month")


_PATTERNS: tuple[tuple[str, Rule], ...] = (
    (rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}{_END}", full_date),
    (rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}{_END}", full_date),
    (rf"\b{_MONTH},?\s+{_YEAR}{_END}", month_and_year),
    (rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}{_END}", day_and_month),
    (rf"\b{_MONTH}\s+{_DAY}(?!\s*\d){_END}", day_and_month),
    (
        rf"\b(?:in|during)\s+(?:early\s+|late\s+)?{_MONTH}{_END}(?!,?\s+\d)",
        month_alone,
    ),
    (rf"\b(?:in|during)\s+(?:early\s+|late\s+|mid-)?{_YEAR}{_END}", year_alone),
    (rf"\b{_WEEKDAY}{_END}", weekday),
    (r"\b(?P<relative>yesterday|today|(?:last|this)\s+(?:month|year))\b", relative),
)
RULES: tuple[tuple[re.Pattern[str], Rule], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), rule) for pattern, rule in _PATTERNS
)
# A bounding word right before the expression (allowing "since early", "by the end of").
_BOUNDED = re.compile(
    r"\b(?:" + "|".join(BOUNDING_WORDS) + r")\s+(?:(?:the|early|late|mid|end|of|on|in)[\s-]+)*$",
    re.IGNORECASE,
)


def event_date(sentence: str, published_at: datetime | None) -> EventDate | None:
    """The date `sentence` gives its event, resolved against `published_at`; else None.

    The first dating expression in the sentence wins; at one position, the more
    precise reading ("14 September 2023" over "September 2023").
    """
    published = published_at.date() if published_at is not None else None
    found: list[tuple[int, int, EventDate]] = []
    for order, (pattern, rule) in enumerate(RULES):
        for m in pattern.finditer(sentence):
            if _BOUNDED.search(sentence[: m.start()]):
                continue
            try:
                resolved = rule(m, published)
            except (ValueError, OverflowError):  # a reference date at the calendar's edge
                continue
            if resolved is not None:
                found.append((m.start(), order, resolved))
                break
    if not found:
        return None
    return min(found, key=lambda f: (f[0], f[1]))[2]


def with_event_dates(claims: Sequence[Claim], published_at: datetime | None) -> list[Claim]:
    """`claims` with `event_date` and `event_date_precision` set where the sentence dates them."""
    out: list[Claim] = []
    for claim in claims:
        when = event_date(claim.sentence, published_at)
        if when is None:
            out.append(claim)
        else:
            out.append(replace(claim, event_date=when.iso(), event_date_precision=when.precision))
    return out


def first_day(iso: str) -> date:
    """The first day of an ISO 8601 date of any precision ("2023" -> 2023-01-01)."""
    parts = [int(p) for p in iso.split("-")]
    year, month, day = [*parts, 1, 1][:3]
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def when_text(event: EventDate) -> str:
    """'in 2023', 'in September 2025', 'on 14 September 2025'."""
    month = calendar.month_name[event.day.month]
    if event.precision == "year":
        return f"in {event.day.year}"
    if event.precision == "month":
        return f"in {month} {event.day.year}"
    return f"on {event.day.day} {month} {event.day.year}"


def reported_later(event: EventDate, reported: date, *, slack_days: int = 7) -> bool:
    """Whether the event lies clearly before the day it was reported: an earlier year or
    month at those precisions, more than `slack_days` earlier for a day (a join on
    "Tuesday" of the week of the report is still this week's news)."""
    if event.precision == "year":
        return event.day.year < reported.year
    if event.precision == "month":
        return (event.day.year, event.day.month) < (reported.year, reported.month)
    return (reported - event.day).days > slack_days
