"""Report -> a readable summary for the terminal."""

from __future__ import annotations

from claimcheck.report.contract import BIDI_CONTROLS
from claimcheck.types import Report


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
    return ("\n".join(lines) + "\n").translate(BIDI_CONTROLS)
