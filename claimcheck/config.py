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
    # "onnx" runs the bundled model on onnxruntime (about twice torch's claims/s on 2 cores,
    # same vectors, and no 5 s torch import); "torch" loads it through sentence-transformers.
    # Other models always load through sentence-transformers
    backend: str = "onnx"
    # where the SQLite embedding cache lives; None disables caching
    cache_dir: Path | None = None
    # cosine from which two claims of different sources are compared. With
    # all-MiniLM-L6-v2, sentences restating one value across ECB+ articles sit anywhere
    # from 0.3 to 0.9, so recall needs a low bar; precision comes from aligning values by
    # type and role (the noun a number counts, a date's granularity, a place's slot)
    cluster_threshold: float = 0.30
    # cosine from which one pairing alone is strong evidence for a conflict
    strong_similarity: float = 0.65
    # cosine from which `query` sets a sentence's differing value against the claim's (an
    # agreement needs only cluster_threshold: a difference in a loosely alike sentence is
    # more often another fact)
    corroborated_similarity: float = 0.45
    # a severity model refitted with `claimcheck eval --fit-severity FILE`; None: the one that
    # ships with claimcheck (data/severity.json)
    severity_model: Path | None = None
    # Cards the severity model gives less than this chance of being real are counted, not
    # listed: the floor trades noise for a few real cards, measured on ECB+'s fit rows in the
    # README's floor table (0.10 would leave out a quarter of the labelled real cards)
    min_confidence: float = 0.05
    # cosine from which a query's match that shares no value with it still counts as
    # "related" (same topic) rather than being left out
    related_similarity: float = 0.45
    # neighbours looked at per claim
    neighbours: int = 30
    # claims above which the neighbour search goes approximate (inverted lists)
    exact_search_limit: int = 2000
    # rapidfuzz ratio (0-100) at which two different person names are read as
    # variants of one name rather than two people
    name_similarity: float = 75.0
    # claims from which a claim index searches approximately (faiss inverted lists) instead
    # of exactly; below it one matrix product is faster than loading the ANN file
    ann_min_claims: int = 20_000
    # documents larger than this are reported and skipped rather than read
    max_document_bytes: int = 5_000_000
