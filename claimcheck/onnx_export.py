"""One-time export of a BERT-style sentence-transformers encoder to ONNX; the only torch user besides embed.py."""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "last_hidden_state"
# bump when the exported graph changes, so cached files made by older code are not reused
EXPORT_VERSION = 1
# cosine of each token's hidden state, torch against ONNX, below which an export is rejected
MIN_AGREEMENT = 0.9999


def export_encoder(model_dir: Path, target: Path) -> None:
    """Export the transformer of model_dir (hidden states, no pooling) to target, atomically.

    Raises whatever torch, the exporter or the check raise; the caller falls back to torch.
    """
    import torch
    import transformers
    from transformers import AutoModel

    transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # stderr belongs to our progress line
    # eager attention exports as plain MatMul/Softmax, which onnxruntime fuses into one
    # Attention node; the SDPA path's graph is not fused and ran ~10% slower
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    # traced on one shape, checked on another: the axes must really be dynamic
    traced = torch.tensor([[101, 7592, 2088, 102, 0], [101, 2023, 2003, 1037, 102]])
    checked = torch.tensor([[101, *[2023] * 20, 102], [101, 2023, 102, *[0] * 19], [101, *[7592] * 9, 102, *[0] * 11]])
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".onnx")
    os.close(fd)
    tmp = Path(tmp_name)
    # before the export: after tracing, the same model's eager forward pass returns other
    # values (token cosine ~0.7 with torch 2.13 and transformers 5), while the file is right
    with torch.no_grad():
        expected = model(**_inputs(checked)).last_hidden_state.numpy()
    try:
        # the tracer's warnings are about branches this fixed-architecture model never takes
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # the TorchScript exporter writes one self-contained file; the dynamo one splits
            # weights into a .data file beside it, which an atomic rename cannot move as one
            torch.onnx.export(
                Encoder(model),
                tuple(_inputs(traced).values()),  # forward() takes them in INPUTS order
                str(tmp),
                input_names=list(INPUTS),
                output_names=[OUTPUT],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*INPUTS, OUTPUT)},
                opset_version=17,
                dynamo=False,
            )
        _fuse(tmp, model.config.num_attention_heads, model.config.hidden_size)
        _check(tmp, {name: tensor.numpy() for name, tensor in _inputs(checked).items()}, expected)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache's other files are not
        os.replace(tmp, target)  # atomic: a concurrent reader sees the old file or the whole new one
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _inputs(ids: Any) -> dict[str, Any]:
    return {"input_ids": ids, "attention_mask": (ids != 0).long(), "token_type_ids": ids * 0}


def _fuse(path: Path, heads: int, hidden: int) -> None:
    """Rewrite the graph with onnxruntime's BERT fusions (attention, layer norms, GELU); fp32 kept."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimized = optimize_model(str(path), model_type="bert", num_heads=heads, hidden_size=hidden)
    optimized.save_model_to_file(str(path))


def _check(path: Path, feed: dict[str, np.ndarray], expected: np.ndarray) -> None:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run([OUTPUT], feed)[0]
    real = feed["attention_mask"].astype(bool)  # padding positions are never pooled
    a, b = got[real], expected[real]
    cosine = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    if cosine.min() < MIN_AGREEMENT:
        raise ValueError(f"the ONNX export disagrees with torch (lowest token cosine {cosine.min():.6f})")
