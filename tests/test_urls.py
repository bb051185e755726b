from hypothesis import given
from hypothesis import strategies as st

from pactwatch.parsers.urls import canonicalize


def test_lowercases_scheme_and_host_but_not_path() -> None:
    assert (
        canonicalize("HTTPS://News.Example.ORG/World/Story")
        == "https://news.example.org/World/Story"
    )


def test_drops_fragment_default_port_and_tracking() -> None:
    url = "http://example.com:80/a?utm_source=rss&id=7&fbclid=x&utm_medium=feed&gclid=1#top"
    assert canonicalize(url) == "http://example.com/a?id=7"
    assert canonicalize("https://example.com:443/") == "https://example.com/"
    assert canonicalize("https://example.com:8443/") == "https://example.com:8443/"


def test_keeps_other_parameters_in_their_order() -> None:
    url = "https://example.com/s?b=2&a=1&ref=home&mc_cid=9&mc_eid=8&cmpid=rss&q=x"
    assert canonicalize(url) == "https://example.com/s?b=2&a=1&q=x"


def test_empty_path_becomes_slash_and_empty_query_goes() -> None:
    assert canonicalize("https://example.com") == "https://example.com/"
    assert canonicalize("https://example.com/?utm_campaign=x") == "https://example.com/"


def test_userinfo_and_ipv6_survive() -> None:
    assert canonicalize("https://u@Example.com:443/x") == "https://u@example.com/x"
    assert canonicalize("http://[::1]:80/x?ref=a") == "http://[::1]/x"


@given(st.text())
def test_never_raises_and_is_idempotent(text: str) -> None:
    once = canonicalize(text)
    assert canonicalize(once) == once
