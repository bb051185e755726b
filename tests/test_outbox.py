"""The outbox: pending until delivered, exactly once per channel, never lost, never deleted."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pactwatch.alerts.channels import DeliveryError, WebhookChannel
from pactwatch.alerts.outbox import backoff, deliver_pending, retry_failed
from pactwatch.alerts.payload import list_alerts
from pactwatch.errors import TerminalDeliveryError, is_transient
from pactwatch.warehouse.db import open_reader, open_writer
from tests.conftest import free_port
from tests.wh_helpers import Desk, article, count, day

SECRET = "outbox-secret"


def make_alert(tmp_path: Path, channels: tuple[str, ...] = ("hook",)) -> Desk:
    desk = Desk(tmp_path / "w.duckdb", channels=channels)
    desk.feed("w", [(article("b", day(2024, 5, 3)), [count("ilrs", 17)])], baseline=True)
    desk.feed("w", [(article("n", day(2025, 4, 20)), [count("ilrs", 13)])])
    return desk


def deliveries(desk: Desk) -> list[tuple[str, str, int]]:
    return [
        (r[0], r[1], r[2])
        for r in desk.sql("SELECT channel, status, attempts FROM deliveries ORDER BY 1")
    ]


def test_receiver_down_then_up_delivers_exactly_once(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    desk = make_alert(tmp_path)
    now = day(2026, 3, 1)
    down = WebhookChannel("hook", f"http://127.0.0.1:{free_port()}/hook", secret=SECRET, timeout=2)
    report = deliver_pending(desk.path, [down], now=now)
    assert (report.delivered, report.failed, report.still_pending) == (0, 0, 1)
    assert len(report.errors) == 1 and SECRET not in report.errors[0]
    [(status, attempts, error, next_at)] = desk.sql(
        "SELECT status, attempts, last_error, next_attempt_at FROM deliveries"
    )
    assert (status, attempts) == ("pending", 1) and error and next_at > now

    up = WebhookChannel("hook", httpserver.url_for("/hook"), secret=SECRET)
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    early = deliver_pending(desk.path, [up], now=now + timedelta(seconds=1))
    assert early.delivered == 0 and httpserver.log == []  # not due yet
    later = now + timedelta(hours=1)
    assert deliver_pending(desk.path, [up], now=later).delivered == 1
    assert deliver_pending(desk.path, [up], now=later + timedelta(days=1)).delivered == 0
    assert len(httpserver.log) == 1
    request = httpserver.log[0][0]
    body = request.get_data()
    assert request.headers["X-Pactwatch-Signature"] == (
        "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    )
    [(status, attempts, error, delivered_at)] = desk.sql(
        "SELECT status, attempts, last_error, delivered_at FROM deliveries"
    )
    assert (status, attempts, error, delivered_at) == ("delivered", 2, None, later)
    # more evidence after delivery does not send again
    desk.feed("other", [(article("n2", day(2025, 4, 21)), [count("ilrs", 13)])])
    assert deliver_pending(desk.path, [up], now=later + timedelta(days=2)).delivered == 0
    assert len(httpserver.log) == 1
    assert len(desk.alerts()[0]["evidence"]) == 2


CRASHER = """
import os, sys
from datetime import UTC, datetime
from pactwatch.alerts.options import AlertOptions
from pactwatch.flows.record import record_and_detect
from pactwatch.parsers.model import Article, Claim
from pactwatch.warehouse.db import open_writer

def claim(v):
    s = f"ILRS has {v} members."
    return Claim(kind="member_count", sentence=s, span=(0, len(s)), coalition="ilrs", value=v, low=v, high=v)

with open_writer(sys.argv[1]) as con:
    for slug, when, value, baseline in (("b", 2024, 17, True), ("n", 2025, 13, False)):
        art = Article(url=f"https://news.example/{slug}", title=slug,
                      published_at=datetime(when, 1, 1, tzinfo=UTC), text=f"ILRS has {value} members.")
        record_and_detect(con, "w", [(art, [claim(value)])], extractor_version="x",
                          fetched_at=datetime.now(UTC), baseline=baseline, channels=["hook"],
                          options=AlertOptions(), now=datetime(2026, 1, 1, tzinfo=UTC))
os._exit(9)  # dies before any delivery
"""


def test_crash_between_detection_and_delivery_sends_once_later(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    db = tmp_path / "w.duckdb"
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-c", CRASHER, str(db)],
        cwd=root,
        check=False,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 9, proc.stderr
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    hook = WebhookChannel("hook", httpserver.url_for("/hook"))
    first = deliver_pending(db, [hook], now=day(2026, 1, 2))
    second = deliver_pending(db, [hook], now=day(2026, 1, 3))
    assert (first.delivered, second.delivered) == (1, 0)
    assert len(httpserver.log) == 1


def test_max_attempts_then_failed_and_listed_as_pending(tmp_path: Path) -> None:
    desk = make_alert(tmp_path)
    down = WebhookChannel("hook", f"http://127.0.0.1:{free_port()}/hook", timeout=1)
    now = day(2026, 3, 1)
    for _ in range(3):
        report = deliver_pending(desk.path, [down], now=now, max_attempts=3)
        now += timedelta(days=1)
    assert (report.failed, report.still_pending) == (1, 0)
    assert deliveries(desk) == [("hook", "failed", 3)]
    assert deliver_pending(desk.path, [down], now=now, max_attempts=3).errors == []  # left alone
    with open_reader(desk.path) as con:
        pending = list_alerts(con, pending_only=True)
    [item] = pending
    assert item["deliveries"][0]["status"] == "failed" and item["deliveries"][0]["last_error"]
    assert desk.sql("SELECT count(*) FROM alerts") == [(1,)]


def test_terminal_error_fails_at_once_and_channels_are_independent(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    desk = make_alert(tmp_path, channels=("hook", "bad", "absent"))
    httpserver.expect_request("/ok").respond_with_data("ok")
    httpserver.expect_request("/gone").respond_with_data("gone", status=410)
    report = deliver_pending(
        desk.path,
        [
            WebhookChannel("hook", httpserver.url_for("/ok")),
            WebhookChannel("bad", httpserver.url_for("/gone")),
        ],
        now=day(2026, 3, 1),
    )
    assert (report.delivered, report.failed, report.still_pending) == (1, 1, 1)
    assert deliveries(desk) == [
        ("absent", "pending", 0),
        ("bad", "failed", 1),
        ("hook", "delivered", 1),
    ]


def test_the_warehouse_is_free_while_sending(tmp_path: Path, httpserver: HTTPServer) -> None:
    desk = make_alert(tmp_path)
    probe = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"
    seen: list[int] = []

    def handler(request: Request) -> Response:
        # another process can open the warehouse for writing while we send
        seen.append(
            subprocess.run([sys.executable, "-c", probe, str(desk.path)], check=False).returncode
        )
        return Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(handler)
    report = deliver_pending(
        desk.path, [WebhookChannel("hook", httpserver.url_for("/hook"))], now=day(2026, 3, 1)
    )
    assert report.delivered == 1 and seen == [0]


def test_a_broken_channel_does_not_lose_the_others(tmp_path: Path, httpserver: HTTPServer) -> None:
    desk = make_alert(tmp_path, channels=("boom", "hook"))

    class Boom:
        name = "boom"

        def send(self, payload: dict[str, object]) -> None:
            raise ValueError("bug")

    httpserver.expect_request("/hook").respond_with_data("ok")
    report = deliver_pending(
        desk.path,
        [Boom(), WebhookChannel("hook", httpserver.url_for("/hook"))],
        now=day(2026, 3, 1),
    )
    assert report.delivered == 1 and report.still_pending == 1
    assert deliveries(desk) == [("boom", "pending", 1), ("hook", "delivered", 1)]


def test_backoff_grows_and_is_capped() -> None:
    import random

    rng = random.Random(1)
    delays = [backoff(n, rng=rng) for n in range(1, 30)]
    assert delays[0] <= timedelta(seconds=30) and delays[3] > timedelta(seconds=100)
    assert max(delays) <= timedelta(hours=6)


def test_delivery_error_carries_transience() -> None:
    with pytest.raises(DeliveryError) as err:
        raise TerminalDeliveryError("x")
    assert not is_transient(err.value) and err.value.exit_code == 1


def test_a_concurrent_deliverer_skips_rows_being_sent(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    desk = make_alert(tmp_path)
    httpserver.expect_request("/hook").respond_with_data("ok")
    hook = WebhookChannel("hook", httpserver.url_for("/hook"))
    nested: list[int] = []

    class Racing:
        name = "hook"

        def send(self, payload: dict[str, object]) -> None:
            # another deliverer starts while this one is sending: it must not send again
            nested.append(deliver_pending(desk.path, [hook], now=day(2026, 3, 1)).delivered)
            hook.send(payload)

    report = deliver_pending(desk.path, [Racing()], now=day(2026, 3, 1))
    assert report.delivered == 1 and nested == [0]
    assert len(httpserver.log) == 1
    # a lease left by a process that died mid-send expires
    desk2 = make_alert(tmp_path / "second")
    with open_writer(desk2.path) as con:
        con.execute(
            "UPDATE deliveries SET lease_until = ?", [day(2026, 3, 1) + timedelta(minutes=10)]
        )
    assert deliver_pending(desk2.path, [hook], now=day(2026, 3, 1)).delivered == 0
    assert (
        deliver_pending(desk2.path, [hook], now=day(2026, 3, 1) + timedelta(minutes=11)).delivered
        == 1
    )


def test_retry_failed_puts_rows_back(tmp_path: Path, httpserver: HTTPServer) -> None:
    desk = make_alert(tmp_path)
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    assert (
        deliver_pending(
            desk.path, [WebhookChannel("hook", httpserver.url_for("/gone"))], now=day(2026, 3, 1)
        ).failed
        == 1
    )
    assert retry_failed(desk.path, now=day(2026, 3, 2)) == 1
    httpserver.clear()
    httpserver.expect_request("/ok").respond_with_data("ok")
    report = deliver_pending(
        desk.path, [WebhookChannel("hook", httpserver.url_for("/ok"))], now=day(2026, 3, 2)
    )
    assert report.delivered == 1
    assert deliveries(desk) == [("hook", "delivered", 1)]


def test_a_delivery_without_its_alert_fails_instead_of_crashing(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    desk = make_alert(tmp_path)
    desk.sql("DELETE FROM alerts")
    report = deliver_pending(
        desk.path, [WebhookChannel("hook", httpserver.url_for("/hook"))], now=day(2026, 3, 1)
    )
    assert report.delivered == 0 and httpserver.log == []
    assert desk.sql("SELECT status, last_error FROM deliveries") == [("failed", "alert not found")]
