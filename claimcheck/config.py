"""Every tunable in one frozen object, built once by the CLI or by scan()."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"
CACHE_ENV = "CLAIMCHECK_CACHE_DIR"


def default_cache_dir() -> Path:
    if env := os.environ.get(CACHE_ENV):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "claimcheck"


@dataclass(frozen=True, slots=True)
class CheckConfig:
    # sentence-transformers model name or path; the default is bundled and loads offline
    model: str = DEFAULT_MODEL
    # claims per encode() call; 64 keeps peak memory low on 2-core laptops
    batch_size: int = 64
    # where the SQLite embedding cache lives; None disables caching
    cache_dir: Path | None = None
    # cosine at which two claims from different sources may be about the same fact;
    # with all-MiniLM-L6-v2, sentences that restate one value across ECB+ articles sit
    # at 0.45-0.85 (median 0.7), so the typed value alignment, not this, keeps precision
    cluster_threshold: float = 0.30
    # the cosine a pair needs before its values are compared, by value kind: a number is
    # aligned by the noun it counts, so a looser pairing still compares like with like
    compare_threshold: float = 0.45
    number_threshold: float = 0.30
    # cosine from which one pairing alone is strong evidence; a conflict resting only on
    # weaker pairings is reported at low severity ("possible")
    strong_similarity: float = 0.65
    # neighbours looked at per claim
    neighbours: int = 30
    # claims above which the neighbour search goes approximate (inverted lists)
    exact_search_limit: int = 2000
    # rapidfuzz ratio (0-100) at which two different person names are read as
    # variants of one name rather than two people
    name_similarity: float = 75.0
    # documents larger than this are reported and skipped rather than read
    max_document_bytes: int = 5_000_000
