"""A batch run: discover the stories, leave out those --resume finds unchanged, hand the rest
to an executor, write each story's reports as it comes back and the run's summary at the end
(or at Ctrl-C). Unattended: a failing story is recorded and the run goes on."""

from __future__ import annotations

import datetime as dt
import functools
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimcheck.batch.contract import BatchRun, Failure, FileAccount, Job, StoryResult, sigint_handled_by
from claimcheck.batch.local import run_local
from claimcheck.batch.resume import decisions_for, fingerprint, outputs_exist, previous_results, settings_key
from claimcheck.batch.summary import write_summary
from claimcheck.config import CheckConfig
from claimcheck.decisions import read_decisions
from claimcheck.embed import Embedder
from claimcheck.errors import InputError, cannot_write
from claimcheck.pipeline import StoryChecked
from claimcheck.report import write_atomic
from claimcheck.stories import Story, discover_stories

EXECUTORS = ("local", "dask")
# Called after each story with (result, stories finished, stories in all).
StoryDone = Callable[[StoryResult, int, int], None]


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
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file in the way, a read-only parent: before any story runs
        raise cannot_write(output, exc) from None
    settings = settings_key(config)
    previous = previous_results(output) if resume else {}
    results: dict[str, StoryResult] = {}
    todo: list[Job] = []
    refused: list[StoryResult] = []  # stories whose decisions file cannot be read
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
            write_summary(output, root, config, stories, results, unassigned, started_at, started, where, final=False)
            last_write = time.perf_counter()

    def deliver(job: Job, outcome: StoryChecked | Failure) -> None:
        if isinstance(outcome, Failure):
            record(failed_result(job, outcome.reason))
            return
        saving = time.perf_counter()
        for fmt, text in outcome.reports.items():
            write_atomic(output / f"{job.story.slug}.{fmt}", text)
        record(done_result(job, outcome, {**outcome.stages, "write": time.perf_counter() - saving}))

    for story in stories:
        story_decisions = decisions_for(story, decisions)
        key = fingerprint(story, settings, story_decisions)
        before = previous.get(story.name)
        if before is not None and before.fingerprint == key and outputs_exist(output, before.slug):
            results[story.name] = replace(before, status="unchanged")
            continue
        try:
            decided = read_decisions(story_decisions) if story_decisions else {}
        except InputError as exc:
            refused.append(failed_result(Job(story, key), str(exc)))
            continue
        todo.append(Job(story, key, decided))
    if on_start:
        on_start(len(stories), len(results))
    for result in refused:
        record(result)
    interrupted = False
    try:
        if todo:
            run_stories = _executor(executor, jobs, scheduler, on_cluster)
            where |= run_stories(todo, config, embedder, deliver)
    except KeyboardInterrupt:
        interrupted = True
    for story in stories:
        if story.name not in results:
            results[story.name] = StoryResult(
                story.name, story.slug, "interrupted", "", reason="not run: the batch was interrupted"
            )
    # the summary, which --resume reads, is written whole even when Ctrl-C or a `kill` lands
    # meanwhile; the run then says it was interrupted
    caught: list[int] = []
    with sigint_handled_by(lambda number, frame: caught.append(number), (signal.SIGINT, signal.SIGTERM)):
        run = write_summary(output, root, config, stories, results, unassigned, started_at, started, where, final=True)
    return replace(run, interrupted=interrupted or bool(caught))


def _executor(executor: str, jobs: int, scheduler: str | None, on_cluster: Callable[[str], None] | None) -> Any:
    if executor == "dask":
        from claimcheck.batch.dask import run_on_dask  # only this executor needs Dask installed

        return functools.partial(run_on_dask, scheduler=scheduler, workers=jobs, on_cluster=on_cluster)
    return functools.partial(run_local, workers=jobs)


def done_result(job: Job, checked: StoryChecked, stages: dict[str, float]) -> StoryResult:
    return StoryResult(
        job.story.name,
        job.story.slug,
        "done",
        job.fingerprint,
        headline=checked.headline,
        documents=checked.documents,
        claims=checked.claims,
        conflicts=checked.conflicts,
        by_severity=dict(checked.by_severity),
        files=file_accounts(job.story, checked.document_paths, checked.problems),
        seconds=sum(stages.values()),  # the story's own time; stories overlap in a run
        stages=stages,
        checked=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )


def failed_result(job: Job, reason: str) -> StoryResult:
    return StoryResult(
        job.story.name,
        job.story.slug,
        "failed",
        job.fingerprint,
        reason=reason,
        files=tuple(FileAccount(f.name, 0) for f in job.story.files),
    )


def file_accounts(story: Story, document_paths: Sequence[str], problems: Sequence[Any]) -> tuple[FileAccount, ...]:
    """One entry per input file: how many documents came from it and what was said about it."""
    return tuple(
        FileAccount(
            f.name,
            sum(p == str(f) for p in document_paths),
            tuple(p for p in problems if p.path == f.name or p.path.startswith(f.name + "#")),
        )
        for f in story.files
    )
