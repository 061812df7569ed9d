"""Vectors -> Clusters: each claim with its closest counterpart in every other source."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from claimcheck.ann import build_ivf
from claimcheck.config import CheckConfig
from claimcheck.types import Claim, Cluster


def cluster_claims(claims: Sequence[Claim], vectors: np.ndarray, config: CheckConfig) -> tuple[Cluster, ...]:
    """Group claims about the same fact across documents.

    A cluster is a claim (the centre) plus its nearest claims in other documents whose
    cosine reaches `config.cluster_threshold`, closest first. Paraphrases of one fact
    in news sit anywhere from 0.45 to 0.9, and one source may restate a fact twice, so
    every such neighbour is kept; the conflict stage's typed alignment decides which
    values are comparable. Conflicts are read between the centre and each member.
    """
    if len(claims) < 2:
        return ()
    docs = [c.document_id for c in claims]
    neighbours, sims = nearest_neighbours(vectors, config.neighbours + 1, config.exact_search_limit)
    clusters: list[Cluster] = []
    for i in range(len(claims)):
        members = [
            (int(j), float(s))
            for j, s in zip(neighbours[i], sims[i], strict=True)
            if j >= 0 and j != i and s >= config.cluster_threshold and docs[j] != docs[i]
        ]
        if not members:
            continue
        clusters.append(
            Cluster(
                id=f"c{len(clusters)}",
                claim_ids=(claims[i].id, *(claims[j].id for j, _ in members)),
                similarities=(1.0, *(round(s, 4) for _, s in members)),
            )
        )
    return tuple(clusters)


def nearest_neighbours(vectors: np.ndarray, k: int, exact_limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k cosine neighbours of each row (unit vectors), closest first; -1 pads missing slots.

    Up to `exact_limit` rows this is exact. Beyond it, a faiss inverted-file index (about
    sqrt(n) lists, the same as the claim index's) is searched, so the work grows as
    n*sqrt(n) instead of n^2.
    """
    n = len(vectors)
    k = min(k, n)
    if n <= exact_limit:
        return _topk_exact(vectors, vectors, k, np.arange(n))
    sims, idx = build_ivf(vectors).search(np.ascontiguousarray(vectors, dtype=np.float32), k)
    return idx, sims


def _topk_exact(
    queries: np.ndarray, keys: np.ndarray, k: int, key_ids: np.ndarray, chunk: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    idx = np.empty((len(queries), k), dtype=np.int64)
    sim = np.empty((len(queries), k), dtype=np.float32)
    for s in range(0, len(queries), chunk):  # bounded memory: chunk x len(keys) at a time
        scores = queries[s : s + chunk] @ keys.T
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1)
        idx[s : s + chunk] = key_ids[np.take_along_axis(top, order, axis=1)]
        sim[s : s + chunk] = np.take_along_axis(top_scores, order, axis=1)
    return idx, sim
