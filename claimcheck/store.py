"""Embedding cache: (model, text hash) -> vector in SQLite, so unchanged text is never re-embedded."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

SCHEMA = """
create table if not exists embeddings (
    model text not null,
    hash text not null,
    vector blob not null,
    primary key (model, hash)
)
"""


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Not a dataclass: it owns a database connection."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "embeddings.sqlite"
        self._db = sqlite3.connect(self.path)
        self._db.execute("pragma journal_mode=wal")  # a batch run and a scan may share the cache
        self._db.execute(SCHEMA)

    def get(self, model: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors for the texts that have one, keyed by content hash."""
        hashes = list({content_hash(t) for t in texts})
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):  # stay under SQLite's bound-parameter limit
            chunk = hashes[i : i + 500]
            rows = self._db.execute(
                f"select hash, vector from embeddings where model = ? and hash in ({','.join('?' * len(chunk))})",
                [model, *chunk],
            )
            for h, blob in rows:
                found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [
            (model, content_hash(t), np.asarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._db:
            self._db.executemany("insert or replace into embeddings values (?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()
