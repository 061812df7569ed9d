"""The Typer app and what its commands share: option types, config building, progress, errors."""

from __future__ import annotations

import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from claimcheck.config import CACHE_ENV, CheckConfig, default_cache_dir

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


class Backend(str, Enum):  # noqa: UP042
    onnx = "onnx"
    torch = "torch"


PathsArg = Annotated[list[str], typer.Argument(help="Article files or folders ('-' reads stdin).", show_default=False)]
ModelOpt = Annotated[str, typer.Option("--model", help="sentence-transformers model name or local path.")]
BackendOpt = Annotated[
    Backend,
    typer.Option(
        "--backend", help="Encoder for the bundled model: onnxruntime, or torch through sentence-transformers."
    ),
]
CacheOpt = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional here on 3.11
    typer.Option("--cache-dir", help=f"Embedding cache folder (default: ${CACHE_ENV}, else ~/.cache/claimcheck)."),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
VerboseOpt = Annotated[int, typer.Option("--verbose", "-v", count=True, help="Log more (-v info, -vv debug).")]


def build_config(
    model: str, cache_dir: Path | None, no_cache: bool, backend: Backend | str = Backend.onnx
) -> CheckConfig:
    return CheckConfig(
        model=model,
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
        backend=Backend(backend).value,
    )


class Progress:
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


def setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"claimcheck: {message}", err=True)
    return typer.Exit(code)
