"""The local executor: stories are read and analysed in this process (`workers` 1) or in
worker processes, while this process alone holds the model and embeds, so the model is
loaded once however many workers run. Stories are read ahead and embedded together, a few
thousand claims per encoder call: that batches them by length with less padding than one
call per story (ECB+: 68 s per story against 55 s in one call)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck import pipeline
from claimcheck.batch.contract import Deliver, Failure, Job
from claimcheck.config import CheckConfig
from claimcheck.embed import Embedder, LazyEmbedder
from claimcheck.store import open_cache

# Claims embedded per encoder call.
EMBED_CHUNK = 4096
# How often a worker checks that its batch is still there (seconds).
PARENT_POLL_S = 1.0


def run_local(
    jobs: Sequence[Job], config: CheckConfig, embedder: Embedder | None, deliver: Deliver, *, workers: int = 1
) -> dict[str, Any]:
    """Check the stories of `jobs`, reading and analysing them in `workers` processes."""
    embed = LazyEmbedder(config, embedder)  # loaded only when the cache lacks a text
    pool: Any = _Inline() if workers == 1 else _pool(workers)
    waiting = list(reversed(jobs))
    reading: dict[Future[pipeline.Prepared], Job] = {}
    analysing: dict[Future[pipeline.StoryChecked], Job] = {}
    read: list[tuple[Job, pipeline.Prepared]] = []  # waiting for vectors

    def settle(future: Future[Any]) -> None:
        job = reading.pop(future) if future in reading else analysing.pop(future)
        try:
            result = future.result()
        except BrokenProcessPool:
            raise
        except Exception as exc:  # one story's failure is recorded; the run goes on
            deliver(job, Failure.of(exc))
            return
        if isinstance(result, pipeline.StoryChecked):
            deliver(job, result)
        else:
            read.append((job, result))

    with open_cache(config) as cache:
        try:
            while waiting or reading or analysing or read:
                pending = sum(len(p.claims) for _, p in read)
                while waiting and len(reading) < 2 * workers and pending < EMBED_CHUNK:
                    job = waiting.pop()
                    reading[pool.submit(pipeline.prepare_story, job.story, config)] = job
                if read and (pending >= EMBED_CHUNK or not (reading or waiting)):
                    batch, read = read, []
                    for (job, prepared), (vectors, seconds) in zip(
                        batch, _embed_together([p for _, p in batch], embed, config, cache), strict=True
                    ):
                        future = pool.submit(pipeline.finish_story, prepared, vectors, config, job.decisions, seconds)
                        analysing[future] = job
                        if future.done():  # run in this process: delivered before the next story starts
                            settle(future)
                running: list[Future[Any]] = [*reading, *analysing]
                if running:
                    for future in wait(running, return_when=FIRST_COMPLETED)[0]:
                        settle(future)
        except BrokenProcessPool:
            # a worker died (killed, out of memory): every story not yet delivered fails
            held = [*reading.values(), *analysing.values(), *(j for j, _ in read), *reversed(waiting)]
            for job in held:
                deliver(job, Failure("its worker process died (killed or out of memory); run it again with --resume"))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return {}


def _embed_together(
    stories: Sequence[pipeline.Prepared], embed: Embedder, config: CheckConfig, cache: Any
) -> list[tuple[np.ndarray, float]]:
    """Each story's vectors from one encoder call, and its share of the time it took."""
    started = time.perf_counter()
    claims = [c for p in stories for c in p.claims]
    vectors = pipeline.embed_claims(claims, embed, config, cache)
    seconds = time.perf_counter() - started
    out, at = [], 0
    for p in stories:
        n = len(p.claims)
        out.append((vectors[at : at + n], seconds * n / max(len(claims), 1)))
        at += n
    return out


def _pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing

    # forkserver: workers start clean, without this process's model, threads or open files
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


def _start_worker(parent: int) -> None:
    """A worker reads, parses and analyses; this process alone embeds (and spaCy leaves torch
    out of a worker: nlp.py)."""
    _exit_with(parent)


def _exit_with(parent: int) -> None:
    """Make this worker exit once the batch that started it is gone. A worker waits on a
    queue whose writing end it holds itself, so a batch killed with -9 would leave it
    re-parented and alive for good, holding its memory (some 200 MB) and the output pipe."""
    server = os.getppid()  # the forkserver, which exits when the batch does

    def watch() -> None:
        while not _gone(parent) and os.getppid() == server:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="claimcheck-parent-watch", daemon=True).start()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # its number now belongs to another user's process
        return True
    try:  # killed but not yet reaped by what started it (a zombie), it still holds its pipes
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in {"Z", "X"}
    except (OSError, IndexError):  # no /proc (macOS): the signal test above is all there is
        return False


class _Inline:
    """The pool of one worker: runs each call at once, in this process."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass
