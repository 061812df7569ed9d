"""Report -> a readable summary for the terminal."""

from __future__ import annotations

from claimcheck.report.contract import BIDI_CONTROLS
from claimcheck.types import Report


def render_text(report: Report) -> str:
    """A readable summary for the terminal; conflicts a reviewer dismissed come last, marked,
    and out of the counts."""
    s = report.stats
    counts = report.open_by_severity()
    gone = [c for c in report.conflicts if report.is_dismissed(c)]
    lines = [
        f"{s['documents']} documents, {s['claims']} claims, {s['clusters']} clusters, "
        f"{sum(counts.values())} conflicts ({counts['high']} high, {counts['medium']} medium, {counts['low']} low)"
        + (f", {len(gone)} dismissed by a reviewer" if gone else ""),
    ]
    for c in report.conflicts:
        if not report.is_dismissed(c):
            decision = report.decisions.get(c.key)
            mark = f" ({decision.status})" if decision else ""
            lines.append(f"  [{c.severity:<6}] {c.kind:<12} {c.confidence:.2f}  {c.summary}{mark}")
    for c in gone:
        lines.append(f"  [dismissed] {c.kind:<12} {c.confidence:.2f}  {c.summary}")
    if unlisted := s.get("unlisted"):
        lines.append(
            f"  ({unlisted} more under {report.config.min_confidence:.0%} confidence not listed; "
            "--min-confidence 0 lists them)"
        )
    for p in report.problems:
        lines.append(f"  note: {p.path}: {p.message}")
    return ("\n".join(lines) + "\n").translate(BIDI_CONTROLS)
