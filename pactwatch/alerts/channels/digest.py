"""Digest email: many alerts in one message, grouped by coalition, each with its evidence.

An email channel with `digest = "run"` sends one message per delivery call (a run,
or `pactwatch deliver`) gathering every alert due on it; `digest = "daily"` one
message per UTC day, once that day is over. The outbox still keeps one delivery
row per alert and channel, so each alert is in exactly one digest that succeeded.

The Message-ID is derived from the alert ids, so a digest re-sent after a crash
between the SMTP hand-off and the outbox write is recognisably the same message.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import jinja2

from pactwatch.alerts.channels.render import display_name, headline, text_block

__all__ = ["DIGEST_MODES", "DigestMode", "build_digest", "digest_groups", "digest_subject"]

DigestMode = Literal["run", "daily"]
DIGEST_MODES: tuple[str, ...] = ("run", "daily")

_KIND_WORDS = {
    "member_count_changed": ("count change", "count changes"),
    "member_joined": ("join", "joins"),
    "member_left": ("departure", "departures"),
    "partnership_formed": ("partnership formed", "partnerships formed"),
    "partnership_ended": ("partnership ended", "partnerships ended"),
    "source_unhealthy": ("source unhealthy", "sources unhealthy"),
    "source_recovered": ("source recovered", "sources recovered"),
}
_SOURCES = "Sources"
_PARTNERSHIPS = "Partnerships"


def _group_name(payload: dict[str, Any]) -> str:
    if payload.get("coalition"):
        return display_name(payload["coalition"])
    if payload.get("actors"):
        return _PARTNERSHIPS
    if payload.get("source"):
        return _SOURCES
    return "Other"


def digest_groups(payloads: Sequence[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Alerts by coalition (alphabetical), partnerships after, in the order given within."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for p in payloads:
        groups.setdefault(_group_name(p), []).append(p)
    return sorted(
        groups.items(), key=lambda kv: (kv[0] in (_PARTNERSHIPS, _SOURCES, "Other"), kv[0])
    )


def digest_subject(payloads: Sequence[dict[str, Any]]) -> str:
    """`[pactwatch] 6 alerts: 2 count changes, 3 joins, 1 partnership ended (ILRS, ...)`."""
    kinds = Counter(str(p.get("kind")) for p in payloads)
    parts = []
    for kind, (one, many) in _KIND_WORDS.items():
        if kinds.get(kind):
            parts.append(f"{kinds[kind]} {one if kinds[kind] == 1 else many}")
    others = sum(n for k, n in kinds.items() if k not in _KIND_WORDS)
    if others:
        parts.append(f"{others} other")
    names = [
        name
        for name, _ in digest_groups(payloads)
        if name not in (_PARTNERSHIPS, _SOURCES, "Other")
    ]
    where = f" ({', '.join(names)})" if names else ""
    n = len(payloads)
    return f"[pactwatch] {n} alert{'' if n == 1 else 's'}: {', '.join(parts)}{where}"


def digest_id(payloads: Sequence[dict[str, Any]]) -> str:
    """The same alerts give the same id, whatever their order."""
    joined = "\n".join(sorted(str(p.get("id")) for p in payloads))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:24]


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    import jinja2  # here, so reading the configuration does not load the template engine

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pactwatch.alerts.channels", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["headline"] = headline
    return env.get_template("digest.html.j2")


def _text(payloads: Sequence[dict[str, Any]], title: str) -> str:
    lines = [title, ""]
    for name, items in digest_groups(payloads):
        lines += [f"== {name} ({len(items)}) ==", ""]
        lines += [text_block(p) for p in items]
    return "\n".join(lines)


def build_digest(
    payloads: Sequence[dict[str, Any]], *, sender: str, to: Sequence[str], clean: Any
) -> EmailMessage:
    """One message with every alert of `payloads`: plain text and an HTML alternative.

    `clean` folds header values (the email channel's `clean_header`)."""
    subject = digest_subject(payloads)
    ident = digest_id(payloads)
    msg = EmailMessage()
    msg["Subject"] = clean(subject)
    msg["From"] = clean(sender)
    msg["To"] = ", ".join(clean(t) for t in to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = f"<digest-{ident}@pactwatch>"
    msg["X-Pactwatch-Digest-Id"] = ident
    msg["X-Pactwatch-Alert-Ids"] = clean(" ".join(str(p.get("id")) for p in payloads))
    msg.set_content(_text(payloads, subject.removeprefix("[pactwatch] ")))
    html = _template().render(subject=subject, groups=digest_groups(payloads))
    msg.add_alternative(html, subtype="html")
    return msg
