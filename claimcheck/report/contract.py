"""Report -> JSON: the versioned contract tools read (claimcheck/data/report.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from claimcheck.types import Conflict, Decision, Report
from claimcheck.version import __version__

SCHEMA_VERSION = "1.2"


# Bidirectional controls (U+202E reverses what follows) would make article text show other
# than it is: what a person reads (the page, the terminal summary) shows each as its code point.
BIDI_CONTROLS = {c: f"[U+{c:04X}]" for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def to_dict(report: Report) -> dict[str, Any]:
    """The JSON contract: see claimcheck/data/report.schema.json."""
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
        "stats": {**report.stats, "model": report.config.model, "min_confidence": report.config.min_confidence},
    }


def _conflict_dict(c: Conflict, decision: Decision | None = None) -> dict[str, Any]:
    return {
        "id": c.id,
        "key": c.key,
        "review": {"status": decision.status, "note": decision.note} if decision else None,
        "kind": c.kind,
        "severity": c.severity,
        "confidence": c.confidence,
        "signals": dict(c.signals),
        "summary": c.summary,
        "subject": c.subject,
        "cluster": c.cluster_id,
        "values": [
            {
                "value": v.value,
                "normalized": v.normalized,
                "majority": is_majority(c, n),
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


def is_majority(conflict: Conflict, n: int) -> bool:
    """Value n is the one more sources state than any other (a tie has no majority)."""
    return n == 0 and len(conflict.values[0].document_ids) > len(conflict.values[1].document_ids)


def render_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema that render_json output satisfies (shipped in the package)."""
    from importlib.resources import files

    return dict(json.loads(files("claimcheck").joinpath("data/report.schema.json").read_text(encoding="utf-8")))
