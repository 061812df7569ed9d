"""Pooling, batching and backend choice without a model; ONNX against torch with the real one (slow)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from claimcheck import embed
from claimcheck.embed import load_embedder, mean_pool, normalize, token_batches
from claimcheck.errors import ModelError

SENTENCES = [
    "Adm. Dong Un was named China's defence minister on Friday.",
    "The earthquake killed 12 people in the province of Aceh.",
    "Police said three men were arrested.",
    "",
    "A much longer sentence " * 40,  # past the 256-token limit: truncated, not an error
]


def test_mean_pool_ignores_padding() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 2.0], [100.0, 100.0]], [[2.0, 4.0], [0.0, 0.0], [0.0, 0.0]]])
    mask = np.array([[1, 1, 0], [1, 0, 0]])
    np.testing.assert_allclose(mean_pool(hidden, mask), [[2.0, 1.0], [2.0, 4.0]])


def test_mean_pool_of_an_empty_mask_is_zero() -> None:
    assert mean_pool(np.ones((1, 2, 3)), np.zeros((1, 2))).tolist() == [[0.0, 0.0, 0.0]]


def test_normalize_gives_unit_rows_and_keeps_zero_rows() -> None:
    out = normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_token_batches_group_by_length_within_both_limits() -> None:
    lengths = [30, 5, 6, 5, 200, 7, 31]
    batches = token_batches(lengths, max_tokens=64, max_rows=3)
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
    for rows in batches:
        width = max(lengths[r] for r in rows)
        assert len(rows) <= 3
        assert len(rows) == 1 or len(rows) * width <= 64  # a row longer than the budget runs alone
    # shortest first, so a batch's rows have similar lengths and little padding
    assert [[lengths[r] for r in rows] for rows in batches] == [[5, 5, 6], [7, 30], [31], [200]]


def test_unknown_backend_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="backend"):
        load_embedder("all-MiniLM-L6-v2", backend="tensorflow")


def test_other_models_and_the_torch_backend_skip_onnx(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_onnx(model_dir: str, name: str) -> None:
        raise AssertionError("ONNX used")

    class Model:
        def encode(self, texts: list[str], **kwargs: object) -> np.ndarray:
            return np.ones((len(texts), 2))

    monkeypatch.setattr(embed, "_load_onnx", no_onnx)
    monkeypatch.setattr(embed, "_load_model", lambda model: Model())
    assert load_embedder("some/other-model")(["a"]).shape == (1, 2)
    assert load_embedder("all-MiniLM-L6-v2", backend="torch")(["a", "b"]).shape == (2, 2)


def test_failed_onnx_load_falls_back_to_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    class Model:
        def encode(self, texts: list[str], **kwargs: object) -> np.ndarray:
            return np.full((len(texts), 2), 0.5)

    monkeypatch.setattr(embed, "_load_onnx", lambda model_dir, name: None)
    monkeypatch.setattr(embed, "_load_model", lambda model: Model())
    assert load_embedder("all-MiniLM-L6-v2")(["a"]).tolist() == [[0.5, 0.5]]


def test_onnx_encoding_pools_each_text_in_input_order() -> None:
    class Encoding:
        def __init__(self, n: int) -> None:
            self.ids = list(range(1, n + 1))

    class Tokenizer:
        def encode_batch(self, texts: list[str]) -> list[Encoding]:
            return [Encoding(len(t)) for t in texts]

    class Session:
        def run(self, outputs: None, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
            ids = feed["input_ids"].astype(np.float32)
            return [np.stack([ids, np.ones_like(ids)], axis=-1)]  # token i's vector: (i, 1)

    out = embed._encode_onnx(Session(), Tokenizer(), ["abc", "a", "abcdefg"], max_rows=2)
    expected = normalize(np.array([[2.0, 1.0], [1.0, 1.0], [4.0, 1.0]]))  # mean of 1..n is (n+1)/2
    np.testing.assert_allclose(out, expected, rtol=1e-6)


@pytest.mark.slow
def test_onnx_matches_torch_and_the_export_is_reused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path))
    embed._load_onnx.cache_clear()
    onnx_vectors = load_embedder("all-MiniLM-L6-v2")(SENTENCES)
    exported = list(tmp_path.glob("onnx/*/model.onnx"))
    assert len(exported) == 1
    assert not list(tmp_path.glob("onnx/*/.export-*"))  # no temporary file left behind
    torch_vectors = load_embedder("all-MiniLM-L6-v2", backend="torch")(SENTENCES)
    assert onnx_vectors.shape == torch_vectors.shape == (len(SENTENCES), 384)
    assert (onnx_vectors * torch_vectors).sum(axis=1).min() > 0.9999
    np.testing.assert_allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, rtol=1e-5)

    # a fresh process reuses the file, and never imports torch or sentence-transformers
    written = exported[0].stat().st_mtime_ns
    script = (
        "import sys; from claimcheck.embed import load_embedder; "
        f"v = load_embedder('all-MiniLM-L6-v2')({SENTENCES[:2]!r}); "
        "print(v.shape, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["(2,", "384)", "False", "False"]
    assert "exporting" not in run.stderr
    assert exported[0].stat().st_mtime_ns == written
