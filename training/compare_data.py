"""The SemEval-2022 Task 8 pairs as storyline sees them: bundles, features, targets, groups.

Shared by ``training/train_compare.py`` and ``benchmarks/bench_compare.py`` so that the model is
trained and measured on exactly the same features.

Why the grouping: the file has ~796 original pairs and ~487 machine-translated augmentations
whose pair_id carries a language suffix (``1484039360it_1484180228it``). An augmentation is the
*same* article pair in another language, with the same human scores; if it landed in a training
fold while its original is in the test fold, the model would be graded on a pair it has already
seen. So every numeric article id in a pair_id is a node, a pair joins its two ids (union-find),
and whole connected components go to one fold: no article — original or translated — is on both
sides of a split. Scores are reported on the original pairs only (augmentations are training
material, their texts went through one more MT step).
"""

from __future__ import annotations

import csv
import hashlib
import pickle
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from storyline.analyse.analyser import ANALYSIS_VERSION, analyse_article  # noqa: E402
from storyline.compare.bundles import build_bundles, text_article  # noqa: E402
from storyline.compare.features import FEATURES_VERSION, Bundle, pair_features  # noqa: E402
from storyline.embed import embed  # noqa: E402

SHARED = REPO.parent / "shared"
PAIRS_CSV = SHARED / "data" / "semeval2022-task8" / "train_pairs.csv"
CACHE = REPO / "training" / ".cache"
DIMENSIONS = ("geography", "entities", "time", "narrative", "overall", "style", "tone")
_COLUMNS = ("Geography", "Entities", "Time", "Narrative", "Overall", "Style", "Tone")
_ID = re.compile(r"\d+")


@dataclass
class Pair:
    pair_id: str
    lang1: str
    lang2: str
    text1: str
    text2: str
    scores: np.ndarray  # 7 dims, DIMENSIONS order
    augmented: bool

    @property
    def langs(self) -> str:
        """Language pair as ``de-en`` (sorted, so de-en and en-de are one group)."""
        return "-".join(sorted((self.lang1, self.lang2)))


def load_pairs(path: Path = PAIRS_CSV) -> list[Pair]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Pair(
            pair_id=r["pair_id"],
            lang1=r["lang1"],
            lang2=r["lang2"],
            text1=r["text1"],
            text2=r["text2"],
            scores=np.array([float(r[c]) for c in _COLUMNS]),
            augmented=bool(re.search(r"[a-z]", r["pair_id"])),
        )
        for r in rows
    ]


def groups(pairs: list[Pair]) -> np.ndarray:
    """Connected component of every pair over the article ids in the pair_ids (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        ids = _ID.findall(p.pair_id)
        for other in ids[1:]:
            parent[find(ids[0])] = find(other)
    roots = [find(_ID.findall(p.pair_id)[0]) for p in pairs]
    index = {r: i for i, r in enumerate(dict.fromkeys(roots))}
    return np.array([index[r] for r in roots])


def _key(text: str, lang: str) -> str:
    return hashlib.sha1(f"{lang}\x00{text}".encode()).hexdigest()


def unique_texts(pairs: list[Pair]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for p in pairs:
        out.setdefault(_key(p.text1, p.lang1), (p.text1, p.lang1))
        out.setdefault(_key(p.text2, p.lang2), (p.text2, p.lang2))
    return out


def bundles(pairs: list[Pair], *, encoder: str = "use", verbose: bool = True) -> dict[str, Bundle]:
    """Bundle of every distinct (text, language), cached in ``training/.cache``.

    The cache is keyed by the feature and analysis versions and the encoder; delete the folder to
    force a rebuild (e.g. after the German NER model changed without a version bump).
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"bundles-{encoder}-f{FEATURES_VERSION}-a{ANALYSIS_VERSION}.pkl"
    cached: dict[str, Bundle] = {}
    if path.exists():
        with open(path, "rb") as f:
            cached = pickle.load(f)
    todo = [(k, t, lang) for k, (t, lang) in unique_texts(pairs).items() if k not in cached]
    t0 = time.perf_counter()
    for i in range(0, len(todo), 64):
        chunk = todo[i : i + 64]
        arts = [text_article(t, language=lang) for _k, t, lang in chunk]
        ans = [analyse_article(a) for a in arts]
        for (k, _t, _l), b in zip(chunk, build_bundles(arts, ans, encoder=encoder), strict=True):
            b._sets.clear()
            cached[k] = b
        if verbose:
            done = min(i + 64, len(todo))
            print(f"  bundles {done}/{len(todo)} {time.perf_counter() - t0:.0f}s", file=sys.stderr)
        with open(path, "wb") as f:
            pickle.dump(cached, f)
    return cached


def with_e5(pairs: list[Pair], found: dict[str, Bundle]) -> dict[str, Bundle]:
    """Copies of the bundles for the ``e5`` model: the same plus each text's e5 vector."""
    import copy

    vectors = text_vectors(pairs, "e5")
    out = {}
    for k, b in found.items():
        c = copy.copy(b)
        c._sets = {}
        c.encoder = "e5"
        c.e5 = vectors[k]
        out[k] = c
    return out


def text_vectors(pairs: list[Pair], encoder: str) -> dict[str, np.ndarray]:
    """Whole-text vector of every distinct text (for the plain cosine baselines), cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"vectors-{encoder}.pkl"
    cached: dict[str, np.ndarray] = {}
    if path.exists():
        with open(path, "rb") as f:
            cached = pickle.load(f)
    todo = [(k, t) for k, (t, _lang) in unique_texts(pairs).items() if k not in cached]
    t0 = time.perf_counter()
    for i in range(0, len(todo), 32):
        chunk = todo[i : i + 32]
        for (k, _t), v in zip(chunk, embed([t for _k, t in chunk], encoder), strict=True):
            cached[k] = v
        print(f"  {encoder} {i + len(chunk)}/{len(todo)} {time.perf_counter() - t0:.0f}s",
              file=sys.stderr)  # fmt: skip
        with open(path, "wb") as f:
            pickle.dump(cached, f)
    return cached


def features(pairs: list[Pair], found: dict[str, Bundle]) -> np.ndarray:
    return np.stack(
        [pair_features(found[_key(p.text1, p.lang1)], found[_key(p.text2, p.lang2)]) for p in pairs]
    )


def pair_cosines(pairs: list[Pair], vectors: dict[str, np.ndarray]) -> np.ndarray:
    return np.array(
        [float(vectors[_key(p.text1, p.lang1)] @ vectors[_key(p.text2, p.lang2)]) for p in pairs]
    )


def tfidf_cosines(pairs: list[Pair]) -> np.ndarray:
    """TF-IDF (word unigrams+bigrams, sublinear tf) cosine, fitted on all texts of the file."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = unique_texts(pairs)
    keys = list(texts)
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    m = vec.fit_transform([texts[k][0] for k in keys])
    row = {k: i for i, k in enumerate(keys)}
    a = m[[row[_key(p.text1, p.lang1)] for p in pairs]]
    b = m[[row[_key(p.text2, p.lang2)] for p in pairs]]
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


if __name__ == "__main__":
    ps = load_pairs()
    print(len(ps), "pairs", len(set(groups(ps))), "groups")
    b = bundles(ps)
    print(len(b), "bundles")
