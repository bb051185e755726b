"""Channels against real local servers: pytest-httpserver (webhook, apprise) and aiosmtpd (email)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from email.message import Message
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from pactwatch.alerts.channels import (
    AppriseChannel,
    Channel,
    ConsoleChannel,
    DeliveryError,
    EmailChannel,
    TerminalDeliveryError,
    TransientDeliveryError,
    WebhookChannel,
)
from tests.conftest import SmtpSink, free_port

PAYLOAD: dict[str, Any] = {
    "id": "a1b2c3",
    "kind": "member_count_changed",
    "coalition": "ilrs",
    "actor": None,
    "actors": None,
    "previous": {"value": 17, "low": 17, "high": 17, "published_at": "2024-05-03T00:00:00Z"},
    "current": {"value": 13, "low": 13, "high": 13, "published_at": "2025-04-20T00:00:00Z"},
    "evidence": [
        {
            "url": "https://news.example/ilrs",
            "title": "ILRS shrinks",
            "published_at": "2025-04-20T00:00:00Z",
            "sentence": "The station now has 13 members, officials said.",
            "attributed_to": None,
        }
    ],
    "created_at": "2026-01-01T00:00:00Z",
}
SECRET = "s3cret-signing-key"


def test_channels_follow_the_protocol() -> None:
    channels: list[Channel] = [
        ConsoleChannel(),
        WebhookChannel("hook", "http://127.0.0.1:1/x"),
        EmailChannel("mail", "127.0.0.1", 25, "a@b", ["c@d"]),
        AppriseChannel("ping", ["json://127.0.0.1:1/"]),
    ]
    assert all(isinstance(c, Channel) for c in channels)


def test_console_prints_a_readable_block() -> None:
    out = io.StringIO()
    ConsoleChannel(stream=out).send(PAYLOAD)
    text = out.getvalue()
    assert "ILRS members: 17 -> 13" in text
    assert "https://news.example/ilrs" in text and "13 members" in text


def test_webhook_posts_signed_json(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook/t0ken", method="POST").respond_with_data("ok", status=202)
    WebhookChannel("hook", httpserver.url_for("/hook/t0ken"), secret=SECRET).send(PAYLOAD)
    [(request, _)] = httpserver.log
    body = request.get_data()
    assert json.loads(body) == PAYLOAD
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == "a1b2c3"
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert request.headers["X-Pactwatch-Signature"] == f"sha256={expected}"


def test_webhook_without_secret_is_unsigned(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    WebhookChannel("hook", httpserver.url_for("/hook")).send(PAYLOAD)
    [(request, _)] = httpserver.log
    assert "X-Pactwatch-Signature" not in request.headers


@pytest.mark.parametrize(
    ("status", "transient"), [(500, True), (503, True), (429, True), (404, False), (400, False)]
)
def test_webhook_failures_are_classified(
    httpserver: HTTPServer, status: int, transient: bool
) -> None:
    httpserver.expect_request("/hook/t0ken").respond_with_data("no", status=status)
    channel = WebhookChannel("hook", httpserver.url_for("/hook/t0ken"), secret=SECRET)
    with pytest.raises(DeliveryError) as err:
        channel.send(PAYLOAD)
    assert isinstance(err.value, TransientDeliveryError if transient else TerminalDeliveryError)
    assert f"HTTP {status}" in str(err.value)
    for text in (str(err.value), repr(channel)):
        assert SECRET not in text and "t0ken" not in text


def test_webhook_receiver_down_is_transient() -> None:
    channel = WebhookChannel(
        "hook", f"http://127.0.0.1:{free_port()}/hook", secret=SECRET, timeout=2
    )
    with pytest.raises(DeliveryError) as err:
        channel.send(PAYLOAD)
    assert isinstance(err.value, TransientDeliveryError) and SECRET not in str(err.value)


def _parts(message: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()  # type: ignore[union-attr]
        for part in message.walk()
        if not part.is_multipart()
    }


def test_email_sends_text_and_html(smtp_server: tuple[str, int, SmtpSink]) -> None:
    host, port, sink = smtp_server
    EmailChannel("mail", host, port, "pactwatch@localhost", ["desk@localhost", "b@localhost"]).send(
        PAYLOAD
    )
    [message] = sink.messages
    assert message["Subject"] == "[pactwatch] ILRS members: 17 -> 13"
    assert message["From"] == "pactwatch@localhost"
    assert sink.envelopes[0].rcpt_tos == ["desk@localhost", "b@localhost"]
    parts = _parts(message)
    assert "13 members" in parts["text/plain"]
    assert '<a href="https://news.example/ilrs">' in parts["text/html"]


def test_email_headers_are_sanitised(smtp_server: tuple[str, int, SmtpSink]) -> None:
    host, port, sink = smtp_server
    evil = {
        **PAYLOAD,
        "kind": "member_joined",
        "coalition": "ilrs",
        "actor": "XX\r\nBcc: victim@evil",
    }
    EmailChannel("mail", host, port, "pactwatch@localhost", ["desk@localhost"]).send(evil)
    [message] = sink.messages
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "victim@evil" in message["Subject"]
    assert sink.envelopes[0].rcpt_tos == ["desk@localhost"]


def test_email_server_down_is_transient_and_hides_the_password() -> None:
    channel = EmailChannel(
        "mail",
        "127.0.0.1",
        free_port(),
        "a@localhost",
        ["b@localhost"],
        username="u",
        password="hunter2-password",
        timeout=2,
    )
    with pytest.raises(DeliveryError) as err:
        channel.send(PAYLOAD)
    assert isinstance(err.value, TransientDeliveryError)
    assert "hunter2" not in str(err.value) and "hunter2" not in repr(channel)


def test_apprise_json_to_a_local_endpoint(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/notify", method="POST").respond_with_data("ok")
    host, port = httpserver.host, httpserver.port
    AppriseChannel("ping", [f"json://{host}:{port}/notify"]).send(PAYLOAD)
    [(request, _)] = httpserver.log
    body = json.loads(request.get_data())
    assert "ILRS members: 17 -> 13" in body["title"]
    assert "https://news.example/ilrs" in body["message"]


def test_apprise_failure_is_a_delivery_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/notify").respond_with_data("down", status=503)
    channel = AppriseChannel(
        "ping", [f"json://{httpserver.host}:{httpserver.port}/notify?token=abc"]
    )
    with pytest.raises(DeliveryError) as err:
        channel.send(PAYLOAD)
    assert isinstance(err.value, TransientDeliveryError)
    assert "token" not in str(err.value) and "abc" not in repr(channel)
    with pytest.raises(DeliveryError) as bad:
        AppriseChannel("ping", ["notaservice://nothing"]).send(PAYLOAD)
    assert isinstance(bad.value, TerminalDeliveryError)


@pytest.mark.parametrize(
    ("change", "headline"),
    [
        (
            {
                "kind": "member_joined",
                "actor": "SN",
                "current": {"status": "member", "ordinal": 14},
            },
            "ILRS: Senegal (SN) joined as the 14th member",
        ),
        ({"kind": "member_left", "actor": "esa", "current": {"status": "left"}}, "ILRS: ESA left"),
        (
            {
                "kind": "partnership_formed",
                "coalition": None,
                "actors": ["CN", "RU"],
                "current": {"status": "active", "topic": "lunar nuclear power"},
            },
            "Partnership formed: China (CN) + Russia (RU) (lunar nuclear power)",
        ),
        (
            {
                "kind": "partnership_ended",
                "coalition": None,
                "actors": ["CN", "esa"],
                "current": {"status": "ended"},
            },
            "Partnership ended: China (CN) + ESA",
        ),
        (
            {
                "previous": {"value": None, "low": 50, "high": None},
                "current": {"value": 56, "low": 56, "high": 56},
                "coalition": "artemis-accords",
            },
            "Artemis Accords members: at least 50 -> 56",
        ),
    ],
)
def test_headlines(
    change: dict[str, Any], headline: str, smtp_server: tuple[str, int, SmtpSink]
) -> None:
    host, port, sink = smtp_server
    payload = {**PAYLOAD, **change}
    EmailChannel("mail", host, port, "pactwatch@localhost", ["desk@localhost"]).send(payload)
    assert sink.messages[0]["Subject"] == f"[pactwatch] {headline}"
    out = io.StringIO()
    ConsoleChannel(stream=out).send(payload)
    assert out.getvalue().startswith(headline)
