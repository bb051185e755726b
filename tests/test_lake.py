"""A DuckLake warehouse on a real PostgreSQL catalog (tests/postgres.py) with Parquet
data, through the real DuckDB extensions: the same schema, CLI and alerts as a
DuckDB file, no password anywhere, and two `pactwatch run` processes at once on
one lake storing every article once and delivering every alert once per channel.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pactwatch.warehouse.db import open_reader, open_writer
from pactwatch.warehouse.lake import Lake
from pactwatch.warehouse.query import describe_schema

from .clirun import CliProcess, clean_env
from .conftest import SAMPLE_SITE, SmtpSink
from .newsroom import Desk, Newsroom, kinds, story
from .postgres import PASSWORD, Cluster, pgpassword

pytestmark = pytest.mark.integration

SIGNING = "lake-signing-secret"

ILRS_17 = story(
    "station-roster",
    "Lunar station partners counted",
    "2026-10-05T08:00:00Z",
    "BEIJING — The International Lunar Research Station has 17 members, "
    "officials at the space agency said on Monday.",
    "A review of the project's timetable is due before the end of the year.",
)
ILRS_13 = story(
    "station-shrinks",
    "Lunar station loses partners",
    "2026-11-12T08:00:00Z",
    "BEIJING — The International Lunar Research Station now counts 13 members "
    "after four partners withdrew, a project spokesperson said on Thursday.",
    "The spokesperson did not name the departing partners.",
)
PERU_52 = story(
    "peru-accords",
    "Peru signs lunar accords",
    "2026-10-06T15:00:00Z",
    "LIMA — Peru signed the Artemis Accords on Tuesday, becoming the 52nd country "
    "to join the US-led framework.",
    "The foreign minister said the country hoped to train its first astronauts.",
)
URUGUAY_53 = story(
    "uruguay-accords",
    "Uruguay joins the Artemis Accords",
    "2026-11-14T13:00:00Z",
    "MONTEVIDEO — Uruguay became the 53rd nation to sign the Artemis Accords on Friday.",
    "Officials said a university consortium would lead the country's first payload.",
)

# Joins without an ordinal: no count moves, so what is announced does not depend on
# which of two concurrent runs stores its copy first.
PERU_SIGNS = story(
    "peru-signs",
    "Peru signs the accords",
    "2026-10-06T15:00:00Z",
    "LIMA — Peru signed the Artemis Accords on Tuesday at a ceremony at the foreign ministry.",
    "The minister said the country hoped to train its first astronauts.",
)
URUGUAY_SIGNS = story(
    "uruguay-signs",
    "Uruguay signs the accords",
    "2026-10-09T11:00:00Z",
    "MONTEVIDEO — Uruguay signed the Artemis Accords on Friday, officials said.",
    "A university consortium is to lead the country's first payload.",
)


def lake_section(pg: Cluster, data: Path, *, password: bool = True) -> str:
    dbname = pg.create_database()
    catalog = pg.conninfo(dbname, password=password)
    return f'catalog = "postgres:{catalog}"\ndata_path = "{data}"'


def lake_of(section: str) -> Lake:
    values = dict(line.split(" = ", 1) for line in section.splitlines())
    return Lake(json.loads(values["catalog"]), json.loads(values["data_path"]))


def no_password_in(*places: Path | str) -> None:
    for place in places:
        if isinstance(place, Path):
            files = [place] if place.is_file() else [p for p in place.rglob("*") if p.is_file()]
            for f in files:
                assert PASSWORD.encode() not in f.read_bytes(), f
        else:
            assert PASSWORD not in place


def test_lake_schema_is_the_file_schema(pg_cluster: Cluster, tmp_path: Path) -> None:
    lake = lake_of(lake_section(pg_cluster, tmp_path / "data"))
    with open_writer(lake) as con:
        assert str(con.execute("SELECT current_database()").fetchone()[0]).startswith("lake")
    query = (
        "SELECT table_name, column_name, data_type FROM duckdb_columns()"
        " WHERE database_name = current_database() ORDER BY table_name, column_index"
    )
    with open_reader(lake) as con:
        on_lake = con.execute(query).fetchall()
        lake_comments = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE database_name = 'lake'"
            " UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE database_name = 'lake'"
        ).fetchall()
    with open_reader(tmp_path / "none.duckdb", missing_ok=True) as con:
        on_file = con.execute(query).fetchall()
    assert on_lake == on_file
    assert lake_comments and all(comment for _, comment in lake_comments)
    # `pactwatch sql --schema` describes every relation and column on a lake too
    relations = describe_schema(lake)
    assert {r.name for r in relations} >= {"articles", "claims", "alerts", "member_counts"}
    assert all(r.description for r in relations)
    assert all(c.description for r in relations for c in r.columns)
    # data live in Parquet files under data_path, nowhere else
    assert not list(tmp_path.glob("*.duckdb"))


def _desk(
    tmp_path: Path, name: str, room: Newsroom, smtp: Any, capsys: Any, warehouse: str
) -> Desk:
    folder = tmp_path / name
    folder.mkdir()
    return Desk(folder, room, smtp, capsys, outlets=["alpha", "beta"], warehouse=warehouse)


def test_cli_and_alerts_on_a_lake(
    pg_cluster: Cluster,
    tmp_path: Path,
    room: Newsroom,
    smtp_server: tuple[str, int, SmtpSink],
    prefect_harness: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The alert scenarios' news through a lake: the alerts a DuckDB file gives
    (tests/test_alerts_counts.py), every CLI command working on the lake, and the
    catalog's password in no output, table, export, report or catalog row."""
    monkeypatch.setenv("PACTWATCH_SCENARIO_SECRET", SIGNING)
    section = lake_section(pg_cluster, tmp_path / "lake-data")
    lake_desk = _desk(tmp_path, "lake", room, smtp_server, capsys, section)
    room.publish("alpha", ILRS_17)
    room.publish("beta", PERU_52)
    errors = [lake_desk.run()]  # the baseline
    room.publish("alpha", ILRS_13, URUGUAY_53)  # a syndicated copy of beta's story
    room.publish("beta", URUGUAY_53)
    errors.append(lake_desk.run())

    lake_alerts = lake_desk.alerts()
    assert sorted(kinds(lake_alerts)) == [
        ("member_count_changed", "artemis-accords", None),
        ("member_count_changed", "ilrs", None),
        ("member_joined", "artemis-accords", "UY"),
    ]
    moves = {
        a["coalition"]: (a["previous"]["value"], a["current"]["value"])
        for a in lake_alerts
        if a["kind"] == "member_count_changed"
    }
    assert moves == {"ilrs": (17, 13), "artemis-accords": (52, 53)}
    assert len(lake_desk.subjects) == 3  # one email per alert
    assert "[pactwatch] ILRS members: 17 -> 13" in lake_desk.subjects
    assert "[pactwatch] Artemis Accords members: 52 -> 53" in lake_desk.subjects
    uruguay = next(a for a in lake_alerts if a["kind"] == "member_joined")
    assert len(uruguay["evidence"]) == 2  # one alert for the story and its copy
    assert all(d["status"] == "delivered" for a in lake_alerts for d in a["deliveries"])
    assert sorted(p["id"] for p in room.sent) == sorted(a["id"] for a in lake_alerts)
    views = "select coalition, value from current_state order by coalition"
    assert lake_desk.sql(views) == [
        {"coalition": "artemis-accords", "value": 53},
        {"coalition": "ilrs", "value": 13},
    ]

    # the other commands, on the lake
    code, out, err = lake_desk.cli("sources", "--json")
    assert code == 0, err
    assert sorted(json.loads(line)["name"] for line in out.splitlines()) == ["alpha", "beta"]
    assert lake_desk.cli("deliver", "--retry-failed")[0] == 0
    code, _, err = lake_desk.cli("reextract", "--all")
    assert code == 0, err
    assert len(lake_desk.alerts()) == 3  # re-extracting never alerts twice
    export = tmp_path / "export"
    code, _, err = lake_desk.cli("export", str(export))
    assert code == 0, err
    exported = duckdb.sql(f"SELECT count(*) FROM '{export / 'articles.parquet'}'").fetchone()
    assert exported == (5,)
    report = tmp_path / "report.html"
    code, _, err = lake_desk.cli("report", "--out", str(report))
    assert code == 0, err
    # the reader is a sandbox on a lake too
    code, _, err = lake_desk.cli("sql", "select * from read_text('/etc/hostname')")
    assert code == 2 and "refused" in err, err

    code, out, err = lake_desk.cli("sql", "select summary from runs")
    no_password_in(*errors, out, err, export, report, tmp_path / "lake-data")
    rows = pg_rows(pg_cluster, lake_of(section))
    assert rows and not any(PASSWORD in r for r in rows)


def pg_rows(pg: Cluster, lake: Lake) -> list[str]:
    """Every text the catalog database holds in DuckLake's tables, as one string each."""
    import psycopg

    with psycopg.connect(lake.conninfo) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_name LIKE 'ducklake%'"
            ).fetchall()
        ]
        out: list[str] = []
        for table in tables:
            out += [str(row) for row in con.execute(f"SELECT * FROM {table}").fetchall()]  # type: ignore[call-overload]
    return out


class Hooks:
    """Two webhook channels' receivers on the test server: every request kept."""

    def __init__(self, server: HTTPServer) -> None:
        self.got: dict[str, list[str]] = {"one": [], "two": []}
        for name in self.got:
            server.expect_request(f"/{name}", method="POST").respond_with_handler(
                lambda request, name=name: self.take(name, request)
            )

    def take(self, name: str, request: Request) -> Response:
        self.got[name].append(request.headers["Idempotency-Key"])
        return Response("", status=204)


def test_two_runs_at_once_store_once_and_deliver_once(
    pg_cluster: Cluster,
    tmp_path: Path,
    httpserver: HTTPServer,
    room: Newsroom,
    prefect_harness: None,
) -> None:
    """Two `pactwatch run` processes started together on two source groups of one
    lake. The groups overlap: both read the `beta` feed (one under another name), and
    `gamma` carries a syndicated copy of `alpha`'s story. Every article is stored
    once, each change is one alert, and each alert reaches each channel once."""
    from prefect.settings import PREFECT_API_URL

    hooks = Hooks(httpserver)
    room.publish("alpha", PERU_SIGNS)
    room.publish("gamma", PERU_SIGNS)  # a syndicated copy at another address
    room.publish("beta", ILRS_17, URUGUAY_SIGNS)
    section = lake_section(pg_cluster, tmp_path / "data", password=False)
    config = tmp_path / "pactwatch.toml"
    feeds = {"alpha": "alpha", "beta": "beta", "gamma": "gamma", "beta-mirror": "beta"}
    sources = "".join(
        f'[[sources]]\nname = "{name}"\nfeed = "{room.outlet(outlet)}"\n\n'
        for name, outlet in feeds.items()
    )
    channels = "".join(
        f'[[channels]]\ntype = "webhook"\nname = "{n}"\nurl = "{room.base}/{n}"\n\n'
        for n in ("one", "two")
    )
    config.write_text(
        f"[warehouse]\n{section}\nlock_timeout = 60\n\n[fetch]\nretries = 0\n\n"
        f"[alerts]\nbaseline = false\n\n{sources}{channels}",
        encoding="utf-8",
    )
    # The password comes from PGPASSWORD this time; both use the session's Prefect API.
    env = clean_env({"PGPASSWORD": PASSWORD, "PREFECT_API_URL": str(PREFECT_API_URL.value())})
    groups = (["alpha", "beta"], ["gamma", "beta-mirror"])
    procs = [
        CliProcess(
            ["run", "--config", str(config), *(a for n in g for a in ("--source", n))],
            cwd=tmp_path,
            env=env,
        )
        for g in groups
    ]
    try:
        for proc in procs:
            assert proc.wait(timeout=240) == 0, proc.err.text()
            assert "Traceback" not in proc.err.text()
            no_password_in(proc.err.text(), proc.out.text())
    finally:
        for proc in procs:
            proc.kill()

    lake = lake_of(section)
    with pgpassword(), open_reader(lake) as con:
        per_url = con.execute("SELECT url, count(*) FROM articles GROUP BY url").fetchall()
        stories = con.execute("SELECT count(DISTINCT story_id), count(*) FROM articles").fetchone()
        alerts = con.execute("SELECT id, kind, coalition, actor FROM alerts").fetchall()
        deliveries = con.execute(
            "SELECT alert_id, channel, status FROM deliveries ORDER BY all"
        ).fetchall()
        runs = con.execute("SELECT started_at, finished_at, status FROM runs").fetchall()
    # the two runs did overlap in time, and both finished well
    assert len(runs) == 2 and {r[2] for r in runs} == {"ok"}
    assert max(r[0] for r in runs) < min(r[1] for r in runs)
    assert len(per_url) == 4 and all(n == 1 for _, n in per_url)
    assert stories == (3, 4)  # gamma's copy joins alpha's story
    # Joins announced from nothing: the same alerts in whatever order the runs store.
    assert sorted((k, c, a) for _, k, c, a in alerts) == [
        ("member_joined", "artemis-accords", "PE"),
        ("member_joined", "artemis-accords", "UY"),
    ]
    ids = sorted(a[0] for a in alerts)
    assert len(set(ids)) == len(ids)
    assert deliveries == sorted((i, ch, "delivered") for i in ids for ch in ("one", "two"))
    for name, keys in hooks.got.items():
        assert Counter(keys) == Counter(ids), name
    assert duckdb.__version__ == "1.5.5"


def test_a_lake_keeps_its_prefect_home_beside_its_configuration(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    """A lake has no file to keep Prefect's history beside: a real `pactwatch run`
    with no Prefect settings keeps it in `.pactwatch-prefect/` in the configuration's
    folder (not ~/.prefect, not the current folder, not among the lake's data). An
    operator's PREFECT_HOME or PREFECT_API_URL wins, as for a DuckDB file."""
    home = tmp_path / "home"
    home.mkdir()
    etc = tmp_path / "etc"
    etc.mkdir()
    section = lake_section(pg_cluster, tmp_path / "lake-data")
    config = etc / "pactwatch.toml"
    config.write_text(
        f'[warehouse]\n{section}\n\n[[sources]]\nname = "local"\npath = "{SAMPLE_SITE / "news"}"\n',
        encoding="utf-8",
    )
    proc = CliProcess(
        ["run", "-q", "--config", str(config)], cwd=tmp_path, env=clean_env({"HOME": str(home)})
    )
    assert proc.wait(300) == 0, proc.err.text()
    prefect_db = etc / ".pactwatch-prefect" / "prefect.db"
    assert prefect_db.is_file(), proc.err.text()
    with open_reader(lake_of(section)) as con:
        (run_id,) = (str(r[0]) for r in con.execute("SELECT id FROM runs").fetchall())
    db = sqlite3.connect(prefect_db)
    try:
        flow_runs = [str(r[0]) for r in db.execute("SELECT name FROM flow_run").fetchall()]
    finally:
        db.close()
    assert run_id in flow_runs
    assert not (home / ".prefect").exists()
    assert not (tmp_path / ".pactwatch-prefect").exists()
    assert not list((tmp_path / "lake-data").rglob(".pactwatch-prefect"))
    no_password_in(etc / ".pactwatch-prefect")

    # The CLI's choice, made before Prefect is imported, in a fresh process each time.
    probe = (
        "import os, sys\n"
        "from pactwatch.flows.config import load_config\n"
        "from pactwatch.flows.prefect_api import use_warehouse_home\n"
        "print(use_warehouse_home(load_config(sys.argv[1]).local_anchor),"
        " os.environ.get('PREFECT_HOME'))\n"
    )
    own = str(tmp_path / "own-prefect")
    for extra, expected in (
        ({}, f"{etc / '.pactwatch-prefect'} {etc / '.pactwatch-prefect'}"),
        ({"PREFECT_HOME": own}, f"None {own}"),
        ({"PREFECT_API_URL": "http://127.0.0.1:9/api"}, "None None"),
    ):
        out = subprocess.run(
            [sys.executable, "-c", probe, str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            env=clean_env({"HOME": str(home), **extra}),
            check=True,
        ).stdout.strip()
        assert out == expected, extra
