from __future__ import annotations

from pathlib import Path

import numpy as np

from claimcheck.embed import embed_texts
from claimcheck.store import EmbeddingCache
from tests.conftest import CountingEmbedder


def test_second_embedding_of_same_texts_embeds_nothing(tmp_path: Path) -> None:
    texts = ["The talks resumed.", "The talks have not restarted.", "The talks resumed."]
    embedder = CountingEmbedder()
    cache = EmbeddingCache(tmp_path)
    first = embed_texts(texts, embedder, "m", cache)
    assert embedder.texts == 2  # the repeated text is embedded once
    cache.close()
    cache = EmbeddingCache(tmp_path)
    second = embed_texts(texts, embedder, "m", cache)
    assert embedder.texts == 2
    np.testing.assert_array_equal(first, second)
    embed_texts(texts, embedder, "other-model", cache)  # the key includes the model
    assert embedder.texts == 4
    cache.close()
