from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from claimcheck import pipeline
from claimcheck.embed import embed_texts
from claimcheck.store import EmbeddingCache
from claimcheck.types import Document
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


def test_claims_of_unchanged_documents_come_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [
        Document("a.txt", "a.txt", "Admiral Dong Jun met Hegseth in Kuala Lumpur on Friday. Talks resumed."),
        Document("b.txt", "b.txt", "Dong Un met Hegseth. The talks have not restarted."),
    ]
    extracted: list[str] = []
    real = pipeline.documents_claims
    monkeypatch.setattr(pipeline, "documents_claims", lambda ds: extracted.extend(d.id for d in ds) or real(ds))
    cache = EmbeddingCache(tmp_path)
    first = pipeline.claims_for(docs, cache)
    assert extracted == ["a.txt", "b.txt"] and first == [c for cs in real(docs) for c in cs]
    assert pipeline.claims_for(docs, cache) == first and len(extracted) == 2
    # a changed document, or changed extraction code, is extracted again
    changed = [docs[0], Document("b.txt", "b.txt", "Dong Jun met Hegseth.")]
    assert [c.text for c in pipeline.claims_for(changed, cache)][-1] == "Dong Jun met Hegseth."
    assert extracted[2:] == ["b.txt"]
    monkeypatch.setattr(pipeline, "extraction_version", lambda: "another version")
    pipeline.claims_for(docs, cache)
    assert extracted[3:] == ["a.txt", "b.txt"]
    cache.close()


def _open_together(folder: str, start: Any) -> None:
    start.wait()  # every process creates the file at the same moment
    EmbeddingCache(Path(folder)).close()  # an exception exits the process with status 1


def test_processes_creating_the_cache_at_once_all_get_it(tmp_path: Path) -> None:
    # a batch's workers open a new cache together; SQLite refuses all but one the switch to
    # WAL at once (before the fix, 49 of 120 opens failed in pairs of processes)
    context = multiprocessing.get_context("forkserver")
    for trial in range(4):
        start = context.Barrier(4)
        processes = [context.Process(target=_open_together, args=(str(tmp_path / str(trial)), start)) for _ in range(4)]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        assert [p.exitcode for p in processes] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(bytes(range(256)) * 4000),  # random-looking bytes
        lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000),  # a bad header
        lambda p: p.write_text("not a database at all\n"),
        lambda p: p.mkdir(),  # a folder where the file should be
    ],
)
def test_a_damaged_cache_is_moved_aside_and_rebuilt(
    tmp_path: Path, damage: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from claimcheck.config import CheckConfig
    from claimcheck.store import open_cache

    damage(tmp_path / "embeddings.sqlite")
    with caplog.at_level("WARNING"), open_cache(CheckConfig(cache_dir=tmp_path)) as cache:
        assert cache is not None
        embed_texts(["The talks resumed."], CountingEmbedder(), "m", cache)
    assert "moved to" in caplog.text and "started afresh" in caplog.text
    assert len(list(tmp_path.glob("embeddings.sqlite.damaged-*"))) == 1
    embedder = CountingEmbedder()
    with open_cache(CheckConfig(cache_dir=tmp_path)) as cache:
        embed_texts(["The talks resumed."], embedder, "m", cache)
    assert embedder.texts == 0  # the new cache serves the next run


def test_a_cache_that_fails_mid_run_is_given_up_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import sqlite3

    cache = EmbeddingCache(tmp_path)

    class Full:
        def execute(self, *args: Any) -> Any:
            raise sqlite3.OperationalError("database or disk is full")

        def executemany(self, *args: Any) -> Any:
            raise sqlite3.OperationalError("database or disk is full")

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *args: Any) -> None:
            return None

        def close(self) -> None:
            return None

    cache._db = Full()  # type: ignore[assignment]
    embedder = CountingEmbedder()
    with caplog.at_level("WARNING"):
        vectors = embed_texts(["The talks resumed.", "They did not."], embedder, "m", cache)
    assert vectors.shape[0] == 2 and embedder.texts == 2  # embedded anyway, nothing lost
    assert caplog.text.count("goes on without it") == 1
