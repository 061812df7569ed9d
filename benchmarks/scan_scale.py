"""Time each stage of a scan on one large synthetic story built from a corpus's articles.

    .venv/bin/python benchmarks/scan_scale.py ../shared/corpus/ecbplus --articles 330

Every article of the corpus's first N files goes into one story, so the stages see a
story of thousands of claims. Embeddings come from the normal cache (a second run
measures everything but the model).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from claimcheck.cluster import cluster_claims
from claimcheck.config import CheckConfig, default_cache_dir
from claimcheck.conflicts import find_conflicts
from claimcheck.embed import embed_texts, load_embedder
from claimcheck.ingest import read_documents
from claimcheck.pipeline import document_claims
from claimcheck.store import EmbeddingCache


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--articles", type=int, default=330)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*/*.txt"))[: args.articles]
    config = CheckConfig(cache_dir=default_cache_dir())
    timings: dict[str, float] = {}

    def timed(stage: str, start: float) -> float:
        now = time.perf_counter()
        timings[stage] = now - start
        return now

    t = time.perf_counter()
    documents, _ = read_documents(files)
    t = timed("ingest", t)
    claims = [c for d in documents for c in document_claims(d)]
    t = timed("claims + values", t)
    embedder = load_embedder(config.model)
    t = timed("load model", t)
    cache = EmbeddingCache(config.cache_dir) if config.cache_dir else None
    vectors = embed_texts([c.text for c in claims], embedder, config.model, cache)
    t = timed("embed (cached where seen)", t)
    clusters = cluster_claims(claims, vectors, config)
    t = timed("cluster", t)
    conflicts = find_conflicts(claims, clusters, config)
    timed("conflicts", t)
    print(f"{len(documents)} articles, {len(claims)} claims, {len(clusters)} clusters, {len(conflicts)} conflicts")
    for stage, seconds in timings.items():
        print(f"  {stage:<28} {seconds:7.2f} s")
    print(f"  peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
