"""Run the German tagger through ONNX Runtime: export once, cache the graph, open a session.

Why it exists although it is not the default: on one thread it runs the fp32 graph exactly as
fast per CPU-second as eager torch (the time is in the matrix products either way), with the same
tags, but on a warm cache it loads in 0.5 s without importing torch (``docs/models.md``). The
weights stay those of ``tagger.npz``: the torch ``Tagger`` is exported as is, so the tags agree.

The export takes a few seconds, so the graph is written once to a cache file named by a hash of
the model files and the torch/onnxruntime versions (a new model or a new exporter gives a new
file). The write is a temp file + rename, so concurrent processes never read half a file; when
the cache directory cannot be written the graph is exported into memory instead. On a warm cache
torch is not needed at all (the caller builds the torch model only on a miss).

The exporter is torch's TorchScript one (``dynamo=False``): it needs only ``onnx``, works offline,
exports in ~5 s and handles ``scaled_dot_product_attention`` with an additive mask. The
``torch.export`` one gave the same graph quality but needs ``onnxscript`` and took ~14 s; it is
tried only when the TorchScript exporter is gone (a future torch).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

#: bump when the export itself changes (names, opset, options): old cache files are then unused
EXPORT_VERSION = "1"
OPSET = 17
PREFIX = "ner-de-"


def cache_dir() -> Path:
    """``$STORYLINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/storyline``, else ``~/.cache/storyline``."""
    if env := os.environ.get("STORYLINE_CACHE_DIR"):
        return Path(env)
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg) / "storyline"
    return Path.home() / ".cache" / "storyline"


def _version(dist: str) -> str:
    """Installed version without importing the package (torch takes seconds to import)."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


def cache_key(model_dir: Path) -> str:
    """Hash of the model files and of everything that shapes the exported graph."""
    h = hashlib.sha256()
    for name in ("tagger.json", "tagger.npz"):
        with open(model_dir / name, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    for part in (_version("onnxruntime"), _version("torch"), EXPORT_VERSION, str(OPSET)):
        h.update(b"\0" + part.encode())
    return h.hexdigest()[:24]


def export(model: Any) -> bytes:
    """The torch ``Tagger`` as an ONNX graph: ids int64 [B, T], lengths int64 [B] -> logits."""
    import torch

    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 2, 1, 1]], dtype=torch.long)
    lens = torch.tensor([5, 3], dtype=torch.long)
    buf = io.BytesIO()
    axes = {"ids": {0: "batch", 1: "pieces"}, "lengths": {0: "batch"}}
    axes["logits"] = {0: "batch", 1: "pieces"}
    with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
        # the exporter's deprecation and tracer notes are for developers, not for the user
        warnings.simplefilter("ignore")
        try:
            torch.onnx.export(
                model,
                (ids, lens),
                buf,
                input_names=["ids", "lengths"],
                output_names=["logits"],
                dynamic_axes=axes,
                opset_version=OPSET,
                dynamo=False,
            )
        except (TypeError, AttributeError, ImportError) as exc:  # no TorchScript exporter left
            log.debug("TorchScript ONNX export unavailable (%s); trying torch.export", exc)
            return _export_dynamo(model, ids, lens)
    return buf.getvalue()


def _export_dynamo(model: Any, ids: Any, lens: Any) -> bytes:
    """Fallback exporter (needs ``onnxscript``), for a torch without the TorchScript exporter."""
    import torch

    batch, pieces = torch.export.Dim("batch"), torch.export.Dim("pieces", max=512)
    prog = torch.onnx.export(
        model,
        (ids, lens),
        input_names=["ids", "lengths"],
        output_names=["logits"],
        dynamic_shapes=({0: batch, 1: pieces}, {0: batch}),
        dynamo=True,
        verbose=False,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        prog.save(str(path))
        return path.read_bytes()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory + rename: readers see all or nothing."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; a cache shared by users must be readable
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _drop_stale(path: Path) -> None:
    """Remove graphs of earlier models/versions (each is ~135 MB); best effort."""
    for old in path.parent.glob(f"{PREFIX}*.onnx"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()


def onnx_model(model_dir: Path, build: Callable[[], Any]) -> str | bytes:
    """Path of the cached graph for ``model_dir``, exporting ``build()`` on a miss.

    Returns the exported bytes instead when the cache directory cannot be written.
    """
    path = cache_dir() / f"{PREFIX}{cache_key(model_dir)}.onnx"
    if path.is_file():
        return str(path)
    data = export(build())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, data)
    except OSError as exc:
        log.debug("NER cache %s not writable (%s); keeping the ONNX graph in memory", path, exc)
        return data
    _drop_stale(path)
    return str(path)


def session(source: str | bytes, threads: int) -> Any:
    """An ONNX Runtime CPU session tuned for a shared machine.

    ``threads`` intra-op threads (like torch's setting), one inter-op thread, all graph
    optimisations, and no spin-waiting: spinning threads burn a core that other jobs need.
    """
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    opts.log_severity_level = 3  # errors only: no optimiser chatter on the user's terminal
    return ort.InferenceSession(source, opts, providers=["CPUExecutionProvider"])


class OrtRunner:
    """Callable like the torch model, on numpy arrays: (ids, lengths) -> logits [B, T, tags]."""

    def __init__(self, sess: Any) -> None:
        self.sess = sess

    def __call__(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        return self.sess.run(["logits"], {"ids": ids, "lengths": lengths})[0]


def load(model_dir: Path, build: Callable[[], Any], threads: int) -> OrtRunner:
    """Cached (or fresh) graph -> session. Raises on any failure; the caller falls back."""
    import onnxruntime  # noqa: F401  (fail before a useless export when it is missing)

    return OrtRunner(session(onnx_model(model_dir, build), threads))
