"""Shared fixtures: the shared corpora, the bundled sample site, real local servers,
and the alert scenarios' newsroom (tests/newsroom.py)."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from pytest_httpserver import HTTPServer

    from .newsroom import Desk, Newsroom
    from .postgres import Cluster

# As `pactwatch run` does before importing Prefect: its console handler would
# otherwise keep a reference to the first test's captured stderr for the session.
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")

# No per-example deadline for property tests: they check what code computes, and
# on a machine running two test workers (or shared with other jobs) Hypothesis'
# 200 ms default failed a fingerprint test that passes alone. Wall-clock bounds
# are the business of the tests marked `timing`, which run alone, and of bench/.
settings.register_profile("pactwatch", deadline=None)
settings.load_profile("pactwatch")

# The test web server's request log would go to whichever captured stream the
# first test had; it is noise here, so keep it to real errors.
logging.getLogger("werkzeug").setLevel(logging.ERROR)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_17b73280fd41ee70.txt"
SAMPLE_SITE = ROOT / "samples" / "site"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    # pytest-httpserver: bind to loopback only.
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole test session (start-up costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster (tests/postgres.py) for DuckLake catalogs; skips
    with the reason where PostgreSQL is not installed."""
    from . import postgres

    reason = postgres.unavailable_reason()
    if reason:
        pytest.skip(reason)
    with postgres.cluster(free_port()) as box:
        yield box


class SmtpSink:
    """Collects messages received by a real aiosmtpd server."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        # policy.default unfolds long headers (a Subject over 78 characters is folded
        # on the wire) and decodes encoded words, as a mail client shows them.
        raw = envelope.original_content or envelope.content
        self.messages.append(message_from_bytes(raw, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, int, SmtpSink]]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, sink
    finally:
        controller.stop()


def sample_text(name: str, base: str) -> str:
    """A bundled sample file with its {BASE} placeholder filled in."""
    return (SAMPLE_SITE / name).read_text(encoding="utf-8").replace("{BASE}", base)


@pytest.fixture
def room(httpserver: HTTPServer) -> Newsroom:
    """The alert scenarios' newsroom on the test web server."""
    from .newsroom import Newsroom

    return Newsroom(httpserver)


@pytest.fixture
def desk_for(
    tmp_path: Path,
    room: Newsroom,
    smtp_server: tuple[str, int, SmtpSink],
    prefect_harness: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Callable[..., Desk]:
    """`desk_for(outlets, alerts=..., webhook_url=...)`: a `Desk` over `room`, with the
    webhook secret in the environment."""
    from .newsroom import SECRET, Desk

    monkeypatch.setenv("PACTWATCH_SCENARIO_SECRET", SECRET)

    def make(outlets: dict[str, str] | list[str], **kw: Any) -> Desk:
        return Desk(tmp_path, room, smtp_server, capsys, outlets=outlets, **kw)

    return make
