"""Servers that misbehave on purpose, on 127.0.0.1: one that never answers, one that
drips its response a byte at a time. Each runs in a daemon thread until closed."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class _Server:
    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._clients: list[socket.socket] = []
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/feed.xml"

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self._clients.append(client)
            threading.Thread(target=self.handle, args=(client,), daemon=True).start()

    def handle(self, client: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self.sock.close()
        for client in self._clients:
            with contextlib.suppress(OSError):
                client.close()


class Silent(_Server):
    """Accepts the connection, reads the request, never says a word."""

    def handle(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError):
            client.recv(65536)
            self._closed.wait()


class Dripping(_Server):
    """Answers 200 with a feed, one byte every `interval` seconds, headers included."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        super().__init__()

    def handle(self, client: socket.socket) -> None:
        body = b"<?xml version='1.0'?><rss version='2.0'><channel><title>slow</title>" + (
            b" " * 100_000
        )
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
        with contextlib.suppress(OSError):
            client.recv(65536)
            for byte in head + b"\r\n" + body:
                if self._closed.is_set():
                    return
                client.sendall(bytes([byte]))
                time.sleep(self.interval)
