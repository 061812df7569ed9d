"""A conflict as shown: its sides counted in sources, its confidence and severity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from claimcheck.config import CheckConfig
from claimcheck.conflicts.describe import describe
from claimcheck.conflicts.draft import Draft
from claimcheck.types import Conflict, ConflictValue


def settle(draft: Draft, headlines: set[tuple[str, int]], config: CheckConfig) -> Conflict:
    """What every card holds, whichever check found it: each side counted in sources, a source
    on two sides counted on neither (a source that contradicts itself is no disagreement
    between sources: alone, it is an internal inconsistency, shown low), a severity its
    confidence bears out, never above low on a headline's word alone, and a summary that
    names the fact disputed."""
    docs = [set(v.document_ids) for v in draft.values]
    both = sorted({d for n, a in enumerate(docs) for d in a if any(d in b for m, b in enumerate(docs) if m != n)})
    if draft.cluster_id is None:
        # Story-wide checks compare how each source names, titles and casts one person: a
        # source that writes two forms is an outlier in its rarer ones ("Dong Un" where every
        # other source writes "Dong Jun") and is counted there, not with the majority.
        commonest = {d: min((v for v in draft.values if d in v.document_ids), key=_by_sources) for d in both}
        own = [_without(v, [d for d in both if commonest[d] is v]) for v in draft.values]
    else:
        own = [_without(v, both) for v in draft.values]
    internal = sum(bool(v.document_ids) for v in own) < 2
    values = list(draft.values) if internal else sorted((v for v in own if v.document_ids), key=_by_sources)
    confidence = confidence_of(values, draft.quality)
    headline_only = any(all((e.document_id, e.start) in headlines for e in v.evidence) for v in values)
    severity = draft.severity
    if internal or headline_only or confidence < config.medium_confidence:
        severity = "low"
    elif confidence < config.high_confidence and severity == "high":
        severity = "medium"
    summary = describe(draft.kind, draft.subject, values, both, internal)
    return Conflict("", draft.kind, severity, confidence, summary, draft.subject, tuple(values), draft.cluster_id)


def _without(value: ConflictValue, documents: Sequence[str]) -> ConflictValue:
    keep = tuple(d for d in value.document_ids if d not in documents)
    return replace(value, document_ids=keep, evidence=tuple(e for e in value.evidence if e.document_id in keep))


def _by_sources(value: ConflictValue) -> tuple[int, str]:
    return -len(value.document_ids), value.normalized


def confidence_of(values: Sequence[ConflictValue], quality: float = 1.0) -> float:
    """How sure the card is: the alignment's quality (how alike the sentences are), a little
    higher when one value has clearly more sources behind it, and when two sides each have two."""
    counts = [len(v.document_ids) for v in values]
    total = sum(counts)
    margin = (counts[0] - max(counts[1:])) / total if total and len(counts) > 1 else 0.0
    corroborated = sum(c >= 2 for c in counts) >= 2
    return round(max(0.05, min(0.99, quality * (0.7 + 0.3 * margin) + 0.1 * corroborated)), 2)
