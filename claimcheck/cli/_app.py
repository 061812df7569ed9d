"""The Typer app and what its commands share: the shared options (defined once), progress, errors."""

from __future__ import annotations

import functools
import inspect
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from claimcheck.config import CACHE_ENV, DEFAULT_MODEL, CheckConfig, default_cache_dir

# typer's help (0.2x) prints a value type after every option, "<bool>" after a plain flag
# and "<int>" after -v, which is counted (-vv) rather than given a number: a flag takes no
# value, so none is shown. Older typers print no types and have nothing to change.
_value_type: Callable[[Any, Any], str | None] | None = getattr(typer.core.TyperOption, "display_type_rich", None)
if _value_type is not None:
    _shown = _value_type

    def _flags_show_no_type(self: typer.core.TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag or self.count else _shown(self, ctx)

    typer.core.TyperOption.display_type_rich = _flags_show_no_type  # type: ignore[method-assign]

# typer 0.2x checks values with pydantic, whose message for a bad choice starts "Value
# error, " ("Value error, 'pdf' is not one of 'text', ..."): the user is told the rest
try:
    from typer._click.exceptions import BadParameter as _BadParameter
except ImportError:  # typer on click, whose messages have no such prefix
    pass
else:
    _formatted = _BadParameter.format_message

    def _without_pydantic_prefix(self: _BadParameter) -> str:
        return _formatted(self).replace(": Value error, ", ": ", 1)

    _BadParameter.format_message = _without_pydantic_prefix  # type: ignore[method-assign]

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


@dataclass(frozen=True, slots=True)
class Shared:
    """The options every checking command takes (SHARED_OPTIONS), handed to it as one value."""

    model: str | None
    backend: Backend
    cache_dir: Path | None
    no_cache: bool
    severity_model: Path | None
    min_confidence: float
    quiet: bool
    verbose: int

    def config(self, default_model: str | None = None) -> CheckConfig:
        """`default_model` stands in when --model is not given (a claim index's own model)."""
        if self.severity_model is not None:
            from claimcheck.conflicts.severity import load_model
            from claimcheck.errors import ClaimcheckError

            try:  # a bad file stops here, named, rather than in every story
                load_model(self.severity_model.resolve())
            except ClaimcheckError as exc:
                raise fail(str(exc)) from None
        return CheckConfig(
            model=self.model or default_model or DEFAULT_MODEL,
            cache_dir=None if self.no_cache else (self.cache_dir or default_cache_dir()),
            backend=Backend(self.backend).value,
            severity_model=self.severity_model.resolve() if self.severity_model is not None else None,
            min_confidence=self.min_confidence,
        )

    def progress(self) -> Progress:
        return Progress(not self.quiet)


def _option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


SHARED_OPTIONS = [
    _option(
        "model",
        Annotated[
            Optional[str],  # noqa: UP045 - typer needs Optional here on 3.11
            typer.Option(
                "--model",
                help=f"sentence-transformers model name or local path (default: the bundled {DEFAULT_MODEL}; "
                "for a claim index, the model it was built with).",
                show_default=False,
            ),
        ],
        None,
    ),
    _option(
        "backend",
        Annotated[
            Backend,
            typer.Option(
                "--backend", help="Encoder for the bundled model: onnxruntime, or torch through sentence-transformers."
            ),
        ],
        Backend.onnx,
    ),
    _option(
        "cache_dir",
        Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option(
                "--cache-dir", help=f"Embedding cache folder (default: ${CACHE_ENV}, else ~/.cache/claimcheck)."
            ),
        ],
        None,
    ),
    _option(
        "no_cache", Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")], False
    ),
    _option(
        "severity_model",
        Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option(
                "--severity-model",
                help="A severity model refitted with `claimcheck eval --fit-severity FILE` "
                "(default: the one that ships with claimcheck).",
                show_default=False,
            ),
        ],
        None,
    ),
    _option(
        "min_confidence",
        Annotated[
            float,
            typer.Option(
                "--min-confidence",
                min=0.0,
                max=1.0,
                help="Cards the severity model gives less chance than this of being real are counted, not listed "
                "(0 lists every one).",
            ),
        ],
        CheckConfig().min_confidence,
    ),
    _option("quiet", Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")], False),
    _option(
        "verbose",
        Annotated[
            int, typer.Option("--verbose", "-v", count=True, show_default=False, help="Log more: -v info, -vv debug.")
        ],
        0,
    ),
]


def command(group: typer.Typer = app, name: str | None = None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a command that takes the shared options: they are added to its signature,
    logging is set up from them, and the command gets them as its `shared` parameter."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(fn, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "shared"]

        @functools.wraps(fn)
        def run(**options: Any) -> None:
            shared = Shared(**{p.name: options.pop(p.name) for p in SHARED_OPTIONS})
            setup_logging(shared.verbose)
            fn(shared=shared, **options)

        run.__signature__ = signature.replace(parameters=[*own, *SHARED_OPTIONS])  # type: ignore[attr-defined]
        group.command(name)(run)
        return run

    return register


def setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"claimcheck: {message}", err=True)
    return typer.Exit(code)
