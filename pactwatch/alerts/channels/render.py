"""Human wording of an alert payload, shared by the console and email channels."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pactwatch.parsers.dates import parse_datetime
from pactwatch.parsers.event_dates import (
    PRECISIONS,
    EventDate,
    first_day,
    reported_later,
    when_text,
)
from pactwatch.parsers.gazetteer import Gazetteer

_KNOWN_NAMES = {
    "ilrs": "ILRS",
    "artemis-accords": "Artemis Accords",
    "nato": "NATO",
    "eu": "EU",
    "brics": "BRICS",
    "esa": "ESA",
    "apsco": "APSCO",
    "asean": "ASEAN",
    "african-union": "African Union",
}


def display_name(slug: str | None) -> str:
    """`ilrs` -> `ILRS`, `artemis-accords` -> `Artemis Accords`; country codes stay as they are."""
    if not slug:
        return "?"
    if slug in _KNOWN_NAMES:
        return _KNOWN_NAMES[slug]
    if slug.isupper() or ("-" not in slug and len(slug) <= 5):
        return slug.upper()
    return " ".join(part.capitalize() for part in slug.split("-"))


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    return {a.id: a.name for a in Gazetteer.default().actors() if a.kind == "country"}


def actor_name(actor_id: str | None) -> str:
    """`KE` -> `Kenya (KE)`: a reader acts on names; the code keeps it unambiguous."""
    if not actor_id:
        return "?"
    name = _country_names().get(actor_id)
    return f"{name} ({actor_id})" if name else display_name(actor_id)


def count_text(state: dict[str, Any] | None) -> str:
    """`17`, `about 60`, `at least 50`, `at most 19`, `50-60`, or `?`."""
    if not state:
        return "?"
    value, low, high = state.get("value"), state.get("low"), state.get("high")
    if value is not None:
        exact = low == value and high == value
        return (
            str(value)
            if exact or (low is None and high is None and "approx" not in state)
            else f"about {value}"
        )
    if low is not None and high is not None:
        return f"{low}-{high}"
    if low is not None:
        return f"at least {low}"
    if high is not None:
        return f"at most {high}"
    return "?"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def headline(payload: dict[str, Any]) -> str:
    """One line: what changed."""
    kind = payload.get("kind")
    if kind == "test":
        return "Test notification from pactwatch: this channel works"
    if kind in ("source_unhealthy", "source_recovered"):
        return health_headline(payload)
    coalition = display_name(payload.get("coalition"))
    actor = actor_name(payload.get("actor"))
    current = payload.get("current") or {}
    pair = " + ".join(actor_name(a) for a in payload.get("actors") or ()) or "?"
    if kind == "member_count_changed":
        return (
            f"{coalition} members: {count_text(payload.get('previous'))} -> {count_text(current)}"
        )
    when = event_text(current)
    if kind == "member_joined":
        ordinal = current.get("ordinal")
        extra = f" as the {_ordinal(int(ordinal))} member" if ordinal else ""
        return f"{coalition}: {actor} joined{extra}{when}"
    if kind == "member_left":
        return f"{coalition}: {actor} left{when}"
    if kind == "partnership_formed":
        topic = current.get("topic")
        return f"Partnership formed: {pair}" + (f" ({topic})" if topic else "") + when
    if kind == "partnership_ended":
        topic = current.get("topic")
        return f"Partnership ended: {pair}" + (f" ({topic})" if topic else "") + when
    return f"{kind}: {coalition}"


def health_headline(payload: dict[str, Any]) -> str:
    """`Source gazette unhealthy: failed 3 runs in a row`, `Source gazette recovered`."""
    current = payload.get("current") or {}
    name = payload.get("source") or current.get("source") or "?"
    if payload.get("kind") == "source_recovered":
        return f"Source {name} recovered"
    if current.get("reason") == "stale":
        since = current.get("last_new_article_at")
        return f"Source {name} stale: no new article" + (f" since {since}" if since else " yet")
    n = current.get("consecutive_failures")
    return f"Source {name} unhealthy: failed {n} run{'' if n == 1 else 's'} in a row"


def health_lines(payload: dict[str, Any]) -> list[str]:
    """The evidence of a health alert, one fact per line (empty for other kinds)."""
    if payload.get("kind") not in ("source_unhealthy", "source_recovered"):
        return []
    current = payload.get("current") or {}
    facts = [
        ("where", current.get("location")),
        ("failures in a row", current.get("consecutive_failures")),
        ("last error", current.get("last_error")),
        ("last error at", current.get("last_error_at")),
        ("last success", current.get("last_success_at") or "never"),
        ("last new article", current.get("last_new_article_at") or "never"),
    ]
    return [f"{label}: {value}" for label, value in facts if value is not None]


def event_text(state: dict[str, Any]) -> str:
    """', in 2023, first reported 2026-11-22' when the claim dates the event clearly
    before the article that reported it; else empty. An event date on or about the
    day of the report adds nothing a reader needs."""
    raw, precision = state.get("event_date"), PRECISIONS.get(state.get("event_date_precision"))
    if not isinstance(raw, str) or precision is None:
        return ""
    try:
        event = EventDate(first_day(raw), precision)
    except ValueError:
        return ""
    reported = parse_datetime(state.get("published_at"))
    if reported is None:
        return f" {when_text(event)}"
    if not reported_later(event, reported.date()):
        return ""
    return f" {when_text(event)}, first reported {reported.date().isoformat()}"


def text_block(payload: dict[str, Any]) -> str:
    """A plain-text block: headline, kind and id, then each piece of evidence."""
    lines = [headline(payload), f"  kind: {payload.get('kind')}  id: {payload.get('id')}"]
    evidence = payload.get("evidence") or []
    lines += [f"  {line}" for line in health_lines(payload)]
    if payload.get("conflict"):
        lines.append(f"  sources disagree about the same moment: {payload['conflict']}")
    if len(evidence) > 1:
        lines.append(f"  reported by {len(evidence)} articles")
    for item in evidence:
        when = item.get("published_at") or "undated"
        lines.append(f"  - {item.get('title') or item.get('url') or 'untitled'} ({when})")
        if item.get("url"):
            lines.append(f"    {item['url']}")
        if item.get("sentence"):
            said = f" (according to {item['attributed_to']})" if item.get("attributed_to") else ""
            lines.append(f"    \u201c{item['sentence']}\u201d{said}")
    return "\n".join(lines) + "\n"
