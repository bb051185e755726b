import gzip
import ssl
import threading
import time
from pathlib import Path

import brotli
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pactwatch.errors import InputError, TerminalError, TransientError
from pactwatch.flows.fetch import (
    Fetcher,
    FetchError,
    FetchResult,
    HostGate,
    parse_retry_after,
    read_path,
    redact_url,
)
from tests.conftest import free_port

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def test_200_returns_body_and_validators(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED,
        content_type="application/rss+xml; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"},
    )
    with Fetcher() as fetcher:
        result = fetcher.fetch(httpserver.url_for("/feed.xml"))
    assert isinstance(result, FetchResult)
    assert result.status == 200 and result.content == FEED and not result.not_modified
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.etag == '"v1"' and result.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
    assert result.bytes_read == len(FEED) and result.elapsed >= 0
    assert result.url == httpserver.url_for("/feed.xml")


def test_sends_user_agent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua", headers={"User-Agent": "pactwatch-test/1"}).respond_with_data(
        "ok"
    )
    with Fetcher(user_agent="pactwatch-test/1") as fetcher:
        assert fetcher.fetch(httpserver.url_for("/ua")).content == b"ok"


def test_conditional_get_gives_304(httpserver: HTTPServer) -> None:
    modified = "Wed, 01 May 2024 10:00:00 GMT"
    httpserver.expect_request(
        "/feed.xml", headers={"If-None-Match": '"v1"', "If-Modified-Since": modified}
    ).respond_with_data("", status=304, headers={"ETag": '"v1"'})
    with Fetcher() as fetcher:
        result = fetcher.fetch(httpserver.url_for("/feed.xml"), etag='"v1"', last_modified=modified)
    assert result.not_modified and result.status == 304
    assert result.content == b"" and result.bytes_read == 0 and result.etag == '"v1"'


def test_404_is_terminal(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/gone"))
    assert isinstance(info.value, TerminalError) and info.value.status == 404
    assert "404" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_and_408_are_transient(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/busy").respond_with_data("busy", status=status)
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/busy"))
    assert isinstance(info.value, TransientError) and info.value.status == status


def test_429_with_retry_after_seconds(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/slow-down").respond_with_data(
        "", status=429, headers={"Retry-After": "120"}
    )
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/slow-down"))
    assert isinstance(info.value, TransientError) and info.value.retry_after == 120.0


def test_503_with_retry_after_http_date(httpserver: HTTPServer) -> None:
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    httpserver.expect_request("/maint").respond_with_data(
        "", status=503, headers={"Retry-After": later}
    )
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/maint"))
    assert isinstance(info.value, TransientError)
    assert info.value.retry_after is not None and 50 <= info.value.retry_after <= 61


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 01 May 2024 10:00:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_oversize_body_is_cut_off(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with Fetcher(max_bytes=1000) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/big"))
    assert isinstance(info.value, TerminalError) and "larger than 1000 bytes" in str(info.value)


def test_oversize_streamed_body_without_length_is_cut_off(httpserver: HTTPServer) -> None:
    def chunks() -> object:
        for _ in range(100):
            yield b"y" * 1000

    httpserver.expect_request("/stream").respond_with_response(Response(chunks()))
    with Fetcher(max_bytes=10_000) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/stream"))
    assert "larger than 10000 bytes" in str(info.value)


def test_gzip_and_brotli_are_decoded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(FEED), headers={"Content-Encoding": "gzip"}
    )
    httpserver.expect_request("/br").respond_with_data(
        brotli.compress(FEED), headers={"Content-Encoding": "br"}
    )
    with Fetcher() as fetcher:
        assert fetcher.fetch(httpserver.url_for("/gz")).content == FEED
        assert fetcher.fetch(httpserver.url_for("/br")).content == FEED


def test_compression_bomb_is_cut_off_after_decoding(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 2_000_000)
    assert len(bomb) < 10_000
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with Fetcher(max_bytes=100_000) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/bomb"))
    assert "larger than 100000 bytes" in str(info.value)


def test_redirects_are_followed_up_to_the_limit(httpserver: HTTPServer) -> None:
    for i in range(4):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            "", status=302, headers={"Location": httpserver.url_for(f"/r{i + 1}")}
        )
    httpserver.expect_request("/r4").respond_with_data("landed")
    with Fetcher(max_redirects=5) as fetcher:
        result = fetcher.fetch(httpserver.url_for("/r0"))
    assert result.content == b"landed" and result.url == httpserver.url_for("/r4")
    with Fetcher(max_redirects=2) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/r0"))
    assert isinstance(info.value, TerminalError) and "too many redirects" in str(info.value)


def test_redirect_to_another_scheme_is_terminal(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ftp").respond_with_data(
        "", status=301, headers={"Location": "ftp://example.org/file"}
    )
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/ftp"))
    assert isinstance(info.value, TerminalError)


@pytest.mark.timing
def test_read_timeout_is_transient(httpserver: HTTPServer) -> None:
    def sleepy(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/sleep").respond_with_handler(sleepy)
    started = time.monotonic()
    with Fetcher(timeout_read=0.2) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/sleep"))
    assert isinstance(info.value, TransientError) and "timed out" in str(info.value)
    assert time.monotonic() - started < 0.9


def test_connection_refused_is_transient() -> None:
    with Fetcher(timeout_connect=1.0) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(f"http://127.0.0.1:{free_port()}/feed")
    assert isinstance(info.value, TransientError) and "connection failed" in str(info.value)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed", "file:///etc/passwd", "javascript:alert(1)", "not a url"]
)
def test_only_http_and_https(url: str) -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert isinstance(info.value, TerminalError)


def test_errors_never_show_query_strings_or_credentials(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/private").respond_with_data("", status=403)
    url = httpserver.url_for("/private?token=s3cret&key=abc").replace(
        "http://", "http://user:hunter2@"
    )
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    message = str(info.value)
    assert "s3cret" not in message and "hunter2" not in message and "/private" in message
    assert redact_url("https://u:p@Example.org:8443/a?b=c#d") == "https://example.org:8443/a"


def test_per_host_delay_spaces_requests(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("a")
    with Fetcher(per_host_delay=0.3) as fetcher:
        started = time.monotonic()
        for _ in range(3):
            fetcher.fetch(httpserver.url_for("/a"))
        assert time.monotonic() - started >= 0.6


def test_host_gate_limits_concurrency() -> None:
    gate = HostGate(concurrency=2, delay=0.0)
    lock = threading.Lock()
    active = peak = 0

    def work() -> None:
        nonlocal active, peak
        with gate.slot("example.org"):
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.05)
            with lock:
                active -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2


def test_read_path_file_and_folder(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "feed.rss").write_bytes(FEED)
    (tmp_path / "a.html").write_bytes(b"<html></html>")
    (tmp_path / "c.TXT").write_bytes(b"text")
    (tmp_path / "d.json").write_bytes(b"{}")
    (tmp_path / "skip.png").write_bytes(b"\x89PNG")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "hidden.xml").write_bytes(FEED)
    docs = read_path(tmp_path)
    assert [(d.path.relative_to(tmp_path).as_posix(), d.kind) for d in docs] == [
        ("a.html", "html"),
        ("b/feed.rss", "feed"),
        ("c.TXT", "text"),
        ("d.json", "feed"),
    ]
    assert docs[1].data == FEED
    (single,) = read_path(tmp_path / "a.html")
    assert single.kind == "html"
    sniffed = tmp_path / "noext"
    sniffed.write_bytes(FEED)
    assert read_path(sniffed)[0].kind == "feed"


def test_read_path_missing_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_path(tmp_path / "missing")


def test_redirect_without_location_is_terminal(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/nowhere").respond_with_data("", status=302)
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(httpserver.url_for("/nowhere"))
    assert isinstance(info.value, TerminalError) and info.value.status == 302


def test_untrusted_certificate_is_terminal() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise ssl.SSLCertVerificationError("certificate verify failed")
        except ssl.SSLError as exc:
            raise httpx.ConnectError("tls", request=request) from exc

    fetcher = Fetcher(transport=httpx.MockTransport(handler))
    with fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("https://self-signed.example.org/feed")
    assert isinstance(info.value, TerminalError) and "certificate" in str(info.value)


@given(st.text())
def test_redact_url_never_raises_and_drops_queries_and_fragments(url: str) -> None:
    safe = redact_url(url)
    assert "?" not in safe and "#" not in safe


def test_redact_url_drops_credentials() -> None:
    assert redact_url("https://alice:s3cret@example.org/a?token=t") == "https://example.org/a"


@pytest.mark.parametrize(
    "url", ["", "http://[::1", "https://", "http://example.com:99999/x?token=abc"]
)
def test_malformed_urls_are_terminal_errors(url: str) -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert isinstance(info.value, TerminalError) and "token" not in str(info.value)


def test_fetched_feed_parses_with_its_headers_and_final_url(httpserver: HTTPServer) -> None:
    from pactwatch.parsers.feeds import parse_feed

    body = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Café</title>"
        "<item><title>Sénégal joins</title><link>/news/senegal.html</link></item>"
        "</channel></rss>"
    ).encode("iso-8859-1")
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/feeds/rss.xml")}
    )
    httpserver.expect_request("/feeds/rss.xml").respond_with_data(
        gzip.compress(body),
        headers={"Content-Encoding": "gzip"},
        content_type="application/rss+xml; charset=iso-8859-1",
    )
    with Fetcher() as fetcher:
        result = fetcher.fetch(httpserver.url_for("/old"))
    feed = parse_feed(result.content, content_type=result.content_type, url=result.url)
    assert not feed.bozo and feed.title == "Café"
    (item,) = feed.items
    assert item.title == "Sénégal joins"
    assert item.link == httpserver.url_for("/news/senegal.html")
