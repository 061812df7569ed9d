"""Report -> JSON (versioned contract), HTML (jinja2, autoescaped), CSV (pandas), text summary."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from claimcheck.types import Conflict, Report

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = "1.0"


def to_dict(report: Report) -> dict[str, Any]:
    """The JSON contract: see claimcheck/data/report.schema.json."""
    from claimcheck import __version__

    claims_per_doc: dict[str, list[dict[str, Any]]] = {d.id: [] for d in report.documents}
    for c in report.claims:
        claims_per_doc[c.document_id].append({"id": c.id, "text": c.text, "start": c.span[0], "end": c.span[1]})
    return {
        "claimcheck": __version__,
        "schema": SCHEMA_VERSION,
        "documents": [
            {
                "id": d.id,
                "path": d.path,
                "title": d.title,
                "source": d.source,
                "url": d.url,
                "published": d.published.isoformat() if d.published else None,
                "claims": claims_per_doc[d.id],
            }
            for d in report.documents
        ],
        "conflicts": [_conflict_dict(c) for c in report.conflicts],
        "problems": [{"path": p.path, "message": p.message, "skipped": p.skipped} for p in report.problems],
        "stats": {**report.stats, "model": report.config.model},
    }


def _conflict_dict(c: Conflict) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "severity": c.severity,
        "confidence": c.confidence,
        "summary": c.summary,
        "subject": c.subject,
        "cluster": c.cluster_id,
        "values": [
            {
                "value": v.value,
                "normalized": v.normalized,
                "majority": _is_majority(c, n),
                "documents": list(v.document_ids),
                "claims": [
                    {
                        "document": e.document_id,
                        "text": e.text,
                        "start": e.start,
                        "end": e.end,
                        "value_start": e.value_start,
                        "value_end": e.value_end,
                    }
                    for e in v.evidence
                ],
            }
            for n, v in enumerate(c.values)
        ],
    }


def _is_majority(conflict: Conflict, n: int) -> bool:
    """Value n is the one more sources state than any other (a tie has no majority)."""
    return n == 0 and len(conflict.values[0].document_ids) > len(conflict.values[1].document_ids)


def render_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


@functools.cache
def _templates() -> jinja2.Environment:
    # Article text is untrusted: autoescape everything, and fail on template typos.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("claimcheck", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report) -> str:
    data = to_dict(report)
    for conflict in data["conflicts"]:
        for value in conflict["values"]:
            for claim in value["claims"]:
                a = claim["value_start"] - claim["start"]
                b = claim["value_end"] - claim["start"]
                claim["parts"] = (claim["text"][:a], claim["text"][a:b], claim["text"][b:])
    return _templates().get_template("report.html.j2").render(report=data)


def conflicts_frame(report: Report) -> pd.DataFrame:
    """One row per conflict value: what differs, which sources say it, and where."""
    import pandas as pd

    rows = []
    for c in report.conflicts:
        for n, v in enumerate(c.values):
            first = v.evidence[0] if v.evidence else None
            rows.append(
                {
                    "conflict": c.id,
                    "kind": c.kind,
                    "severity": c.severity,
                    "confidence": c.confidence,
                    "subject": c.subject,
                    "summary": c.summary,
                    "value": v.value,
                    "normalized": v.normalized,
                    "majority": _is_majority(c, n),
                    "n_documents": len(v.document_ids),
                    "documents": ";".join(v.document_ids),
                    "evidence": first.text if first else "",
                }
            )
    columns = [
        "conflict",
        "kind",
        "severity",
        "confidence",
        "subject",
        "summary",
        "value",
        "normalized",
        "majority",
        "n_documents",
        "documents",
        "evidence",
    ]
    return pd.DataFrame(rows, columns=columns)


def render_csv(report: Report) -> str:
    return str(conflicts_frame(report).to_csv(index=False))


def render_text(report: Report) -> str:
    """A readable summary for the terminal."""
    s = report.stats
    lines = [
        f"{s['documents']} documents, {s['claims']} claims, {s['clusters']} clusters, "
        f"{s['conflicts']} conflicts ({s['by_severity']['high']} high, {s['by_severity']['medium']} medium, "
        f"{s['by_severity']['low']} low)",
    ]
    for c in report.conflicts:
        lines.append(f"  [{c.severity:<6}] {c.kind:<12} {c.confidence:.2f}  {c.summary}")
    for p in report.problems:
        lines.append(f"  note: {p.path}: {p.message}")
    return "\n".join(lines) + "\n"


RENDERERS = {"html": render_html, "json": render_json, "csv": render_csv, "text": render_text}


def format_for(path: Path) -> str | None:
    return {".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}.get(path.suffix.lower())


def write_report(report: Report, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RENDERERS[fmt](report), encoding="utf-8")


def schema() -> dict[str, Any]:
    """The JSON Schema that render_json output satisfies (shipped in the package)."""
    from importlib.resources import files

    return dict(json.loads(files("claimcheck").joinpath("data/report.schema.json").read_text(encoding="utf-8")))
