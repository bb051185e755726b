"""`pactwatch test-alert` against a real webhook receiver, a real SMTP server and a
webhook where nothing listens: each channel's outcome on its own line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from pactwatch.flows.cli import main

from .conftest import SmtpSink, free_port


def test_test_alert_reports_each_channel(
    tmp_path: Path,
    httpserver: HTTPServer,
    smtp_server: tuple[str, int, SmtpSink],
    capsys: pytest.CaptureFixture[str],
) -> None:
    host, port, sink = smtp_server
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    cfg = tmp_path / "pactwatch.toml"
    cfg.write_text(
        f"""
[[channels]]
type = "webhook"
name = "desk-hook"
url = "{httpserver.url_for("/hook")}"

[[channels]]
type = "email"
host = "{host}"
port = {port}
sender = "pactwatch@localhost"
to = ["desk@localhost"]

[[channels]]
type = "webhook"
name = "dead-hook"
url = "http://127.0.0.1:{free_port()}/hook"
timeout = 2
""",
        encoding="utf-8",
    )
    assert main(["test-alert", "--config", str(cfg)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "pactwatch: info: channel desk-hook: test notification sent"
    assert err[1] == "pactwatch: info: channel email: test notification sent"
    assert err[2].startswith("pactwatch: error: channel dead-hook: webhook http://127.0.0.1:")
    assert err[3] == "pactwatch: info: test-alert: 2 of 3 channel(s) worked"
    (request, _), *_ = httpserver.log
    body = json.loads(request.get_data())
    assert body["kind"] == "test" and body["id"].startswith("test-")
    assert request.headers["Idempotency-Key"] == body["id"]
    assert len(sink.messages) == 1
    assert "Test notification from pactwatch" in str(sink.messages[0]["Subject"])
    assert not (tmp_path / "pactwatch.duckdb").exists()  # nothing stored
