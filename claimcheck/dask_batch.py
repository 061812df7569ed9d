"""`batch --executor dask`: each story runs whole on a Dask worker (read, claims, embed,
analyse, render) and the client writes its reports. Imported only for that executor, so the
core install never needs Dask (`pip install 'claimcheck[dask]'`)."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import socket
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from claimcheck.batch import (
    Job,
    Record,
    StoryResult,
    done_result,
    failed_result,
    finish_story,
    prepare_story,
    save_story,
    sidecars,
    sigint_handled_by,
)
from claimcheck.config import CheckConfig, default_cache_dir
from claimcheck.embed import Embedder, LazyEmbedder, embed_texts
from claimcheck.errors import ClusterError
from claimcheck.ingest import read_documents
from claimcheck.report import read_decisions
from claimcheck.store import EmbeddingCache
from claimcheck.types import Decision, Document, Problem

try:
    import dask
    from distributed import Client, Future, LocalCluster, WorkerPlugin, as_completed, get_worker
    from distributed.scheduler import KilledWorker
except ImportError as exc:  # the extra is not installed
    raise ClusterError(f"--executor dask needs Dask ({exc}); install it with: pip install 'claimcheck[dask]'") from None

log = logging.getLogger(__name__)

# A story whose files come to at most this many bytes travels with its task, so workers need
# no shared storage for it; a larger one is read by path (ECB+'s largest story is 0.1 MB).
SHIP_BYTES = 8 * 2**20
# How long a run waits for an existing cluster's scheduler to answer, and for its first worker.
CONNECT_TIMEOUT = "30s"
WORKER_WAIT_S = 120
# Each worker's model, loaded on its first cache miss, by plugin name (set up in the worker).
_EMBEDDERS: dict[str, tuple[LazyEmbedder, Path | None]] = {}


@dataclass(frozen=True, slots=True)
class StoryTask:
    """A story as sent to a worker."""

    job: Job
    # every file and sidecar of the story: its path as named here (what the reports show) and
    # either its contents, or its absolute path for a worker to read from shared storage
    sources: tuple[tuple[str, bytes | str], ...]


def story_task(job: Job) -> StoryTask:
    files = [*job.story.files, *sidecars(job.story)]
    try:
        small = sum(f.stat().st_size for f in files) <= SHIP_BYTES
    except OSError:
        small = False
    sources: list[tuple[str, bytes | str]] = []
    for f in files:
        try:
            sources.append((str(f), f.read_bytes() if small else str(f.resolve())))
        except OSError:  # the worker meets the same error and reports it for this file
            sources.append((str(f), str(f.resolve())))
    return StoryTask(job, tuple(sources))


def _reader(task: StoryTask) -> Callable[[Sequence[Path], CheckConfig], tuple[list[Document], list[Problem]]]:
    """read_documents for a task's sources: shipped contents are written to a temporary folder
    (each source folder its own, so sidecars stay beside their articles), and every document
    gets back the path it has on the client, so reports match the local executor's."""

    def read(files: Sequence[Path], config: CheckConfig) -> tuple[list[Document], list[Problem]]:
        with tempfile.TemporaryDirectory(prefix="claimcheck-") as tmp:
            real: dict[str, str] = {}
            folders: dict[Path, Path] = {}
            for name, source in task.sources:
                if isinstance(source, str):
                    real[name] = source
                    continue
                folder = folders.setdefault(Path(name).parent, Path(tmp) / str(len(folders)))
                folder.mkdir(exist_ok=True)
                (folder / Path(name).name).write_bytes(source)
                real[name] = str(folder / Path(name).name)
            documents, problems = read_documents([Path(real[str(f)]) for f in files], config)
        back = {v: k for k, v in real.items()}
        return [_renamed(d, back) for d in documents], problems

    return read


def _renamed(document: Document, back: dict[str, str]) -> Document:
    path = back.get(document.path, document.path)
    # ids fall back to the path when two files share a name
    doc_id = path + document.id[len(document.path) :] if document.id.startswith(document.path) else document.id
    return replace(document, path=path, id=doc_id)


class StoryPlugin(WorkerPlugin):
    """Gives each worker the run's model, loaded at most once per worker process, on its first
    cache miss (a warm rerun loads none); a worker that restarts gets it again."""

    def __init__(self, config: CheckConfig, embedder: Embedder | None) -> None:
        self.config = config
        self.embedder = embedder  # a test's stand-in; None loads config.model
        self.name = "claimcheck-" + hashlib.sha256(repr(config).encode()).hexdigest()[:12]

    def setup(self, worker: Any) -> None:
        _EMBEDDERS[self.name] = (LazyEmbedder(self.config, self.embedder), _cache_dir(self.config))

    def teardown(self, worker: Any) -> None:
        _EMBEDDERS.pop(self.name, None)


def _cache_dir(config: CheckConfig) -> Path | None:
    """The cache folder as given, or this worker's own default where it cannot be made or
    written (a folder of the client's machine on a remote worker)."""
    if config.cache_dir is None:
        return None
    for folder in dict.fromkeys((config.cache_dir, default_cache_dir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("embedding cache %s cannot be made on this worker (%s)", folder, exc)
            continue
        if os.access(folder, os.W_OK):
            return folder
        log.warning("embedding cache %s is not writable on this worker", folder)
    log.warning("this worker runs without an embedding cache")
    return None


def check_story(task: StoryTask, config: CheckConfig, decided: dict[str, Decision], plugin: str) -> dict[str, Any]:
    """One story, whole, on a worker; returns its figures and its three reports as text."""
    if plugin not in _EMBEDDERS:
        raise ClusterError(f"worker {get_worker().address} has not set up claimcheck's plugin {plugin}")
    embed, cache_dir = _EMBEDDERS[plugin]
    # a connection per story: SQLite connections stay in the thread that opened them
    cache = EmbeddingCache(cache_dir) if cache_dir is not None else None
    try:
        prepared = prepare_story(task.job.story, config, cache, read=_reader(task))
        started = time.perf_counter()
        vectors = embed_texts([c.text for c in prepared.claims], embed, config.model, cache)
        embedded = time.perf_counter() - started
    finally:
        if cache is not None:
            cache.close()
    done = finish_story(prepared, vectors, config, decided)
    done["stages"] = {"read_and_claims": prepared.seconds, "embed": embedded, **done["stages"]}
    done["worker"] = get_worker().address
    return done


def _peak_rss() -> int | None:
    """This process's peak resident memory in bytes (run on each worker at the end)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def run_on_dask(
    todo: Sequence[Job],
    config: CheckConfig,
    output: Path,
    embedder: Embedder | None,
    record: Record,
    scheduler: str | None,
    workers: int,
    on_cluster: Callable[[str], None] | None,
) -> dict[str, Any]:
    """Run the stories on the cluster at `scheduler`, or on a LocalCluster of `workers`
    processes; write each story's reports as it comes back. Returns what run.json says of
    the cluster: its address, dashboard and, per worker, stories and peak memory."""
    client, cluster = _connect(scheduler, workers)
    plugin = StoryPlugin(config, embedder)
    pending: dict[Future[dict[str, Any]], Job] = {}
    per_worker: Counter[str] = Counter()
    registered = False
    try:
        _check_workers(client)
        client.register_plugin(plugin)
        registered = True
        dashboard = client.dashboard_link if "dashboard" in client.scheduler_info().get("services", {}) else ""
        threads = sum(client.nthreads().values())
        if on_cluster:
            where = "a local cluster" if cluster is not None else f"the cluster at {scheduler}"
            on_cluster(
                f"dask: {where}, {len(client.nthreads())} workers, {threads} threads"
                + (f"; dashboard {dashboard}" if dashboard else "")
            )
        queue = list(reversed(todo))
        finished = as_completed()

        def submit() -> None:
            job = replace(queue.pop(), queued=time.perf_counter())
            decided = read_decisions(job.decisions) if job.decisions else {}
            # retries: a task that raises runs once more; a task whose worker dies is rescheduled
            # by the scheduler up to its allowed-failures (set to 1 for our own LocalCluster)
            future = client.submit(check_story, story_task(job), config, decided, plugin.name, pure=False, retries=1)
            pending[future] = job
            finished.add(future)

        # a few stories per worker thread in flight: the cluster never idles, and the client
        # holds the contents of only those stories, however many the run has
        for _ in range(min(len(queue), 2 * threads + 2)):
            submit()
        for future in finished:
            job = pending.pop(future)
            if future.status == "finished":
                done = future.result()
                future.release()  # else a worker lost later would recompute a story already written
                per_worker[done.pop("worker")] += 1
                save_story(output, job.story, done)
                record(done_result(job, done))
            else:
                record(_failure(job, future))
            # the window follows the cluster as workers join or leave
            if queue and len(pending) < 2 * sum(client.nthreads().values()) + 2:
                submit()
        peaks = client.run(_peak_rss)
        return {
            "scheduler": client.scheduler_info()["address"],
            "dashboard": dashboard,
            # a worker that left during the run (killed, restarted) is listed with no memory figure
            "workers": [
                {"address": a, "stories": per_worker[a], "peak_rss_mb": round(peak / 2**20) if peak else None}
                for a in sorted(set(peaks) | set(per_worker))
                for peak in [peaks.get(a)]
            ],
        }
    finally:
        if pending:
            client.cancel(list(pending))
        if registered and cluster is None:  # a shared cluster: give its workers their memory back
            try:
                client.unregister_worker_plugin(plugin.name)
            except Exception as exc:
                log.warning("could not remove claimcheck's plugin from the workers: %s", exc)
        client.close()
        if cluster is not None:
            cluster.close()


def _claimcheck_version() -> str:
    import claimcheck

    return claimcheck.__version__


def _check_workers(client: Client) -> None:
    """Every worker runs the claimcheck this client runs: the reports, and --resume's
    fingerprints, depend on the code that made them."""
    import claimcheck

    try:
        versions = client.run(_claimcheck_version)
    except Exception as exc:  # the function cannot even be unpickled there
        raise ClusterError(
            f"the workers cannot run claimcheck ({type(exc).__name__}: {exc}); install claimcheck "
            f"{claimcheck.__version__} with its model package in every worker's environment"
        ) from None
    if odd := {w: v for w, v in versions.items() if v != claimcheck.__version__}:
        raise ClusterError(
            f"workers run another claimcheck than this one ({claimcheck.__version__}): "
            + ", ".join(f"{w} has {v}" for w, v in sorted(odd.items()))
        )


def _failure(job: Job, future: Future[Any]) -> StoryResult:
    if future.status == "cancelled":
        return failed_result(job, RuntimeError(), "cancelled by the cluster; run it again with --resume")
    exc = future.exception()
    if isinstance(exc, KilledWorker):
        return failed_result(
            job,
            exc,
            "its worker died each time it ran (killed, or out of memory); "
            "give workers more memory or run it again with --resume",
        )
    return failed_result(job, exc)


def _connect(scheduler: str | None, workers: int) -> tuple[Client, LocalCluster | None]:
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise ClusterError(
                f"{scheduler}: no Dask scheduler answered ({exc}); start one with `dask scheduler` "
                "and workers with `dask worker ADDRESS`, or leave out --scheduler for a local cluster"
            ) from None
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError:
            client.close()
            raise ClusterError(
                f"{scheduler}: the scheduler has no workers (waited {WORKER_WAIT_S} s); start some with "
                f"`dask worker {scheduler} --nthreads 1`"
            ) from None
        return client, None
    # a story whose worker dies twice is recorded as failed rather than retried on every worker
    # its workers ignore Ctrl-C (spawned processes inherit that): a terminal sends it to the
    # whole process group, and they would die with tracebacks while the client, which owns
    # Ctrl-C, records the run and closes them
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), sigint_handled_by(signal.SIG_IGN):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,  # a story per worker at a time; its encoder has the one core
            processes=True,
            host="127.0.0.1",
            dashboard_address=f"127.0.0.1:{_dashboard_port()}",
            silence_logs=logging.ERROR,
        )
    return Client(cluster), cluster


def _dashboard_port(usual: int = 8787) -> int:
    """Dask's usual dashboard port where it is free, else any free port (the link is printed):
    asked for a taken port, Dask warns and leaks a socket before it picks another."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", usual))
        except OSError:
            return 0
    return usual
