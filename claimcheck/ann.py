"""Approximate nearest neighbours by cosine: a faiss inverted-file index over unit vectors,
the one approximate search of both a story's neighbour search (cluster) and the claim
index (index)."""

from __future__ import annotations

from typing import Any

import numpy as np


def build_ivf(vectors: np.ndarray, ids: np.ndarray | None = None) -> Any:
    """An inner-product IVF index over the rows (ids: row numbers unless given), lists trained on them."""
    import faiss  # imported on first use: `claimcheck --help` stays fast

    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    # about sqrt(n) lists: each holds a few hundred claims, and scanning nprobe of them stays
    # far below exact search while keeping recall@10 above 0.98 (benchmarks/query_scale.py)
    nlist = max(16, int(np.sqrt(len(matrix))))
    dim = matrix.shape[1]
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = 0  # the same vectors give the same lists
    index.train(matrix)
    index.add_with_ids(matrix, np.arange(len(matrix), dtype=np.int64) if ids is None else ids)
    index.nprobe = probes(nlist)
    return index


def probes(nlist: int) -> int:
    # lists scanned per query: an eighth of them, at least 8 (measured in benchmarks/query_scale.py)
    return max(8, nlist // 8)
