"""One total deadline per fetch: name resolution, connect, TLS, headers and body.

httpx's timeouts bound each socket operation, not the whole exchange, and none
of them bounds `getaddrinfo`: a resolver that never answers holds a worker
thread forever, and a server that drips one byte per read timeout never times
out at all. The transport built here resolves names in a helper thread with a
timeout and caps every connect, TLS handshake, read and write at what is left
of the current fetch's deadline (`deadline_scope`), so a fetch ends by its
deadline whatever the network does.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

__all__ = [
    "DeadlineExceeded",
    "deadline_scope",
    "deadline_transport",
    "resolve",
    "tls_context",
]


class DeadlineExceeded(httpcore.TimeoutException):
    """The fetch's total deadline passed (mapped by httpx to a TimeoutException)."""


_current = threading.local()


@contextlib.contextmanager
def deadline_scope(deadline: float | None) -> Iterator[None]:
    """Within the block, network operations of this thread end by `deadline`
    (a `time.monotonic()` value; None: no total deadline)."""
    previous = getattr(_current, "deadline", None)
    _current.deadline = deadline
    try:
        yield
    finally:
        _current.deadline = previous


def _remaining(timeout: float | None, what: str) -> float | None:
    """`timeout` capped at what is left of this thread's deadline."""
    deadline: float | None = getattr(_current, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded(f"deadline passed during {what}")
    return left if timeout is None else min(timeout, left)


def resolve(host: str, port: int, timeout: float | None) -> list[tuple[Any, ...]]:
    """`socket.getaddrinfo` in a helper thread, abandoned after `timeout` seconds.

    A hung resolver keeps its (daemon) thread, never the caller's. An IP address
    needs no resolver (getaddrinfo only parses it), so it is read in this thread:
    a thread per connection was measurable over a hundred feeds on one local server.
    """
    if _is_ip(host):
        try:
            numeric: list[tuple[Any, ...]] = socket.getaddrinfo(
                host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
            )
        except OSError as exc:
            raise httpcore.ConnectError(f"name resolution of {host} failed: {exc}") from None
        return numeric
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name=f"resolve {host}", daemon=True).start()
    if not done.wait(timeout):
        raise httpcore.ConnectTimeout(f"name resolution of {host} timed out")
    if "error" in box:
        raise httpcore.ConnectError(f"name resolution of {host} failed: {box['error']}")
    infos: list[tuple[Any, ...]] = box["infos"]
    return infos


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class _Stream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout, "read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout, "write"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout, "TLS"))
        return _Stream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.SyncBackend):
    """Resolves with a timeout, then connects to the addresses found, by the deadline."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        infos = resolve(host, port, _remaining(timeout, "name resolution"))
        last: Exception | None = None
        for _, _, _, _, address in infos:
            try:
                stream = super().connect_tcp(
                    str(address[0]),
                    port,
                    timeout=_remaining(timeout, "connect"),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return _Stream(stream)
        raise last or httpcore.ConnectError(f"no address for {host}")


_TLS: dict[tuple[str | None, str | None], ssl.SSLContext] = {}
_TLS_LOCK = threading.Lock()


def tls_context() -> ssl.SSLContext:
    """httpx's default TLS context for the current trust settings (`SSL_CERT_FILE`,
    `SSL_CERT_DIR`, else certifi's bundle), built once per process and setting:
    loading the certificate bundle takes tens of milliseconds of CPU, which a run paid
    for every source. An `SSLContext` is safe to share between threads and connections."""
    key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    with _TLS_LOCK:  # fetch threads start together: build it once, not once each
        context = _TLS.get(key)
        if context is None:
            context = _TLS[key] = httpx.create_ssl_context()
        return context


def deadline_transport() -> httpx.HTTPTransport:
    """httpx's default transport, with the deadline-aware network backend."""
    transport = httpx.HTTPTransport(verify=tls_context())
    pool = transport._pool  # httpx exposes no public way to set the network backend
    if hasattr(pool, "_network_backend"):
        pool._network_backend = _Backend()
    return transport
