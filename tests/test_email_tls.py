"""Email over TLS against a real local SMTP server: STARTTLS with login, implicit TLS,
a wrong password, an untrusted certificate. The certificate is made for the test."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pactwatch.alerts.channels.base import DeliveryError, TerminalDeliveryError
from pactwatch.alerts.channels.email import EmailChannel

from .conftest import SmtpSink, free_port

PAYLOAD: dict[str, Any] = {
    "id": "a1",
    "kind": "member_count_changed",
    "coalition": "ilrs",
    "actor": None,
    "actors": None,
    "previous": {"value": 17, "low": 17, "high": 17, "published_at": None},
    "current": {"value": 13, "low": 13, "high": 13, "published_at": None},
    "evidence": [],
    "created_at": "2026-11-25T00:00:00Z",
}
USER, PASSWORD = "desk", "correct horse battery staple"


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


def _server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert[0]), str(cert[1]))
    return ctx


@pytest.fixture
def starttls_server(cert: tuple[Path, Path]) -> Iterator[tuple[int, SmtpSink]]:
    sink, port = SmtpSink(), free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(cert),
        require_starttls=True,
        authenticator=_authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield port, sink
    finally:
        controller.stop()


def channel(port: int, *, password: str = PASSWORD, **kw: Any) -> EmailChannel:
    return EmailChannel(
        "mail",
        "127.0.0.1",
        port,
        "pactwatch@localhost",
        ["desk@localhost"],
        username=USER,
        password=password,
        **kw,
    )


def test_starttls_with_login_delivers(
    starttls_server: tuple[int, SmtpSink], cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    port, sink = starttls_server
    channel(port, starttls=True).send(PAYLOAD)
    assert [m["Subject"] for m in sink.messages] == ["[pactwatch] ILRS members: 17 -> 13"]


def test_wrong_password_is_terminal_and_never_shown(
    starttls_server: tuple[int, SmtpSink], cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    port, sink = starttls_server
    with pytest.raises(DeliveryError) as err:
        channel(port, password="wrong-password-123", starttls=True).send(PAYLOAD)
    assert isinstance(err.value, TerminalDeliveryError)
    assert "wrong-password-123" not in str(err.value) and PASSWORD not in str(err.value)
    assert sink.messages == []


def test_untrusted_certificate_is_terminal(
    starttls_server: tuple[int, SmtpSink], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Trust nothing: an empty bundle.
    (tmp_path / "empty.pem").write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "empty.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    port, sink = starttls_server
    with pytest.raises(DeliveryError) as err:
        channel(port, starttls=True).send(PAYLOAD)
    assert isinstance(err.value, TerminalDeliveryError)
    assert "certificate" in str(err.value)
    assert sink.messages == []


def test_implicit_tls_delivers(cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    sink, port = SmtpSink(), free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        ssl_context=_server_context(cert),
        authenticator=_authenticator,
        # aiosmtpd does not count implicit TLS as TLS for AUTH; the socket is encrypted.
        auth_require_tls=False,
    )
    controller.start()
    try:
        channel(port, ssl=True).send(PAYLOAD)
    finally:
        controller.stop()
    assert len(sink.messages) == 1
