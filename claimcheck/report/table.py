"""Report -> CSV through pandas: one row per conflict value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimcheck.report.contract import is_majority
from claimcheck.types import Report

if TYPE_CHECKING:
    import pandas as pd


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
                    "majority": is_majority(c, n),
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
