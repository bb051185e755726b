"""Digest email (`[[channels]] digest = "run" | "daily"`): every alert of a run, or of a
day, in one message received by a real aiosmtpd server; still exactly once per alert."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta
from email.message import Message
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from pactwatch.alerts.channels.email import EmailChannel
from pactwatch.alerts.outbox import deliver_pending
from pactwatch.clock import now_utc
from pactwatch.errors import ConfigError
from pactwatch.flows.cli import main
from pactwatch.flows.config import load_config
from tests.conftest import SAMPLE_SITE, SmtpSink, free_port
from tests.sample_site import SampleSite
from tests.wh_helpers import Desk, article, count, day, joined, partner


def alert_ids(msg: Message) -> list[str]:
    return str(msg["X-Pactwatch-Alert-Ids"]).split()


def text_of(msg: Message) -> str:
    part = msg.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    return str(part.get_content())


def html_of(msg: Message) -> str:
    part = msg.get_body(preferencelist=("html",))  # type: ignore[attr-defined]
    return str(part.get_content())


@pytest.mark.integration
def test_a_run_sends_one_digest_with_all_its_alerts(
    tmp_path: Path, smtp_server: tuple[str, int, SmtpSink], prefect_harness: None
) -> None:
    host, port, sink = smtp_server
    site = ThreadingHTTPServer(("127.0.0.1", 0), partial(SampleSite, directory=str(SAMPLE_SITE)))
    threading.Thread(target=site.serve_forever, daemon=True).start()
    shost, sport = site.server_address[:2]
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"

[fetch]
retries = 0

[[sources]]
name = "orbital-ledger"
feed = "http://{shost!s}:{sport}/feed.xml"

[[channels]]
type = "email"
name = "desk"
host = "{host}"
port = {port}
sender = "pactwatch@localhost"
to = ["desk@localhost"]
digest = "run"

[[channels]]
type = "email"
name = "morning"
host = "{host}"
port = {port}
sender = "pactwatch@localhost"
to = ["morning@localhost"]
digest = "daily"
""",
        encoding="utf-8",
    )
    try:
        for day_name in ("day1", "day2"):
            SampleSite.day = day_name
            assert main(["run", "--config", str(cfg)]) == 0
    finally:
        site.shutdown()
        site.server_close()

    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        ids = sorted(r[0] for r in con.execute("select id from alerts").fetchall())
        states = con.execute(
            "select channel, status, count(*) from deliveries group by all order by 1, 2"
        ).fetchall()
    assert len(ids) == 6
    # the run digest went out as one message; the daily one waits for the day to end
    assert states == [("desk", "delivered", 6), ("morning", "pending", 6)]
    [msg] = sink.messages
    assert msg["To"] == "desk@localhost"
    assert sorted(alert_ids(msg)) == ids
    assert msg["Subject"] == (
        "[pactwatch] 6 alerts: 2 count changes, 3 joins, 1 partnership ended"
        " (Artemis Accords, ILRS)"
    )
    assert msg["Message-ID"].startswith("<digest-")
    text = text_of(msg)
    # grouped by coalition, partnerships last, each alert with its evidence
    order = [
        text.index(h)
        for h in ("== Artemis Accords (3) ==", "== ILRS (2) ==", "== Partnerships (1) ==")
    ]
    assert order == sorted(order)
    assert text.count("  kind: ") == 6
    assert "Senegal has joined the International Lunar Research Station" in text
    html = html_of(msg)
    assert html.count('class="alert"') == 6 and "<q>" in html

    # Nothing is sent twice: delivering again finds nothing due on the run digest.
    assert main(["deliver", "--config", str(cfg)]) == 0
    assert len(sink.messages) == 1

    # The next day, the daily digest gathers the same six, once.
    config = load_config(cfg)
    [morning] = [c for c in config.channels if c.name == "morning"]
    channel = EmailChannel(
        name="morning",
        host=host,
        port=port,
        sender="pactwatch@localhost",
        to=["morning@localhost"],
        digest="daily",
    )
    assert getattr(morning, "digest", None) == "daily"
    later = deliver_pending(tmp_path / "w.duckdb", [channel], now=_tomorrow())
    assert (later.delivered, later.still_pending) == (6, 0)
    assert len(sink.messages) == 2 and sorted(alert_ids(sink.messages[1])) == ids
    assert deliver_pending(tmp_path / "w.duckdb", [channel], now=_tomorrow()).delivered == 0
    assert len(sink.messages) == 2


def _tomorrow() -> datetime:
    return now_utc() + timedelta(days=1)


def _desk(tmp_path: Path) -> Desk:
    desk = Desk(tmp_path / "w.duckdb", channels=("mail",))
    desk.feed("w", [(article("b", day(2025, 1, 1)), [count("ilrs", 12)])], baseline=True)
    desk.feed(
        "w",
        [
            (article("n1", day(2025, 6, 1)), [count("ilrs", 13), joined("ilrs", "SN")]),
            (article("n2", day(2025, 6, 2)), [partner("esa", "isro")]),
        ],
    )
    return desk


def test_daily_digest_waits_for_the_day_and_sends_one_per_day(
    tmp_path: Path, smtp_server: tuple[str, int, SmtpSink]
) -> None:
    host, port, sink = smtp_server
    desk = _desk(tmp_path)
    first = sorted(r[0] for r in desk.sql("select id from alerts"))
    assert len(first) == 3
    desk.clock = day(2026, 1, 2)  # the next day brings one more alert
    desk.feed("w", [(article("n3", day(2025, 7, 1)), [count("ilrs", 15)])])
    second = sorted(set(r[0] for r in desk.sql("select id from alerts")) - set(first))
    assert len(second) == 1
    mail = EmailChannel("mail", host, port, "pw@localhost", ["desk@localhost"], digest="daily")

    same_day = day(2026, 1, 2).replace(hour=23)
    report = deliver_pending(desk.path, [mail], now=same_day, due_only=False)
    assert report.delivered == 3 and len(sink.messages) == 1  # only the day that is over
    assert sorted(alert_ids(sink.messages[0])) == first
    report = deliver_pending(desk.path, [mail], now=day(2026, 1, 3))
    assert report.delivered == 1 and len(sink.messages) == 2
    assert alert_ids(sink.messages[1]) == second
    assert sink.messages[1]["Subject"] == "[pactwatch] 1 alert: 1 count change (ILRS)"


def test_digest_down_then_up_is_one_message_exactly_once(
    tmp_path: Path, smtp_server: tuple[str, int, SmtpSink]
) -> None:
    host, port, sink = smtp_server
    desk = _desk(tmp_path)
    ids = sorted(r[0] for r in desk.sql("select id from alerts"))
    now = day(2026, 2, 1)
    down = EmailChannel(
        "mail", "127.0.0.1", free_port(), "pw@localhost", ["d@localhost"], timeout=2, digest="run"
    )
    report = deliver_pending(desk.path, [down], now=now)
    assert (report.delivered, report.still_pending) == (0, 3)
    assert len(report.errors) == 1 and report.errors[0].startswith("digest of 3 alerts via mail:")
    # the rows wait together, so the retry is one message again
    [(n, retries)] = desk.sql(
        "select count(*), count(distinct next_attempt_at) from deliveries where status = 'pending'"
    )
    assert (n, retries) == (3, 1)
    up = EmailChannel("mail", host, port, "pw@localhost", ["d@localhost"], digest="run")
    assert deliver_pending(desk.path, [up], now=now + timedelta(seconds=1)).delivered == 0
    report = deliver_pending(desk.path, [up], now=now + timedelta(hours=2))
    assert report.delivered == 3 and len(sink.messages) == 1
    assert sorted(alert_ids(sink.messages[0])) == ids
    # a second call, and a per-alert channel on the same rows' alerts, send nothing more
    assert deliver_pending(desk.path, [up], now=now + timedelta(hours=3)).delivered == 0
    assert len(sink.messages) == 1
    assert desk.sql("select distinct status, attempts from deliveries") == [("delivered", 2)]


def test_digest_value_is_checked(tmp_path: Path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text(
        '[[channels]]\ntype = "email"\nsender = "a@b"\nto = ["c@d"]\ndigest = "dayly"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError,
        match=r"channels\[0\]\.digest must be one of 'run', 'daily'"
        r" \(got 'dayly'\) \(did you mean 'daily'\?\)",
    ):
        load_config(cfg)
    cfg.write_text('[[channels]]\ntype = "console"\ndigest = "run"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="digest"):
        load_config(cfg)


_CRASHING_DELIVERER = """
import os, sys
from datetime import datetime
from pactwatch.alerts.channels.email import EmailChannel
from pactwatch.alerts.outbox import deliver_pending

class Dies(EmailChannel):
    def send_digest(self, payloads):
        if sys.argv[3] == "after":
            super().send_digest(payloads)  # handed to SMTP, then the process dies
        os._exit(137)

mail = Dies("mail", "127.0.0.1", int(sys.argv[2]), "pw@localhost", ["d@localhost"], digest="run")
deliver_pending(sys.argv[1], [mail], now=datetime.fromisoformat(sys.argv[4]))
"""


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_deliverer_killed_mid_digest_loses_nothing(
    tmp_path: Path, smtp_server: tuple[str, int, SmtpSink], when: str
) -> None:
    host, port, sink = smtp_server
    desk = _desk(tmp_path)
    ids = sorted(r[0] for r in desk.sql("select id from alerts"))
    now = day(2026, 2, 1)
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            _CRASHING_DELIVERER,
            str(desk.path),
            str(port),
            when,
            now.isoformat(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 137, child.stderr
    sent_by_dead = len(sink.messages)
    assert sent_by_dead == (1 if when == "after" else 0)
    # every row is still pending, leased as one batch
    assert desk.sql("select distinct status, attempts from deliveries") == [("pending", 0)]
    up = EmailChannel("mail", host, port, "pw@localhost", ["d@localhost"], digest="run")
    # the batch's lease names the process that took it (host:pid); that process is gone,
    # so the next deliverer takes the batch over at once instead of waiting out the lease
    report = deliver_pending(desk.path, [up], now=now + timedelta(minutes=1))
    assert report.delivered == 3 and report.still_pending == 0
    resent = sink.messages[-1]
    assert sorted(alert_ids(resent)) == ids and len(sink.messages) == sent_by_dead + 1
    if when == "after":  # the SMTP hand-off happened twice: the same Message-ID, to deduplicate
        assert sink.messages[0]["Message-ID"] == resent["Message-ID"]
    assert deliver_pending(desk.path, [up], now=now + timedelta(hours=1)).delivered == 0
