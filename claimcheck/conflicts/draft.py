"""What the checks hand on: a value as one claim states it, and a conflict as one check found it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from claimcheck.types import Claim, ConflictValue, Evidence, Value


@dataclass(frozen=True, slots=True)
class Sighting:
    """One value as one claim states it."""

    value: Value
    claim: Claim
    similarity: float = 1.0  # the cosine of the pairing it was seen in
    aligned: bool = True  # False: the pairing's alignment is itself uncertain (values in different slots, ...)


@dataclass(frozen=True, slots=True)
class Draft:
    """A conflict as one of the checks found it, before `settle` counts its sources, grades it and words it."""

    kind: str
    subject: str
    values: tuple[ConflictValue, ...]
    cluster_id: str | None = None
    # what the check saw beyond the values (how alike the sentences were, whether the parse
    # put both values in one slot, ...): the signals conflicts/severity.py weighs
    signals: tuple[tuple[str, float], ...] = ()


def gather_values(sightings: Iterable[Sighting]) -> list[ConflictValue]:
    """Sightings grouped by normalized value, the value most sources use first."""
    grouped: dict[str, list[Sighting]] = defaultdict(list)
    for s in sightings:
        grouped[s.value.normalized].append(s)
    values = []
    for normalized, group in grouped.items():
        surface = Counter(s.value.text for s in group).most_common(1)[0][0]
        evidence: dict[tuple[str, int], Evidence] = {}
        for s in group:
            key = (s.claim.id, s.value.span[0])
            evidence.setdefault(
                key,
                Evidence(
                    s.claim.document_id,
                    s.claim.text,
                    s.claim.span[0],
                    s.claim.span[1],
                    s.value.span[0],
                    s.value.span[1],
                ),
            )
        docs = tuple(sorted({s.claim.document_id for s in group}))
        # one sentence from each source first, so the evidence spans the sources
        firsts: list[Evidence] = []
        repeats: list[Evidence] = []
        for e in evidence.values():
            (repeats if any(f.document_id == e.document_id for f in firsts) else firsts).append(e)
        values.append(ConflictValue(surface, normalized, docs, (*firsts, *repeats)))
    values.sort(key=lambda v: (-len(v.document_ids), v.normalized))
    return values


def cross_source(docs_per_value: list[set[str]]) -> bool:
    """The values are not all stated by the same sources (one article contradicting
    itself and nobody else is not a cross-source discrepancy)."""
    return any(a != b for n, a in enumerate(docs_per_value) for b in docs_per_value[n + 1 :])
