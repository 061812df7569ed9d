"""What a batch run and its executors share: the jobs handed out, what comes back, and the
results recorded.

An executor is a function `(jobs, config, embedder, deliver, **its own options) -> where`:

- it runs each job's story through the pipeline's functions only (`read_story`,
  `prepare_story`, `embed_claims`, `finish_story`, or `check_story` for a story whole), never
  a stage of its own;
- it calls `deliver(job, outcome)` once per job, in the calling thread, with the
  `StoryChecked` or a `Failure` that says why; it writes no file (the run writes reports and
  the summary, so a dying worker never leaves half of one);
- a story that fails is delivered as a Failure and the run goes on; on Ctrl-C it cancels
  what is in flight and lets KeyboardInterrupt through;
- it returns what run.json should say of where the stories ran (a dict, possibly empty).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcheck.errors import InputError
from claimcheck.pipeline import StoryChecked
from claimcheck.stories import Story
from claimcheck.types import Decision, Problem

STATUSES = ("done", "unchanged", "failed", "interrupted")


@dataclass(frozen=True, slots=True)
class Job:
    """A story to check, with what decides whether it must be checked again."""

    story: Story
    fingerprint: str
    decisions: Mapping[str, Decision] = field(default_factory=dict)  # its review decisions, read


@dataclass(frozen=True, slots=True)
class Failure:
    """A story that could not be checked, and why, in words for the person running the batch."""

    reason: str

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        """An input problem in its own words; anything else with its type, for a bug report."""
        return cls(str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}")


Deliver = Callable[[Job, StoryChecked | Failure], None]


@dataclass(frozen=True, slots=True)
class FileAccount:
    """One input file of a story: how many documents came from it, and what was said about it."""

    path: str
    read: int
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryResult:
    """One story's line in run.json and index.html."""

    name: str
    slug: str
    status: str  # one of STATUSES
    fingerprint: str
    reason: str = ""  # why a story failed or was not run
    headline: str = ""  # the title of its first document that has one
    documents: int = 0
    claims: int = 0
    conflicts: int = 0
    by_severity: Mapping[str, int] = field(default_factory=lambda: {"high": 0, "medium": 0, "low": 0})
    files: tuple[FileAccount, ...] = ()  # every input file of the story
    seconds: float = 0.0
    stages: Mapping[str, float] = field(default_factory=dict)  # seconds per stage
    checked: str = ""  # when its reports were made (ISO 8601, UTC); kept while it is unchanged


@dataclass(frozen=True, slots=True)
class BatchRun:
    root: Path
    output: Path
    stories: tuple[StoryResult, ...]
    unassigned: tuple[Problem, ...]  # files under the root that belong to no story, and why
    interrupted: bool
    seconds: float


@contextlib.contextmanager
def sigint_handled_by(handler: Any, signals: tuple[int, ...] = (signal.SIGINT,)) -> Iterator[None]:
    """Ctrl-C (SIGINT), or each of `signals`, goes to `handler` (a function or signal.SIG_IGN)
    inside the block; in a thread other than the main one, which cannot set handlers, nothing
    changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, handler) for number in signals}
    try:
        yield
    finally:
        for number, before in previous.items():
            signal.signal(number, before)
