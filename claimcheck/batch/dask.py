"""The Dask executor (`batch --executor dask`): this process reads each story (stage 1) and a
Dask worker checks it whole (`pipeline.check_story`: claims, embedding, analysis, reports);
the run writes what comes back. Workers need claimcheck and its model installed, and no
shared storage: the documents travel with the task. Imported only for this executor, so the
core install never needs Dask (`pip install 'claimcheck[dask]'`)."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import socket
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimcheck import pipeline
from claimcheck.batch.contract import Deliver, Failure, Job, sigint_handled_by
from claimcheck.config import CheckConfig, default_cache_dir
from claimcheck.embed import Embedder, LazyEmbedder
from claimcheck.errors import ClusterError
from claimcheck.types import Decision

try:
    import dask
    from distributed import Client, Future, LocalCluster, WorkerPlugin, as_completed, get_worker
    from distributed.scheduler import KilledWorker
except ImportError as exc:  # the extra is not installed
    raise ClusterError(f"--executor dask needs Dask ({exc}); install it with: pip install 'claimcheck[dask]'") from None

log = logging.getLogger(__name__)

# How long a run waits for an existing cluster's scheduler to answer, and for its first worker.
CONNECT_TIMEOUT = "30s"
WORKER_WAIT_S = 120
# Each worker's model, loaded on its first cache miss, by plugin name (set up in the worker).
_EMBEDDERS: dict[str, tuple[LazyEmbedder, Path | None]] = {}


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


def check_on_worker(
    source: pipeline.StoryInput, config: CheckConfig, decisions: Mapping[str, Decision], plugin: str
) -> tuple[pipeline.StoryChecked, str]:
    """One story, whole, on a worker, with the worker's model and cache; and the worker's address."""
    if plugin not in _EMBEDDERS:
        raise ClusterError(f"worker {get_worker().address} has not set up claimcheck's plugin {plugin}")
    embed, cache_dir = _EMBEDDERS[plugin]
    checked = pipeline.check_story(source, replace(config, cache_dir=cache_dir), embed, decisions)
    return checked, get_worker().address


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
    jobs: Sequence[Job],
    config: CheckConfig,
    embedder: Embedder | None,
    deliver: Deliver,
    *,
    scheduler: str | None = None,
    workers: int = 1,
    on_cluster: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Check the stories on the cluster at `scheduler`, or on a LocalCluster of `workers`
    processes. Returns what run.json says of the cluster: its address, dashboard and, per
    worker, stories and peak memory."""
    client, cluster = _connect(scheduler, workers)
    plugin = StoryPlugin(config, embedder)
    pending: dict[Future[Any], Job] = {}
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
        queue = list(reversed(jobs))
        finished = as_completed()

        def submit() -> None:
            while queue:
                job = queue.pop()
                try:
                    source = pipeline.read_story(job.story, config)
                except Exception as exc:  # a bug in reading: this story fails, the run goes on
                    deliver(job, Failure.of(exc))
                    continue
                if not source.documents:  # nothing to send
                    where = [source.story.folder or source.story.name]
                    deliver(job, Failure(pipeline.no_articles(source.problems, where)))
                    continue
                # retries: a task that raises runs once more; a task whose worker dies is rescheduled
                # by the scheduler up to its allowed-failures (set to 1 for our own LocalCluster)
                future = client.submit(
                    check_on_worker, source, config, job.decisions, plugin.name, pure=False, retries=1
                )
                pending[future] = job
                finished.add(future)
                return

        # a few stories per worker thread in flight: the cluster never idles, and this process
        # holds the documents of only those stories, however many the run has
        for _ in range(min(len(queue), 2 * threads + 2)):
            submit()
        for future in finished:
            job = pending.pop(future)
            try:
                # a result lost with its worker since it finished is computed again: this waits
                checked, worker = future.result()
            except Exception as exc:
                deliver(job, _failure(future, exc))
            else:
                future.release()  # else a worker lost later would recompute a story already written
                per_worker[worker] += 1
                deliver(job, checked)
            # the window follows the cluster as workers join or leave
            while queue and len(pending) < 2 * sum(client.nthreads().values()) + 2:
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
    from claimcheck import version

    return version.__version__


def _check_workers(client: Client) -> None:
    """Every worker runs the claimcheck this client runs: the reports, and --resume's
    fingerprints, depend on the code that made them."""
    from claimcheck import version

    try:
        versions = client.run(_claimcheck_version)
    except Exception as exc:  # the function cannot even be unpickled there
        raise ClusterError(
            f"the workers cannot run claimcheck ({type(exc).__name__}: {exc}); install claimcheck "
            f"{version.__version__} with its model package in every worker's environment"
        ) from None
    if odd := {w: v for w, v in versions.items() if v != version.__version__}:
        raise ClusterError(
            f"workers run another claimcheck than this one ({version.__version__}): "
            + ", ".join(f"{w} has {v}" for w, v in sorted(odd.items()))
        )


def _failure(future: Future[Any], exc: Exception) -> Failure:
    if future.status == "cancelled":
        return Failure("cancelled by the cluster; run it again with --resume")
    if isinstance(exc, KilledWorker):
        return Failure(
            "its worker died each time it ran (killed, or out of memory); "
            "give workers more memory or run it again with --resume"
        )
    return Failure.of(exc)


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
