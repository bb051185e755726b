"""Human verdicts on every claim the extractor draws from real pages and feeds.

The trafilatura-eval pages and the real feed captures in feed-rs-fixture have no
claim gold; nearly all of them are about something else (shops, recipes, tech
blogs), so almost every claim found there is a false alarm. Each claim that
comes out is judged by a person in tests/data/offtopic_verdicts.json, named by
file, kind, ids, modality and the sha256 of its sentence (never its words):

    {"file": "trafilatura-eval/cache/x.html", "kind": "partnership", "actors": ["eu", "US"],
     "modality": "asserted", "sentence_sha256": "...", "verdict": false,
     "reason": "a trade fair, not an agreement between the two"}

tests/test_offtopic_verdicts.py fails on a claim without a verdict and on a
verdict whose claim no longer comes out (stale), and reports the false ones.

    python -m tests.verdicts            # list unjudged and stale claims, with their sentences
    python -m tests.verdicts --update   # also write unjudged claims with "verdict": null,
                                        # and drop stale ones; then judge each null by hand

The sentences are printed to the terminal for judging only; write the reason in
your own words and never paste a sentence into the file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactwatch.flows.ingest import Document, Harvest, follow_feed
from pactwatch.parsers.feeds import parse_feed
from tests.claim_scores import CORPORA, extract_json, file_document, sentence_sha256

VERDICTS = Path(__file__).resolve().parent / "data" / "offtopic_verdicts.json"
PAGES = CORPORA / "trafilatura-eval" / "cache"
FEEDS = CORPORA / "feed-rs-fixture"
# The corpora README names the real captures among feed-rs's fixtures: BBC, NBC New
# York, Spiegel, Il Giornale, Reddit, YouTube and bioRxiv. All three Reddit files
# are Reddit's own output; the other fixtures are spec examples or synthetic.
REAL_FEEDS = (
    "rss2/rss_2.0_bbc.xml",
    "rss2/rss_2.0_nbcny.xml",
    "rss2/rss_2.0_spiegel.xml",
    "rss2/rss_2.0_ilgiornale.xml",
    "rss2/rss_2.0_reddit.xml",
    "atom/atom_example_reddit.xml",
    "atom/atom_mediarss_reddit_1.xml",
    "atom/atom_mediarss_youtube_1.xml",
    "rss1/rss_1.0_biorxiv.xml",
)
SUBJECT_KEYS = ("coalition", "actor", "actors")
KEY_FIELDS = ("file", "kind", *SUBJECT_KEYS, "modality", "sentence_sha256")


@dataclass(frozen=True)
class Found:
    """One extracted claim, keyed as its verdict is; `sentence` is for the terminal only."""

    key: tuple[Any, ...]
    entry: dict[str, Any]
    sentence: str


def claim_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    """The identity of a claim or verdict (partners compared as a set)."""
    return tuple(
        tuple(sorted(entry[k])) if k == "actors" and entry.get(k) is not None else entry.get(k)
        for k in KEY_FIELDS
    )


def feed_documents(path: Path) -> list[Document]:
    """The documents `pactwatch extract PATH --kind feed` reads (items kept, links not followed)."""
    url = path.resolve().as_uri()
    parsed = parse_feed(path.read_bytes(), content_type=None, url=url)
    harvest = Harvest(source=url)
    follow_feed(
        parsed,
        feed_url=url,
        harvest=harvest,
        fetcher=None,
        follow=False,
        max_links=len(parsed.items),
        keep_unfetched=True,
    )
    return harvest.documents


def sources() -> Iterator[tuple[str, list[Document]]]:
    """(name relative to the corpora, documents) for every page and real feed."""
    for page in sorted(PAGES.glob("*.html")):
        yield page.relative_to(CORPORA).as_posix(), [file_document(page)]
    for name in REAL_FEEDS:
        path = FEEDS / name
        yield path.relative_to(CORPORA).as_posix(), feed_documents(path)


def found_claims(
    named_docs: Iterable[tuple[str, list[Document]]] | None = None,
) -> dict[tuple[Any, ...], Found]:
    """Every claim the extractor draws from the pages and feeds (or NAMED_DOCS), by verdict key."""
    out: dict[tuple[Any, ...], Found] = {}
    for name, docs in sources() if named_docs is None else named_docs:
        for obj in extract_json(docs):
            for claim in obj["claims"]:
                sentence = str(claim.get("sentence") or "")
                entry: dict[str, Any] = {"file": name, "kind": claim["kind"]}
                entry.update({k: claim[k] for k in SUBJECT_KEYS if claim.get(k) is not None})
                entry["modality"] = claim.get("modality")
                entry["sentence_sha256"] = sentence_sha256(sentence)
                out.setdefault(claim_key(entry), Found(claim_key(entry), entry, sentence))
    return out


def load_verdicts(path: Path = VERDICTS) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of verdicts")
    return data


def save_verdicts(entries: list[dict[str, Any]], path: Path = VERDICTS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(entries, key=lambda e: json.dumps(claim_key(e), default=str))
    path.write_text(json.dumps(ordered, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Comparison:
    unjudged: list[Found]  # claims with no verdict, or with a null one
    stale: list[dict[str, Any]]  # verdicts whose claim no longer comes out
    true: list[dict[str, Any]]
    false: list[dict[str, Any]]


def compare(found: dict[tuple[Any, ...], Found], verdicts: list[dict[str, Any]]) -> Comparison:
    by_key = {claim_key(v): v for v in verdicts}
    judged = {k: v for k, v in by_key.items() if isinstance(v.get("verdict"), bool)}
    current = [v for k, v in judged.items() if k in found]
    return Comparison(
        unjudged=[f for k, f in found.items() if k not in judged],
        stale=[v for k, v in by_key.items() if k not in found],
        true=[v for v in current if v["verdict"] is True],
        false=[v for v in current if v["verdict"] is False],
    )


def describe(entry: dict[str, Any]) -> str:
    """A claim named without its words."""
    ids = "+".join(entry.get("actors") or []) or "/".join(
        str(entry[k]) for k in ("coalition", "actor") if entry.get(k)
    )
    return (
        f"{entry['file']}: {entry['kind']} {ids} {entry.get('modality')} "
        f"sentence sha256 {str(entry['sentence_sha256'])[:12]}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not PAGES.is_dir() or not FEEDS.is_dir():
        print(f"corpora not found under {CORPORA}", file=sys.stderr)
        return 2
    found = found_claims()
    verdicts = load_verdicts()
    result = compare(found, verdicts)
    for f in result.unjudged:
        print(f"UNJUDGED {describe(f.entry)}\n    {f.sentence}")
    for v in result.stale:
        print(f"STALE    {describe(v)} (verdict {v.get('verdict')})")
    print(
        f"{len(found)} claims: {len(result.true)} true, {len(result.false)} false, "
        f"{len(result.unjudged)} unjudged; {len(result.stale)} stale verdicts"
    )
    if "--update" in args:
        keep = [v for v in verdicts if claim_key(v) in found]
        known = {claim_key(v) for v in keep}
        keep += [
            {**f.entry, "verdict": None, "reason": ""}
            for f in result.unjudged
            if f.key not in known
        ]
        save_verdicts(keep)
        print(f"wrote {len(keep)} entries to {VERDICTS}; judge every null verdict by hand")
    return 1 if result.unjudged or result.stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
