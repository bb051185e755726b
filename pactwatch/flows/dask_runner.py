"""Parse-and-extract on Dask workers: `[run] task_runner = "dask"`.

Fetching and storing stay in the run's own process (one writer to the
warehouse, the per-host politeness gates shared by the fetch threads); only
the CPU-heavy step, turning page bytes into articles and claims, goes to the
workers. A Prefect task call costs about 20 ms, so each task takes a chunk of
`[run] chunk_size` documents, never one article. Each worker process loads the
spaCy pipeline once (a worker plugin loads it when the worker joins, and
`load_pipeline` is cached per process), not once per chunk.

The cluster is a `distributed.LocalCluster` of `[run] dask_workers` processes
(one per CPU by default) bound to 127.0.0.1, with no dashboard (the scheduler's own
HTTP endpoint takes a free loopback port, never 8787 on every interface), started in the
background while the run reads the warehouse and fetches; or the scheduler at
`[run] task_runner_address`, whose workers must have pactwatch and the model
installed. Chunks are cut in document order and joined back in that order, so
the claims are exactly those of the default runner.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from distributed import WorkerPlugin
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from pactwatch.errors import PactwatchError
from pactwatch.parsers.gazetteer import Gazetteer

from .config import ActorEntry, Config
from .ingest import Document, Extraction, Harvest, chunked, extract_documents
from .runtime import gazetteer_for, load_extractor

__all__ = ["DaskExtractor", "LoadModel", "extract_chunk_task"]

# How long to wait for the scheduler at `task_runner_address` before giving up.
CONNECT_TIMEOUT = "10s"


_GAZETTEERS: dict[tuple[ActorEntry, ...], Gazetteer] = {}


def _gazetteer(cfg: Config) -> Gazetteer:
    """The run's gazetteer, built once per worker process for a given actor list."""
    key = cfg.gazetteer.actors
    gaz = _GAZETTEERS.get(key)
    if gaz is None:
        gaz = _GAZETTEERS[key] = gazetteer_for(cfg)
    return gaz


@task(name="parse-and-extract-chunk", cache_policy=NO_CACHE)
def extract_chunk_task(
    cfg: Config, source: str, documents: Sequence[Document], known_hashes: Mapping[str, str]
) -> Extraction:
    """Articles and claims of one chunk of one source's documents, on a Dask worker."""
    load_extractor(cfg)  # cached: once per worker process (the plugin has usually done it)
    batch, problems = extract_documents(
        documents,
        gazetteer=_gazetteer(cfg),
        model=cfg.extract.model,
        known_hashes=known_hashes,
    )
    return Extraction(
        source=source,
        batch=tuple((article, tuple(claims)) for article, claims in batch),
        problems=tuple(problems),
    )


class LoadModel(WorkerPlugin):
    """A Dask worker plugin: load the spaCy pipeline when the worker starts, so the
    first chunk does not wait for it and no chunk ever loads it again."""

    name = "pactwatch-load-model"

    def __init__(self, model: str) -> None:
        self.model = model

    def setup(self, worker: Any) -> None:
        from pactwatch.parsers.nlp import load_pipeline

        load_pipeline(self.model)


def _runner(cfg: Config) -> Any:
    from prefect_dask.task_runners import DaskTaskRunner

    run = cfg.run
    if run.task_runner_address:
        return DaskTaskRunner(
            address=run.task_runner_address, client_kwargs={"timeout": CONNECT_TIMEOUT}
        )
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": run.dask_workers or os.cpu_count() or 1,
            "threads_per_worker": 1,
            "processes": True,
            "host": "127.0.0.1",
            "dashboard_address": "127.0.0.1:0",
        },
    )


class DaskExtractor:
    """The Dask task runner of one run: started on entry (the cluster comes up in the
    background), chunks submitted per source, stopped on exit."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.runner = _runner(cfg)
        self._ready = threading.Thread(target=self._connect, name="pactwatch-dask", daemon=True)
        self._error: BaseException | None = None

    def _where(self) -> str:
        address = self.cfg.run.task_runner_address
        return f"the Dask scheduler at {address}" if address else "a local Dask cluster"

    def _connect(self) -> None:
        try:
            client = self.runner.client  # starts the local cluster or connects
            client.register_plugin(LoadModel(self.cfg.extract.model), name=LoadModel.name)
        except BaseException as exc:  # re-raised in the run's thread by wait_ready()
            self._error = exc

    def __enter__(self) -> DaskExtractor:
        self.runner.__enter__()
        self._ready.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._ready.join()
        self.runner.__exit__(*exc)

    def wait_ready(self) -> None:
        """Block until the cluster is up; a cluster that cannot be had is one line."""
        self._ready.join()
        error = self._error
        if error is None:
            return
        if isinstance(error, PactwatchError):
            raise error
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PactwatchError(f"cannot start parse-and-extract on {self._where()}: {detail}")

    def submit(
        self,
        harvest: Harvest,
        known_hashes: Mapping[str, str],
        on_done: Callable[[], None],
    ) -> list[PrefectFuture[Extraction]]:
        """One task per chunk of `harvest`'s documents; `on_done` is called (from any
        thread) once all of them have finished."""
        self.wait_ready()
        chunks = chunked(harvest.documents, self.cfg.run.chunk_size)
        left = [len(chunks)]
        lock = threading.Lock()

        def one_done(_: object) -> None:
            with lock:
                left[0] -= 1
                last = left[0] == 0
            if last:
                on_done()

        futures: list[PrefectFuture[Extraction]] = [
            self.runner.submit(
                extract_chunk_task,
                parameters={
                    "cfg": self.cfg,
                    "source": harvest.source,
                    "documents": chunk,
                    "known_hashes": known_hashes,
                },
            )
            for chunk in chunks
        ]
        for fut in futures:
            fut.add_done_callback(one_done)
        return futures
