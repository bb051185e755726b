"""HTTP and local reads for the pipeline: polite, bounded, and honest about failure.

Plain Python on httpx (no Prefect here): the flow wraps `Fetcher.fetch` in a task
and retries exactly the `TransientFetchError`s (`pactwatch.errors.is_transient`).
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

import httpx

from pactwatch.clock import now_utc
from pactwatch.errors import (
    FetchError,
    InputError,
    TerminalFetchError,
    TransientFetchError,
)
from pactwatch.parsers.sniff import KIND_BY_SUFFIX, DocumentKind, sniff_kind

from .deadline import deadline_scope, deadline_transport
from .identity import DEFAULT_USER_AGENT

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "HostGate",
    "LocalDocument",
    "TerminalFetchError",
    "TransientFetchError",
    "parse_retry_after",
    "read_path",
    "redact_url",
    "shared_host_gate",
]

_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One completed HTTP exchange (2xx, or 304 when the validators matched)."""

    url: str  # final URL, after redirects
    status: int
    content: bytes  # b"" on 304
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    bytes_read: int
    elapsed: float  # seconds


def redact_url(url: str) -> str:
    """The URL without credentials, query or fragment: safe for logs and errors."""
    if not url.strip():
        return "<empty url>"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    host = parts.netloc.rpartition("@")[2].lower()
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or now_utc())).total_seconds()
    return max(0.0, delta)


class NoSlot(Exception):
    """No slot for the host freed up before the deadline."""


class HostGate:
    """Per-host politeness: at most `concurrency` requests in flight per host and at
    least `delay` seconds between the starts of two requests to the same host."""

    def __init__(self, *, concurrency: int, delay: float) -> None:
        self._concurrency = max(1, concurrency)
        self._delay = max(0.0, delay)
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str, *, deadline: float | None = None) -> Iterator[None]:
        """Hold one of `host`'s slots; `NoSlot` when none frees up by `deadline`
        (a `time.monotonic()` value)."""
        with self._lock:
            semaphore = self._semaphores.setdefault(
                host, threading.BoundedSemaphore(self._concurrency)
            )
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not semaphore.acquire(timeout=timeout):
            raise NoSlot(host)
        try:
            if self._delay:
                with self._lock:
                    now = time.monotonic()
                    start = max(now, self._next_start.get(host, now))
                    self._next_start[host] = start + self._delay
                wait = start - now
                if wait > 0:
                    time.sleep(wait)
            yield
        finally:
            semaphore.release()


_SHARED_GATES: dict[tuple[int, float], HostGate] = {}
_SHARED_GATES_LOCK = threading.Lock()


def shared_host_gate(*, concurrency: int, delay: float) -> HostGate:
    """The process-wide gate for these limits. A run fetches its sources in parallel
    tasks, each with its own Fetcher; sharing the gate keeps the per-host limits
    true for the whole process rather than per source."""
    key = (max(1, concurrency), max(0.0, delay))
    with _SHARED_GATES_LOCK:
        gate = _SHARED_GATES.get(key)
        if gate is None:
            gate = _SHARED_GATES[key] = HostGate(concurrency=key[0], delay=key[1])
        return gate


class Fetcher:
    """An HTTP client for feeds and pages. Use as a context manager; thread safe."""

    def __init__(
        self,
        *,
        timeout_connect: float = 5.0,
        timeout_read: float = 20.0,
        max_bytes: int = 10_000_000,
        max_redirects: int = 5,
        user_agent: str = DEFAULT_USER_AGENT,
        per_host_concurrency: int = 2,
        per_host_delay: float = 0.0,
        timeout_total: float | None = 120.0,
        transport: httpx.BaseTransport | None = None,
        gate: HostGate | None = None,
        deadline: float | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        # Each fetch ends within `timeout_total` seconds, name resolution to last byte
        # (see `pactwatch.flows.deadline`), and every fetch by `deadline` (a
        # `time.monotonic()` value: the source's budget for this run), whichever is first.
        self.timeout_total = timeout_total
        self.deadline = deadline
        # `gate` (e.g. `shared_host_gate`) overrides the per-instance politeness limits.
        self._gate = gate or HostGate(concurrency=per_host_concurrency, delay=per_host_delay)
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_read, connect=timeout_connect),
            follow_redirects=True,
            max_redirects=max_redirects,
            headers={
                "User-Agent": user_agent,
                "Accept-Encoding": "gzip, deflate, br",
                "Accept": (
                    "application/rss+xml, application/atom+xml, application/feed+json, "
                    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
                ),
            },
            transport=transport if transport is not None else deadline_transport(),
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`, conditionally when validators are given. Raises FetchError."""
        safe = redact_url(url)
        host = _host_of(url, safe)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        asked = time.monotonic()
        deadline = self._deadline(asked)  # covers the wait for a slot too
        try:
            with self._gate.slot(host, deadline=deadline), deadline_scope(deadline):
                started = time.monotonic()
                return self._get(url, headers=headers, safe=safe, started=started)
        except FetchError:
            raise
        except NoSlot:
            raise TransientFetchError(
                f"{safe}: not fetched: other requests to {host} held every slot"
                f" ({self._limit_name(asked)})",
                url=safe,
            ) from None
        except httpx.TimeoutException as exc:
            if str(exc).startswith("name resolution"):  # pactwatch.flows.deadline.resolve
                raise TransientFetchError(f"{safe}: {exc}", url=safe) from None
            if deadline is not None and time.monotonic() >= deadline - 0.01:
                raise TransientFetchError(
                    f"{safe}: timed out after {time.monotonic() - asked:.0f}s"
                    f" ({self._limit_name(asked)})",
                    url=safe,
                ) from None
            raise _translate(exc, safe) from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise _translate(exc, safe) from None

    def _deadline(self, started: float) -> float | None:
        ends = [d for d in (self.deadline,) if d is not None]
        if self.timeout_total:
            ends.append(started + self.timeout_total)
        return min(ends) if ends else None

    def _limit_name(self, started: float) -> str:
        total = self.timeout_total
        if self.deadline is not None and (not total or self.deadline < started + total):
            return "source budget spent"
        return f"total fetch deadline {total:g}s"

    def _get(self, url: str, *, headers: dict[str, str], safe: str, started: float) -> FetchResult:
        with self._client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            final = str(response.url)
            if status == 304:
                return self._result(response, final, b"", started, not_modified=True)
            if not 200 <= status < 300:
                # 3xx here is a redirect httpx could not follow (no Location).
                raise _status_error(response, safe)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes and not _encoded(response):
                raise _too_large(safe, self.max_bytes)
            chunks: list[bytes] = []
            total = 0
            # iter_bytes yields decoded bytes, so the cap also stops compression bombs.
            for chunk in response.iter_bytes(_CHUNK):
                total += len(chunk)
                if total > self.max_bytes:
                    raise _too_large(safe, self.max_bytes)
                deadline = self._deadline(started)
                if deadline is not None and time.monotonic() > deadline:
                    raise TransientFetchError(
                        f"{safe}: timed out after {time.monotonic() - started:.0f}s"
                        f" ({self._limit_name(started)})",
                        url=safe,
                    )
                chunks.append(chunk)
            return self._result(response, final, b"".join(chunks), started, not_modified=False)

    @staticmethod
    def _result(
        response: httpx.Response, final: str, content: bytes, started: float, *, not_modified: bool
    ) -> FetchResult:
        return FetchResult(
            url=final,
            status=response.status_code,
            content=content,
            content_type=response.headers.get("Content-Type"),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            not_modified=not_modified,
            bytes_read=len(content),
            elapsed=time.monotonic() - started,
        )


def _host_of(url: str, safe: str) -> str:
    """The lower-case host of an http(s) URL, with its port when one is given (two
    servers on one machine are two hosts for politeness); TerminalFetchError for
    anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise TerminalFetchError(f"{safe}: not a valid URL", url=safe) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise TerminalFetchError(f"{safe}: only http and https URLs can be fetched", url=safe)
    try:
        host = (parts.hostname or "").lower()
        port = parts.port  # raises ValueError on a port out of range
    except ValueError:
        host = ""
    if not host:
        raise TerminalFetchError(f"{safe}: not a valid URL", url=safe)
    return f"{host}:{port}" if port else host


def _translate(exc: httpx.HTTPError | httpx.InvalidURL, safe: str) -> FetchError:
    """httpx's error as ours, transient or terminal by type: the one seam between the two."""
    if isinstance(exc, httpx.TooManyRedirects):
        return TerminalFetchError(f"{safe}: too many redirects", url=safe)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return TerminalFetchError(
            f"{safe}: redirected to a URL that is not http or https", url=safe
        )
    if isinstance(exc, httpx.TimeoutException):
        return TransientFetchError(f"{safe}: timed out ({_kind(exc)})", url=safe)
    if isinstance(exc, httpx.DecodingError):
        return TerminalFetchError(f"{safe}: response body could not be decoded", url=safe)
    if isinstance(exc, httpx.TransportError):
        if _caused_by(exc, ssl.SSLCertVerificationError):
            # A bad certificate does not heal on retry within a run.
            return TerminalFetchError(f"{safe}: TLS certificate verification failed", url=safe)
        return TransientFetchError(f"{safe}: connection failed ({_kind(exc)})", url=safe)
    if isinstance(exc, httpx.InvalidURL):
        return TerminalFetchError(f"{safe}: not a valid URL", url=safe)
    return TerminalFetchError(f"{safe}: HTTP error ({_kind(exc)})", url=safe)


def _encoded(response: httpx.Response) -> bool:
    return bool(response.headers.get("Content-Encoding", "").strip())


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _kind(exc: Exception) -> str:
    return type(exc).__name__


def _too_large(safe: str, limit: int) -> FetchError:
    return TerminalFetchError(f"{safe}: response larger than {limit} bytes", url=safe)


def _status_error(response: httpx.Response, safe: str) -> FetchError:
    status = response.status_code
    reason = response.reason_phrase or ""
    label = f"HTTP {status}{' ' + reason if reason else ''}"
    if status == 429 or status == 503:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return TransientFetchError(
            f"{safe}: {label}", retry_after=retry_after, status=status, url=safe
        )
    if status == 408 or status >= 500:
        return TransientFetchError(f"{safe}: {label}", status=status, url=safe)
    return TerminalFetchError(f"{safe}: {label}", status=status, url=safe)


# -- local sources --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalDocument:
    """One file read from disk, with the kind its name says it holds."""

    path: Path
    kind: DocumentKind
    data: bytes
    modified_at: datetime | None = None  # the file's modification time (UTC)


def read_path(path: Path) -> list[LocalDocument]:
    """Read a file, or every feed/html/text file under a folder (recursively, sorted,
    hidden files and folders skipped).

    A single file of unknown extension is sniffed. Raises InputError when the path
    does not exist or cannot be read."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    try:
        if path.is_dir():
            files: Iterable[Path] = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in KIND_BY_SUFFIX
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            return [
                LocalDocument(p, KIND_BY_SUFFIX[p.suffix.lower()], p.read_bytes(), _mtime(p))
                for p in files
            ]
        data = path.read_bytes()
        modified = _mtime(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or type(exc).__name__})") from None
    kind = sniff_kind(data, name=path.name)
    return [LocalDocument(path, kind, data, modified)]


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
