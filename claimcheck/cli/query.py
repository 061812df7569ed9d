"""`query`: one claim against a folder or a claim index; `index add|ls|rm`: the claim index."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from claimcheck.cli._app import Shared, app, command, fail
from claimcheck.errors import ClaimcheckError

if TYPE_CHECKING:
    from claimcheck.index import ClaimIndex
    from claimcheck.query import Added

index_app = typer.Typer(no_args_is_help=True, help="Build and inspect a persistent claim index (one SQLite file).")
app.add_typer(index_app, name="index")


class AnswerFormat(str, Enum):  # noqa: UP042 - typer maps str Enums to choices
    table = "table"
    json = "json"
    csv = "csv"


class ListFormat(str, Enum):  # noqa: UP042
    table = "table"
    json = "json"


DbOpt = Annotated[Path, typer.Option("--db", help="The claim index: an SQLite file, created on first add.")]


@contextmanager
def _open(db: Path, *, read_only: bool = False) -> Iterator[ClaimIndex]:
    """The index, with any database error met while it is used said as what to do."""
    import sqlite3

    from claimcheck.index import ClaimIndex, database_error

    try:
        with ClaimIndex(db, read_only=read_only) as index:
            yield index
    except sqlite3.DatabaseError as exc:
        raise database_error(str(db), exc) from None


@command()
def query(
    claim: Annotated[str, typer.Argument(help="The sentence to check, in quotes.", show_default=False)],
    paths: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Argument(help="Story folders or article files to check against (or use --db).", show_default=False),
    ] = None,
    db: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--db", help="Check against this claim index instead of folders."),
    ] = None,
    story: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--story", help="Only this story of the index."),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Sources listed, closest first.")] = 20,
    fmt: Annotated[AnswerFormat, typer.Option("--format", "-f", help="Output format.")] = AnswerFormat.table,
    width: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--width",
            min=40,
            help="Width of the table (default: the terminal's; 120 into a pipe or file).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Write here instead of stdout."),
    ] = None,
    *,
    shared: Shared,
) -> None:
    """Which sources support a claim, which conflict with it (on which value), which are related."""
    from claimcheck.answer import ANSWER_RENDERERS, render_answer_table
    from claimcheck.query import query_claim, query_folder

    if bool(paths) == (db is not None):
        raise fail("give folders to check against, or --db INDEX, not both" if paths else "give a folder or --db INDEX")
    if story is not None and db is None:
        raise fail("--story picks a story of an index; use it with --db")
    progress = shared.progress()
    try:
        if db is not None:
            if not db.exists():
                raise fail(f"{db}: no such index; build one with `claimcheck index add FOLDER --db {db}`")
            with _open(db, read_only=True) as index:
                config = shared.config(index.model)
                answer = query_claim(claim, index, config, story=story, top=top)
        else:
            config = shared.config()
            answer, added = query_folder(claim, paths or [], config, top=top, progress=progress)
            progress.close()
            for a in added:
                for problem in a.problems:
                    typer.echo(f"claimcheck: {problem.path}: {problem.message}", err=True)
    except ClaimcheckError as exc:
        progress.close()
        raise fail(str(exc)) from None
    progress.close()
    if fmt is AnswerFormat.table:
        terminal = output is None and sys.stdout.isatty()
        if width is None:
            width = shutil.get_terminal_size().columns if terminal else 120
        text = render_answer_table(answer, width=width, color=terminal)
    else:
        text = ANSWER_RENDERERS[fmt.value](answer)
    if output is None:
        typer.echo(text, nl=False)
    else:
        from claimcheck.report import write_atomic

        try:
            write_atomic(output, text)
        except ClaimcheckError as exc:
            raise fail(str(exc)) from None
        if not shared.quiet:
            typer.echo(f"wrote {output}", err=True)


@command(index_app, "add")
def index_add(
    paths: Annotated[
        list[str],
        typer.Argument(help="A story folder, a folder of story folders, or article files.", show_default=False),
    ],
    db: DbOpt,
    story: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--story", help="Name the story (default: its folder's name)."),
    ] = None,
    *,
    shared: Shared,
) -> None:
    """Add stories to the index; a changed file's claims replace its old ones, unchanged files are kept."""
    from claimcheck.query import add_to_index

    progress = shared.progress()
    try:
        with _open(db) as index:
            config = shared.config(index.model)
            added = add_to_index(index, paths, config, story=story, progress=progress)
            total = index.count()
    except ClaimcheckError as exc:
        progress.close()
        raise fail(str(exc)) from None
    progress.close()
    for a in added:
        _report_added(a, db)
    typer.echo(f"{db}: {total} claims in all", err=shared.quiet)


def _report_added(a: Added, db: Path) -> None:
    for problem in a.problems:
        typer.echo(f"claimcheck: {problem.path}: {problem.message}", err=True)
    typer.echo(
        f"{a.story}: {a.added} added, {a.replaced} replaced, {a.unchanged} unchanged ({a.claims} claims written)"
    )
    if a.missing:
        typer.echo(
            f"claimcheck: {a.story}: {len(a.missing)} indexed document(s) are no longer in the folder "
            f"({', '.join(a.missing[:5])}{', ...' if len(a.missing) > 5 else ''}); they are kept; remove them with "
            f"`claimcheck index rm {a.story}/DOCUMENT --db {db}`",
            err=True,
        )


@index_app.command("ls")
def index_ls(
    db: DbOpt,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.table,
    documents: Annotated[bool, typer.Option("--documents", help="List each story's documents too.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Read every page of the file and report any damage (exit 1 if damaged).")
    ] = False,
) -> None:
    """What the index holds: stories, documents, claims, and the model that embedded them."""
    if not db.exists():
        raise fail(f"{db}: no such index; build one with `claimcheck index add FOLDER --db {db}`")
    try:
        with _open(db, read_only=True) as index:
            if check:
                _check(index, db)
            stories = index.stories()
            listed = {s.name: index.documents(s.name) for s in stories} if documents else {}
            model, version, claims = index.model, index.schema_version, index.count()
            search = "approximate" if claims >= index.ann_min_claims else "exact"
    except ClaimcheckError as exc:
        raise fail(str(exc)) from None
    if fmt is ListFormat.json:
        info = {
            "index": str(db),
            "model": model,
            "schema_version": version,
            "claims": claims,
            "search": search,
            "stories": [
                {"name": s.name, "path": s.path, "documents": s.documents, "claims": s.claims, "added": s.added}
                | ({"document_ids": listed[s.name]} if documents else {})
                for s in stories
            ],
        }
        typer.echo(json.dumps(info, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{db}: {len(stories)} stories, {sum(s.documents for s in stories)} documents, {claims} claims")
    typer.echo(f"model {model or '(none yet)'}; {search} search; schema {version}")
    for s in stories:
        typer.echo(f"  {s.name:<32} {s.documents:>5} documents {s.claims:>7} claims  added {s.added}")
        for name in listed.get(s.name, []):
            typer.echo(f"      {name}")


def _check(index: ClaimIndex, db: Path) -> None:
    problems = index.integrity()
    if not problems:
        typer.echo(f"{db}: integrity check passed", err=True)
        return
    for problem in problems[:20]:
        typer.echo(f"claimcheck: {db}: {problem}", err=True)
    more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
    raise fail(
        f"{db}: damaged, {len(problems)} problem(s) found{more}; move it aside and rebuild it with "
        f"`claimcheck index add FOLDER --db {db}` on its stories",
        code=1,
    )


@index_app.command("rm")
def index_rm(
    names: Annotated[list[str], typer.Argument(help="STORY, or STORY/DOCUMENT for one document.", show_default=False)],
    db: DbOpt,
) -> None:
    """Remove stories or single documents with their claims."""
    if not db.exists():
        raise fail(f"{db}: no such index")
    failed = False
    try:
        with _open(db) as index:
            for name in names:
                story, _, document = name.partition("/")
                try:
                    removed = index.remove(story, document or None)
                except ClaimcheckError as exc:
                    typer.echo(f"claimcheck: {exc}", err=True)
                    failed = True
                    continue
                typer.echo(f"removed {name} ({removed} document{'s' if removed != 1 else ''})")
            index.refresh_ann()
    except ClaimcheckError as exc:
        raise fail(str(exc)) from None
    if failed:
        raise typer.Exit(2)
