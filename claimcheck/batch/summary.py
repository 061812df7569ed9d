"""A batch run's summary: run.json (what --resume reads), index.html, and the conflicts of
every story in one table (conflicts.csv and conflicts.parquet)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import platform
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from claimcheck.batch.contract import STATUSES, BatchRun, StoryResult
from claimcheck.batch.resume import package_version
from claimcheck.config import CheckConfig
from claimcheck.report import render_batch_index, write_atomic
from claimcheck.report.table import csv_text
from claimcheck.stories import Story
from claimcheck.types import Problem

RUN_FORMAT = "claimcheck-batch-1"


def write_summary(
    output: Path,
    root: Path,
    config: CheckConfig,
    stories: Sequence[Story],
    results: Mapping[str, StoryResult],
    unassigned: Sequence[Problem],
    started_at: dt.datetime,
    started: float,
    where: Mapping[str, Any],
    *,
    final: bool,
) -> BatchRun:
    """run.json always; at the end of the run also the conflicts table and index.html."""
    ordered = tuple(results[s.name] for s in stories if s.name in results)
    run = BatchRun(root, output, ordered, tuple(unassigned), False, time.perf_counter() - started)
    summary = run_dict(run, config, started_at, where, final)
    if final:
        frame = conflicts_table(output, ordered)
        write_atomic(output / "conflicts.csv", csv_text(frame))
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


def story_dict(result: StoryResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if f.name == "files":
            value = [
                {
                    "path": account.path,
                    "read": account.read,
                    "problems": [
                        {"path": p.path, "message": p.message, "skipped": p.skipped} for p in account.problems
                    ],
                }
                for account in value
            ]
        out[f.name] = dict(value) if isinstance(value, Mapping) else value
    return out


def run_dict(
    run: BatchRun, config: CheckConfig, started_at: dt.datetime, where: Mapping[str, Any], final: bool
) -> dict[str, Any]:
    """run.json: `where` says what ran the stories (executor, jobs; for Dask its workers)."""
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
                p: package_version(p)
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
                any(p.skipped for p in f.problems) or (f.read == 0 and r.status != "failed")
                for r in run.stories
                for f in r.files
            ),
        },
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
        "unassigned": [{"path": p.path, "message": p.message} for p in run.unassigned],
        "stories": [story_dict(r) for r in run.stories],
    }
