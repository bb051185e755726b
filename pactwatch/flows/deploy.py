"""`pactwatch deploy`: the run flow as Prefect deployments on a process work pool,
one deployment per source group, so workers on several machines share the sources.

A deployment names the flow by module path (`pactwatch.flows.pipeline`), so a
worker needs pactwatch installed, not a copy of any code; its parameters are the
configuration file (the same path on every worker machine) and the group's
sources. Workers started with `prefect worker start --pool NAME` pick the runs up.
With more than one machine the warehouse must be a DuckLake (`[warehouse]
catalog`), which many writers share; a DuckDB file is one machine's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactwatch.errors import ConfigError, PactwatchError, UsageError

from .config import Config

__all__ = ["Deployed", "deploy_groups", "parse_groups"]

FLOW_NAME = "pactwatch-run"


@dataclass(frozen=True, slots=True)
class Deployed:
    """One deployment written to the Prefect server."""

    name: str  # deployment name; Prefect shows it as pactwatch-run/<name>
    sources: tuple[str, ...]
    pool: str
    id: str

    @property
    def full_name(self) -> str:
        return f"{FLOW_NAME}/{self.name}"


def parse_groups(specs: Sequence[str], cfg: Config) -> dict[str, tuple[str, ...]]:
    """`NAME=SOURCE,SOURCE` specs as {group: sources}; without any, one group per
    enabled source. Unknown sources, empty or repeated groups are errors."""
    if not specs:
        groups: dict[str, tuple[str, ...]] = {s.name: (s.name,) for s in cfg.sources if s.enabled}
        if not groups:
            raise ConfigError(
                f"{cfg.file or 'built-in configuration'}: no sources to deploy"
                " (add a [[sources]] table with feed, page or path)"
            )
        return groups
    out: dict[str, tuple[str, ...]] = {}
    for spec in specs:
        name, sep, listed = spec.partition("=")
        name = name.strip()
        sources = tuple(s.strip() for s in listed.split(",") if s.strip())
        if not sep or not name or not sources:
            raise UsageError(f"--group {spec!r}: write NAME=SOURCE[,SOURCE...]")
        if name in out:
            raise UsageError(f"--group {name!r} is given twice")
        for source in sources:
            cfg.source(source)  # ConfigError naming the closest source
        out[name] = sources
    return out


def _ensure_pool(client: Any, pool: str) -> bool:
    """Create the process work pool when missing; True if it was created."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    try:
        found = client.read_work_pool(pool)
    except ObjectNotFound:
        client.create_work_pool(
            WorkPoolCreate(
                name=pool,
                type=ProcessWorker.type,
                base_job_template=ProcessWorker.get_default_base_job_template(),
                description="pactwatch runs, one deployment per source group",
            )
        )
        return True
    if found.type != ProcessWorker.type:
        raise UsageError(
            f"work pool {pool!r} is of type {found.type!r}; pactwatch deploys to a process pool"
        )
    return False


def deploy_groups(
    cfg: Config,
    groups: Mapping[str, Sequence[str]],
    *,
    pool: str,
    prefix: str = "pactwatch-",
    cron: str | None = None,
    interval: float | None = None,
    say: Callable[[str], None] = lambda _line: None,
) -> list[Deployed]:
    """Create (or update) the pool and one deployment per group on the Prefect server
    of PREFECT_API_URL. A deployment runs at most one flow run at a time."""
    if not os.environ.get("PREFECT_API_URL"):
        raise UsageError(
            "pactwatch deploy needs a Prefect server: start one (prefect server start)"
            " and set PREFECT_API_URL, e.g. http://127.0.0.1:4200/api"
        )
    if cfg.file is None:
        raise UsageError("pactwatch deploy needs a configuration file (--config FILE)")
    if cfg.lake is None:
        say(
            "the warehouse is a DuckDB file: only workers on this machine can share it;"
            " for workers on several machines use a DuckLake ([warehouse] catalog)"
        )
    from prefect.client.orchestration import get_client
    from prefect.deployments.runner import EntrypointType  # type: ignore[attr-defined]

    from .pipeline import pactwatch_run

    config_path = str(Path(cfg.file).resolve())
    try:
        with get_client(sync_client=True) as client:
            if _ensure_pool(client, pool):
                say(f"created the process work pool {pool!r}")
        out: list[Deployed] = []
        for group, sources in groups.items():
            deployment: Any = pactwatch_run.to_deployment(
                name=f"{prefix}{group}",
                cron=cron,
                interval=interval,
                parameters={"config_path": config_path, "source_names": list(sources)},
                description=f"pactwatch run over the source group {group!r}",
                tags=["pactwatch", f"group:{group}"],
                work_pool_name=pool,
                # One run of a group at a time; other groups run beside it.
                concurrency_limit=1,
                # Failed sources or deliveries end the flow run Failed, as under serve.
                job_variables={"env": {"PACTWATCH_SERVED": "1"}},
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
            out.append(Deployed(f"{prefix}{group}", tuple(sources), pool, str(deployment.apply())))
    except PactwatchError:
        raise
    except Exception as exc:  # the server refused or is unreachable: one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PactwatchError(f"cannot deploy to the Prefect server: {first}") from None
    return out
