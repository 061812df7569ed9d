"""Renderers: Report -> JSON (versioned contract), HTML (jinja2, autoescaped), CSV (pandas),
text; one registry, RENDERERS, that the CLI and batch both read; and the atomic file write."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from claimcheck.errors import cannot_write
from claimcheck.report.contract import SCHEMA_VERSION, render_json, schema, to_dict
from claimcheck.report.page import render_batch_index, render_html
from claimcheck.report.table import conflicts_frame, render_csv
from claimcheck.report.text import render_text
from claimcheck.types import Report

__all__ = [
    "RENDERERS",
    "SCHEMA_VERSION",
    "conflicts_frame",
    "format_for",
    "render_batch_index",
    "render_csv",
    "render_html",
    "render_json",
    "render_text",
    "schema",
    "to_dict",
    "write_atomic",
    "write_report",
]

RENDERERS: dict[str, Callable[[Report], str]] = {
    "html": render_html,
    "json": render_json,
    "csv": render_csv,
    "text": render_text,
}


def format_for(path: Path) -> str | None:
    return {".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}.get(path.suffix.lower())


def write_report(report: Report, path: Path, fmt: str) -> None:
    write_atomic(path, RENDERERS[fmt](report))


def write_atomic(path: Path, content: str | bytes | Callable[[Path], object]) -> None:
    """Write beside the target, then rename over it: an interrupted run never leaves half a
    report, and a reader sees the old file or the new one. `content` may be a function that
    writes a file at the path it is given (pandas' to_parquet)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            temp.write_text(content, encoding="utf-8")
        elif isinstance(content, bytes):
            temp.write_bytes(content)
        else:
            content(temp)
        os.replace(temp, path)
    except OSError as exc:  # nothing half-written: the target is untouched
        raise cannot_write(path, exc) from None
    finally:
        with contextlib.suppress(OSError):  # the folder itself could not be made or listed
            temp.unlink(missing_ok=True)
