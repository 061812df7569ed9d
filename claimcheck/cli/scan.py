"""`scan`: one story -> report; `claims`: one stage's output, for debugging."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from claimcheck.cli._app import OutputFormat, PathsArg, Severity, Shared, app, command, fail
from claimcheck.errors import ClaimcheckError


@command()
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
    *,
    shared: Shared,
) -> None:
    """Scan the articles of one story and report conflicting values between sources."""
    from claimcheck.decisions import read_decisions
    from claimcheck.pipeline import scan as run_scan
    from claimcheck.report import RENDERERS, format_for, write_report

    targets = []
    for path in output:
        kind = format_for(path)
        if kind is None:
            raise fail(f"{path}: unknown report format; use a .html, .json or .csv file name")
        targets.append((path, kind))
    progress = shared.progress()
    try:
        decided = read_decisions(decisions) if decisions else {}
        report = run_scan(paths, shared.config(), progress=progress)
    except ClaimcheckError as exc:
        progress.close()
        raise fail(str(exc)) from None
    progress.close()
    if decided and decisions is not None:
        report = replace(report, decisions=decided)
        matched = sum(c.key in decided for c in report.conflicts)
        if matched < len(decided):
            typer.echo(
                f"claimcheck: {decisions}: {_unmatched(decisions, report.story, matched, len(decided))}", err=True
            )
    for problem in report.problems:
        typer.echo(f"claimcheck: {problem.path}: {problem.message}", err=True)
    for path, kind in targets:
        try:
            write_report(report, path, kind)
        except ClaimcheckError as exc:
            raise fail(str(exc)) from None
        if not shared.quiet:
            typer.echo(f"wrote {path}", err=True)
    if not targets:
        typer.echo(RENDERERS[fmt.value](report), nl=False)
    if fail_on is not None and report.count_at_or_above(fail_on.value):
        raise typer.Exit(1)


def _unmatched(path: Path, story: str, matched: int, total: int) -> str:
    from claimcheck.decisions import made_for

    origin = made_for(path)
    if origin is not None and origin != story:
        return (
            f"made for the story '{origin}', not '{story}': {total - matched} of its {total} decisions match "
            "no conflict here; pass the decisions exported from this story's page"
        )
    return (
        f"{total - matched} of {total} decisions match no conflict in this run (the documents or the checks "
        "changed since they were made); they are kept in the page's export"
    )


@app.command()
def claims(
    paths: PathsArg,
    values: Annotated[bool, typer.Option("--values/--no-values", help="Show the typed values of each claim.")] = True,
) -> None:
    """Show the claims (and their values) extracted from articles: a debugging aid."""
    from claimcheck.ingest import read_documents
    from claimcheck.pipeline import claims_for

    try:
        documents, problems = read_documents(paths)
    except ClaimcheckError as exc:
        raise fail(str(exc)) from None
    for problem in problems:
        typer.echo(f"claimcheck: {problem.path}: {problem.message}", err=True)
    for claim in claims_for(documents, None):  # no cache: this shows what the code extracts now
        typer.echo(f"{claim.id} [{claim.span[0]}:{claim.span[1]}] {claim.text}")
        if values:
            for v in claim.values:
                extra = f" ({v.role})" if v.role else ""
                typer.echo(f"    {v.kind:<12} {v.text!r} -> {v.normalized!r}{extra}")
