"""The learned line classifier: P(line belongs to the article) for every line of a text page.

Model: gradient-boosted **oblivious** decision trees (every node of one depth level asks the same
question, as in CatBoost), in two stages:

1. *lines*: trees over :func:`storyline.clean.features.page_features` (each line's own shape,
   its neighbours' shape and its place on the page);
2. *context*: trees over the stage-1 scores of the line and of its neighbourhood (scores of the
   lines around it, window means, the best score above and below), plus a few line features. A
   short line between two confident paragraphs is pulled up, a stray sentence in a teaser block
   pulled down: what a CRF would do, for the price of a second small forest.

Why oblivious trees: a forest of depth-``D`` oblivious trees is evaluated for all lines at once
with one column gather, one comparison and one table lookup in numpy, about ten times faster than
walking ordinary trees, with accuracy close to scikit-learn's histogram boosting on this task
(see ``docs/models.md``). Training is also plain numpy (histograms with ``np.bincount``), so the
shipped runtime needs numpy only and the weights are a small JSON file.

The estimator follows scikit-learn's contract: hyper-parameters in ``__init__``, learned state in
attributes ending in ``_``, ``fit`` returns ``self``.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from storyline.clean import features as F

#: Format of the saved file; bump when the layout changes.
FORMAT = "storyline-line-classifier/1"

#: Context (stage-2) features derived from stage-1 scores, in column order.
CONTEXT_OFFSETS: tuple[int, ...] = (-3, -2, -1, 1, 2, 3)
CONTEXT_WINDOWS: tuple[int, ...] = (2, 5, 10)
#: Line features handed to stage 2 next to the scores.
CONTEXT_BASE: tuple[str, ...] = (
    "log_chars",
    "prose",
    "cue_any",
    "ends_colon",
    "bullet",
    "ends_sentence",
    "function_share",
    "rel_index",
    "in_main",
    "main_edge_dist",
    "related_above_main",
)
CONTEXT_NAMES: tuple[str, ...] = (
    "score",
    *(f"score@{o:+d}" for o in CONTEXT_OFFSETS),
    *(f"score~{w}" for w in CONTEXT_WINDOWS),
    "score_max_prev3",
    "score_max_next3",
    "score_mean_above",
    "score_mean_below",
    "score_rank",
    "score_page_max",
    *CONTEXT_BASE,
)
_FI = {n: i for i, n in enumerate(F.FEATURE_NAMES)}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class ObliviousForest:
    """Boosted oblivious trees for binary log-loss, fitted and evaluated with numpy only.

    Features are cut into at most ``n_bins`` quantile bins once; every tree level picks the one
    (feature, threshold) that best splits all current leaves together (summed second-order
    gain), so a tree of depth ``D`` is ``D`` comparisons and a table of ``2**D`` leaf values.
    """

    def __init__(
        self,
        n_trees: int = 300,
        depth: int = 6,
        learning_rate: float = 0.1,
        l2: float = 3.0,
        min_leaf_weight: float = 5.0,
        subsample: float = 0.6,
        n_bins: int = 32,
        random_state: int = 0,
    ) -> None:
        self.n_trees = n_trees
        self.depth = depth
        self.learning_rate = learning_rate
        self.l2 = l2
        self.min_leaf_weight = min_leaf_weight
        self.subsample = subsample
        self.n_bins = n_bins
        self.random_state = random_state

    # -- fitting ----------------------------------------------------------------------------
    def _edges(self, X: np.ndarray) -> list[np.ndarray]:
        qs = np.linspace(0, 1, self.n_bins + 1)[1:-1]
        edges = []
        for j in range(X.shape[1]):
            col = X[:, j]
            e = np.unique(np.quantile(col, qs, method="lower"))
            # a threshold equal to the maximum separates nothing
            edges.append(e[e < col.max()])
        return edges

    def fit(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> ObliviousForest:
        """Fit on rows ``X`` with labels ``y`` in {0, 1} and optional per-row weights."""
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        n, m = X.shape
        w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        rng = np.random.default_rng(self.random_state)
        edges = self._edges(X)
        B = self.n_bins
        Xb = np.empty((n, m), dtype=np.int32)
        for j, e in enumerate(edges):
            Xb[:, j] = np.searchsorted(e, X[:, j], side="left")
        n_edges = np.array([len(e) for e in edges])
        # invalid (feature, bin) splits: bin index beyond the feature's last threshold
        valid = np.arange(B)[None, :] < n_edges[:, None]
        col_base = (np.arange(m, dtype=np.int64) * B)[None, :]

        prior = float(np.clip(np.average(y, weights=w), 1e-6, 1 - 1e-6))
        base = math.log(prior / (1 - prior))
        raw = np.full(n, base)
        D = self.depth
        feats = np.zeros((self.n_trees, D), dtype=np.int64)
        thrs = np.zeros((self.n_trees, D))
        values = np.zeros((self.n_trees, 2**D))
        for t in range(self.n_trees):
            p = _sigmoid(raw)
            g_all = w * (p - y)
            h_all = w * np.maximum(p * (1 - p), 1e-6)
            rows = np.flatnonzero(rng.random(n) < self.subsample) if self.subsample < 1 else None
            xb = Xb if rows is None else Xb[rows]
            g = g_all if rows is None else g_all[rows]
            h = h_all if rows is None else h_all[rows]
            flat_base = col_base + xb  # (rows, m): bin id per feature
            leaf = np.zeros(xb.shape[0], dtype=np.int64)
            for d in range(D):
                L = 2**d
                idx = (flat_base + (leaf * (m * B))[:, None]).ravel()
                Gh = np.bincount(idx, weights=np.repeat(g, m), minlength=L * m * B)
                Hh = np.bincount(idx, weights=np.repeat(h, m), minlength=L * m * B)
                Gh = Gh.reshape(L, m, B)
                Hh = Hh.reshape(L, m, B)
                GL = np.cumsum(Gh, axis=2)
                HL = np.cumsum(Hh, axis=2)
                Gt = GL[:, :, -1:]
                Ht = HL[:, :, -1:]
                GR = Gt - GL
                HR = Ht - HL
                gain = GL**2 / (HL + self.l2) + GR**2 / (HR + self.l2) - Gt**2 / (Ht + self.l2)
                # a split may leave a leaf empty (oblivious trees cannot avoid it) but not thin
                small = self.min_leaf_weight
                thin = ((small > HL) & (HL > 0)) | ((small > HR) & (HR > 0))
                gain = np.where(thin, 0.0, gain).sum(axis=0)  # (m, B)
                gain = np.where(valid, gain, -np.inf)
                j, k = np.unravel_index(int(np.argmax(gain)), gain.shape)
                feats[t, d] = j
                thrs[t, d] = edges[j][k] if k < len(edges[j]) else np.inf
                leaf = leaf * 2 + (xb[:, j] > k)
            G = np.bincount(leaf, weights=g, minlength=2**D)
            H = np.bincount(leaf, weights=h, minlength=2**D)
            values[t] = -self.learning_rate * G / (H + self.l2)
            # leaf of every row (not only the subsample) under this tree
            full_leaf = np.zeros(n, dtype=np.int64)
            for d in range(D):
                full_leaf = full_leaf * 2 + (X[:, feats[t, d]] > thrs[t, d])
            raw += values[t, full_leaf]
        self.__dict__.pop("_flat_cache", None)
        self.features_ = feats
        self.thresholds_ = thrs
        self.values_ = values
        self.base_ = base
        return self

    # -- inference --------------------------------------------------------------------------
    def _flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The learned arrays laid out for one-shot evaluation (cached after the first call).

        Trees share many splits (the same feature and threshold), so each distinct split is
        compared once: ``columns``/``thresholds`` list the distinct splits, ``split_of[d, t]``
        is the distinct split at depth ``d`` of tree ``t``. ``offsets`` (each tree's first leaf
        in the flat leaf values) is ``uint16`` when every leaf number fits: adding it to the
        ``uint8`` leaves in 16 bits costs less than widening them to pointer-sized integers.
        """
        flat = self.__dict__.get("_flat_cache")
        if flat is None:
            T, D = self.features_.shape
            pairs = np.column_stack(
                [self.features_.T.ravel().astype(np.float64), self.thresholds_.T.ravel()]
            )
            distinct, split_of = np.unique(pairs, axis=0, return_inverse=True)
            flat = (
                distinct[:, 0].astype(np.intp),
                distinct[:, 1:],
                split_of.reshape(D, T),
                self.values_.ravel(),
                (np.arange(T, dtype=np.intp) * 2**D)[:, None].astype(
                    np.uint16 if T * 2**D <= 1 << 16 else np.intp
                ),
            )
            self.__dict__["_flat_cache"] = flat
        return flat

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Raw log-odds for every row of ``X``: all trees at once, no Python loop per tree.

        Every distinct split is one row comparison on the transposed matrix (rows are
        contiguous, so the gather is a few memory copies); a tree's leaf number is its ``D``
        split bits read level by level (at most ``2**D - 1``, so ``uint8`` holds it), and one
        lookup gives the leaf values.
        """
        n = X.shape[0]
        if n == 0:
            return np.zeros(0)
        columns, thresholds, split_of, values, offsets = self._flat()
        bits = (np.ascontiguousarray(X.T)[columns] > thresholds).view(np.uint8)  # (splits, n)
        leaf = bits[split_of[0]]
        for level in split_of[1:]:
            leaf = leaf * np.uint8(2) + bits[level]
        index = leaf.astype(offsets.dtype)
        index += offsets
        leaf_values = values.take(index)  # (trees, rows)
        # summed as a C-ordered (rows, trees) array, each row over contiguous memory: the order
        # the scores have always been summed in, so they do not change by a bit
        return self.base_ + np.ascontiguousarray(leaf_values.T).sum(axis=1)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """scikit-learn style (n, 2) class probabilities."""
        p = _sigmoid(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def to_dict(self) -> dict[str, Any]:
        return {
            "params": {
                k: getattr(self, k)
                for k in (
                    "n_trees",
                    "depth",
                    "learning_rate",
                    "l2",
                    "min_leaf_weight",
                    "subsample",
                    "n_bins",
                    "random_state",
                )
            },
            "base": self.base_,
            "features": self.features_.tolist(),
            # repr round-trips floats exactly, so a loaded model scores bit-identically
            "thresholds": self.thresholds_.tolist(),
            "values": self.values_.tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ObliviousForest:
        f = cls(**d["params"])
        f.base_ = float(d["base"])
        f.features_ = np.asarray(d["features"], dtype=np.int64)
        f.thresholds_ = np.asarray(d["thresholds"], dtype=np.float64)
        f.values_ = np.asarray(d["values"], dtype=np.float64)
        return f


def context_features(X: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """Stage-2 rows: a page's stage-1 log-odds in context, plus a few line features.

    ``X`` is the page's :func:`~storyline.clean.features.page_features` matrix and ``raw`` the
    stage-1 log-odds of its lines, in page order. Columns are written straight into a
    column-major matrix (the layout the trees read), not stacked from a list of columns.
    """
    n = raw.shape[0]
    if n == 0:
        return np.zeros((0, len(CONTEXT_NAMES)))
    out = np.empty((n, len(CONTEXT_NAMES)), order="F")
    s = np.clip(raw, -8.0, 8.0, out=out[:, 0])
    p = _sigmoid(s)
    padded = np.full(n + 6, -9.0)
    padded[3 : 3 + n] = s
    for k, o in enumerate(CONTEXT_OFFSETS, 1):
        out[:, k] = padded[3 + o : 3 + o + n]
    c = np.zeros(n + 1)
    np.cumsum(p, out=c[1:])
    idx = np.arange(n)
    col = 1 + len(CONTEXT_OFFSETS)
    for w in CONTEXT_WINDOWS:
        lo = np.maximum(idx - w, 0)
        hi = np.minimum(idx + w + 1, n)
        np.divide(c[hi] - c[lo], hi - lo, out=out[:, col])
        col += 1
    pp = np.zeros(n + 6)
    pp[3 : 3 + n] = p
    np.maximum(np.maximum(pp[0:n], pp[1 : 1 + n]), pp[2 : 2 + n], out=out[:, col])  # prev3
    np.maximum(np.maximum(pp[4 : 4 + n], pp[5 : 5 + n]), pp[6 : 6 + n], out=out[:, col + 1])
    out[:, col + 2] = np.where(idx > 0, c[idx] / np.maximum(idx, 1), 0.0)  # mean above
    out[:, col + 3] = np.where(idx < n - 1, (c[n] - c[idx + 1]) / np.maximum(n - 1 - idx, 1), 0.0)
    out[np.argsort(-p, kind="stable"), col + 4] = np.arange(n) / max(n - 1, 1)  # rank
    out[:, col + 5] = p.max()
    out[:, col + 6 :] = X[:, _CONTEXT_BASE]
    return out


_CONTEXT_BASE = [_FI[name] for name in CONTEXT_BASE]


def _group_folds(n_pages: int, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.permutation(n_pages) % k


class LineClassifier:
    """P(line belongs to the article) for each line of a plain-text page.

    ``fit`` takes whole pages, because a line's label depends on its neighbours: ``labels`` has
    one entry per line, ``None`` for lines whose label is unknown (they still shape their
    neighbours' features but add nothing to the loss) and for blank lines.
    """

    def __init__(
        self,
        n_trees: int = 300,
        depth: int = 6,
        learning_rate: float = 0.1,
        context_trees: int = 100,
        context_depth: int = 4,
        stacking_folds: int = 5,
        subsample: float = 0.6,
        random_state: int = 0,
    ) -> None:
        self.n_trees = n_trees
        self.depth = depth
        self.learning_rate = learning_rate
        self.context_trees = context_trees
        self.context_depth = context_depth
        self.stacking_folds = stacking_folds
        self.subsample = subsample
        self.random_state = random_state

    def _stage1(self, seed_offset: int = 0) -> ObliviousForest:
        return ObliviousForest(
            n_trees=self.n_trees,
            depth=self.depth,
            learning_rate=self.learning_rate,
            subsample=self.subsample,
            random_state=self.random_state + seed_offset,
        )

    def fit(
        self,
        pages: list[list[str]],
        labels: list[list[int | None]],
        languages: list[str | None] | None = None,
        weights: list[list[float]] | None = None,
    ) -> LineClassifier:
        """Fit both stages on labelled pages.

        ``weights`` (optional, one per line) lets sparse but trusted labels count more than
        dense derived ones. Stage 2 learns from *out-of-fold* stage-1 scores (pages split into
        ``stacking_folds`` groups), so it sees scores as noisy as those on unseen pages.
        """
        if len(pages) != len(labels):
            raise ValueError("pages and labels differ in length")
        languages = languages or [None] * len(pages)
        mats, ys, ws = [], [], []
        for i, (lines, lab) in enumerate(zip(pages, labels, strict=True)):
            if len(lab) != len(lines):
                raise ValueError(f"page {i}: {len(lines)} lines but {len(lab)} labels")
            X, index = F.page_features(lines, languages[i])
            mats.append(X)
            ys.append(np.array([-1 if lab[j] is None else int(lab[j]) for j in index]))
            wt = weights[i] if weights is not None else None
            ws.append(np.array([1.0 if wt is None else float(wt[j]) for j in index]))
        self.fit_features(mats, ys, ws)
        return self

    def fit_features(
        self,
        mats: list[np.ndarray],
        ys: list[np.ndarray],
        ws: list[np.ndarray],
        folds: np.ndarray | None = None,
    ) -> LineClassifier:
        """Fit from precomputed page feature matrices (labels ``-1`` = unknown).

        ``folds`` (one integer per page) fixes the stacking folds, e.g. so that renderings of
        one page stay together; by default pages are split at random. The fold models and the
        out-of-fold stage-1 scores stay available as ``fold_lines_`` and ``oof_raw_`` (they
        are not saved): the training script reuses them for cross-validation instead of
        fitting everything again.
        """

        def rows(sel: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            X = np.concatenate([mats[i] for i in sel])
            y = np.concatenate([ys[i] for i in sel])
            w = np.concatenate([ws[i] for i in sel])
            keep = y >= 0
            return X[keep], y[keep], w[keep]

        all_pages = list(range(len(mats)))
        self.lines_ = self._stage1().fit(*rows(all_pages))
        self.context_ = None
        self.fold_lines_: list[ObliviousForest] = []
        self.oof_raw_: list[np.ndarray] = []
        if self.context_trees > 0:
            if folds is None:
                folds = _group_folds(len(mats), self.stacking_folds, self.random_state)
            folds = np.asarray(folds)
            oof: list[np.ndarray] = [np.zeros(0)] * len(mats)
            for k in sorted(set(folds.tolist())):
                train = [i for i in all_pages if folds[i] != k]
                model = self._stage1(seed_offset=k + 1).fit(*rows(train))
                self.fold_lines_.append(model)
                for i in all_pages:
                    if folds[i] == k:
                        oof[i] = model.decision_function(mats[i])
            self.oof_raw_ = oof
            Xc = np.concatenate([context_features(mats[i], oof[i]) for i in all_pages])
            y = np.concatenate(ys)
            w = np.concatenate(ws)
            keep = y >= 0
            self.context_ = self._stage2().fit(Xc[keep], y[keep], w[keep])
        self.feature_names_ = list(F.FEATURE_NAMES)
        self.feature_version_ = F.FEATURE_VERSION
        return self

    def _stage2(self) -> ObliviousForest:
        return ObliviousForest(
            n_trees=self.context_trees,
            depth=self.context_depth,
            learning_rate=self.learning_rate,
            subsample=self.subsample,
            random_state=self.random_state + 100,
        )

    # -- inference --------------------------------------------------------------------------
    def score_features(self, X: np.ndarray) -> np.ndarray:
        """Probabilities for one page's feature matrix (non-blank lines, page order)."""
        raw = self.lines_.decision_function(X)
        if self.context_ is not None and raw.shape[0]:
            raw = self.context_.decision_function(context_features(X, raw))
        return _sigmoid(raw)

    def predict_proba(self, lines: list[str], language: str | None = None) -> np.ndarray:
        """One probability per input line that it belongs to the article; blank lines get 0.

        ``lines`` may include blank lines (they mark paragraph breaks, which helps) or not.
        """
        out = np.zeros(len(lines))
        X, index = F.page_features(lines, language)
        if index:
            out[index] = self.score_features(X)
        return out

    # -- persistence ------------------------------------------------------------------------
    _PARAMS = (
        "n_trees",
        "depth",
        "learning_rate",
        "context_trees",
        "context_depth",
        "stacking_folds",
        "subsample",
        "random_state",
    )

    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters, as scikit-learn's ``get_params`` gives them."""
        return {k: getattr(self, k) for k in self._PARAMS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "params": self.get_params(),
            "feature_version": self.feature_version_,
            "feature_names": self.feature_names_,
            "context_names": list(CONTEXT_NAMES),
            "lines": self.lines_.to_dict(),
            "context": None if self.context_ is None else self.context_.to_dict(),
            "meta": getattr(self, "meta_", {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LineClassifier:
        if d.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model: {d.get('format')!r}")
        if d["feature_names"] != list(F.FEATURE_NAMES) or d["feature_version"] != (
            F.FEATURE_VERSION
        ):
            raise ValueError("model was trained on other line features; retrain it")
        if d["context"] is not None and d["context_names"] != list(CONTEXT_NAMES):
            raise ValueError("model was trained on other context features; retrain it")
        clf = cls(**d["params"])
        clf.feature_names_ = list(d["feature_names"])
        clf.feature_version_ = int(d["feature_version"])
        clf.lines_ = ObliviousForest.from_dict(d["lines"])
        clf.context_ = None if d["context"] is None else ObliviousForest.from_dict(d["context"])
        clf.meta_ = dict(d.get("meta") or {})
        return clf

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (plain, diffable, no pickle)."""
        Path(path).write_text(json.dumps(self.to_dict(), separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> LineClassifier:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


@cache
def default_classifier() -> LineClassifier:
    """The shipped model (``storyline/resources/cleaner.json``), loaded once per process."""
    ref = resources.files("storyline").joinpath("resources", "cleaner.json")
    return LineClassifier.from_dict(json.loads(ref.read_text(encoding="utf-8")))
