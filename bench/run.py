"""`make bench`: throughput of each stage, as ratios against a baseline measured in the same run.

Baselines are the bare libraries on the same inputs, so the ratios say what
pactwatch's own work costs on top of them, on whatever machine runs this:

  feeds     parse_feed (decode, normalise, JSON Feed)   vs  feedparser.parse
  pages     extract_page (text, title, date, canonical) vs  trafilatura.extract
  claims    extract_claims over every sentence          vs  sentence splitting alone
  extract   extract_claims on general news (110 real pages' main text): sentences/s,
            candidate sentences/s, time per article vs trafilatura.extract on the same
            pages (target <= 1.0x), peak resident memory before and after loading the model
  pipeline  pages -> claims -> DuckDB + detection       vs  trafilatura.extract
  flow      `pactwatch run` (Prefect flow, subprocess)  vs  the same pipeline without Prefect

Corpora are read in place from ../shared/corpora; the seed from ../shared/seeds.
Timing asserts belong nowhere near `make test`; this prints, it does not judge.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SEED = SHARED / "seeds" / "000_17b73280fd41ee70.txt"


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def report(name: str, ours: float, base: float, units: int, unit: str, base_name: str) -> None:
    print(
        f"{name:<9} {units / ours:>10.1f} {unit}/s  "
        f"(baseline {base_name}: {units / base:>9.1f} {unit}/s)  ratio {ours / base:5.2f}x",
        flush=True,
    )


def bench_feeds(repeat: int) -> None:
    import feedparser

    from pactwatch.parsers.feeds import parse_feed

    files = sorted(
        p
        for p in (CORPORA / "feed-rs-fixture").rglob("*")
        if p.is_file() and p.suffix in (".xml", ".json") and not p.name.endswith(".serde.json")
    )
    files += sorted((CORPORA / "feedparser-tests" / "wellformed").rglob("*.xml"))
    blobs = [p.read_bytes() for p in files]
    base = best_of(lambda: [feedparser.parse(b) for b in blobs], repeat)
    ours = best_of(lambda: [parse_feed(b) for b in blobs], repeat)
    report("feeds", ours, base, len(blobs), "feeds", "feedparser.parse")


def _pages() -> list[tuple[str, bytes]]:
    cache = CORPORA / "trafilatura-eval" / "cache"
    return [(p.name, p.read_bytes()) for p in sorted(cache.glob("*.html"))]


def bench_pages(repeat: int) -> None:
    import trafilatura

    from pactwatch.parsers.pages import extract_page

    pages = _pages()
    base = best_of(lambda: [trafilatura.extract(b) for _, b in pages], repeat)
    ours = best_of(
        lambda: [extract_page(b, url=f"https://bench.example/{n}") for n, b in pages], repeat
    )
    report("pages", ours, base, len(pages), "pages", "trafilatura.extract")


def _claim_texts() -> list[str]:
    import json

    texts = []
    gold = ROOT / "tests" / "eval" / "gold.jsonl"
    if gold.is_file():
        texts += [json.loads(line)["text"] for line in gold.read_text("utf-8").splitlines() if line]
    if SEED.is_file():
        from pactwatch.parsers.text import article_from_text

        texts.append(article_from_text(SEED.read_text("utf-8")).text)
    return texts


def bench_claims(repeat: int) -> None:
    from pactwatch.parsers.claims import extract_claims
    from pactwatch.parsers.gazetteer import Gazetteer
    from pactwatch.parsers.sentences import split_sentences

    gaz = Gazetteer.default()
    texts = _claim_texts() * 5
    n_sentences = sum(len(split_sentences(t)) for t in texts)
    base = best_of(lambda: [split_sentences(t) for t in texts], repeat)
    ours = best_of(lambda: [extract_claims(t, gazetteer=gaz) for t in texts], repeat)
    report("claims", ours, base, n_sentences, "sentences", "sentence splitting")


def _news_articles() -> list[tuple[str, str | None]]:
    """Main text and title of each corpus page, through pactwatch's own page extraction."""
    from pactwatch.parsers.pages import extract_page

    out = []
    for name, blob in _pages():
        article = extract_page(blob, url=f"https://bench.example/{name}")
        if article.text.strip():
            out.append((article.text, article.title))
    return out


def _rss_mib() -> float:
    """Peak resident memory of this process, MiB. Linux carries ru_maxrss across exec
    (a child started from this big bench process would report the parent's peak), so
    read the peak of this process image (VmHWM) where /proc has it."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def rss_probe(texts_file: str) -> int:
    """Run in a fresh process on texts already extracted (page extraction's own peak
    would hide the model's): peak resident memory before and after loading the model."""
    from pactwatch.parsers.claims import extract_claims
    from pactwatch.parsers.gazetteer import Gazetteer
    from pactwatch.parsers.nlp import load_pipeline

    gaz = Gazetteer.default()
    articles = json.loads(Path(texts_file).read_text("utf-8"))
    # warm up everything but the model: a sentence with no claim vocabulary is not parsed
    extract_claims("NASA staff met in Houston on Monday.", gazetteer=gaz)
    before = _rss_mib()
    load_pipeline()
    loaded = _rss_mib()
    for text, title in articles:
        extract_claims(text, gazetteer=gaz, title=title)
    after = _rss_mib()
    print(json.dumps({"before": before, "loaded": loaded, "after": after}))
    return 0


def bench_extract(repeat: int) -> None:
    """Claims from general news: most sentences never reach the parser (the prefilter)."""
    import trafilatura

    from pactwatch.parsers.claims import ExtractStats, extract_claims
    from pactwatch.parsers.gazetteer import Gazetteer
    from pactwatch.parsers.nlp import load_pipeline

    pages = _pages()
    articles = _news_articles()
    gaz = Gazetteer.default()
    t0 = time.perf_counter()
    load_pipeline()
    load_seconds = time.perf_counter() - t0
    stats = ExtractStats()
    found = sum(len(extract_claims(t, gazetteer=gaz, title=h, stats=stats)) for t, h in articles)
    ours = best_of(lambda: [extract_claims(t, gazetteer=gaz, title=h) for t, h in articles], repeat)
    base = best_of(lambda: [trafilatura.extract(b) for _, b in pages], repeat)
    n = len(articles)
    print(
        f"extract   {stats.sentences / ours:>10.1f} sentences/s, "
        f"{stats.candidates / ours:.1f} candidate sentences/s "
        f"({stats.candidates} of {stats.sentences} sentences parsed, {found} claims, "
        f"{n} articles)",
        flush=True,
    )
    print(
        f"extract   {1000 * ours / n:>10.1f} ms/article  "
        f"(baseline trafilatura.extract: {1000 * base / len(pages):.1f} ms/page)  "
        f"ratio {(ours / n) / (base / len(pages)):5.2f}x (target <= 1.0); "
        f"model load {load_seconds:.1f} s once per process",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        texts = Path(tmp) / "texts.json"
        texts.write_text(json.dumps(articles), encoding="utf-8")
        probe = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--rss-probe", str(texts)],
            check=True,
            capture_output=True,
            text=True,
        )
    rss = json.loads(probe.stdout)
    print(
        f"extract   peak resident memory: {rss['before']:.0f} MiB before loading the "
        f"model, {rss['loaded']:.0f} MiB loaded (+{rss['loaded'] - rss['before']:.0f} MiB), "
        f"{rss['after']:.0f} MiB after extracting {n} articles",
        flush=True,
    )


def bench_pipeline(repeat: int) -> float:
    import trafilatura

    from pactwatch.alerts.options import AlertOptions
    from pactwatch.flows.ingest import Document, extract_documents
    from pactwatch.flows.record import record_and_detect
    from pactwatch.parsers.claims import EXTRACTOR_VERSION
    from pactwatch.parsers.gazetteer import Gazetteer
    from pactwatch.warehouse.db import open_writer

    pages = _pages()
    gaz = Gazetteer.default()

    def pipeline() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            docs = [
                Document(url=f"https://bench.example/{n}", kind="html", data=b) for n, b in pages
            ]
            batch, _ = extract_documents(docs, gazetteer=gaz)
            now = datetime.now(UTC)
            with open_writer(Path(tmp) / "w.duckdb") as con:
                record_and_detect(
                    con,
                    "bench",
                    batch,
                    extractor_version=EXTRACTOR_VERSION,
                    fetched_at=now,
                    baseline=False,
                    channels=["console"],
                    options=AlertOptions(),
                    now=now,
                )

    base = best_of(lambda: [trafilatura.extract(b) for _, b in pages], repeat)
    ours = best_of(pipeline, repeat)
    report("pipeline", ours, base, len(pages), "pages", "trafilatura.extract")
    return ours


def bench_flow(plain_seconds: float) -> None:
    """The whole `pactwatch run` in a subprocess (Prefect start-up included)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        shutil.copytree(CORPORA / "trafilatura-eval" / "cache", folder)
        cfg = Path(tmp) / "pactwatch.toml"
        cfg.write_text(
            f'[warehouse]\npath = "w.duckdb"\n[alerts]\nbaseline = false\n'
            f'[[sources]]\nname = "bench"\npath = "{folder}"\n[[channels]]\ntype = "console"\n',
            encoding="utf-8",
        )
        cmd = [str(Path(sys.executable).parent / "pactwatch"), "run", "--config", str(cfg)]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        # Nothing new: fixed costs only. The progress lines say when the first
        # line came and when the flow started fetching (Prefect's API up and the run going).
        rerun = subprocess.run(cmd, check=True, capture_output=True, text=True)
        again = time.perf_counter() - t0
    n = len(_pages())
    marks = _progress_marks(rerun.stderr)
    print(
        f"flow      {n / first:>10.1f} pages/s  (`pactwatch run` incl. Prefect start-up {first:.1f} s; "
        f"plain pipeline {plain_seconds:.2f} s)  ratio {first / plain_seconds:5.2f}x; "
        f"re-run with nothing new {again:.1f} s (first progress line at"
        f" {marks.get('starting', float('nan')):.1f} s, fetching at"
        f" {marks.get('fetching', float('nan')):.1f} s)",
        flush=True,
    )


def _progress_marks(stderr: str) -> dict[str, float]:
    """Seconds of the first progress line of each kind (`pactwatch: [  2.9s] fetching ...`)."""
    marks: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("pactwatch: ["):
            continue
        stamp, _, text = line[len("pactwatch: [") :].partition("s] ")
        marks.setdefault(text.split(":")[0].split()[0], float(stamp))
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-flow", action="store_true")
    parser.add_argument("--only", choices=["extract", "flow"], help="run one section")
    parser.add_argument("--rss-probe", metavar="TEXTS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_probe:
        return rss_probe(args.rss_probe)
    if not CORPORA.is_dir():
        print(f"bench: corpora not found at {CORPORA}", file=sys.stderr)
        return 2
    if args.only == "extract":
        bench_extract(args.repeat)
        return 0
    if args.only == "flow":
        bench_flow(bench_pipeline(args.repeat))
        return 0
    bench_feeds(args.repeat)
    bench_pages(args.repeat)
    bench_claims(args.repeat)
    bench_extract(args.repeat)
    plain = bench_pipeline(args.repeat)
    if not args.skip_flow:
        bench_flow(plain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
