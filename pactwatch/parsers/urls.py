"""URL canonicalisation: one spelling per page, so re-reads and syndication match."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "canonicalize", "is_tracking_param"]

# Parameters that identify a campaign or a click, never the page itself.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "cmpid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt.mc_id",
        "ocid",
        "s_cid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only track campaigns or clicks."""
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(_TRACKING_PREFIXES)


_PORT = re.compile(r":(\d*)$")
# What browsers (and urlsplit) strip from the ends of a URL: whitespace and C0 controls.
_EDGES = re.compile(r"^[\s\x00-\x20]+|[\s\x00-\x20]+$")


def _netloc(scheme: str, netloc: str) -> str:
    userinfo, sep, hostport = netloc.rpartition("@")
    port = ""
    if hostport.startswith("["):  # IPv6 literal
        end = hostport.find("]")
        host, rest = (hostport[: end + 1], hostport[end + 1 :]) if end >= 0 else (hostport, "")
        match = _PORT.match(rest)
        port = match.group(1) if match else ""
    else:
        match = _PORT.search(hostport)
        host = hostport[: match.start()] if match else hostport
        port = match.group(1) if match else ""
    host = host.lower().rstrip(".")
    if port and port.isdigit() and int(port) == _DEFAULT_PORTS.get(scheme, -1):
        port = ""
    out = host + (f":{port}" if port else "")
    return f"{userinfo}{sep}{out}" if sep else out


def canonicalize(url: str) -> str:
    """One spelling of `url`: lower-case scheme and host, no fragment, no default
    port, no tracking parameters. Other parameters keep their order and spelling.
    Never raises: a string that is not a URL comes back stripped."""
    text = _EDGES.sub("", url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    kept = [
        pair
        for pair in parts.query.split("&")
        if _EDGES.sub("", pair) and not is_tracking_param(pair.partition("=")[0])
    ]
    netloc = _netloc(scheme, parts.netloc) if parts.netloc else ""
    path = parts.path or ("/" if netloc and scheme in _DEFAULT_PORTS else "")
    return _EDGES.sub("", urlunsplit((scheme, netloc, path, "&".join(kept), "")))
