"""Report -> JSON (versioned contract), HTML (jinja2, autoescaped), CSV (pandas), text summary."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from claimcheck.errors import InputError
from claimcheck.types import CONFLICT_KINDS, REVIEW_STATUSES, SEVERITIES, Conflict, Decision, Report

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = "1.1"


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
        "story": report.story,
        "conflicts": [_conflict_dict(c, report.decisions.get(c.key)) for c in report.conflicts],
        "entities": [
            {
                "name": e.name,
                "kind": e.kind,
                "sources": [
                    {"document": m.document_id, "names": list(m.names), "titles": [t for t, _ in m.titles]}
                    for m in e.mentions
                ],
            }
            for e in report.entities
        ],
        "problems": [{"path": p.path, "message": p.message, "skipped": p.skipped} for p in report.problems],
        "stats": {**report.stats, "model": report.config.model},
    }


def _conflict_dict(c: Conflict, decision: Decision | None = None) -> dict[str, Any]:
    return {
        "id": c.id,
        "key": c.key,
        "review": {"status": decision.status, "note": decision.note} if decision else None,
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
    """One self-contained page: no request leaves it, and the only script that may run is
    its own, allowed by hash in the Content-Security-Policy, so article text can never run."""
    data = to_dict(report)
    doc_number = {d.id: n for n, d in enumerate(report.documents)}
    for conflict in data["conflicts"]:
        for value in conflict["values"]:
            for claim in value["claims"]:
                a = claim["value_start"] - claim["start"]
                b = claim["value_end"] - claim["start"]
                claim["parts"] = (claim["text"][:a], claim["text"][a:b], claim["text"][b:])
                claim["doc_number"] = doc_number[claim["document"]]
    env = _templates()
    script = _script()
    page_state = {
        "report": report_fingerprint(report),
        "story": report.story,
        "decisions": _decision_dicts(report),
    }
    return env.get_template("report.html.j2").render(
        report=data,
        kinds=_kind_counts(report),
        entities=_entity_rows(report),
        sources=_source_views(report),
        counts={
            "low": sum(c.severity == "low" and not _dismissed(report, c) for c in report.conflicts),
            "dismissed": sum(_dismissed(report, c) for c in report.conflicts),
        },
        script=script,
        script_hash=_script_hash(script),
        page_state=page_state,
    )


@functools.cache
def _script(name: str = "report.js") -> str:
    from importlib.resources import files

    return files("claimcheck").joinpath(f"templates/{name}").read_text(encoding="utf-8")


def _script_hash(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def render_batch_index(run: dict[str, Any]) -> str:
    """The batch's front page: one row per story, worst first, linking to its report."""
    rows = [
        {
            **s,
            "problem_files": sum(bool(f["problems"]) or f["read"] == 0 for f in s["files"]),
            "report": s["status"] in ("done", "unchanged"),
        }
        for s in run["stories"]
    ]
    # failed stories first (they need a person), then by high, medium and all conflicts
    rows.sort(
        key=lambda r: (r["status"] == "failed", r["by_severity"]["high"], r["by_severity"]["medium"], r["conflicts"]),
        reverse=True,
    )
    script = _script("batch.js")
    return (
        _templates()
        .get_template("batch.html.j2")
        .render(run=run, stories=rows, script=script, script_hash=_script_hash(script))
    )


def _dismissed(report: Report, conflict: Conflict) -> bool:
    decision = report.decisions.get(conflict.key)
    return decision is not None and decision.status == "dismissed"


def report_fingerprint(report: Report) -> str:
    """Names the report in the browser's storage: the same documents give the same name."""
    digest = hashlib.sha256()
    for d in sorted(report.documents, key=lambda d: d.id):
        digest.update(d.id.encode() + b"\0" + hashlib.sha256(d.text.encode()).digest())
    return digest.hexdigest()[:16]


def _kind_counts(report: Report) -> list[dict[str, Any]]:
    rows = []
    for kind in CONFLICT_KINDS:
        counts = {s: sum(c.kind == kind and c.severity == s for c in report.conflicts) for s in SEVERITIES}
        if any(counts.values()):
            rows.append({"kind": kind, **counts, "total": sum(counts.values())})
    return rows


def _entity_rows(report: Report) -> list[dict[str, Any]]:
    """Entity x source cells; a cell is marked where its name or title is a minority value
    of a name or title conflict."""
    odd_names = {
        (d, v.normalized)
        for c in report.conflicts
        if c.kind == "person_name"
        for v in c.values[1:]
        for d in v.document_ids
    }
    odd_titles = {
        (c.subject, d, v.normalized)
        for c in report.conflicts
        if c.kind == "title"
        for v in c.values[1:]
        for d in v.document_ids
    }
    rows = []
    for e in report.entities:
        cells = {}
        for m in e.mentions:
            names = [n.title() for n in m.names] if e.kind == "person" else list(m.names)
            marked = any((m.document_id, n) in odd_names for n in m.names) or any(
                (e.name, m.document_id, k) in odd_titles for _, k in m.titles
            )
            cells[m.document_id] = {"names": names, "titles": [t for t, _ in m.titles], "marked": marked}
        rows.append(
            {"name": e.name, "kind": e.kind, "cells": cells, "marked": any(c["marked"] for c in cells.values())}
        )
    return rows


def _source_views(report: Report) -> list[dict[str, Any]]:
    """Each document's text cut into plain runs and claims; a claim in a conflict links to its cards."""
    cards: dict[tuple[str, int], list[str]] = {}
    for c in report.conflicts:
        for v in c.values:
            for e in v.evidence:
                ids = cards.setdefault((e.document_id, e.start), [])
                if c.id not in ids:
                    ids.append(c.id)
    claims_of: dict[str, list[Any]] = {d.id: [] for d in report.documents}
    for claim in report.claims:
        claims_of[claim.document_id].append(claim)
    views = []
    for n, d in enumerate(report.documents):
        parts: list[dict[str, Any]] = []
        at = 0
        for claim in sorted(claims_of[d.id], key=lambda c: c.span):
            start, end = claim.span
            if start < at:
                continue  # overlapping spans are not expected; never repeat text
            if start > at:
                parts.append({"text": d.text[at:start], "claim": None, "cards": []})
            parts.append({"text": d.text[start:end], "claim": claim.id, "cards": cards.get((d.id, start), [])})
            at = end
        if at < len(d.text):
            parts.append({"text": d.text[at:], "claim": None, "cards": []})
        views.append({"number": n, "id": d.id, "title": d.title or d.id, "parts": parts})
    return views


def conflicts_frame(report: Report) -> pd.DataFrame:
    """One row per conflict value: what differs, which sources say it, and where."""
    import pandas as pd

    rows = []
    for c in report.conflicts:
        decision = report.decisions.get(c.key)
        for n, v in enumerate(c.values):
            first = v.evidence[0] if v.evidence else None
            rows.append(
                {
                    "conflict": c.id,
                    "key": c.key,
                    "review": decision.status if decision else "",
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
        "key",
        "review",
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
    write_atomic(path, RENDERERS[fmt](report))


def write_atomic(path: Path, content: str | bytes | Callable[[Path], object]) -> None:
    """Write beside the target, then rename over it: an interrupted run never leaves half a
    report, and a reader sees the old file or the new one. `content` may be a function that
    writes a file at the path it is given (pandas' to_parquet)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(content, str):
            temp.write_text(content, encoding="utf-8")
        elif isinstance(content, bytes):
            temp.write_bytes(content)
        else:
            content(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def schema() -> dict[str, Any]:
    """The JSON Schema that render_json output satisfies (shipped in the package)."""
    from importlib.resources import files

    return dict(json.loads(files("claimcheck").joinpath("data/report.schema.json").read_text(encoding="utf-8")))


DECISIONS_FORMAT = "claimcheck-decisions-1"
EXPORT_HINT = "use the JSON that the report page's Export decisions button saves"


def read_decisions(path: Path) -> dict[str, Decision]:
    """Decisions exported from the HTML page ("Export decisions"), by conflict key."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: decisions file not found; export it from the report page first") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a decisions file ({exc}); {EXPORT_HINT}") from None
    if (
        not isinstance(data, dict)
        or data.get("format") != DECISIONS_FORMAT
        or not isinstance(data.get("decisions"), dict)
    ):
        raise InputError(f"{path}: not a claimcheck decisions file; {EXPORT_HINT}")
    out = {}
    for key, d in data["decisions"].items():
        if isinstance(d, dict) and d.get("status") in REVIEW_STATUSES:
            out[str(key)] = Decision(d["status"], str(d.get("note") or ""), str(d.get("summary") or ""))
    return out


def decisions_json(report: Report) -> str:
    """The file the page exports, for decisions made outside the browser (and for tests)."""
    data = {"format": DECISIONS_FORMAT, "report": report_fingerprint(report), "decisions": _decision_dicts(report)}
    return json.dumps(data, indent=2)


def _decision_dicts(report: Report) -> dict[str, dict[str, str]]:
    return {k: {"status": d.status, "note": d.note, "summary": d.summary} for k, d in report.decisions.items()}
