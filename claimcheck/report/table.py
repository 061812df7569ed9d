"""Report -> CSV through pandas: one row per conflict value."""

from __future__ import annotations

import re
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
    return csv_text(conflicts_frame(report))


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d,.]*")


def spreadsheet_safe(cell: object) -> object:
    """Article text is untrusted: a text cell that a spreadsheet would read as a formula gets
    a leading apostrophe, which shows it as text; a plain signed number stays as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(frame: pd.DataFrame) -> str:
    """The CSV of any table claimcheck writes, its text cells made safe to open in a spreadsheet."""
    return str(frame.map(spreadsheet_safe).to_csv(index=False))
