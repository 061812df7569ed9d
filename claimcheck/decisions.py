"""Review decisions: read the file a report page exports, write one, and name a report by its
documents so that the page keeps a story's decisions apart from another's."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.types import REVIEW_STATUSES, Decision, Report

DECISIONS_FORMAT = "claimcheck-decisions-1"
EXPORT_HINT = "use the JSON that the report page's Export decisions button saves"
MAX_BYTES = 20_000_000  # a page's export of thousands of decisions is well under a megabyte

log = logging.getLogger(__name__)


def read_decisions(path: Path) -> dict[str, Decision]:
    """Decisions exported from the HTML page ("Export decisions"), by conflict key; entries
    that are not a decision are named in a warning and left out."""
    try:
        if (size := path.stat().st_size) > MAX_BYTES:
            raise InputError(f"{path}: {size / 1e6:.0f} MB is too large for a decisions file; {EXPORT_HINT}")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: decisions file not found; export it from the report page first") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a decisions file ({exc}); {EXPORT_HINT}") from None
    except RecursionError:  # JSON nested thousands deep: no page writes that
        raise InputError(f"{path}: not a decisions file (nested too deeply); {EXPORT_HINT}") from None
    if (
        not isinstance(data, dict)
        or data.get("format") != DECISIONS_FORMAT
        or not isinstance(data.get("decisions"), dict)
    ):
        raise InputError(f"{path}: not a claimcheck decisions file; {EXPORT_HINT}")
    out = {}
    ignored = []
    for key, d in data["decisions"].items():
        if isinstance(d, dict) and d.get("status") in REVIEW_STATUSES:
            out[str(key)] = Decision(d["status"], str(d.get("note") or ""), str(d.get("summary") or ""))
        else:
            ignored.append(str(key))
    if ignored:
        log.warning(
            "%s: %d decision(s) ignored, their status not one of %s: %s%s",
            path,
            len(ignored),
            ", ".join(REVIEW_STATUSES),
            ", ".join(ignored[:5]),
            ", …" if len(ignored) > 5 else "",
        )
    return out


def decisions_json(report: Report) -> str:
    """The file the page exports, for decisions made outside the browser (and for tests)."""
    data = {"format": DECISIONS_FORMAT, "report": report_fingerprint(report), "decisions": decision_dicts(report)}
    return json.dumps(data, indent=2)


def decision_dicts(report: Report) -> dict[str, dict[str, str]]:
    return {k: {"status": d.status, "note": d.note, "summary": d.summary} for k, d in report.decisions.items()}


def report_fingerprint(report: Report) -> str:
    """Names the report in the browser's storage: the same documents give the same name."""
    digest = hashlib.sha256()
    for d in sorted(report.documents, key=lambda d: d.id):
        digest.update(d.id.encode() + b"\0" + hashlib.sha256(d.text.encode()).digest())
    return digest.hexdigest()[:16]


def made_for(path: Path) -> str | None:
    """The story a decisions file was exported from, as the page recorded it (None if it did not)."""
    try:
        story = json.loads(path.read_text(encoding="utf-8")).get("story")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    return story if isinstance(story, str) and story else None
