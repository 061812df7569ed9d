"""How neighbour search scales with story size: exact vs approximate (faiss inverted lists) search.

    .venv/bin/python benchmarks/cluster_scale.py [--dims 384] [--sizes 1000 2000 5000 10000 20000]

Vectors are synthetic: unit-length, grouped around n/20 topics like paraphrases of one fact,
so recall of the approximate search against the exact one is meaningful.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from claimcheck.cluster import nearest_neighbours


def story_vectors(n: int, dims: int, rng: np.random.Generator) -> np.ndarray:
    topics = rng.normal(size=(max(1, n // 20), dims))
    vectors = topics[rng.integers(0, len(topics), n)] + rng.normal(scale=0.6, size=(n, dims))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dims", type=int, default=384)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000, 20000])
    parser.add_argument("-k", type=int, default=12)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'claims':>7} {'exact s':>8} {'approx s':>9} {'recall@k':>9}")
    for n in args.sizes:
        vectors = story_vectors(n, args.dims, rng)
        t = time.perf_counter()
        exact, _ = nearest_neighbours(vectors, args.k, exact_limit=n)
        t_exact = time.perf_counter() - t
        t = time.perf_counter()
        approx, _ = nearest_neighbours(vectors, args.k, exact_limit=0)
        t_approx = time.perf_counter() - t
        recall = np.mean([len(set(a) & set(e)) / args.k for a, e in zip(approx, exact, strict=True)])
        print(f"{n:>7} {t_exact:>8.2f} {t_approx:>9.2f} {recall:>9.3f}")


if __name__ == "__main__":
    main()
