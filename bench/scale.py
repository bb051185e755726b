"""`make bench` (scale sections): pactwatch at 1k and 10k articles (100k with
`make bench-large`), each figure a ratio against a baseline measured in the same run.

  end to end     `pactwatch run` (a fresh subprocess) over N new articles of the synthetic
                 corpus (bench/corpus.py) served on 127.0.0.1: articles/s, peak RSS of the
                 process tree (the run, its Prefect API server, any Dask workers), warehouse
                 bytes per article; per-article time at 10k vs 1k.
  rerun          the same run again, nothing changed, vs the first (Prefect start-up apart).
  orchestration  the 1k run's time in Prefect (task and flow bookkeeping: the flow's time
                 less the same functions called plainly, in the same order and with the
                 same fetch threads) vs its total.
  detection      record and detect 1k new claims over 1M claims of history vs over 10k
                 (best of three, each on a fresh copy of the same state)
                 (the history bulk-inserted through the warehouse layer, not extracted),
                 judged with the history read as a baseline (as a source's first run
                 stores it); the same with a history no detection ever saw is reported.
  queries        `member_counts`, `current_state`, `memberships` over 1M claims on the
                 sandboxed reader `pactwatch sql` uses: the query, its result as an
                 Arrow table (judged), and the same as Python rows (reported).
  scale-out      10k articles with `[run] task_runner = "dask"` and 1 vs 2 workers.
  scale-out-lake `pactwatch deploy` of two source groups (half the feeds each) on a
                 process work pool, both deployments triggered at once, served by 1 vs
                 2 `prefect worker start` processes (one run at a time each), into a
                 fresh DuckLake per trial (a throwaway PostgreSQL cluster, as the tests
                 start one; skipped with the reason without PostgreSQL).

Results go to bench/results.json (with the machine and its load); the table is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from corpus import COALITIONS, COUNTRIES, Corpus, CorpusServer  # noqa: E402

from tests import workpool  # noqa: E402

RESULTS = HERE / "results.json"
PACTWATCH = str(Path(sys.executable).parent / "pactwatch")


# -- running `pactwatch run` -------------------------------------------------------------


@dataclass
class Run:
    wall: float  # seconds, process start to exit
    startup: float  # seconds until the flow started (imports, model, Prefect API, flow run)
    api_wait: float  # of which waiting for the Prefect API after the model was loaded
    peak_rss: int  # bytes, the process tree's peak resident memory
    stderr: str

    @property
    def work(self) -> float:
        return self.wall - self.startup


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def _marks(stderr: str) -> dict[str, float]:
    """Seconds of the first progress line of each kind (`pactwatch: [  2.9s] text`)."""
    marks: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("pactwatch: ["):
            continue
        stamp, _, text = line[len("pactwatch: [") :].partition("s] ")
        key = "flow" if text.startswith("run ") else text.split(":")[0].strip()
        if text.startswith("starting: the Prefect API"):
            key = "api"
        marks.setdefault(key, float(stamp))
    return marks


def pactwatch_run(cfg: Path, env: dict[str, str]) -> Run:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [PACTWATCH, "run", "--config", str(cfg)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    peak = 0
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr or []), daemon=True)
    reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    reader.join()
    err = "".join(lines)
    if proc.returncode != 0:
        raise SystemExit(f"bench: pactwatch run failed ({proc.returncode}):\n{err[-3000:]}")
    marks = _marks(err)
    return Run(
        wall=wall,
        startup=marks.get("flow", 0.0),
        api_wait=marks.get("flow", 0.0) - marks.get("api", 0.0),
        peak_rss=peak,
        stderr=err,
    )


def write_config(folder: Path, feeds: list[str], run: str = "") -> Path:
    cfg = folder / "pactwatch.toml"
    sources = "".join(
        f'[[sources]]\nname = "feed-{i:04d}"\nfeed = "{u}"\n' for i, u in enumerate(feeds)
    )
    cfg.write_text(
        '[warehouse]\npath = "w.duckdb"\n'
        "[fetch]\nmax_links = 1000\nretries = 0\nsource_budget = 600\n"
        f"{run}\n{sources}"
        '[[channels]]\ntype = "console"\n',
        encoding="utf-8",
    )
    return cfg


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PACTWATCH_"))}
    env["PREFECT_HOME"] = str(home)
    return env


def stored(db: Path) -> tuple[int, int]:
    from pactwatch.warehouse.query import run_sql

    _, rows = run_sql(db, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM claims)")
    return int(rows[0][0]), int(rows[0][1])


# -- sections --------------------------------------------------------------------------


def end_to_end(
    n: int,
    work: Path,
    results: dict[str, Any],
    *,
    rerun: bool,
    run_section: str = "",
    label: str = "",
) -> Run:
    key = f"{n} {label}" if label else str(n)
    folder = work / f"e2e-{key.replace(' ', '-')}"
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(n)
    with CorpusServer(corpus) as server:
        cfg = write_config(folder, server.feed_urls(), run_section)
        env = clean_env(work / "prefect-home")
        first = pactwatch_run(cfg, env)
        articles, claims = stored(folder / "w.duckdb")
        size = (folder / "w.duckdb").stat().st_size
        entry: dict[str, Any] = {
            "articles": articles,
            "claims": claims,
            "wall_s": round(first.wall, 2),
            "startup_s": round(first.startup, 2),
            "prefect_api_wait_s": round(first.api_wait, 2),
            "work_s": round(first.work, 2),
            "articles_per_s": round(articles / first.wall, 2),
            "articles_per_s_after_startup": round(articles / first.work, 2),
            "ms_per_article_after_startup": round(1000 * first.work / articles, 2),
            "peak_rss_mib": round(first.peak_rss / 2**20, 1),
            "warehouse_bytes_per_article": round(size / articles),
            "http_requests": server.requests,
        }
        if rerun:
            requests = server.requests
            again = pactwatch_run(cfg, env)
            entry["rerun"] = {
                "wall_s": round(again.wall, 2),
                "startup_s": round(again.startup, 2),
                "work_s": round(again.work, 2),
                "ratio_work": round(again.work / first.work, 4),
                "http_requests": server.requests - requests,
                "articles_after": stored(folder / "w.duckdb")[0],
            }
    results.setdefault("end_to_end", {})[key] = entry
    print(f"  end to end {key}: {json.dumps(entry)}", flush=True)
    return first


def plain_pipeline(cfg_path: str) -> int:
    """The flow's functions called without Prefect (a subprocess of the bench), timed
    after imports and the model load: prepare, fetch on `[fetch] workers` threads,
    extract and store each source as it completes, deliver, finish the run."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from pactwatch.clock import now_utc
    from pactwatch.flows import pipeline as p
    from pactwatch.flows.config import load_config
    from pactwatch.flows.runtime import deliver, load_extractor
    from pactwatch.warehouse import store
    from pactwatch.warehouse.db import open_writer

    cfg = load_config(cfg_path)
    load_extractor(cfg)
    t0 = time.perf_counter()
    run_id = p.new_run_id()
    sources = list(cfg.sources)
    prep = p.prepare_task.fn(cfg, run_id, sources)
    with ThreadPoolExecutor(cfg.fetch.workers) as pool:
        futures = {
            pool.submit(
                p.fetch_task.fn,
                cfg,
                s,
                prep.validators,
                prep.known,
                prep.digests.get(s.name, {}),
                0,
                prep.seen,
                budget_key=f"{run_id}:{s.name}",
            ): s
            for s in sources
        }
        for fut in as_completed(futures):
            harvest = fut.result()
            ex = p.extract_task.fn(cfg, [harvest], prep.hashes) if harvest.documents else ()
            p.store_task.fn(cfg, run_id, [harvest], ex, prep.first)
    deliver(cfg)
    with open_writer(cfg.warehouse_path) as con:
        store.finish_run(con, run_id, finished_at=now_utc(), status="ok", summary={})
    print(json.dumps({"seconds": time.perf_counter() - t0}))
    return 0


def orchestration(n: int, flow_run: Run, work: Path, results: dict[str, Any]) -> None:
    folder = work / f"plain-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    with CorpusServer(Corpus(n)) as server:
        cfg = write_config(folder, server.feed_urls())
        out = subprocess.run(
            [sys.executable, __file__, "--plain", str(cfg)],
            check=True,
            capture_output=True,
            text=True,
            env=clean_env(work / "prefect-home"),
        )
    plain = json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
    bookkeeping = max(0.0, flow_run.work - plain)
    entry = {
        "flow_work_s": round(flow_run.work, 2),
        "plain_work_s": round(plain, 2),
        "bookkeeping_s": round(bookkeeping, 2),
        "share_of_total": round(bookkeeping / flow_run.wall, 4),
        "prefect_api_wait_s": round(flow_run.api_wait, 2),
        "share_with_api_wait": round((bookkeeping + flow_run.api_wait) / flow_run.wall, 4),
        "total_s": round(flow_run.wall, 2),
    }
    results["orchestration"] = entry
    print(f"  orchestration {n}: {json.dumps(entry)}", flush=True)


# -- detection and queries over a bulk history --------------------------------------------


def _history(db: Path, claims: int, seed: int = 11) -> None:
    """`claims` claims of history in ~claims/5 articles, bulk-inserted through the
    warehouse layer (the same row types and insert the pipeline uses)."""
    from pactwatch.warehouse.articles import _ARTICLE_COLUMNS, ArticleRow
    from pactwatch.warehouse.batch import insert_rows
    from pactwatch.warehouse.claims import ClaimRow, insert_claims
    from pactwatch.warehouse.db import open_writer, transaction

    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    coalitions = [c for c, _ in COALITIONS]
    countries = [c for c, _ in COUNTRIES]
    per_article = 5
    n_articles = max(1, claims // per_article)
    step = 100_000
    with open_writer(db) as con:
        for lo in range(0, n_articles, step):
            arts: list[ArticleRow] = []
            rows: list[ClaimRow] = []
            for i in range(lo, min(n_articles, lo + step)):
                aid = f"hist{i:012d}"
                at = start + timedelta(minutes=3 * i)
                arts.append(
                    ArticleRow(
                        id=aid,
                        url=f"https://history.example/{i}",
                        source="history",
                        source_url=None,
                        title=f"History {i}",
                        published_at=at,
                        fetched_at=at,
                        content_hash=f"h{i}",
                        text="(history)",
                        language="en",
                        story_id=aid,
                        extractor_version="bench",
                        fingerprint=None,
                    )
                )
                for k in range(per_article):
                    kind = rng.choices(
                        ["member_count", "joined", "left", "partnership"], [3, 3, 1, 3]
                    )[0]
                    coalition = rng.choice(coalitions) if kind != "partnership" else None
                    a, b = rng.sample(countries, 2)
                    value = rng.randint(5, 60) if kind == "member_count" else None
                    rows.append(
                        ClaimRow(
                            id=f"{aid}-{k}",
                            article_id=aid,
                            kind=kind,
                            coalition=coalition,
                            actor=a if kind in ("joined", "left") else None,
                            actors=sorted([a, b]) if kind == "partnership" else None,
                            value=value,
                            low=value,
                            high=value,
                            approx=False,
                            ordinal=rng.randint(5, 60) if kind == "joined" and k == 0 else None,
                            topic="history" if kind == "partnership" else None,
                            modality="asserted",
                            attributed_to=None,
                            sentence="(history)",
                            span_start=0,
                            span_end=9,
                            extractor_version="bench",
                            created_at=at,
                        )
                    )
            with transaction(con):
                insert_rows(con, "articles", _ARTICLE_COLUMNS, arts)
                insert_claims(con, rows)
        con.execute("CHECKPOINT")


def _new_batch(
    claims: int, seed: int = 12, at: datetime = datetime(2026, 6, 1, tzinfo=UTC)
) -> list[tuple[Any, list[Any]]]:
    """`claims` new claims in articles of five, about the same coalitions and countries,
    published a minute apart from `at`."""
    from pactwatch.parsers.model import Article, Claim

    rng = random.Random(seed)
    coalitions = [c for c, _ in COALITIONS]
    countries = [c for c, _ in COUNTRIES]
    batch = []
    for i in range(max(1, claims // 5)):
        text = f"Fresh report {i}."
        out = []
        for k in range(5):
            kind = rng.choice(["member_count", "joined", "left", "partnership"])
            a, b = rng.sample(countries, 2)
            value = rng.randint(5, 60)
            out.append(
                Claim(
                    kind=kind,  # type: ignore[arg-type]
                    sentence=f"Fresh report {i}, claim {k}.",
                    span=(0, len(text)),
                    coalition=rng.choice(coalitions) if kind != "partnership" else None,
                    actor=a if kind in ("joined", "left") else None,
                    actors=tuple(sorted([a, b])) if kind == "partnership" else None,
                    value=value if kind == "member_count" else None,
                    low=value if kind == "member_count" else None,
                    high=value if kind == "member_count" else None,
                    topic="fresh" if kind == "partnership" else None,
                )
            )
        batch.append(
            (
                Article(
                    url=f"https://fresh.example/{seed}/{i}",
                    title=f"Fresh {i}",
                    published_at=at + timedelta(minutes=i),
                    text=text,
                ),
                out,
            )
        )
    return batch


def _build_tails(db: Path) -> float:
    """Detection's stored tails for every subject of the bulk-loaded history, as runs
    that had stored it one by one would have left them."""
    from pactwatch.alerts.detect import build_tails
    from pactwatch.warehouse.db import open_writer

    with open_writer(db) as con:
        t0 = time.perf_counter()
        build_tails(con, now=datetime(2026, 5, 31, tzinfo=UTC))
        return time.perf_counter() - t0


def _detect_once(db: Path, batch: list[tuple[Any, list[Any]]], now: datetime) -> float:
    from pactwatch.alerts.options import AlertOptions
    from pactwatch.flows.record import record_and_detect
    from pactwatch.warehouse.db import open_writer

    with open_writer(db) as con:
        t0 = time.perf_counter()
        record_and_detect(
            con,
            "fresh",
            batch,
            extractor_version="bench",
            fetched_at=now,
            baseline=False,
            channels=["console"],
            options=AlertOptions(),
            now=now,
        )
        return time.perf_counter() - t0


def _read_as_baseline(db: Path) -> None:
    """Mark the bulk-loaded history as a baseline read: what a source's first run
    leaves (its states stored, nothing announced, never news later)."""
    from pactwatch.warehouse.db import open_writer

    with open_writer(db) as con:
        con.execute("UPDATE articles SET baseline = true WHERE source = 'history'")
        con.execute("CHECKPOINT")


# The history's two states: read as a baseline (a warehouse filled by runs has
# announced or baselined its states; judged), and never announced (a bulk load no
# detection ever saw: the first new report restating a long-held state raises its
# first alert, with every earlier report of it as evidence; reported).
HISTORY_STATES = ("baseline", "unannounced")


def detection_and_queries(
    big: int, small: int, new: int, work: Path, results: dict[str, Any]
) -> None:
    from pactwatch.warehouse.db import open_writer

    # Two batches a day apart: the first is what the pipeline would have detected
    # anyway, the second is timed. Both come after the history, as news does.
    first_at, second_at = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 2, tzinfo=UTC)
    first, second = _new_batch(new, 12, first_at), _new_batch(new, 13, second_at)
    times: dict[tuple[str, int], float] = {}
    extra: dict[str, dict[str, Any]] = {state: {} for state in HISTORY_STATES}
    started = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    for size in (small, big):
        loaded = work / f"history-{size}.duckdb"
        t0 = time.perf_counter()
        with open_writer(loaded):
            pass  # migrations
        _history(loaded, size)
        load = time.perf_counter() - t0
        for state in HISTORY_STATES:
            db = work / f"history-{size}-{state}.duckdb"
            shutil.copy(loaded, db)
            if state == "baseline":
                _read_as_baseline(db)
            tails = _build_tails(db)
            _detect_once(db, first, first_at + timedelta(hours=20))
            copy = work / f"history-{size}-{state}-run.duckdb"
            trials = []
            for _ in range(3):  # best of three, each on a fresh copy of the same state
                shutil.copy(db, copy)
                trials.append(_detect_once(copy, second, second_at + timedelta(hours=20)))
            times[(state, size)] = min(trials)
            extra[state][f"trials_s_{size}"] = [round(t, 3) for t in trials]
            extra[state][f"build_tails_s_{size}"] = round(tails, 3)
            print(
                f"  history {size:,} ({state}): loaded in {load:.1f} s; tails built in"
                f" {tails:.1f} s; detect {new} new claims {times[(state, size)]:.2f} s",
                flush=True,
            )
            if state != "baseline" or size != big:
                copy.unlink()
            db.unlink()
        loaded.unlink()

    def figures(state: str) -> dict[str, Any]:
        return {
            "seconds_small": round(times[(state, small)], 3),
            "seconds_big": round(times[(state, big)], 3),
            "ratio": round(times[(state, big)] / times[(state, small)], 3),
            **extra[state],
        }

    results["detection"] = {
        "new_claims": new,
        "history_small": small,
        "history_big": big,
        "history": "read as a baseline",
        **figures("baseline"),
        "unannounced_history": figures("unannounced"),
        "machine": {
            **started,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
    }
    queries(work / f"history-{big}-baseline-run.duckdb", big, results)


def queries(db: Path, size: int, results: dict[str, Any]) -> None:
    """Each view read whole and for one coalition on a sandboxed read-only connection,
    best of three. The goal is judged on the query: every row computed and handed
    over as an Arrow table (how an analyst's tool reads a large result). The same
    reads through the `pactwatch sql` reader, every value converted to a Python
    object, are reported beside it: for 360k rows that conversion, not the query,
    is most of the time."""
    from pactwatch.warehouse.db import open_reader, sandbox
    from pactwatch.warehouse.query import run_sql

    def best_of(fn: Callable[[], tuple[float, int]]) -> tuple[float, int]:
        best, rows = float("inf"), 0
        for _ in range(3):
            seconds, rows = fn()
            best = min(best, seconds)
        return best, rows

    def as_arrow(sql: str, params: dict[str, str] | None) -> tuple[float, int]:
        t0 = time.perf_counter()
        with open_reader(db) as con:  # opened per read, as `pactwatch sql` does
            sandbox(con)
            table = con.execute(sql, params).to_arrow_table()
            rows = int(table.num_rows)
            del table  # it holds the result's buffers, and through them the database
        seconds = time.perf_counter() - t0
        # untimed: a full collection walks every object of this process (the
        # detection section's millions), which is not the query's cost
        gc.collect()
        return seconds, rows

    def as_python(sql: str, params: dict[str, str] | None) -> tuple[float, int]:
        t0 = time.perf_counter()
        rows = len(run_sql(db, sql, params=params)[1])
        return time.perf_counter() - t0, rows

    out: dict[str, Any] = {"claims": size}
    for view in ("member_counts", "current_state", "memberships"):
        for label, sql, params in (
            ("all", f"SELECT * FROM {view}", None),
            ("one", f"SELECT * FROM {view} WHERE coalition = $c", {"c": "nato"}),
        ):
            arrow, rows = best_of(lambda sql=sql, params=params: as_arrow(sql, params))  # type: ignore[misc]
            python, _ = best_of(lambda sql=sql, params=params: as_python(sql, params))  # type: ignore[misc]
            out[view if label == "all" else f"{view} (one coalition)"] = {
                "seconds": round(arrow, 3),
                "seconds_python_rows": round(python, 3),
                "rows": rows,
            }
    results["queries"] = out
    print(f"  queries: {json.dumps(out)}", flush=True)


# -- scale-out ----------------------------------------------------------------------------


def scale_out(n: int, work: Path, results: dict[str, Any], workers: list[int]) -> None:
    out: dict[str, Any] = {"articles": n}
    for w in workers:
        run = end_to_end(
            n,
            work,
            results,
            rerun=False,
            run_section=f'[run]\ntask_runner = "dask"\ndask_workers = {w}\nchunk_size = 100',
            label=f"dask-{w}",
        )
        out[f"dask_{w}"] = {"work_s": round(run.work, 2), "wall_s": round(run.wall, 2)}
    base = out[f"dask_{workers[0]}"]["work_s"]
    for w in workers[1:]:
        out[f"speedup_{w}_vs_{workers[0]}"] = round(base / out[f"dask_{w}"]["work_s"], 3)
    previous = results.get("scale_out", {}).get("prefect_workers_on_ducklake")
    if previous is not None:  # measured by its own section; kept
        out["prefect_workers_on_ducklake"] = previous
    results["scale_out"] = out
    print(f"  scale-out: {json.dumps(out)}", flush=True)


# -- scale-out: Prefect workers on a DuckLake ---------------------------------------------

LAKE_POOL = "bench-lake"


def _lake_trial(
    workers: int, feeds: list[str], api: str, pg: Any, work: Path, env: dict[str, str]
) -> dict[str, Any]:
    """Two deployments (half the feeds each) triggered at once on a pool served by
    `workers` Prefect workers (each one run at a time), into a fresh lake."""
    folder = work / f"lake-{workers}"
    folder.mkdir(parents=True, exist_ok=True)
    dbname = pg.create_database("bench")
    catalog = pg.conninfo(dbname, password=False)  # the password: PGPASSWORD
    cfg = folder / "pactwatch.toml"
    half = len(feeds) // 2
    groups = {"east": feeds[:half], "west": feeds[half:]}
    names = {url: f"feed-{i:04d}" for i, url in enumerate(feeds)}
    sources = "".join(f'[[sources]]\nname = "{names[u]}"\nfeed = "{u}"\n' for u in feeds)
    cfg.write_text(
        f'[warehouse]\ncatalog = "postgres:{catalog}"\ndata_path = "{folder / "data"}"\n'
        "lock_timeout = 600\n"
        "[fetch]\nmax_links = 1000\nretries = 0\nsource_budget = 600\n"
        f'{sources}[[channels]]\ntype = "console"\n',
        encoding="utf-8",
    )
    pool = f"{LAKE_POOL}-{workers}"
    spec = [f"{g}={','.join(names[u] for u in urls)}" for g, urls in groups.items()]
    made = workpool.deploy(cfg, pool, spec, env=env, prefix=f"w{workers}-")
    if made.returncode != 0:
        raise SystemExit(f"bench: pactwatch deploy failed:\n{made.stderr}")
    names_w = [f"w{workers}-{i}" for i in range(workers)]
    with workpool.workers(pool, names_w, api=api, env=env, logs=folder):
        t0 = time.perf_counter()
        runs = [workpool.trigger(api, f"pactwatch-run/w{workers}-{group}")[1] for group in groups]
        finals = workpool.final_states(api, runs, timeout=None)
        wall = time.perf_counter() - t0
    states = sorted(str(f["state"]["type"]) for f in finals)
    if states != ["COMPLETED", "COMPLETED"]:
        logs = "\n".join(
            (folder / f"{name}.log").read_text(errors="replace")[-2000:] for name in names_w
        )
        raise SystemExit(f"bench: lake flow runs ended {states}:\n{logs}")
    starts = [datetime.fromisoformat(f["start_time"]) for f in finals]
    ends = [datetime.fromisoformat(f["end_time"]) for f in finals]
    from pactwatch.warehouse.lake import Lake
    from pactwatch.warehouse.query import run_sql

    lake = Lake(f"postgres:{pg.conninfo(dbname)}", str(folder / "data"))
    _, rows = run_sql(
        lake,
        "SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT url) FROM articles),"
        " (SELECT count(*) FROM claims)",
    )
    articles, distinct, claims = (int(v) for v in rows[0])
    return {
        "wall_s": round(wall, 2),
        "flow_runs_span_s": round((max(ends) - min(starts)).total_seconds(), 2),
        "flow_run_s": sorted(round(float(f["total_run_time"]), 2) for f in finals),
        "articles": articles,
        "articles_stored_twice": articles - distinct,
        "claims": claims,
        "articles_per_s": round(articles / wall, 2),
    }


def scale_out_lake(n: int, work: Path, results: dict[str, Any]) -> None:
    """`pactwatch deploy` of two source groups and 1 vs 2 Prefect workers over one
    DuckLake (a throwaway PostgreSQL catalog, tests/postgres.py), both deployments
    triggered at once; time from triggering to both runs finished."""
    import socket

    from tests import postgres

    reason = postgres.unavailable_reason()
    if reason:
        print(f"  DuckLake scale-out skipped: {reason}", flush=True)
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    corpus = Corpus(n)
    import duckdb

    out: dict[str, Any] = {
        "articles": n,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "duckdb": duckdb.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    with (
        postgres.cluster(port) as pg,
        CorpusServer(corpus) as server,
        workpool.pool_server(
            home=work / "lake-server",
            client_home=work / "lake-client",
            extra={"PGPASSWORD": postgres.PASSWORD},
        ) as (api, env),
    ):
        for workers in (1, 2):
            trial = _lake_trial(workers, server.feed_urls(), api, pg, work, env)
            out[f"workers_{workers}"] = trial
            print(f"  DuckLake, {workers} Prefect worker(s): {json.dumps(trial)}", flush=True)
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out["speedup_2_vs_1"] = round(out["workers_1"]["wall_s"] / out["workers_2"]["wall_s"], 3)
    results.setdefault("scale_out", {})["prefect_workers_on_ducklake"] = out


# -- the table ----------------------------------------------------------------------------


def _goal(ok: bool) -> str:
    return "met" if ok else "MISSED"


def table(results: dict[str, Any]) -> list[str]:
    rows: list[tuple[str, str, str, str]] = []
    e2e = results.get("end_to_end", {})
    sizes = sorted(int(k) for k in e2e if k.isdigit())
    if sizes:
        small, large = sizes[0], sizes[-1]
        s, big = e2e[str(small)], e2e[str(large)]
        ratio = big["ms_per_article_after_startup"] / s["ms_per_article_after_startup"]
        rows.append((
            f"end to end: per-article time {large} vs {small}",
            f"{big['ms_per_article_after_startup']:.1f} vs {s['ms_per_article_after_startup']:.1f} ms: {ratio:.2f}x",
            "<= 1.1x", _goal(ratio <= 1.1),
        ))  # fmt: skip
        rows.append((
            f"end to end: peak RSS at {large}",
            f"{big['peak_rss_mib']:.0f} MiB (at {small}: {s['peak_rss_mib']:.0f} MiB)",
            "<= 1024 MiB", _goal(big["peak_rss_mib"] <= 1024),
        ))  # fmt: skip
        rows.append((
            f"end to end: articles/s at {large}",
            f"{big['articles_per_s']:.1f} (after start-up {big['articles_per_s_after_startup']:.1f}; at {small}: {s['articles_per_s']:.1f})",
            ">= 12", _goal(big["articles_per_s"] >= 12),
        ))  # fmt: skip
        rows.append((
            "end to end: warehouse bytes/article",
            f"{big['warehouse_bytes_per_article']:,} at {large}; {s['warehouse_bytes_per_article']:,} at {small}",
            "(report)", "",
        ))  # fmt: skip
        if "rerun" in big:
            r = big["rerun"]
            rows.append((
                f"rerun, nothing changed, {large}",
                f"{r['work_s']:.2f} s vs {big['work_s']:.1f} s: {100 * r['ratio_work']:.1f}% (start-up {r['startup_s']:.1f} s apart)",
                "<= 3%", _goal(r["ratio_work"] <= 0.03),
            ))  # fmt: skip
    if "orchestration" in results:
        o = results["orchestration"]
        rows.append((
            "orchestration: Prefect bookkeeping / total",
            f"{o['bookkeeping_s']:.1f} s of {o['total_s']:.1f} s: {100 * o['share_of_total']:.1f}% (with API wait {100 * o['share_with_api_wait']:.1f}%)",
            "<= 10%", _goal(o["share_of_total"] <= 0.10),
        ))  # fmt: skip
    if "detection" in results:
        d = results["detection"]
        rows.append((
            f"detection: {d['new_claims']} new over {d['history_big']:,} vs {d['history_small']:,}",
            f"{d['seconds_big']:.2f} s vs {d['seconds_small']:.2f} s: {d['ratio']:.2f}x",
            "<= 1.5x", _goal(d["ratio"] <= 1.5),
        ))  # fmt: skip
        if "unannounced_history" in d:
            u = d["unannounced_history"]
            rows.append((
                "  the same, history never announced",
                f"{u['seconds_big']:.2f} s vs {u['seconds_small']:.2f} s: {u['ratio']:.2f}x",
                "(reported)", "",
            ))  # fmt: skip
    if "queries" in results:
        q = results["queries"]
        for view in [k for k in q if k != "claims"]:
            rows.append((
                f"query: {view} over {q['claims']:,} claims",
                f"{q[view]['seconds']:.3f} s ({q[view]['rows']:,} rows;"
                f" as Python rows {q[view].get('seconds_python_rows', float('nan')):.3f} s)",
                "< 0.5 s", _goal(q[view]["seconds"] < 0.5),
            ))  # fmt: skip
    if "scale_out" in results:
        so = results["scale_out"]
        speed = [f"{k}: {v}x" for k, v in so.items() if k.startswith("speedup")]
        works = [f"{k} {v['work_s']:.0f} s" for k, v in so.items() if k.startswith("dask_")]
        if works:
            rows.append((
                f"scale-out: {so['articles']} articles, Dask workers",
                "; ".join(works + speed),
                "(report)", "",
            ))  # fmt: skip
        lake = so.get("prefect_workers_on_ducklake")
        if lake:
            one, two = lake["workers_1"], lake["workers_2"]
            rows.append((
                f"scale-out: {lake['articles']} articles, Prefect workers on DuckLake",
                f"1 worker {one['wall_s']:.0f} s; 2 workers {two['wall_s']:.0f} s: {lake['speedup_2_vs_1']}x",
                "(report)", "",
            ))  # fmt: skip
    width = [max(len(r[i]) for r in rows) for i in range(4)] if rows else [0] * 4
    head = ("benchmark", "figure", "goal", "")
    lines = [" | ".join(h.ljust(w) for h, w in zip(head, width, strict=True))]
    lines.append("-+-".join("-" * w for w in width))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, width, strict=True)) for r in rows]
    return lines


def machine() -> dict[str, Any]:
    import psutil

    cpu = platform.processor() or ""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu": model or cpu,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="end-to-end corpus sizes")
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--scale-out", type=int, default=10_000, help="articles (0: skip)")
    parser.add_argument("--workers", default="1,2", help="Dask worker counts to compare")
    parser.add_argument(
        "--lake-articles",
        type=int,
        default=10_000,
        help="articles for the DuckLake scale-out (0: skip)",
    )
    parser.add_argument("--only", choices=["e2e", "detection", "scale-out", "scale-out-lake"])
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--plain", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        return plain_pipeline(args.plain)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    out = Path(args.out)
    if out.is_file():  # keep sections this invocation does not run
        previous = json.loads(out.read_text("utf-8"))
        results = {**previous, **results}
    sizes = [int(s) for s in args.sizes.split(",") if s]
    sections: list[tuple[str, Callable[[Path], None]]] = []

    def e2e(work: Path) -> None:
        # Keep the labelled runs other sections wrote ("10000 dask-1"); redo the rest.
        kept = {k: v for k, v in results.get("end_to_end", {}).items() if " " in k}
        results["end_to_end"] = kept
        runs = {n: end_to_end(n, work, results, rerun=n == max(sizes)) for n in sizes}
        orchestration(min(sizes), runs[min(sizes)], work, results)

    def detection(work: Path) -> None:
        detection_and_queries(args.history, 10_000, 1_000, work, results)

    def scale(work: Path) -> None:
        if args.scale_out:
            scale_out(args.scale_out, work, results, [int(w) for w in args.workers.split(",")])

    def scale_lake(work: Path) -> None:
        if args.lake_articles:
            scale_out_lake(args.lake_articles, work, results)

    sections = [
        ("e2e", e2e),
        ("detection", detection),
        ("scale-out", scale),
        ("scale-out-lake", scale_lake),
    ]
    with tempfile.TemporaryDirectory(prefix="pactwatch-bench-") as tmp:
        for name, fn in sections:
            if args.only and args.only != name:
                continue
            print(f"bench {name} ...", flush=True)
            fn(Path(tmp))
            results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
            out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    lines = table(results)
    results["table"] = lines
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
