"""Run the shipped German tagger (fine-tuned multilingual-e5-small) over sentences of words.

The model directory (``resources/ner-de``) holds ``tagger.json`` (architecture, tag set, the kept
sub-word pieces with their unigram scores and the character normalisation map) and
``tagger.npz`` (weights; matrices stored as int8 with one fp32 scale per row, which keeps the
whole model near 35 MB instead of 130 MB, at no measurable cost in F1). The weights are
dequantised to fp32 once.

Backends (``STORYLINE_NER_BACKEND``): ``torch`` (default) runs the network eagerly; ``onnx``
runs the same fp32 graph in ONNX Runtime (``ner_onnx``; needs the ``onnx`` extra, falls back to
torch on any problem). Both give the same tags and, measured on one thread, the same sentences
per CPU-second, so the default stays on torch, which is installed anyway. What ONNX Runtime
buys is load time on a warm cache (0.5 s and no torch import).

Precision (``STORYLINE_NER_PRECISION``): ``auto`` (default) runs torch in bf16 autocast on CPUs
with native bf16 matrix units (AMX, AVX512-BF16) and in fp32 elsewhere; ``fp32`` or ``bf16``
force one. bf16 is ~2.3x faster on this machine and changed 9 of 41,653 GermEval dev tags
(PLO F1 0.807 either way; ``docs/models.md``). The price: the exact tags of a borderline word
can depend on the CPU, as they already could through its matrix kernels.

Why the tag of a word is the tag of its first piece: that is how it was trained (the other
pieces carry no target), the usual recipe for BERT-style taggers.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from storyline.analyse.ner_pieces import PieceTokenizer
from storyline.analyse.ner_text import Word, windows

log = logging.getLogger(__name__)

#: sentences longer than this many pieces are cut into word windows (the model saw <= 160)
MAX_PIECES = 160
#: at most this many sentences per model call (inputs sorted by length, so padding stays small)
BATCH = 128
#: and at most this many padded pieces per call (0: no limit): see docs/models.md, Speed
MAX_TOKENS = 512
#: the backend when ``STORYLINE_NER_BACKEND`` does not say
DEFAULT_BACKEND = "torch"

Runner = Callable[[np.ndarray, np.ndarray], np.ndarray]
Unit = tuple[int, int, list[int], list[int]]


def _threads() -> int:
    """``STORYLINE_NER_THREADS`` (default 1).

    One thread unless told otherwise: on a shared 2-core machine two threads were measured 2-9x
    *slower* than one (spin-waits on a busy core); on an idle machine 2 gives ~1.6x.
    """
    try:
        return max(1, int(os.environ.get("STORYLINE_NER_THREADS", "1")))
    except ValueError:
        return 1


def _setting(name: str, allowed: tuple[str, ...], default: str) -> str:
    """An enumerated environment setting; an unknown value falls back to ``default``."""
    value = os.environ.get(name, "").strip().lower() or default
    if value not in allowed:
        log.warning("%s=%r is not one of %s; using %s", name, value, "|".join(allowed), default)
        return default
    return value


def _bf16_ok(torch: Any) -> bool:
    """bf16 pays only with native bf16 matrix units (AMX, AVX512-BF16); elsewhere it is slower."""
    cpu = getattr(torch, "cpu", None)
    checks = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(bool(getattr(cpu, c, lambda: False)()) for c in checks)


class TransformerTagger:
    """Loads ``tagger.json`` + ``tagger.npz`` and tags lists of :class:`Word`.

    ``backend`` says which runtime was chosen (``"onnx"`` or ``"torch"``).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cfg = json.loads((path / "tagger.json").read_text(encoding="utf-8"))
        self.tags: list[str] = self.cfg["tags"]
        self.bos, self.eos, self.pad = self.cfg["bos"], self.cfg["eos"], self.cfg["pad"]
        norm = {int(k): v for k, v in self.cfg["norm"].items()}
        self.tok = PieceTokenizer(self.cfg["pieces"], self.cfg["scores"], self.cfg["unk"], norm)
        self.threads = _threads()
        self.batch, self.max_tokens = BATCH, MAX_TOKENS
        self.model: Any = None  # the torch module, built only when needed
        self.backend, self.run = self._choose_backend()

    # ------------------------------------------------------------------ backends
    def _choose_backend(self) -> tuple[str, Runner]:
        """The wanted backend; any ONNX Runtime or export failure falls back to torch."""
        want = _setting("STORYLINE_NER_BACKEND", ("auto", "torch", "onnx"), "auto")
        self.precision = _setting("STORYLINE_NER_PRECISION", ("auto", "fp32", "bf16"), "auto")
        if want == "auto":
            want = DEFAULT_BACKEND
        if want == "onnx":
            if self.cfg.get("dynamic_int8"):
                reason = "the model asks for torch's dynamic int8 kernels"
            else:
                try:
                    from storyline.analyse import ner_onnx

                    return "onnx", ner_onnx.load(self.path, self.torch_model, self.threads)
                except Exception as exc:  # any ORT/export problem: torch still works
                    reason = f"{type(exc).__name__}: {exc}"
            log.info("German NER runs on torch, not ONNX Runtime (%s)", reason)
        return "torch", self._torch_runner()

    def torch_model(self) -> Any:
        """The eager torch ``Tagger`` with the file's weights (built once, on first call)."""
        if self.model is not None:
            return self.model
        import torch

        from storyline.analyse.ner_encoder import Tagger

        torch.set_num_threads(self.threads)
        cfg = self.cfg
        with torch.device("meta"):  # no random init: every weight comes from the file
            model = Tagger(
                vocab=len(cfg["pieces"]), n_tags=len(self.tags), dropout=0.0, **cfg["arch"]
            )
        with np.load(self.path / "tagger.npz") as z:
            state = {}
            for name in model.state_dict():
                if f"{name}.q" in z:
                    w = z[f"{name}.q"].astype(np.float32) * z[f"{name}.s"][:, None]
                else:
                    w = z[name].astype(np.float32)
                state[name] = torch.from_numpy(w)
        model.load_state_dict(state, assign=True)
        model.eval()
        if cfg.get("dynamic_int8"):
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, torch.qint8)
        self.model = model
        return model

    def _torch_runner(self) -> Runner:
        """Eager torch; in bf16 autocast when asked for and the CPU has bf16 units."""
        import torch

        model = self.torch_model()
        bf16 = self.precision in ("auto", "bf16") and _bf16_ok(torch)
        if self.precision == "bf16" and not bf16:
            log.info("STORYLINE_NER_PRECISION=bf16 ignored: this CPU has no native bf16")
        self.precision = "bf16" if bf16 else "fp32"

        def run(ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
            with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=bf16):
                return model(torch.from_numpy(ids), torch.from_numpy(lengths)).float().numpy()

        return run

    # ------------------------------------------------------------------ tagging
    def _encode(self, sent: list[Word]) -> tuple[list[int], list[int]]:
        ids, first = [self.bos], []
        for w in sent:
            first.append(len(ids))
            ids.extend(self.tok.encode(w.text) or (self.tok.unk_id,))
        ids.append(self.eos)
        return ids, first

    def _units(self, sents: list[list[Word]]) -> list[Unit]:
        """(sentence index, first word, piece ids, first-piece positions) per model input.

        An over-long sentence is halved into word windows until every window fits.
        """
        out = []
        todo = [(i, 0, s) for i, s in enumerate(sents) if s]
        while todo:
            si, w0, sent = todo.pop()
            ids, first = self._encode(sent)
            if len(ids) > MAX_PIECES and len(sent) > 1:
                half = (len(sent) + 1) // 2
                todo.extend((si, w0 + k * half, part) for k, part in enumerate(windows(sent, half)))
                continue
            out.append((si, w0, ids[:511], [f for f in first if f < 510]))
        return out

    def _predict(self, batch: list[Unit]) -> np.ndarray:
        """Tag index per piece [B, T] for one batch of units, padded to its longest."""
        t = max(len(u[2]) for u in batch)
        ids = np.full((len(batch), t), self.pad, dtype=np.int64)
        for r, u in enumerate(batch):
            ids[r, : len(u[2])] = u[2]
        lens = np.array([len(u[2]) for u in batch], dtype=np.int64)
        return self.run(ids, lens).argmax(-1)

    def tag(self, sents: list[list[Word]]) -> list[list[str]]:
        """BIO tags (4 classes) for every word of every sentence, in the order given.

        Inputs are batched by length, so padding stays small.
        """
        result = [["O"] * len(s) for s in sents]
        units = sorted(self._units(sents), key=lambda u: len(u[2]))
        for batch in _batches(units, self.batch, self.max_tokens):
            pred = self._predict(batch).tolist()
            for r, (si, w0, _ids, first) in enumerate(batch):
                for k, f in enumerate(first):
                    result[si][w0 + k] = self.tags[pred[r][f]]
        return result


def _batches(units: list[Unit], most: int, max_tokens: int) -> list[list[Unit]]:
    """Consecutive runs of the length-sorted units: at most ``most`` units and, padded to the
    longest, at most ``max_tokens`` pieces (0: no limit).

    A piece budget instead of a fixed count: short sentences go in large batches (fewer calls),
    long ones in small ones (activations stay in cache); measured in docs/models.md, Speed.
    """
    out: list[list[Unit]] = []
    cur: list[Unit] = []
    for u in units:
        size = (len(cur) + 1) * len(u[2])  # padded pieces if u joins (u is the longest so far)
        if cur and (len(cur) >= most or (max_tokens and size > max_tokens)):
            out.append(cur)
            cur = []
        cur.append(u)
    if cur:
        out.append(cur)
    return out
