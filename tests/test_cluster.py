from __future__ import annotations

import numpy as np

from claimcheck.cluster import cluster_claims, nearest_neighbours
from claimcheck.config import CheckConfig
from claimcheck.types import Claim


def unit(*rows: tuple[float, ...]) -> np.ndarray:
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def claim(doc: str, n: int) -> Claim:
    return Claim(f"{doc}:{n}", doc, f"text {doc} {n}", (0, 1))


def test_members_are_other_documents_neighbours_above_threshold() -> None:
    claims = [claim("a", 0), claim("a", 1), claim("b", 0), claim("b", 1), claim("c", 0)]
    vectors = unit((1, 0, 0), (0, 1, 0), (0.95, 0.05, 0), (0.9, 0.1, 0), (0, 0, 1))
    clusters = cluster_claims(claims, vectors, CheckConfig(cluster_threshold=0.8))
    centred_on_a0 = next(c for c in clusters if c.claim_ids[0] == "a:0")
    assert centred_on_a0.claim_ids == ("a:0", "b:0", "b:1")  # closest first, both restatements in b
    assert centred_on_a0.similarities[1] > centred_on_a0.similarities[2] >= 0.8
    assert all("c:0" not in c.claim_ids for c in clusters)  # nothing is near c:0
    for c in clusters:  # never a claim of the centre's own document
        assert all(i.split(":")[0] != c.claim_ids[0].split(":")[0] for i in c.claim_ids[1:])


def test_approximate_search_finds_the_exact_neighbours_of_clear_clusters() -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(60, 32))
    vectors = np.repeat(centres, 50, axis=0) + rng.normal(scale=0.05, size=(3000, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    exact_idx, _ = nearest_neighbours(vectors, 5, exact_limit=10_000)
    approx_idx, _ = nearest_neighbours(vectors, 5, exact_limit=100)
    recall = np.mean([len(set(a) & set(e)) / 5 for a, e in zip(approx_idx, exact_idx, strict=True)])
    assert recall > 0.95
