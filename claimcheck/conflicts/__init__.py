"""Clusters and claims -> Conflicts: values that sources state differently.

Two kinds of check:
- inside each cluster (claims about one fact), the centre claim's values are aligned
  with each member's by type and role (numbers by the noun they count, dates by
  granularity, places by kind) and compared after normalisation;
- across the whole story, every source's way of naming and titling each person is
  compared: near-identical spellings of one name, incompatible titles for one person,
  and different holders of one head-of-government role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from claimcheck.config import CheckConfig
from claimcheck.conflicts.compare import compare_claims, person_link
from claimcheck.conflicts.entities import entity_conflicts, story_entities
from claimcheck.conflicts.pairwise import cluster_conflicts
from claimcheck.conflicts.severity import settle
from claimcheck.types import Claim, Cluster, Conflict

__all__ = ["compare_claims", "find_conflicts", "listed", "person_link", "story_entities"]


def find_conflicts(claims: Sequence[Claim], clusters: Sequence[Cluster], config: CheckConfig) -> tuple[Conflict, ...]:
    """All conflicts in a story, most severe and most certain first."""
    by_id = {c.id: c for c in claims}
    headlines = {(c.document_id, c.span[0]) for c in claims if c.headline}
    drafts = cluster_conflicts(clusters, by_id, config) + entity_conflicts(claims, config)
    found = [settle(d, headlines, config) for d in drafts]
    order = {"high": 0, "medium": 1, "low": 2}
    found.sort(key=lambda c: (order[c.severity], -c.confidence, c.kind, c.summary))
    return tuple(replace(c, id=f"k{n + 1}") for n, c in enumerate(found))


def listed(conflicts: Sequence[Conflict], floor: float) -> tuple[Conflict, ...]:
    """The conflicts a report lists: those the severity model gives at least `floor` (the rest
    are counted, not listed). Conflicts come most severe and certain first, so what falls under
    it is their tail of low cards and the ids of those listed stay k1..kN."""
    return tuple(c for c in conflicts if c.confidence >= floor)
