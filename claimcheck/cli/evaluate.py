"""`eval`: measure detection on a corpus of stories."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from claimcheck.cli._app import Shared, command, fail
from claimcheck.errors import ClaimcheckError

if TYPE_CHECKING:
    from claimcheck import evaluate as ev

ROWS = "severity-rows.jsonl.gz"  # beside quality.md: every conflict the refit saw, with its signals


@command(name="eval")
def evaluate_corpus(
    corpus: Annotated[Path, typer.Argument(help="Folder of stories: one subfolder per story, one file per article.")],
    stories: Annotated[Optional[int], typer.Option("--stories", help="Only the first N stories (sorted).")] = None,  # noqa: UP045
    story: Annotated[list[str], typer.Option("--story", help="Only this story (repeatable).")] = [],  # noqa: B006
    types: Annotated[list[str], typer.Option("--types", help="Injection types, comma-separated (default: all).")] = [],  # noqa: B006
    per_type: Annotated[int, typer.Option("--per-type", help="Injections of each type per story.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same table.")] = 0,
    seeds: Annotated[Path, typer.Option("--seeds", help="Seed fixtures for the first row (skipped if absent).")] = Path(
        "fixtures/seeds"
    ),
    out: Annotated[Path, typer.Option("--out", help="Folder for quality.md and quality.json.")] = Path("reports"),
    real: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--real",
            help="Hand-labelled real discrepancies of the corpus's stories, one <story>.json each "
            "(default: benchmarks/real/<corpus folder name> when it exists).",
            show_default=False,
        ),
    ] = None,
    fit_severity: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--fit-severity",
            help="Refit the severity model on this evaluation and write it to FILE, with its figures on "
            "stories held out of the fit (use it with --severity-model FILE; claimcheck's own is "
            "claimcheck/data/severity.json).",
            show_default=False,
        ),
    ] = None,
    *,
    shared: Shared,
) -> None:
    """Measure detection: noise on untouched stories, recall on injected discrepancies."""
    from claimcheck import evaluate as ev
    from claimcheck.embed import load_embedder
    from claimcheck.labelled import read_labelled

    if not corpus.is_dir():
        raise fail(f"{corpus}: not a folder of stories; pass a folder with one subfolder per story")
    try:
        kinds = ev.parse_kinds(types)
    except ValueError as exc:
        raise fail(str(exc)) from None
    config = shared.config()
    progress = shared.progress()
    labels = real if real is not None else Path("benchmarks/real") / corpus.resolve().name
    try:
        labelled = read_labelled(labels) if real is not None or labels.is_dir() else []
        corpus_stories = ev.load_corpus(corpus, stories, story, config)
        if not corpus_stories:
            raise fail(f"{corpus}: no story folders found")
        embedder = load_embedder(config.model, config.batch_size, config.backend)
        result = ev.evaluate(
            corpus_stories,
            config,
            embedder,
            kinds=kinds,
            per_kind=per_type,
            seed=seed,
            seeds_folder=seeds,
            labelled=labelled,
            progress=progress,
        )
    except ClaimcheckError as exc:
        raise fail(str(exc)) from None
    finally:
        progress.close()
    command = "claimcheck eval " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["eval"] else "claimcheck eval"
    if fit_severity is not None:
        _refit(result, fit_severity, out / ROWS, command, shared.quiet)
    md, js = ev.write_results(result, out, command)
    typer.echo(md.read_text(encoding="utf-8"), nl=False)
    if not shared.quiet:
        typer.echo(f"wrote {md} and {js}", err=True)


def _refit(result: ev.Evaluation, path: Path, rows: Path, command: str, quiet: bool) -> None:
    import json

    from claimcheck import fitting

    data = result.fit_data()
    if not any(r.real for r in data.rows) or all(r.real for r in data.rows):
        raise fail("cannot fit the severity model: this evaluation saw only one kind of conflict; run more stories")
    if not quiet:
        typer.echo(
            f"fitting the severity model on {len(data.rows)} conflicts ({fitting.FOLDS} folds by story)", err=True
        )
    try:
        for folder in (path.parent, rows.parent):
            folder.mkdir(parents=True, exist_ok=True)
        fitting.write_rows(data, rows)  # what it is fitted on, to inspect
        model, figures = fitting.fit(data, command)
        path.write_text(json.dumps(model.as_dict(), indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise fail(f"{path}: cannot write the severity model ({exc.strerror or exc}); choose another path") from None
    except ValueError as exc:  # scikit-learn's: a fold with one kind of row
        raise fail(f"cannot fit the severity model on this evaluation ({exc}); run more stories") from None
    result.refit = {"path": str(path), "command": command, "held_out": figures}
    if not quiet:
        typer.echo(f"wrote {path}; measure with it: claimcheck eval ... --severity-model {path}", err=True)
