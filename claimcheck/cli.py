"""Typer app: options -> CheckConfig -> scan() -> output and exit code. Nothing else."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from claimcheck.config import CACHE_ENV, DEFAULT_MODEL, CheckConfig, default_cache_dir
from claimcheck.errors import ClaimcheckError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find where news sources covering one story disagree: names, titles, roles, dates, numbers, places.",
)


class Severity(str, Enum):  # noqa: UP042 - typer maps str Enums to choices
    high = "high"
    medium = "medium"
    low = "low"


class OutputFormat(str, Enum):  # noqa: UP042
    text = "text"
    json = "json"
    html = "html"
    csv = "csv"


PathsArg = Annotated[list[str], typer.Argument(help="Article files or folders ('-' reads stdin).", show_default=False)]
ModelOpt = Annotated[str, typer.Option("--model", help="sentence-transformers model name or local path.")]
CacheOpt = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional here on 3.11
    typer.Option("--cache-dir", help=f"Embedding cache folder (default: ${CACHE_ENV}, else ~/.cache/claimcheck)."),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
VerboseOpt = Annotated[int, typer.Option("--verbose", "-v", count=True, help="Log more (-v info, -vv debug).")]


def build_config(model: str, cache_dir: Path | None, no_cache: bool) -> CheckConfig:
    return CheckConfig(model=model, cache_dir=None if no_cache else (cache_dir or default_cache_dir()))


class _Progress:
    """One updating line on stderr, shown only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[K{stage} {done}/{total}" if total else f"\r\033[K{stage}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"claimcheck: {message}", err=True)
    return typer.Exit(code)


@app.command()
def scan(
    paths: PathsArg,
    output: Annotated[
        list[Path],
        typer.Option(
            "--output", "-o", help="Write the report here; repeatable; .html, .json or .csv picks the format."
        ),
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Format printed to stdout when no -o is given.")
    ] = OutputFormat.text,
    fail_on: Annotated[
        Optional[Severity],  # noqa: UP045
        typer.Option("--fail-on", help="Exit 1 if conflicts at this severity or above were found."),
    ] = None,
    decisions: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--decisions",
            help="Review decisions exported from a report page: dismissed conflicts are folded away, "
            "confirmed ones marked.",
        ),
    ] = None,
    model: ModelOpt = DEFAULT_MODEL,
    cache_dir: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Scan the articles of one story and report conflicting values between sources."""
    from claimcheck.pipeline import scan as run_scan
    from claimcheck.report import RENDERERS, format_for, read_decisions, write_report

    _setup_logging(verbose)
    targets = []
    for path in output:
        kind = format_for(path)
        if kind is None:
            raise _fail(f"{path}: unknown report format; use a .html, .json or .csv file name")
        targets.append((path, kind))
    progress = _Progress(not quiet)
    try:
        decided = read_decisions(decisions) if decisions else {}
        report = run_scan(paths, build_config(model, cache_dir, no_cache), progress=progress)
    except ClaimcheckError as exc:
        progress.close()
        raise _fail(str(exc)) from None
    progress.close()
    if decided:
        report = replace(report, decisions=decided)
        matched = sum(c.key in decided for c in report.conflicts)
        if matched < len(decided):
            typer.echo(
                f"claimcheck: {decisions}: {len(decided) - matched} of {len(decided)} decisions match no conflict "
                "in this run (the documents changed?); they are kept in the page's export",
                err=True,
            )
    for problem in report.problems:
        typer.echo(f"claimcheck: {problem.path}: {problem.message}", err=True)
    for path, kind in targets:
        write_report(report, path, kind)
        if not quiet:
            typer.echo(f"wrote {path}", err=True)
    if not targets:
        typer.echo(RENDERERS[fmt.value](report), nl=False)
    if fail_on is not None and report.count_at_or_above(fail_on.value):
        raise typer.Exit(1)


@app.command()
def claims(
    paths: PathsArg,
    values: Annotated[bool, typer.Option("--values/--no-values", help="Show the typed values of each claim.")] = True,
) -> None:
    """Show the claims (and their values) extracted from articles: a debugging aid."""
    from claimcheck.claims import extract_claims
    from claimcheck.ingest import read_documents
    from claimcheck.values import extract_values

    try:
        documents, problems = read_documents(paths)
    except ClaimcheckError as exc:
        raise _fail(str(exc)) from None
    for problem in problems:
        typer.echo(f"claimcheck: {problem.path}: {problem.message}", err=True)
    for doc in documents:
        for claim in extract_claims(doc):
            claim = extract_values(claim, doc)
            typer.echo(f"{claim.id} [{claim.span[0]}:{claim.span[1]}] {claim.text}")
            if values:
                for v in claim.values:
                    extra = f" ({v.role})" if v.role else ""
                    typer.echo(f"    {v.kind:<12} {v.text!r} -> {v.normalized!r}{extra}")


@app.command("eval")
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
    model: ModelOpt = DEFAULT_MODEL,
    cache_dir: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Measure detection: noise on untouched stories, recall on injected discrepancies."""
    from claimcheck import evaluate as ev
    from claimcheck.embed import load_embedder

    _setup_logging(verbose)
    if not corpus.is_dir():
        raise _fail(f"{corpus}: not a folder of stories; pass a folder with one subfolder per story")
    try:
        kinds = ev.parse_kinds(types)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    config = build_config(model, cache_dir, no_cache)
    progress = _Progress(not quiet)
    try:
        corpus_stories = ev.load_corpus(corpus, stories, story)
        if not corpus_stories:
            raise _fail(f"{corpus}: no story folders found")
        embedder = load_embedder(config.model, config.batch_size)
        result = ev.evaluate(
            corpus_stories,
            config,
            embedder,
            kinds=kinds,
            per_kind=per_type,
            seed=seed,
            seeds_folder=seeds,
            progress=progress,
        )
    except ClaimcheckError as exc:
        raise _fail(str(exc)) from None
    finally:
        progress.close()
    command = "claimcheck eval " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["eval"] else "claimcheck eval"
    md, js = ev.write_results(result, out, command)
    typer.echo(md.read_text(encoding="utf-8"), nl=False)
    if not quiet:
        typer.echo(f"wrote {md} and {js}", err=True)


def main() -> None:
    app()
