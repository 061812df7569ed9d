"""Many stories, one run: find the stories under a folder, check each, write every report and
a summary across them. Unattended: a failing story is recorded and the run goes on; a story
whose inputs and settings are unchanged since the last run is not checked again (--resume)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck.config import CheckConfig
from claimcheck.embed import Embedder, LazyEmbedder, embed_texts
from claimcheck.errors import InputError
from claimcheck.ingest import META_SUFFIX, SUPPORTED, read_documents
from claimcheck.pipeline import analyse, cached_claims
from claimcheck.report import RENDERERS, read_decisions, render_batch_index, write_atomic
from claimcheck.store import EmbeddingCache
from claimcheck.types import Claim, Decision, Document, Problem

log = logging.getLogger(__name__)

RUN_FORMAT = "claimcheck-batch-1"
MANIFEST = "stories.jsonl"
# output names of the run itself; a story with one of these names gets a suffix
RESERVED = {"index", "run", "conflicts"}
STATUSES = ("done", "unchanged", "failed", "interrupted")
REPORT_FORMATS = ("json", "html", "csv")
EXECUTORS = ("local", "dask")


@dataclass(frozen=True, slots=True)
class Story:
    name: str  # folder path under the root ("desk/story") or the manifest's name
    slug: str  # file name stem of its reports
    files: tuple[Path, ...]  # every file given for the story, articles or not


@dataclass(frozen=True, slots=True)
class StoryResult:
    name: str
    slug: str
    status: str  # one of STATUSES
    fingerprint: str
    reason: str = ""  # why a story failed or was not run
    documents: int = 0
    claims: int = 0
    conflicts: int = 0
    by_severity: dict[str, int] = field(default_factory=lambda: {"high": 0, "medium": 0, "low": 0})
    # every input file of the story: {"path", "read" (documents taken from it), "problems"}
    files: tuple[dict[str, Any], ...] = ()
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage


@dataclass(frozen=True, slots=True)
class BatchRun:
    root: Path
    output: Path
    stories: tuple[StoryResult, ...]
    unassigned: tuple[Problem, ...]  # files under the root that belong to no story, and why
    interrupted: bool
    seconds: float


# Called after each story with (result, stories finished, stories in all).
StoryDone = Callable[[StoryResult, int, int], None]
# Reads a story's files: read_documents, or on a Dask worker one that reads shipped contents.
Reader = Callable[[Sequence[Path], CheckConfig], tuple[list[Document], list[Problem]]]


def discover_stories(root: Path, exclude: Path | None = None) -> tuple[list[Story], list[Problem]]:
    """Every folder under `root` that holds article files directly, and no story folders below
    it, is one story; or, when `root` is (or holds) a stories.jsonl manifest, the stories it
    names. Files that belong to no story are returned as problems: every file is accounted for."""
    if not root.exists():
        raise InputError(f"{root}: no such folder; give the folder that holds the story folders")
    if root.is_file():
        return _manifest_stories(root, exclude)
    manifest = root / MANIFEST
    if manifest.is_file() and _is_manifest(manifest):
        return _manifest_stories(manifest, exclude)
    folders = dict(_folders(root, exclude))
    holding = {f for f, files in folders.items() if any(_is_article(x) for x in files)}
    # a folder with story folders below it is a desk, not a story: its own files are loose
    desks = {parent for f in holding for parent in f.parents if parent in holding}
    stories: list[tuple[str, tuple[Path, ...]]] = []
    unassigned: list[Problem] = []
    for folder, files in folders.items():
        if folder in holding and folder not in desks:
            name = folder.relative_to(root).as_posix() if folder != root else root.resolve().name
            stories.append((name, tuple(f for f in files if not f.name.endswith(META_SUFFIX))))
            continue
        why = (
            "lies beside story folders, so it is in no story; move it into its story's folder"
            if folder in desks
            else "lies in a folder with no article files, so it is in no story; "
            "move it into a story folder or convert it to .txt/.html/.md/.json"
        )
        if folder == root and manifest.is_file():
            unassigned.append(
                Problem(
                    MANIFEST,
                    'is not a claimcheck manifest (its lines lack "story" and "paths"), so the story '
                    "folders were used instead",
                    skipped=False,
                )
            )
        unassigned += [Problem(f.relative_to(root).as_posix(), why) for f in files if f != manifest]
    return _with_slugs(stories), unassigned


def _is_article(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.endswith(META_SUFFIX)


def _is_manifest(path: Path) -> bool:
    """A stories.jsonl of ours, rather than another tool's file of the same name."""
    with path.open(encoding="utf-8", errors="replace") as lines:
        first = next((line for line in lines if line.strip()), "")
    try:
        entry = json.loads(first)
    except ValueError:
        return False
    return isinstance(entry, dict) and "story" in entry and "paths" in entry


def _folders(root: Path, exclude: Path | None) -> Iterator[tuple[Path, list[Path]]]:
    # linked folders are followed (desks link stories in), but not a link back to a folder
    # the walk is inside, so a link loop cannot make it endless
    skip = exclude.resolve() if exclude is not None else None
    for folder, dirs, names in os.walk(root, followlinks=True):
        here = Path(folder)
        inside = {here.resolve(), *here.resolve().parents}
        dirs[:] = [
            d
            for d in sorted(dirs)
            if not d.startswith(".") and (real := (here / d).resolve()) != skip and real not in inside
        ]
        files = sorted(here / n for n in names if not n.startswith("."))
        if files:
            yield here, files


def _manifest_stories(manifest: Path, exclude: Path | None) -> tuple[list[Story], list[Problem]]:
    base = manifest.parent
    stories: list[tuple[str, tuple[Path, ...]]] = []
    problems: list[Problem] = []
    named: set[Path] = set()
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{manifest.name} line {number}"
        try:
            entry = json.loads(line)
            name, paths = str(entry["story"]), entry["paths"]
            if not isinstance(paths, list) or not paths:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            problems.append(
                Problem(where, 'is not {"story": NAME, "paths": [FILE OR FOLDER, ...]}; that line is not run')
            )
            continue
        files: list[Path] = []
        for raw in paths:
            path = base / raw
            if path.is_dir():
                files += [f for _, fs in _folders(path, exclude) for f in fs if not f.name.endswith(META_SUFFIX)]
            elif path.is_file():
                files.append(path)
            else:
                problems.append(Problem(f"{where}: {raw}", "no such file or folder; fix the path in the manifest"))
        named.update(f.resolve() for f in files)
        stories.append((name, tuple(files)))
    if manifest.parent.is_dir():
        for _, files in _folders(base, exclude):
            problems += [
                Problem(f.relative_to(base).as_posix(), f"is named by no story in {manifest.name}; it was not checked")
                for f in files
                if f.resolve() not in named and f != manifest and not f.name.endswith(META_SUFFIX)
            ]
    names = [n for n, _ in stories]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise InputError(f"{manifest}: story names must be unique; repeated: {', '.join(dupes)}")
    return _with_slugs(stories), problems


def _with_slugs(stories: Sequence[tuple[str, tuple[Path, ...]]]) -> list[Story]:
    taken: set[str] = set()
    out = []
    for name, files in stories:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", name.replace("/", "__")).strip("._") or "story"
        slug = base + "_" if base.lower() in RESERVED else base
        n = 1
        while slug.lower() in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug.lower())
        out.append(Story(name, slug, files))
    return out


def settings_key(config: CheckConfig) -> str:
    """What, besides the inputs, decides a story's report: the settings and the code."""
    settings = {k: v for k, v in dataclasses.asdict(config).items() if k != "cache_dir"}
    return json.dumps({"claimcheck": _version("claimcheck"), **settings}, sort_keys=True, default=str)


def fingerprint(story: Story, settings: str, decisions: Path | None) -> str:
    digest = hashlib.sha256(settings.encode())
    extras = [decisions] if decisions is not None and decisions.is_file() else []
    for f in [*story.files, *(sidecars(story)), *extras]:
        digest.update(f.name.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(f.read_bytes()).digest())
        except OSError as exc:  # unreadable now: the run reports it; the key just must differ
            digest.update(str(exc).encode())
    return digest.hexdigest()


def sidecars(story: Story) -> list[Path]:
    return [s for f in story.files if (s := f.with_name(f.name + META_SUFFIX)).is_file()]


def decisions_for(story: Story, folder: Path | None) -> Path | None:
    """A story's decisions file in --decisions DIR: the report page saves decisions-<story>.json."""
    if folder is None:
        return None
    for name in (f"decisions-{story.slug}.json", f"{story.slug}.json"):
        if (folder / name).is_file():
            return folder / name
    return None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A story read and split into claims, waiting for its vectors."""

    story: Story
    documents: tuple[Document, ...]
    claims: tuple[Claim, ...]
    problems: tuple[Problem, ...]
    seconds: float


def prepare_story(
    story: Story, config: CheckConfig, cache: EmbeddingCache | None = None, read: Reader = read_documents
) -> Prepared:
    """Ingest, claims and values: the part before embedding (runs in a worker with --jobs)."""
    started = time.perf_counter()
    documents, problems = read(story.files, config)
    if not documents:
        raise InputError("no readable articles" + "".join(f"; {p.path} {p.message}" for p in problems))
    if cache is not None or config.cache_dir is None:
        claims = tuple(cached_claims(documents, cache))
    else:
        own = EmbeddingCache(config.cache_dir)
        try:
            claims = tuple(cached_claims(documents, own))
        finally:
            own.close()
    return Prepared(story, tuple(documents), claims, tuple(problems), time.perf_counter() - started)


def finish_story(
    prepared: Prepared, vectors: np.ndarray, config: CheckConfig, decided: dict[str, Decision]
) -> dict[str, Any]:
    """Clusters, conflicts and the story's three reports, rendered but not written: the process
    that runs the batch writes them, so a worker that dies never leaves half a report."""
    started = time.perf_counter()
    report = analyse(prepared.documents, prepared.claims, vectors, config, prepared.problems)
    report = replace(report, story=prepared.story.name, decisions=decided)
    analysed = time.perf_counter()
    return {
        "documents": len(report.documents),
        "claims": len(report.claims),
        "conflicts": len(report.conflicts),
        "by_severity": report.stats["by_severity"],
        "problems": report.problems,
        "doc_paths": [d.path for d in report.documents],
        "reports": {fmt: RENDERERS[fmt](report) for fmt in REPORT_FORMATS},
        "stages": {"analyse": analysed - started, "write": time.perf_counter() - analysed},
    }


def save_story(output: Path, story: Story, done: dict[str, Any]) -> None:
    """Write a finished story's reports, each atomically; its render time and this count as "write"."""
    started = time.perf_counter()
    for fmt, text in done.pop("reports").items():
        write_atomic(output / f"{story.slug}.{fmt}", text)
    done["stages"]["write"] += time.perf_counter() - started


def run_batch(
    root: Path,
    output: Path,
    config: CheckConfig,
    *,
    jobs: int = 1,
    resume: bool = False,
    decisions: Path | None = None,
    embedder: Embedder | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    on_story: StoryDone | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_cluster: Callable[[str], None] | None = None,
) -> BatchRun:
    """Check every story under `root`, writing reports to `output` as each finishes and the
    run's summary (run.json, index.html, conflicts.csv/.parquet) at the end, or at Ctrl-C.

    executor "local" runs in this process and `jobs` worker processes; "dask" runs each story
    whole on a Dask cluster: the one at `scheduler`, or a LocalCluster of `jobs` workers.
    `on_cluster` hears where the cluster is (its dashboard)."""
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {EXECUTORS}, not {executor!r}")
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    stories, unassigned = discover_stories(root, exclude=output)
    if not stories:
        raise InputError(
            f"{root}: no story folders with articles (.txt, .md, .html, .json, .jsonl) found"
            + (f"; {len(unassigned)} other files" if unassigned else "")
        )
    output.mkdir(parents=True, exist_ok=True)
    settings = settings_key(config)
    previous = _previous_results(output) if resume else {}
    results: dict[str, StoryResult] = {}
    todo: list[Job] = []
    for story in stories:
        story_decisions = decisions_for(story, decisions)
        key = fingerprint(story, settings, story_decisions)
        before = previous.get(story.name)
        if before is not None and before.fingerprint == key and _outputs_exist(output, before.slug):
            results[story.name] = replace(before, status="unchanged")
        else:
            todo.append(Job(story, key, story_decisions))
    if on_start:
        on_start(len(stories), len(stories) - len(todo))
    # an existing cluster brings its own workers: --jobs sized nothing there
    where: dict[str, Any] = {"executor": executor, "jobs": None if scheduler else jobs}
    last_write = 0.0

    def record(result: StoryResult) -> None:
        nonlocal last_write
        results[result.name] = result
        if on_story:
            on_story(result, len(results), len(stories))
        # run.json is what --resume reads, so it is kept current; but rewriting it for every
        # story of hundreds costs time that grows with the run, so at most once a second
        # (a crash loses at most that second's stories, which the next --resume redoes)
        if time.perf_counter() - last_write >= 1.0:
            _write_summary(output, root, config, stories, results, unassigned, started_at, started, where, final=False)
            last_write = time.perf_counter()

    interrupted = False
    try:
        if todo and executor == "dask":
            from claimcheck.dask_batch import run_on_dask

            where |= run_on_dask(todo, config, output, embedder, record, scheduler, jobs, on_cluster)
        elif todo:
            _run(todo, config, output, embedder, record, jobs)
    except KeyboardInterrupt:
        interrupted = True
    for story in stories:
        if story.name not in results:
            results[story.name] = StoryResult(
                story.name, story.slug, "interrupted", "", reason="not run: the batch was interrupted"
            )
    # the summary, which --resume reads, is written whole even when Ctrl-C lands meanwhile
    caught: list[int] = []
    with sigint_handled_by(lambda number, frame: caught.append(number)):
        run = _write_summary(output, root, config, stories, results, unassigned, started_at, started, where, final=True)
    return replace(run, interrupted=interrupted or bool(caught))


@contextlib.contextmanager
def sigint_handled_by(handler: Any) -> Iterator[None]:
    """Ctrl-C (SIGINT) goes to `handler` (a function or signal.SIG_IGN) inside the block; in
    a thread other than the main one, which cannot set handlers, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass(frozen=True, slots=True)
class Job:
    """A story to check, with what decides whether it must be checked again."""

    story: Story
    fingerprint: str
    decisions: Path | None  # its review decisions file, if any
    queued: float = 0.0  # perf_counter when its work began


Record = Callable[[StoryResult], None]
# Claims embedded per encoder call. Stories are read ahead and embedded together: one call
# over a few thousand claims batches them by length with less padding than one call per
# story (ECB+: 68 s per story against 55 s in one call).
EMBED_CHUNK = 4096


def _run(
    todo: Sequence[Job], config: CheckConfig, output: Path, embedder: Embedder | None, record: Record, jobs: int
) -> None:
    """Read and analyse stories (in `jobs` worker processes when more than one) while this
    process alone holds the model and embeds, so the model is loaded once however many
    workers run."""
    encode = _Encoder(config, embedder)
    pool: Any = _Inline() if jobs == 1 else _pool(jobs)
    waiting = list(reversed(todo))
    reading: dict[Future[Prepared], Job] = {}
    analysing: dict[Future[dict[str, Any]], tuple[Job, Prepared, float]] = {}
    read: list[tuple[Job, Prepared]] = []  # waiting for vectors

    def settle(future: Future[Any]) -> None:
        job = reading.pop(future) if future in reading else analysing[future][0]
        try:
            result = future.result()
        except BrokenProcessPool:
            raise
        except Exception as exc:  # one story's failure is recorded; the run goes on
            analysing.pop(future, None)
            record(failed_result(job, exc))
            return
        if future in analysing:
            _, prepared, seconds = analysing.pop(future)
            result["stages"] = {"read_and_claims": prepared.seconds, "embed": seconds, **result["stages"]}
            save_story(output, job.story, result)
            record(done_result(job, result))
        else:
            read.append((job, result))

    try:
        while waiting or reading or analysing or read:
            pending = sum(len(p.claims) for _, p in read)
            while waiting and len(reading) < 2 * jobs and pending < EMBED_CHUNK:
                job = replace(waiting.pop(), queued=time.perf_counter())
                reading[pool.submit(prepare_story, job.story, config)] = job
            if read and (pending >= EMBED_CHUNK or not (reading or waiting)):
                batch, read = read, []
                for (job, prepared), (vectors, seconds) in zip(batch, encode.many([p for _, p in batch]), strict=True):
                    decided = read_decisions(job.decisions) if job.decisions else {}
                    future = pool.submit(finish_story, prepared, vectors, config, decided)
                    analysing[future] = (job, prepared, seconds)
                    if future.done():  # run in this process: recorded before the next story starts
                        settle(future)
            running: list[Future[Any]] = [*reading, *analysing]
            if running:
                for future in wait(running, return_when=FIRST_COMPLETED)[0]:
                    settle(future)
    except BrokenProcessPool as exc:
        # a worker died (killed, out of memory): every story not yet reported is recorded as failed
        held = [*reading.values(), *(j for j, _, _ in analysing.values()), *(j for j, _ in read), *reversed(waiting)]
        why = "its worker process died (killed or out of memory); run it again with --resume"
        for job in held:
            record(failed_result(job, exc, why))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        encode.close()


def _pool(jobs: int) -> ProcessPoolExecutor:
    import multiprocessing

    # forkserver: workers start clean, without this process's model, threads or open files
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("forkserver"))


class _Inline:
    """The executor of --jobs 1: runs each job at once, in this process."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


class _Encoder:
    """The run's one model and one cache connection; loaded on the first story that needs it."""

    def __init__(self, config: CheckConfig, embedder: Embedder | None) -> None:
        self.config = config
        # loaded only when the cache lacks a text: a warm rerun never loads the model
        self.embed = LazyEmbedder(config, embedder)
        self.cache: Any = None
        if config.cache_dir is not None:
            self.cache = EmbeddingCache(config.cache_dir)

    def many(self, stories: Sequence[Prepared]) -> list[tuple[np.ndarray, float]]:
        """Each story's vectors from one encoder call, and its share of the time it took."""
        t0 = time.perf_counter()
        texts = [c.text for p in stories for c in p.claims]
        vectors = embed_texts(texts, self.embed, self.config.model, self.cache) if texts else None
        seconds = time.perf_counter() - t0
        out, at = [], 0
        for p in stories:
            n = len(p.claims)
            part = vectors[at : at + n] if vectors is not None else np.zeros((0, 0), dtype=np.float32)
            out.append((part, seconds * n / max(len(texts), 1)))
            at += n
        return out

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def done_result(job: Job, done: dict[str, Any]) -> StoryResult:
    return StoryResult(
        job.story.name,
        job.story.slug,
        "done",
        job.fingerprint,
        documents=done["documents"],
        claims=done["claims"],
        conflicts=done["conflicts"],
        by_severity=done["by_severity"],
        files=_file_accounts(job.story, done["doc_paths"], done["problems"]),
        seconds=time.perf_counter() - job.queued,
        stages=done["stages"],
    )


def failed_result(job: Job, exc: BaseException, reason: str = "") -> StoryResult:
    reason = reason or (str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}")
    log.warning("story failed: %s: %s", job.story.name, reason)
    return StoryResult(
        job.story.name,
        job.story.slug,
        "failed",
        job.fingerprint,
        reason=reason,
        files=tuple({"path": f.name, "read": 0, "problems": []} for f in job.story.files),
        seconds=time.perf_counter() - job.queued if job.queued else 0.0,
    )


def _file_accounts(story: Story, doc_paths: Sequence[str], problems: Sequence[Problem]) -> tuple[dict[str, Any], ...]:
    """One entry per input file: how many documents came from it and what was said about it."""
    accounts = []
    for f in story.files:
        said = [p for p in problems if p.path == f.name or p.path.startswith(f.name + "#")]
        accounts.append(
            {
                "path": f.name,
                "read": sum(p == str(f) for p in doc_paths),
                "problems": [{"message": p.message, "skipped": p.skipped} for p in said],
            }
        )
    return tuple(accounts)


def _outputs_exist(output: Path, slug: str) -> bool:
    return all((output / f"{slug}.{fmt}").is_file() for fmt in ("json", "html", "csv"))


def _previous_results(output: Path) -> dict[str, StoryResult]:
    """Stories done in the last run into this folder, from its run.json."""
    path = output / "run.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s cannot be read (%s); every story is checked again", path, exc)
        return {}
    names = {f.name for f in dataclasses.fields(StoryResult)}
    results = {}
    for entry in data.get("stories", []):
        if entry.get("status") in ("done", "unchanged"):
            fields = {k: v for k, v in entry.items() if k in names}
            fields["files"] = tuple(fields.get("files", ()))
            results[entry["name"]] = StoryResult(**fields)
    return results


def _write_summary(
    output: Path,
    root: Path,
    config: CheckConfig,
    stories: Sequence[Story],
    results: dict[str, StoryResult],
    unassigned: Sequence[Problem],
    started_at: dt.datetime,
    started: float,
    where: dict[str, Any],
    *,
    final: bool,
) -> BatchRun:
    ordered = tuple(results[s.name] for s in stories if s.name in results)
    run = BatchRun(root, output, ordered, tuple(unassigned), False, time.perf_counter() - started)
    summary = run_dict(run, config, started_at, where, final)
    if final:
        frame = conflicts_table(output, ordered)
        write_atomic(output / "conflicts.csv", frame.to_csv(index=False))
        write_atomic(output / "conflicts.parquet", lambda p: frame.to_parquet(p, index=False))
        write_atomic(output / "index.html", render_batch_index(summary))
    write_atomic(output / "run.json", json.dumps(summary, indent=2) + "\n")
    return run


def conflicts_table(output: Path, results: Sequence[StoryResult]) -> Any:
    """One row per conflict value across the stories reported, from each story's CSV."""
    import pandas as pd

    frames = []
    for r in results:
        if r.status in ("done", "unchanged"):
            frame = pd.read_csv(output / f"{r.slug}.csv", dtype=str, keep_default_na=False)
            frame.insert(0, "story", r.name)
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["story"])
    table = pd.concat(frames, ignore_index=True)
    for column, kind in (("confidence", float), ("n_documents", int)):
        table[column] = table[column].astype(kind)
    table["majority"] = table["majority"] == "True"
    return table


def run_dict(
    run: BatchRun, config: CheckConfig, started_at: dt.datetime, where: dict[str, Any], final: bool
) -> dict[str, Any]:
    """run.json: `where` says what ran the stories (executor, jobs; for Dask its workers)."""
    stories = [dataclasses.asdict(r) for r in run.stories]
    counts = {s: sum(r.status == s for r in run.stories) for s in STATUSES}
    stages: dict[str, float] = {}
    for r in run.stories:
        if r.status == "done":
            for stage, seconds in r.stages.items():
                stages[stage] = stages.get(stage, 0.0) + seconds
    return {
        "format": RUN_FORMAT,
        "complete": final and not counts["interrupted"],
        "started": started_at.isoformat(timespec="seconds"),
        "seconds": round(run.seconds, 3),
        "root": str(run.root),
        "output": str(run.output),
        **where,
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(config).items()},
        "model": config.model,
        "versions": {
            "python": platform.python_version(),
            **{
                p: _version(p)
                for p in ("claimcheck", "onnxruntime", "sentence-transformers", "torch", "numpy", "pandas")
            },
        },
        "totals": {
            "stories": len(run.stories),
            **counts,
            "documents": sum(r.documents for r in run.stories),
            "claims": sum(r.claims for r in run.stories),
            "conflicts": sum(r.conflicts for r in run.stories),
            "by_severity": {s: sum(r.by_severity.get(s, 0) for r in run.stories) for s in ("high", "medium", "low")},
            "files_skipped": sum(
                any(p["skipped"] for p in f["problems"]) or (f["read"] == 0 and r.status != "failed")
                for r in run.stories
                for f in r.files
            ),
        },
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
        "unassigned": [{"path": p.path, "message": p.message} for p in run.unassigned],
        "stories": stories,
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
