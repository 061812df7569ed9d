"""The cache, one SQLite file: (model, text hash) -> vector, so unchanged text is never
re-embedded; and (document, extraction code) -> its claims with values, so an unchanged
article is not split and parsed again."""

from __future__ import annotations

import hashlib
import logging
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
log = logging.getLogger(__name__)
SETUP_TRIES = 200  # 10 s of 0.05 s waits for another process to finish creating the file


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Not a dataclass: it owns a database connection. A cache is disposable: one that
    cannot be read or written mid-run (a corrupt page, a full disk) is given up with a
    warning, moved aside when it is damaged, and the run goes on without it."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "embeddings.sqlite"
        self._broken = False
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
            except sqlite3.Error:
                self._db.close()
                raise

    def _give_up(self, exc: sqlite3.Error) -> None:
        if not self._broken:
            self._broken = True
            damaged = isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)
            where = quarantine(self.path) if damaged else None
            log.warning(
                "%s: the cache failed (%s); this run goes on without it%s",
                self.path,
                exc,
                f", and the damaged file is now {where}" if where else "",
            )

    def get(self, model: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors for the texts that have one, keyed by content hash."""
        if self._broken:
            return {}
        try:
            return self._get(model, texts)
        except sqlite3.Error as exc:
            self._give_up(exc)
            return {}

    def _get(self, model: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
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
        if self._broken:
            return
        try:
            self._put(model, texts, vectors)
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [
            (model, content_hash(t), np.asarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._db:
            self._db.executemany("insert or replace into embeddings values (?, ?, ?)", rows)

    def get_claims(self, keys: Sequence[str]) -> dict[str, tuple[Claim, ...]]:
        """Claims stored under the keys that have them. The file is the user's own cache, written
        only by claimcheck, so unpickling it is as safe as the code that wrote it."""
        if self._broken:
            return {}
        try:
            return self._get_claims(keys)
        except sqlite3.Error as exc:
            self._give_up(exc)
            return {}

    def _get_claims(self, keys: Sequence[str]) -> dict[str, tuple[Claim, ...]]:
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
        if self._broken:
            return
        try:
            self._put_claims(items)
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _put_claims(self, items: dict[str, tuple[Claim, ...]]) -> None:
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
    cache = _open(config.cache_dir)
    try:
        yield cache
    finally:
        if cache is not None:
            cache.close()


def _open(directory: Path) -> EmbeddingCache | None:
    """The cache in `directory`; a damaged file is moved aside and a new one made; a cache
    that cannot be made at all (an unwritable folder, a full disk) means none, with a warning."""
    for attempt in range(2):
        try:
            return EmbeddingCache(directory)
        except sqlite3.DatabaseError as exc:
            # not a database, or a folder where the file should be: a damaged cache
            damaged = not isinstance(exc, sqlite3.OperationalError) or (directory / "embeddings.sqlite").is_dir()
            where = quarantine(directory / "embeddings.sqlite") if damaged and attempt == 0 else None
            if where:
                log.warning("%s: not a readable cache (%s); moved to %s and started afresh", directory, exc, where)
                continue
            log.warning("%s: cannot open the cache (%s); this run goes on without it", directory, exc)
        except OSError as exc:
            log.warning("%s: cannot use the cache folder (%s); this run goes on without it", directory, exc)
        return None
    return None


def quarantine(path: Path) -> Path | None:
    """Move a damaged cache file (and its WAL files) aside so the next open starts afresh."""
    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        path.rename(target)
    except OSError:
        return None
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return target


def document_key(document: Document) -> str:
    """Changes when the text or what the report shows about the document changes."""
    fields = [document.text, document.title, document.source, document.url, str(document.published)]
    return hashlib.sha256("\x1f".join(f or "" for f in fields).encode()).hexdigest()
