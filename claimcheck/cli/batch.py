"""`batch`: every story folder under a root, unattended, resumable, with a summary across stories."""

from __future__ import annotations

import os
import sys
import time
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from claimcheck.cli._app import Shared, command, fail
from claimcheck.errors import ClaimcheckError

if TYPE_CHECKING:
    from claimcheck.batch import StoryResult


class Executor(str, Enum):  # noqa: UP042
    local = "local"
    dask = "dask"


class FailOn(str, Enum):  # noqa: UP042 - typer maps str Enums to choices
    error = "error"
    high = "high"
    medium = "medium"
    low = "low"


@command()
def batch(
    root: Annotated[
        Path,
        typer.Argument(
            help="A folder of story folders (each folder holding articles is one story), "
            "or a stories.jsonl manifest naming them.",
            show_default=False,
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the reports and the run's summary.")],
    jobs: Annotated[
        Optional[int],  # noqa: UP045 - typer needs Optional here on 3.11
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Stories read, parsed and analysed in parallel (default 2, 1 on one core); with "
            "--executor dask, the local cluster's workers (default: one per core).",
            show_default=False,
        ),
    ] = None,
    executor: Annotated[
        Executor,
        typer.Option(
            "--executor", help="Run stories here (local) or on a Dask cluster (pip install 'claimcheck[dask]')."
        ),
    ] = Executor.local,
    scheduler: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--scheduler",
            help="With --executor dask: an existing cluster's scheduler (tcp://host:8786) instead of a local one.",
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Skip stories whose files and settings are unchanged since the last run.")
    ] = False,
    decisions: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional here on 3.11
        typer.Option("--decisions", help="Folder of review decisions exported from the story pages."),
    ] = None,
    fail_on: Annotated[
        Optional[FailOn],  # noqa: UP045
        typer.Option("--fail-on", help="Exit 1 if a story failed (error) or had conflicts at this severity or above."),
    ] = None,
    *,
    shared: Shared,
) -> None:
    """Check every story under ROOT: a report per story, index.html, conflicts.csv/.parquet, run.json."""
    from claimcheck.batch import run_batch

    if scheduler and executor is not Executor.dask:
        raise fail("--scheduler needs --executor dask")
    if scheduler and jobs is not None:
        raise fail("--jobs sizes a local cluster; an existing cluster at --scheduler has its own workers")
    if jobs is None:
        # locally, two workers parse (spaCy, one core each) while this process embeds: the
        # cold ECB+ batch takes 165 s against 204 s with one
        jobs = (os.cpu_count() or 1) if executor is Executor.dask else min(2, os.cpu_count() or 1)
    if executor is Executor.dask:
        # Dask logs every worker start and stop at INFO; read when dask is imported, by the
        # workers too, and left alone when the user set it
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "info" if shared.verbose >= 2 else "warning")
    if decisions is not None and not decisions.is_dir():
        raise fail(f"{decisions}: not a folder; --decisions takes the folder holding decisions-<story>.json files")
    display = _Display(shared.quiet)
    try:
        run = run_batch(
            root,
            output,
            shared.config(),
            jobs=jobs,
            resume=resume,
            decisions=decisions,
            executor=executor.value,
            scheduler=scheduler,
            on_start=display.start,
            on_story=display.story,
            on_cluster=display.note,
        )
    except ClaimcheckError as exc:
        display.close()
        raise fail(str(exc)) from None
    display.close()
    for problem in run.unassigned:
        typer.echo(f"claimcheck: {root / problem.path}: {problem.message}", err=True)
    for result in run.stories:
        if result.status == "done":  # unchanged stories had theirs told in the run that checked them
            for f in result.files:
                for p in f.problems:
                    typer.echo(f"claimcheck: {result.name}/{p.path}: {p.message}", err=True)
    failed = [r for r in run.stories if r.status == "failed"]
    done = sum(r.status == "done" for r in run.stories)
    unchanged = sum(r.status == "unchanged" for r in run.stories)
    held = {s: sum(r.by_severity.get(s, 0) for r in run.stories) for s in ("high", "medium", "low")}
    typer.echo(
        f"{done} stories checked, {unchanged} unchanged, {len(failed)} failed in {run.seconds:.1f} s; "
        f"the reports hold {held['high']} high, {held['medium']} medium and {held['low']} low conflicts; "
        f"see {output / 'index.html'}",
        err=True,
    )
    if run.interrupted:
        typer.echo("claimcheck: interrupted; run the same command with --resume to go on", err=True)
        raise typer.Exit(130)
    if fail_on is FailOn.error and failed:
        raise typer.Exit(1)
    if fail_on not in (None, FailOn.error):
        levels = ("high", "medium", "low")
        wanted = levels[: levels.index(fail_on.value) + 1]
        if any(r.by_severity.get(s, 0) for r in run.stories for s in wanted):
            raise typer.Exit(1)


class _Display:
    """A progress bar (stories done of all, claims/s, ETA) on a terminal; a line per story otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.task: Any = None
        self.claims = 0
        self.t0 = time.perf_counter()

    def start(self, total: int, unchanged: int) -> None:
        if self.quiet:
            return
        if unchanged:
            typer.echo(f"{unchanged} of {total} stories unchanged since the last run; skipped", err=True)
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("stories · {task.fields[rate]} claims/s · ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("batch", total=total - unchanged, rate="–")

    def note(self, message: str) -> None:
        """A line about the run itself (where the Dask cluster and its dashboard are): shown even
        with --quiet, since an unattended run's log should say where it ran."""
        if self.bar is not None:
            self.bar.console.print(message, markup=False, highlight=False, soft_wrap=True)  # a link stays whole
        else:
            typer.echo(message, err=True)

    def story(self, result: StoryResult, done: int, total: int) -> None:
        if self.quiet or result.status == "unchanged":
            return
        self.claims += result.claims
        rate = self.claims / max(time.perf_counter() - self.t0, 1e-9)
        if self.bar is not None:
            self.bar.update(self.task, advance=1, rate=f"{rate:.0f}", description=result.name[-30:])
            return
        s = result.by_severity
        what = (
            f"failed: {result.reason}"
            if result.status == "failed"
            else f"{result.documents} documents, {result.claims} claims, {result.conflicts} conflicts "
            f"({s['high']} high, {s['medium']} medium, {s['low']} low)"
        )
        since = time.perf_counter() - self.t0
        typer.echo(
            f"[{done}/{total}] {result.name}: {what}; {result.seconds:.1f} s of its own, {since:.1f} s into the run",
            err=True,
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
