"""What the checks hand on: a value as one claim states it, and a conflict as one check found it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from claimcheck.types import Claim, ConflictValue, Evidence, Value

# Disagreements about one subject, linked through shared values, make a card per pair of
# values; past this many pairs they make one card instead (pairs grow with the square of the
# values: a story of 10,000 one-line articles gave 100,000 cards). A real story stays far
# below it (the seeds: 31 cards in all).
PAIR_CARDS = 66
# A card of more values than this is low whatever else it shows: values that scatter so are
# a list of facts or noise, never one fact told two ways.
LIST_VALUES = 12


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
        seen: set[str] = set()
        for e in evidence.values():
            (repeats if e.document_id in seen else firsts).append(e)
            seen.add(e.document_id)
        values.append(ConflictValue(surface, normalized, docs, (*firsts, *repeats)))
    values.sort(key=lambda v: (-len(v.document_ids), v.normalized))
    return values


def cross_source(docs_per_value: list[set[str]]) -> bool:
    """The values are not all stated by the same sources (one article contradicting
    itself and nobody else is not a cross-source discrepancy)."""
    return any(a != b for n, a in enumerate(docs_per_value) for b in docs_per_value[n + 1 :])
