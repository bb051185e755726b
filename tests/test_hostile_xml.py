"""Hostile XML feeds: entity expansion is refused before it costs time or memory,
and external entities and DTDs are never read or fetched.

The hang guards are subprocess timeouts: a parse that expands a quadratic blowup
takes minutes and gigabytes, so a refusal finishes far inside the budget and a
regression is killed instead of stalling the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from pactwatch.parsers.feeds import parse_feed
from pactwatch.parsers.xmlguard import MAX_ENTITY_EXPANSION, entity_problem

from .newsroom import NO_BASELINE, Newsroom, story

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 5.0  # seconds each hostile feed may take to parse, interpreter start included


def _rss(doctype: str, body: str, *, decl: str = '<?xml version="1.0"?>') -> str:
    return (
        f'{decl}\n{doctype}\n<rss version="2.0"><channel><title>Moon wire</title>\n'
        f"<item><title>Lunar notes</title><link>http://127.0.0.1:9/n/1</link>"
        f"<description>{body}</description></item>\n</channel></rss>\n"
    )


def quadratic_rss() -> bytes:
    """A 100 kB entity referenced 30,000 times: 3 GB once expanded."""
    big = "orbital survey notes " * 4_800
    return _rss(f'<!DOCTYPE rss [\n<!ENTITY e "{big}">\n]>', "&e;" * 30_000).encode()


def quadratic_atom() -> bytes:
    big = "x" * 50_000
    refs = "&blob;" * 20_000
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE feed [\n'
        f'<!ENTITY blob "{big}">\n]>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>t</title><id>urn:x</id><updated>2026-11-20T00:00:00Z</updated>"
        f'<entry><title>a</title><id>urn:x:1</id><content type="html">{refs}</content>'
        "</entry></feed>\n"
    ).encode()


def billion_laughs() -> bytes:
    lines = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        ref = f"&lol{level - 1};" if level > 1 else "&lol;"
        lines.append(f'<!ENTITY lol{level} "{ref * 10}">')
    return _rss("<!DOCTYPE rss [\n" + "\n".join(lines) + "\n]>", "&lol9;").encode()


def quadratic_utf16() -> bytes:
    text = (
        quadratic_rss()
        .decode()
        .replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
    )
    return text.encode("utf-16")


HOSTILE: dict[str, Callable[[], bytes]] = {
    "quadratic-rss": quadratic_rss,
    "quadratic-atom": quadratic_atom,
    "billion-laughs": billion_laughs,
    "quadratic-utf16": quadratic_utf16,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_entity_expansion_is_refused(name: str) -> None:
    data = HOSTILE[name]()
    problem = entity_problem(data)
    assert problem is not None and problem.startswith("refused: ")
    assert "\n" not in problem
    parsed = parse_feed(data)
    assert parsed.bozo and parsed.items == () and parsed.problem == problem


@pytest.mark.timing
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_feeds_parse_within_the_budget(name: str, tmp_path: Path) -> None:
    feed = tmp_path / f"{name}.xml"
    feed.write_bytes(HOSTILE[name]())
    probe = (
        "import sys; from pathlib import Path; from pactwatch.parsers.feeds import parse_feed;"
        " p = parse_feed(Path(sys.argv[1]).read_bytes()); print(p.bozo, len(p.items), p.problem)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(feed)],
        capture_output=True,
        text=True,
        timeout=BUDGET,  # the hang guard: raises TimeoutExpired (a failure) past the budget
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True 0 refused: "), result.stdout


def test_entities_of_honest_size_are_still_expanded() -> None:
    # feedparser's own test suite declares an entity for a guid prefix: keep reading it.
    data = _rss('<!DOCTYPE rss [\n  <!ENTITY site "example.org/moon/">\n]>', "see &site;x").encode()
    assert entity_problem(data) is None
    parsed = parse_feed(data)
    assert not parsed.bozo
    assert parsed.items[0].summary == "see example.org/moon/x"
    # Right at the limit is allowed; one character over is refused.
    value = "y" * 1_000
    at_limit = _rss(
        f'<!DOCTYPE rss [\n<!ENTITY v "{value}">\n]>',
        "&v;" * (MAX_ENTITY_EXPANSION // len(value)),
    ).encode()
    assert entity_problem(at_limit) is None
    over = _rss(
        f'<!DOCTYPE rss [\n<!ENTITY v "{value}y">\n]>',
        "&v;" * (MAX_ENTITY_EXPANSION // len(value)),
    ).encode()
    assert entity_problem(over) is not None


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-leak-this-line", encoding="utf-8")
    data = _rss(
        f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{secret.as_uri()}">\n]>', "before &xxe; after"
    ).encode()
    parsed = parse_feed(data)
    texts = " ".join(f"{i.title} {i.summary} {i.content}" for i in parsed.items)
    assert "do-not-leak-this-line" not in texts
    assert "do-not-leak-this-line" not in str(parsed.problem)


def test_external_dtds_and_parameter_entities_are_never_fetched(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/evil.dtd").respond_with_data(
        '<!ENTITY leak "fetched">', content_type="application/xml-dtd"
    )
    dtd = httpserver.url_for("/evil.dtd")
    for doctype, body in [
        (f'<!DOCTYPE rss SYSTEM "{dtd}">', "&leak;"),
        (f'<!DOCTYPE rss [\n<!ENTITY % remote SYSTEM "{dtd}">\n%remote;\n]>', "&leak;"),
        (f'<!DOCTYPE rss [\n<!ENTITY ext SYSTEM "{dtd}">\n]>', "&ext;"),
    ]:
        parsed = parse_feed(_rss(doctype, body).encode(), url="http://127.0.0.1:9/feed.xml")
        assert "fetched" not in " ".join(str(i.summary) for i in parsed.items)
    assert httpserver.log == [], "a DTD or external entity was fetched"


@pytest.mark.integration
@pytest.mark.parametrize("name", ["quadratic-rss", "billion-laughs"])
def test_extract_refuses_a_hostile_feed_with_one_line(name: str, tmp_path: Path) -> None:
    feed = tmp_path / f"{name}.xml"
    feed.write_bytes(HOSTILE[name]())
    result = subprocess.run(
        [sys.executable, "-m", "pactwatch.flows.cli", "extract", str(feed), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,  # hang guard for the whole command (the spaCy model load included)
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("pactwatch: warning: ") and "refused: " in line


@pytest.mark.integration
def test_a_run_records_the_refusal_and_reads_the_other_sources(
    desk_for: Any, room: Newsroom, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hostile-feed.xml").respond_with_data(
        quadratic_rss(), content_type="application/rss+xml"
    )
    desk = desk_for(["meridian"], alerts=NO_BASELINE)
    desk.config.write_text(
        desk.config.read_text(encoding="utf-8")
        + f'\n[[sources]]\nname = "hostile"\nfeed = "{httpserver.url_for("/hostile-feed.xml")}"\n',
        encoding="utf-8",
    )
    room.publish(
        "meridian",
        story(
            "kenya-accords",
            "Kenya signs the Artemis Accords",
            "2026-11-20T14:00:00Z",
            "NAIROBI — Kenya signed the Artemis Accords on Friday, joining the US-led framework.",
        ),
    )
    err = desk.run(expect=1)  # a source failed: the summary says so
    assert "source hostile" in err and "refused: " in err
    errors = desk.sql("select source, error from fetches where error is not null")
    assert [(e["source"], e["error"].split(": ", 1)[1][:8]) for e in errors] == [
        ("hostile", "refused:")
    ]
    assert [r["actor"] for r in desk.sql("select actor from memberships")] == ["KE"]
    assert json.loads(json.dumps(desk.alerts()))[0]["actor"] == "KE"
