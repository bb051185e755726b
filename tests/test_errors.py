"""The error family: terminal vs transient is a type, and one rule retries by it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from prefect.states import Completed, Failed
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import pactwatch
from pactwatch.alerts.outbox import deliver_pending
from pactwatch.errors import (
    ConfigError,
    DeliveryError,
    FetchError,
    InputError,
    PactwatchError,
    TerminalDeliveryError,
    TerminalError,
    TerminalFetchError,
    TransientDeliveryError,
    TransientError,
    TransientFetchError,
    UsageError,
    is_transient,
)
from pactwatch.flows.cli import main
from pactwatch.flows.pipeline import _transient, fetch_task
from tests.wh_helpers import Desk, article, count, day

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Kenya signs</title><link>{base}/story/1.html</link>
<description>Kenya signed the Artemis Accords on Tuesday.</description></item>
</channel></rss>"""


@pytest.mark.parametrize(
    ("error", "family", "transient"),
    [
        (TransientFetchError("x", status=503), FetchError, True),
        (TerminalFetchError("x", status=404), FetchError, False),
        (TransientDeliveryError("x"), DeliveryError, True),
        (TerminalDeliveryError("x"), DeliveryError, False),
        (ConfigError("x"), TerminalError, False),
        (UsageError("x"), TerminalError, False),
        (InputError("x"), TerminalError, False),
    ],
)
def test_each_error_is_exactly_one_of_transient_or_terminal(
    error: PactwatchError, family: type[PactwatchError], transient: bool
) -> None:
    assert isinstance(error, family) and isinstance(error, PactwatchError)
    assert isinstance(error, TransientError) is transient
    assert isinstance(error, TerminalError) is not transient
    assert is_transient(error) is transient
    assert not hasattr(error, "transient")  # the mark is the type, not a flag


def test_the_family_is_importable_from_the_package_and_its_old_homes() -> None:
    from pactwatch.alerts.channels import DeliveryError as ChannelsDeliveryError
    from pactwatch.flows.fetch import FetchError as FetchModuleError

    assert ChannelsDeliveryError is DeliveryError and FetchModuleError is FetchError
    for name in ("TransientError", "TerminalError", "FetchError", "DeliveryError"):
        assert name in pactwatch.__all__
    assert not is_transient(ValueError("not ours"))


def test_the_task_retry_condition_follows_the_type() -> None:
    task: Any = fetch_task
    run: Any = None
    assert _transient(task, run, Failed(data=TransientFetchError("a: HTTP 503", status=503)))
    assert not _transient(task, run, Failed(data=TerminalFetchError("a: HTTP 404", status=404)))
    assert not _transient(task, run, Failed(data=ValueError("a bug")))
    assert not _transient(task, run, Completed())


def _run_feed(tmp_path: Path, httpserver: HTTPServer, status: int) -> Counter[str]:
    """A run whose one feed answers `status` once, then the feed; returns request counts."""
    base = httpserver.url_for("").rstrip("/")
    hits: Counter[str] = Counter()

    def handler(request: Request) -> Response:
        hits[request.path] += 1
        if hits[request.path] == 1:
            return Response("no", status=status)
        return Response(RSS.format(base=base), content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        '[warehouse]\npath = "w.duckdb"\n'
        "[fetch]\nretries = 2\nretry_delay = 0\nfollow_links = false\n"
        f'[[sources]]\nname = "wire"\nfeed = "{base}/feed.xml"\n'
        '[[channels]]\ntype = "console"\n',
        encoding="utf-8",
    )
    hits["exit"] = main(["run", "--config", str(cfg)])
    return hits


@pytest.mark.integration  # a whole `pactwatch run` on the Prefect test server
def test_a_transient_fetch_error_is_retried(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    hits = _run_feed(tmp_path, httpserver, 503)
    assert hits["/feed.xml"] == 2 and hits["exit"] == 0


@pytest.mark.integration  # a whole `pactwatch run` on the Prefect test server
def test_a_terminal_fetch_error_is_not_retried(
    tmp_path: Path, httpserver: HTTPServer, prefect_harness: None
) -> None:
    hits = _run_feed(tmp_path, httpserver, 404)
    assert hits["/feed.xml"] == 1 and hits["exit"] == 1


class _Failing:
    def __init__(self, name: str, error: DeliveryError) -> None:
        self.name = name
        self.error = error
        self.calls = 0

    def send(self, payload: dict[str, Any]) -> None:
        self.calls += 1
        raise self.error


def test_a_transient_delivery_error_is_rescheduled_and_a_terminal_one_fails(
    tmp_path: Path,
) -> None:
    desk = Desk(tmp_path / "w.duckdb", channels=("flaky", "refused"))
    desk.feed("w", [(article("b", day(2024, 5, 3)), [count("ilrs", 17)])], baseline=True)
    desk.feed("w", [(article("n", day(2025, 4, 20)), [count("ilrs", 13)])])
    flaky = _Failing("flaky", TransientDeliveryError("flaky: HTTP 503"))
    refused = _Failing("refused", TerminalDeliveryError("refused: HTTP 404"))
    now = day(2026, 3, 1)
    report = deliver_pending(desk.path, [flaky, refused], now=now, max_attempts=5)
    assert (report.failed, report.still_pending) == (1, 1)
    assert sorted(desk.sql("SELECT channel, status, attempts, last_error FROM deliveries")) == [
        ("flaky", "pending", 1, "flaky: HTTP 503"),
        ("refused", "failed", 1, "refused: HTTP 404"),
    ]
    deliver_pending(desk.path, [flaky, refused], now=now, due_only=False, max_attempts=5)
    assert (flaky.calls, refused.calls) == (2, 1)  # only the transient one is tried again
