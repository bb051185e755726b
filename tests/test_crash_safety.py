"""SIGKILL at any moment of a run loses nothing: the next run plus `pactwatch deliver`
end with exactly what an uninterrupted run stores and sends.

Real parts only: `pactwatch run` subprocesses killed with their whole process
group, a local folder source of dated pages, a real webhook receiver, a real
DuckDB file and a Prefect API (shared, so each run skips the temporary API's
start-up). The kill moments are spread over the run's writing phases by offsets
measured from a clean run of the same work on this machine.
"""

from __future__ import annotations

import json
import shutil
import signal
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from .clirun import CliProcess, clean_env, run_cli
from .conftest import SAMPLE_SITE

pytestmark = pytest.mark.integration

SECRET = "crash-test-signing-secret"
TRIALS = 2  # chains of kills, each in its own warehouse


class Receiver:
    """A webhook receiver that keeps every POST, per trial (`/hook/<trial>`)."""

    def __init__(self, server: HTTPServer) -> None:
        self.base = server.url_for("").rstrip("/")
        self.posts: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
        server.expect_request("/hook", method="POST").respond_with_handler(self._hook)
        for i in range(TRIALS + 1):
            server.expect_request(f"/hook/{i}", method="POST").respond_with_handler(self._hook)

    def _hook(self, request: Request) -> Response:
        trial = request.path.rpartition("/")[2]
        self.posts[trial].append((request.headers.get("Idempotency-Key", ""), request.get_data()))
        return Response("", status=200)


def workdir(root: Path, name: str, hook: str) -> tuple[Path, Path]:
    """A folder with its own config and warehouse, reading the one copy of the pages
    (the same file URLs, so the same article, claim and alert ids in every trial)."""
    pages = root / "pages"
    if not pages.exists():
        shutil.copytree(SAMPLE_SITE / "news", pages)
    work = root / name
    work.mkdir()
    cfg = work / "pactwatch.toml"
    cfg.write_text(
        f"""
[warehouse]
path = "w.duckdb"

[alerts]
baseline = false

[[sources]]
name = "desk"
path = "{pages}"

[[channels]]
type = "webhook"
url = "{hook}"
secret_env = "PACTWATCH_CRASH_SECRET"
""",
        encoding="utf-8",
    )
    return work, cfg


def snapshot(db: Path) -> dict[str, Any]:
    with duckdb.connect(str(db), read_only=True) as con:

        def q(sql: str) -> list[tuple[Any, ...]]:
            return sorted(con.execute(sql).fetchall())

        return {
            "articles": q("select url, content_hash, source from articles"),
            "claims": q("select id, article_id from claims"),
            "alerts": q("select id, kind from alerts"),
            "evidence": q("select alert_id, article_id from alert_evidence"),
            "deliveries": q("select alert_id, channel, status from deliveries"),
            "running": q("select id from runs where status = 'running'"),
        }


@pytest.fixture
def prefect_api(prefect_harness: None) -> str:
    """The session's Prefect API, for subprocesses (they skip the temporary server)."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the Prefect test harness gave no API URL"
    return str(url)


def test_sigkill_anywhere_in_a_run_loses_nothing(
    tmp_path: Path, httpserver: HTTPServer, prefect_api: str
) -> None:
    receiver = Receiver(httpserver)
    env = clean_env(
        {"PREFECT_API_URL": prefect_api, "PACTWATCH_CRASH_SECRET": SECRET},
        home=tmp_path / "prefect-home",
    )

    # The clean run: what every interrupted one must end with, and how long it takes.
    work, cfg = workdir(tmp_path, "clean", f"{receiver.base}/hook")
    clean = CliProcess(["run", "--config", str(cfg)], cwd=work, env=env)
    try:
        assert clean.wait(180) == 0, clean.err.text()
    finally:
        clean.kill()
    total = clean.elapsed()
    code, err, _ = run_cli(["deliver", "--config", str(cfg)], cwd=work, env=env)
    assert code == 0, err
    expected = snapshot(work / "w.duckdb")
    assert len(expected["articles"]) == 7 and expected["alerts"], expected
    assert {s for _, _, s in expected["deliveries"]} == {"delivered"}
    assert expected["running"] == []
    expected_keys = {a for a, _ in expected["alerts"]}
    assert {k for k, _ in receiver.posts["hook"]} == expected_keys

    # Kill moments, each anchored on a progress line of the victim and placed by the
    # phase lengths of the clean run: preparing, storing (between "fetching" and the
    # source's line, which comes after its commit) and delivering. Chains of kills
    # (a run killed, its rerun killed again, ...) also kill recovery runs.
    def at(needle: str) -> float:
        mark = clean.err.first(needle)
        assert mark is not None, f"no {needle!r} line in:\n{clean.err.text()}"
        return mark

    prep, fetch, stored, deliver = (
        at(n) for n in ("reading the warehouse", "fetching", "source desk", "delivering")
    )
    kills = {
        "prepare": ("reading the warehouse", 0.5 * (fetch - prep)),
        "store-early": ("fetching", 0.3 * (stored - fetch)),
        "store-mid": ("fetching", 0.7 * (stored - fetch)),
        "store-late": ("fetching", 0.95 * (stored - fetch)),
        "deliver-start": ("delivering", 0.02),
        "deliver-early": ("delivering", 0.3 * (total - deliver)),
        "deliver-mid": ("delivering", 0.6 * (total - deliver)),
        "deliver-late": ("delivering", 0.9 * (total - deliver)),
    }
    chains = [
        ["prepare", "store-mid", "deliver-start", "deliver-late"],
        ["store-early", "store-late", "deliver-early", "deliver-mid"],
    ]
    duplicates = 0
    for i, chain in enumerate(chains):
        work, cfg = workdir(tmp_path, f"trial-{i}", f"{receiver.base}/hook/{i}")
        for name in chain:
            needle, delay = kills[name]
            victim = CliProcess(["run", "--config", str(cfg)], cwd=work, env=env)
            try:
                victim.wait_for(needle, 180)
                time.sleep(delay)
                victim.signal_group(signal.SIGKILL)
                victim.wait(30)
            finally:
                victim.kill()
        code, err, _ = run_cli(["run", "--config", str(cfg)], cwd=work, env=env)
        assert code == 0, f"rerun after kills {chain}: {err}"
        code, err, _ = run_cli(["deliver", "--config", str(cfg)], cwd=work, env=env)
        assert code == 0, f"deliver after kills {chain}: {err}"

        got = snapshot(work / "w.duckdb")
        assert got == expected, f"after kills {chain}"
        # Every alert reached the receiver; a repeat (a kill between the POST and
        # its record) is the same request again, which the Idempotency-Key dedupes.
        posts = receiver.posts[str(i)]
        assert {k for k, _ in posts} == expected_keys, f"after kills {chain}"
        bodies: dict[str, bytes] = {}
        for key, body in posts:
            assert bodies.setdefault(key, body) == body
            assert json.loads(body)["id"] == key
        duplicates += len(posts) - len(bodies)
    print(f"clean run {total:.2f}s; {len(kills)} kills; {duplicates} repeated POST(s)")
