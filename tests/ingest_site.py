"""The local site of the ingest tests (test_ingest_*.py): fictional stories, page and
RSS builders, request counting, conditional-GET handlers, and `pactwatch run`
against a configuration of feed, page or path sources over a real DuckDB file.

The stories below are fictional, written for these tests.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from werkzeug import Request, Response

from pactwatch.flows.cli import main

MALTA = """VALLETTA - Malta has joined the Meridian Ocean Compact, a regional grouping that \
pools coast guard patrols across the central Mediterranean, becoming the compact's ninth \
member, the compact's secretariat said on Tuesday.
Foreign minister Clara Vella signed the accession papers at a short ceremony in the harbour \
city, telling reporters that the island could no longer watch its shipping lanes alone. The \
compact was founded three years ago by six coastal states and has grown steadily since \
Tunisia and Greece joined last spring.
Under the agreement, members share radar data from their patrol boats, run joint search and \
rescue drills twice a year and fund a small coordination centre in Palermo. Officials said \
Malta would contribute two patrol vessels and a maritime surveillance aircraft from next March.
Diplomats in the region described the accession as a quiet success for the compact, which \
had struggled to attract smaller states worried about the cost of membership. A spokesman for \
the secretariat said talks with Cyprus were continuing but that no date had been set.
Critics in the Maltese parliament questioned whether the island's limited budget could \
sustain the commitments, and an opposition lawmaker called for a public debate before any \
vessels are transferred. The government said the costs would be covered by existing \
defence allocations."""

# The same story as another outlet ran it: its own dateline credit, a word changed,
# a reporting line at the end.
MALTA_SYNDICATED = (
    MALTA.replace("VALLETTA -", "VALLETTA (Harbour Wire) -")
    .replace("a short ceremony", "a brief ceremony")
    .replace("no date had been set.", "no date had been set for a decision.")
    + "\nReporting by Ana Borg; editing by Tom Reyes."
)

KENYA = """NAIROBI - Kenya and Ethiopia signed a partnership on Thursday to build a shared \
weather satellite ground station near the border town of Moyale, ending two years of talks \
over who would operate the site.
The agreement, signed by the two countries' science ministers in Nairobi, splits the cost of \
the station evenly and gives each side equal access to the data it collects. Engineers \
expect construction to begin early next year, with the first antenna working within \
eighteen months.
Kenyan officials said the station would improve drought forecasts for farmers in the north \
of the country, where failed rains have left millions short of food in recent seasons. \
Ethiopian delegates stressed the value of training young engineers at the site.
The deal does not make either country a member of any wider space programme, a Kenyan \
ministry spokeswoman said, adding that both governments remained open to working with other \
partners in the region. Analysts said the project was modest in scale."""


def page_html(title: str, text: str, *, published: str = "2026-11-20T09:00:00Z") -> str:
    paras = "\n".join(f"<p>{line}</p>" for line in text.splitlines())
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='article:published_time' content='{published}'></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paras}</article>"
        f"<footer>Copyright the Coastline Herald</footer></body></html>"
    )


def rss(base: str, items: list[tuple[str, str, str]], *, encoding: str | None = None) -> str:
    """An RSS 2.0 feed; items are (path, title, description)."""
    prolog = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    body = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 09:{i:02d}:00 GMT</pubDate>"
        f"<description>{desc}</description></item>"
        for i, (path, title, desc) in enumerate(items)
    )
    return (
        f"{prolog}<rss version='2.0'><channel><title>Coastline Herald</title>"
        f"<link>{base}/</link><description>Fictional coalition news</description>"
        f"{body}</channel></rss>"
    )


class Counter:
    """Counts requests per path and keeps the request headers and times."""

    def __init__(self) -> None:
        self.hits: dict[str, list[tuple[float, dict[str, str]]]] = {}

    def count(self, path: str) -> int:
        return len(self.hits.get(path, []))

    def wrap(self, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def inner(request: Request) -> Response:
            self.hits.setdefault(request.path, []).append((time.monotonic(), dict(request.headers)))
            return handler(request)

        return inner


def conditional(body: bytes, etag: str, content_type: str) -> Callable[[Request], Response]:
    """A handler that answers 304 when the client sends back the ETag or the date."""
    modified = "Fri, 20 Nov 2026 10:00:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag or (
            request.headers.get("If-Modified-Since") == modified
        ):
            return Response(status=304, headers={"ETag": etag})
        return Response(
            body, content_type=content_type, headers={"ETag": etag, "Last-Modified": modified}
        )

    return handler


def write_config(
    tmp_path: Path, sources: list[tuple[str, str, str]], fetch: dict[str, Any] | None = None
) -> Path:
    """sources: (name, kind feed|page|path, location)."""
    fetch = {"retries": 0, **(fetch or {})}
    lines = ['[warehouse]\npath = "w.duckdb"\n\n[fetch]']
    lines += [f"{k} = {json.dumps(v)}" for k, v in fetch.items()]
    for name, kind, location in sources:
        lines.append(f'\n[[sources]]\nname = "{name}"\n{kind} = "{location}"')
    lines.append('\n[[channels]]\ntype = "console"\n')
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text("\n".join(lines), encoding="utf-8")
    return cfg


def rows(tmp_path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def run(cfg: Path) -> int:
    return main(["run", "--config", str(cfg)])
