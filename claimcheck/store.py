"""The cache, one SQLite file: (model, text hash) -> vector, so unchanged text is never
re-embedded; and (document, extraction code) -> its claims with values, so an unchanged
article is not split and parsed again."""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from claimcheck.config import CheckConfig
    from claimcheck.types import Claim, Document

SCHEMA = """
create table if not exists embeddings (
    model text not null,
    hash text not null,
    vector blob not null,
    primary key (model, hash)
);
create table if not exists claims (
    key text primary key,
    claims blob not null
);
"""
SETUP_TRIES = 200  # 10 s of 0.05 s waits for another process to finish creating the file


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Not a dataclass: it owns a database connection."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "embeddings.sqlite"
        self._db = sqlite3.connect(self.path, timeout=30)
        # WAL: a batch run and a scan may share the cache. Processes that open a new file at
        # once (a batch's workers at the start of a run) are refused the switch to WAL with
        # "database is locked" at once, without waiting for the lock, so the setup is retried.
        for attempt in range(SETUP_TRIES):
            try:
                self._db.execute("pragma journal_mode=wal")
                self._db.executescript(SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == SETUP_TRIES - 1:
                    self._db.close()
                    raise
                time.sleep(0.05)

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

    def get_claims(self, keys: Sequence[str]) -> dict[str, tuple[Claim, ...]]:
        """Claims stored under the keys that have them. The file is the user's own cache, written
        only by claimcheck, so unpickling it is as safe as the code that wrote it."""
        found: dict[str, tuple[Claim, ...]] = {}
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            rows = self._db.execute(
                f"select key, claims from claims where key in ({','.join('?' * len(chunk))})", chunk
            )
            for key, blob in rows:
                try:
                    found[key] = pickle.loads(blob)
                except Exception:  # written by a claimcheck whose types differ: extract again
                    continue
        return found

    def put_claims(self, items: dict[str, tuple[Claim, ...]]) -> None:
        with self._db:
            self._db.executemany(
                "insert or replace into claims values (?, ?)",
                [(k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items.items()],
            )

    def close(self) -> None:
        self._db.close()


@contextmanager
def open_cache(config: CheckConfig) -> Iterator[EmbeddingCache | None]:
    """The cache that `config` names, open for the block and closed after it; None when
    caching is off (`--no-cache`)."""
    if config.cache_dir is None:
        yield None
        return
    cache = EmbeddingCache(config.cache_dir)
    try:
        yield cache
    finally:
        cache.close()


def document_key(document: Document) -> str:
    """Changes when the text or what the report shows about the document changes."""
    fields = [document.text, document.title, document.source, document.url, str(document.published)]
    return hashlib.sha256("\x1f".join(f or "" for f in fields).encode()).hexdigest()
