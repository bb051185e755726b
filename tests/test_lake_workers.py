"""Prefect work pools and workers over one DuckLake: a real `prefect server start`
on a free loopback port, `pactwatch deploy` making a process work pool and one
deployment per source group, two `prefect worker start` processes, both
deployments triggered at once, and the lake (real PostgreSQL catalog) checked after.

On several machines it is the same with the server's URL in PREFECT_API_URL on
each (docs/scaling.md); here every process is on loopback.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from pactwatch.warehouse.db import open_reader

from . import workpool
from .newsroom import Newsroom
from .postgres import PASSWORD, Cluster, pgpassword
from .test_lake import ILRS_17, PERU_SIGNS, URUGUAY_SIGNS, Hooks, lake_of, lake_section

pytestmark = pytest.mark.integration

POOL = "lake-pool"


def test_two_workers_two_deployments_one_lake(
    pg_cluster: Cluster, tmp_path: Path, httpserver: HTTPServer, room: Newsroom
) -> None:
    hooks = Hooks(httpserver)
    room.publish("alpha", PERU_SIGNS)
    room.publish("gamma", PERU_SIGNS)
    room.publish("beta", ILRS_17, URUGUAY_SIGNS)
    section = lake_section(pg_cluster, tmp_path / "data", password=False)
    feeds = {"alpha": "alpha", "beta": "beta", "gamma": "gamma", "beta-mirror": "beta"}
    sources = "".join(
        f'[[sources]]\nname = "{n}"\nfeed = "{room.outlet(o)}"\n\n' for n, o in feeds.items()
    )
    channels = "".join(
        f'[[channels]]\ntype = "webhook"\nname = "{n}"\nurl = "{room.base}/{n}"\n\n'
        for n in ("one", "two")
    )
    config = tmp_path / "pactwatch.toml"
    config.write_text(
        f"[warehouse]\n{section}\nlock_timeout = 60\n\n[fetch]\nretries = 0\n\n"
        f"[alerts]\nbaseline = false\n\n{sources}{channels}",
        encoding="utf-8",
    )
    with workpool.pool_server(
        home=tmp_path / "server", client_home=tmp_path / "client", extra={"PGPASSWORD": PASSWORD}
    ) as (api, env):
        deploy = workpool.deploy(
            config,
            POOL,
            ["east=alpha,beta", "west=gamma,beta-mirror"],
            env=env,
            cwd=tmp_path,
            timeout=180,
        )
        assert deploy.returncode == 0, deploy.stderr
        assert "created the process work pool 'lake-pool'" in deploy.stderr
        names = [line.split("\t")[0] for line in deploy.stdout.splitlines()]
        assert names == ["pactwatch-run/pactwatch-east", "pactwatch-run/pactwatch-west"]
        with workpool.workers(
            POOL, ["w1", "w2"], api=api, env=env, logs=tmp_path, cwd=tmp_path, timeout=180
        ):
            runs = []
            for name in names:
                found, run = workpool.trigger(api, name)
                assert found["work_pool_name"] == POOL
                assert found["parameters"]["source_names"] in (
                    ["alpha", "beta"],
                    ["gamma", "beta-mirror"],
                )
                runs.append(run)
            finals = [workpool.final_states(api, [run], timeout=300)[0] for run in runs]
        per_worker = [(tmp_path / f"{n}.log").read_text(errors="replace") for n in ("w1", "w2")]
        logs = "\n".join(per_worker)
        # Each worker (limit 1) ran one of the two runs triggered together.
        assert [log.count("submitted to infrastructure") for log in per_worker] == [1, 1], logs
        for final in finals:
            assert final["state"]["type"] == "COMPLETED", logs
        assert PASSWORD not in logs

    lake = lake_of(section)
    with pgpassword(), open_reader(lake) as con:
        per_url = con.execute("SELECT url, count(*) FROM articles GROUP BY url").fetchall()
        alerts = con.execute("SELECT id, kind, actor FROM alerts").fetchall()
        deliveries = con.execute(
            "SELECT alert_id, channel, status FROM deliveries ORDER BY all"
        ).fetchall()
        runs_done = con.execute("SELECT status FROM runs").fetchall()
    assert runs_done == [("ok",), ("ok",)]
    assert len(per_url) == 4 and all(n == 1 for _, n in per_url)
    assert sorted((k, a) for _, k, a in alerts) == [
        ("member_joined", "PE"),
        ("member_joined", "UY"),
    ]
    ids = sorted(a[0] for a in alerts)
    assert deliveries == sorted((i, ch, "delivered") for i in ids for ch in ("one", "two"))
    for name, keys in hooks.got.items():
        assert Counter(keys) == Counter(ids), name
