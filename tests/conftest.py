"""Fast by default: a deterministic bag-of-words embedder and caches in a temp folder."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from claimcheck.config import CheckConfig

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
DIM = 512


def hashing_embedder(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors from hashed word stems: shared words mean high cosine, like a real model on paraphrases."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"[a-z]{3,}", text.lower()):
            h = int(hashlib.md5(word[:6].encode()).hexdigest(), 16)
            out[row, h % DIM] += 1.0
        norm = np.linalg.norm(out[row])
        out[row] = out[row] / norm if norm else out[row]
    return out


class CountingEmbedder:
    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return hashing_embedder(texts)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> CountingEmbedder:
    """Make every scan, including the CLI's, use the hashing embedder."""
    embedder = CountingEmbedder()
    # every command embeds through embed.LazyEmbedder, which calls embed.load_embedder
    monkeypatch.setattr("claimcheck.embed.load_embedder", lambda model, batch_size=64, backend="onnx": embedder)
    return embedder


@pytest.fixture
def config(tmp_path: Path) -> CheckConfig:
    # the hashing embedder's cosines for paraphrases sit lower than a trained model's
    return CheckConfig(cache_dir=tmp_path / "cache", cluster_threshold=0.5)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
