"""The learned comparison model, evaluated with numpy only.

Why this shape: the model is trained with scikit-learn (``training/train_compare.py``), but
storyline must run without it, so the trained parameters are exported to
``resources/compare.json`` and evaluated here:

* per dimension (geography, entities, time, narrative, overall, style, tone), a blend of a ridge
  regression on standardised features and a gradient-boosted tree ensemble. Trees capture the
  non-linear parts (an entity overlap of 0 means little when NER does not cover the language;
  a place distance matters only when places are known), ridge keeps the prediction smooth in the
  embedding cosines. All trees of a dimension are walked at once, vectorised over pairs *and*
  trees (``depth`` numpy steps, not one Python loop per tree), so scoring 1,000 pairs costs a few
  milliseconds;
* ``same_event``: a logistic regression over the predicted scores and the event features
  (time gap, place distance, event type). The SemEval data has no "same event" label; the target
  is "Overall <= 1.5" against "Overall >= 3.0" (the middle left out), times a time-gap discount
  (:func:`time_factor`); the example corpus's event ids are the check (``bench_compare.py``).

Scores are on the SemEval scale, 1 = very similar .. 4 = very dissimilar, clipped to [1, 4].
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from storyline.compare.features import FEATURE_NAMES, FEATURE_NAMES_E5, FEATURES_VERSION
from storyline.errors import StorylineError

DIMENSIONS = ("geography", "entities", "time", "narrative", "overall", "style", "tone")


#: Days two reports of one event may lie apart before ``same_event`` is discounted.
SAME_EVENT_DAYS = 3.0
#: Scale (days) of the exponential discount beyond :data:`SAME_EVENT_DAYS`.
SAME_EVENT_DECAY_DAYS = 7.0


def time_factor(x: np.ndarray) -> np.ndarray:
    """A multiplicative discount of ``same_event`` by the time between the two events.

    Not learned, on purpose: the SemEval pairs carry no publication dates and their
    machine-translated texts rarely resolve an event date, so the classifier cannot learn what
    a month between two events means; a person knows it means two events. The gap is the one
    between the two event times when both are resolved to a day, else between the publication
    dates when both are known; with neither, no discount. Up to 3 days: none (follow-ups, time
    zones, weekly papers); beyond, ``exp(-(gap - 3) / 7)``: a week apart halves the probability,
    a month makes it negligible.
    """
    event = x[:, FEATURE_NAMES.index("event_gap_days")]
    event_known = x[:, FEATURE_NAMES.index("event_gap_known")] > 0
    pub = x[:, FEATURE_NAMES.index("pub_gap_days")]
    pub_known = x[:, FEATURE_NAMES.index("pub_known")] > 0
    gap = np.where(event_known, np.expm1(np.maximum(event, 0)), np.expm1(np.maximum(pub, 0)))
    known = event_known | pub_known
    excess = np.maximum(gap - SAME_EVENT_DAYS, 0.0)
    return np.where(known, np.exp(-excess / SAME_EVENT_DECAY_DAYS), 1.0)


#: Geography score at least this when the two event cities are more than ``FAR_KM`` apart: the
#: mean human Geography rating of such de/en SemEval pairs is 2.3 (1.3 when closer).
FAR_GEOGRAPHY = 2.0


def post_rules(x: np.ndarray, scores: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Two corrections the training data cannot teach, applied after the regressors.

    * **Shared wording bounds dissimilarity.** Texts sharing many 5-word runs (MinHash
      Jaccard ``J`` >= 0.5: a wire copy, maybe edited) get every score capped at
      ``1 + (1 - J)``. SemEval has almost no such pairs, so the model rates an edited wire
      copy like any two reports of the event (~2); a reader calls it the same article.
    * **Distant event cities.** When both event frames resolved a city and the cities are more
      than ``FAR_KM`` apart, geography is at least :data:`FAR_GEOGRAPHY`. Few SemEval texts
      resolve both event places (MT-mangled names), so the trees barely use the feature, while
      mentioned places (shared countries, capitals) make two meetings 700 km apart look alike.

    Both are applied in the cross-validation too (``training/train_compare.py``), so the
    reported scores include them.
    """
    j = x[:, FEATURE_NAMES.index("minhash")]
    cap = np.where(j >= 0.5, 1.0 + (1.0 - j), 4.0)
    out = {d: np.minimum(v, cap) for d, v in scores.items()}
    far = x[:, FEATURE_NAMES.index("event_far")] > 0
    out["geography"] = np.where(far, np.maximum(out["geography"], FAR_GEOGRAPHY), out["geography"])
    return out


#: ``same_event`` is multiplied by :data:`FAR_EVENT_FACTOR` when the two event cities are more
#: than this apart. Larger than the geography threshold: reports of one flood name towns 20-200
#: km apart along the river (example corpus), a meeting has one city.
FAR_EVENT_KM = 400.0
FAR_EVENT_FACTOR = 0.25


def place_factor(x: np.ndarray) -> np.ndarray:
    """A discount of ``same_event`` when the two event frames put the event in different cities.

    Rule-based for the same reason as :func:`time_factor`: one event happens in one place, but
    the SemEval texts resolve both event cities too rarely to learn it (the two seeds, meetings
    of the same two leaders in Minsk and Sankt Petersburg, came out at p = 0.93 without it).
    A discount, not a veto: an event frame can pick the wrong city, and a strike or a storm
    spans several; and none when either article names the other's event city (the wire put the
    strike in Berlin, the regional paper in Frankfurt, and both mention Frankfurt).
    """
    cities = x[:, FEATURE_NAMES.index("event_far")] > 0
    dist = np.expm1(np.maximum(x[:, FEATURE_NAMES.index("event_km")], 0.0))
    shared = x[:, FEATURE_NAMES.index("event_place_shared")] > 0
    return np.where(cities & (dist > FAR_EVENT_KM) & ~shared, FAR_EVENT_FACTOR, 1.0)


@dataclass
class Forest:
    """A boosted tree ensemble as padded arrays ``(trees, nodes)``; leaves have ``left == -1``."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    init: float
    rate: float
    depth: int

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Forest:
        return cls(
            feature=np.array(d["feature"], dtype=np.int64),
            threshold=np.array(d["threshold"], dtype=np.float64),
            left=np.array(d["left"], dtype=np.int64),
            right=np.array(d["right"], dtype=np.int64),
            value=np.array(d["value"], dtype=np.float64),
            init=float(d["init"]),
            rate=float(d["rate"]),
            depth=int(d["depth"]),
        )

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Sum of the trees' leaf values for every row of ``x`` (init + rate * sum).

        Evaluated on the *perfect* form of the trees (:meth:`perfect`): every split of every
        tree is tested at once with one column gather and one comparison, then each tree's
        leaf is found from those bits level by level, and the leaf values are summed. Exactly
        the decisions of walking the trees (``x <= threshold`` goes left), 4-5x faster than
        walking them node by node in float64, and twice that since the comparisons run in
        float32 (5.1 -> 2.6 µs per pair for a 150-tree forest; the event linker scores ~15
        pairs per article with four of these). ``x`` is rounded to float32 first, because
        scikit-learn fits and splits on float32; it is compared with the thresholds rounded
        down to float32, which decides every float32 value as the float64 threshold does.
        """
        feat, _thr, val = self.perfect()
        thr32 = self._thresholds32()
        x = np.atleast_2d(np.asarray(x, dtype=np.float32))
        t, n_split = feat.shape
        out = np.empty(len(x))
        flat_feat = feat.ravel()
        base = np.arange(t) * val.shape[1]
        for start in range(0, len(x), 2048):  # bounds the (rows, trees * splits) temporaries
            rows = x[start : start + 2048]
            right = (rows[:, flat_feat] > thr32).reshape(len(rows), t, n_split)
            # the position within the level reached so far (a depth-0 forest: its one leaf)
            pos = right[:, :, 0].astype(np.intp) if n_split else np.zeros((len(rows), t), np.intp)
            for level in range(1, self.depth):
                lo = (1 << level) - 1
                if level == 1:
                    bit = np.where(pos == 1, right[:, :, 2], right[:, :, 1])
                else:
                    level_bits = right[:, :, lo : 2 * lo + 1]
                    bit = np.take_along_axis(level_bits, pos[:, :, None], axis=2)[:, :, 0]
                pos = 2 * pos + bit
            # C order, so that the sum adds each row's trees in the same order as the walk
            leaves = np.ascontiguousarray(base + pos)
            out[start : start + len(rows)] = val.ravel()[leaves].sum(axis=1)
        return self.init + self.rate * out

    def _thresholds32(self) -> np.ndarray:
        """The perfect trees' thresholds, flat, each rounded down to a float32 (cached): for a
        float32 ``v``, ``v > t64`` exactly when ``v > t32``, as no float32 lies between them."""
        cached = getattr(self, "_thr32", None)
        if cached is None:
            thr = self.perfect()[1].ravel()
            cached = thr.astype(np.float32)
            over = cached.astype(np.float64) > thr
            cached[over] = np.nextafter(cached[over], np.float32(-np.inf))
            self._thr32 = cached
        return cached

    def perfect(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The trees as perfect binary trees of ``depth`` levels in heap order (cached):
        split features and thresholds ``(trees, 2**depth - 1)`` and leaf values
        ``(trees, 2**depth)``. A leaf above the last level becomes splits that always go left
        (threshold +inf) over copies of its value, which changes no prediction."""
        cached = getattr(self, "_perfect", None)
        if cached is not None:
            return cached
        t = self.feature.shape[0]
        n_split, n_leaf = (1 << self.depth) - 1, 1 << self.depth
        feat = np.zeros((t, n_split), dtype=np.int64)
        thr = np.full((t, n_split), np.inf)
        val = np.zeros((t, n_leaf))
        for i in range(t):
            stack = [(0, 0, 0)]  # (node, heap position, level)
            while stack:
                node, h, level = stack.pop()
                if level == self.depth:  # a leaf at the last level
                    val[i, h - n_split] = self.value[i, node]
                elif self.left[i, node] < 0:  # an early leaf: fill its subtree
                    span = 1 << (self.depth - level)
                    first = (h + 1) * span - 1 - n_split
                    val[i, first : first + span] = self.value[i, node]
                else:
                    feat[i, h], thr[i, h] = self.feature[i, node], self.threshold[i, node]
                    stack.append((int(self.left[i, node]), 2 * h + 1, level + 1))
                    stack.append((int(self.right[i, node]), 2 * h + 2, level + 1))
        self._perfect = (feat, thr, val)
        return self._perfect

    def predict_walk(self, x: np.ndarray) -> np.ndarray:
        """The same sum by walking the trees node by node (the reference the tests compare)."""
        x = np.asarray(x, dtype=np.float32).astype(np.float64)
        t, width = self.feature.shape
        feat, thr = self.feature.ravel(), self.threshold.ravel()
        left, right = self.left.ravel(), self.right.ravel()
        base = np.arange(t, dtype=np.int64) * width
        idx = np.broadcast_to(base, (len(x), t)).copy()
        for _ in range(self.depth):
            lft = left[idx]
            go_left = np.take_along_axis(x, feat[idx], axis=1) <= thr[idx]
            child = np.where(go_left, lft, right[idx])
            idx = np.where(lft < 0, idx, base + child)
        return self.init + self.rate * self.value.ravel()[idx].sum(axis=1)


@dataclass
class CompareModel:
    """Parameters of every dimension's regressor and of the same-event classifier."""

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    ridge: dict[str, tuple[np.ndarray, float]]
    forests: dict[str, Forest]
    blend: dict[str, float]  # weight of the forest; 1 - weight goes to ridge
    event_coef: np.ndarray
    event_intercept: float
    event_features: tuple[str, ...]
    meta: dict[str, Any]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CompareModel:
        names = tuple(d["feature_names"])
        if names not in (FEATURE_NAMES, FEATURE_NAMES_E5) or (
            d.get("features_version") != FEATURES_VERSION
        ):
            raise StorylineError(
                "the comparison model was trained on other features; "
                "retrain it with training/train_compare.py"
            )
        return cls(
            feature_names=names,
            mean=np.array(d["mean"]),
            scale=np.array(d["scale"]),
            ridge={k: (np.array(v["coef"]), float(v["intercept"])) for k, v in d["ridge"].items()},
            forests={k: Forest.from_dict(v) for k, v in d["forests"].items()},
            blend={k: float(v) for k, v in d["blend"].items()},
            event_coef=np.array(d["same_event"]["coef"]),
            event_intercept=float(d["same_event"]["intercept"]),
            event_features=tuple(d["same_event"]["features"]),
            meta=d.get("meta", {}),
        )

    def predict(self, x: np.ndarray, dims: tuple[str, ...] = DIMENSIONS) -> dict[str, np.ndarray]:
        """Scores (1..4) per dimension for a ``(pairs, features)`` matrix (``dims``: only these;
        the event linker needs only what :meth:`same_event` reads)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        z = (x - self.mean) / self.scale
        out: dict[str, np.ndarray] = {}
        if x.shape[1] != len(self.feature_names):
            raise StorylineError(
                f"the comparison model expects {len(self.feature_names)} features, "
                f"got {x.shape[1]} (bundles of another encoder?)"
            )
        for dim in dims:
            coef, b = self.ridge[dim]
            lin = z @ coef + b
            w = self.blend.get(dim, 0.0)
            pred = (1 - w) * lin + w * self.forests[dim].predict(x) if w else lin
            out[dim] = np.clip(pred, 1.0, 4.0)
        return post_rules(x, out)

    def same_event(self, x: np.ndarray, scores: dict[str, np.ndarray]) -> np.ndarray:
        """Probability that each pair reports one real-world event."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        cols = []
        for name in self.event_features:
            if name.startswith("pred_"):
                cols.append(scores[name[5:]])
            else:
                cols.append(x[:, FEATURE_NAMES.index(name)])
        logit = np.stack(cols, axis=1) @ self.event_coef + self.event_intercept
        return time_factor(x) * place_factor(x) / (1.0 + np.exp(-logit))

    @property
    def event_dims(self) -> tuple[str, ...]:
        """The dimensions :meth:`same_event` reads."""
        return tuple(n[5:] for n in self.event_features if n.startswith("pred_"))


#: The model file of each encoder variant.
MODEL_FILES = {"use": "compare.json", "e5": "compare-e5.json"}


@lru_cache(maxsize=2)
def load_model(encoder: str = "use") -> CompareModel:
    """The shipped model of an encoder variant (``resources/compare*.json``), loaded once."""
    name = MODEL_FILES.get(encoder)
    if name is None:
        raise StorylineError(f"no comparison model for encoder {encoder!r}")
    try:
        raw = resources.files("storyline").joinpath("resources", name).read_text("utf-8")
    except FileNotFoundError:
        raise StorylineError(
            f"storyline is broken: resources/{name} is missing "
            f"(train it with training/train_compare.py --encoder {encoder})"
        ) from None
    return CompareModel.from_dict(json.loads(raw))


__all__ = [
    "DIMENSIONS",
    "MODEL_FILES",
    "SAME_EVENT_DAYS",
    "CompareModel",
    "Forest",
    "load_model",
    "post_rules",
    "time_factor",
]
