"""Train the article comparison model (``src/storyline/resources/compare.json``).

Run: ``.venv/bin/python training/train_compare.py [--encoder use|e5] [--no-write]``

``--encoder use`` (default) writes ``resources/compare.json``; ``--encoder e5`` writes
``resources/compare-e5.json``, the same model with one more feature, the cosine of
multilingual-e5-small embeddings (their vectors of the 2,500 texts take ~40 minutes on 2 busy
cores the first time; cached in ``training/.cache``).

Data: ``../shared/data/semeval2022-task8/train_pairs.csv`` (SemEval-2022 Task 8, see
``training/compare_data.py`` for the grouping of machine-translated augmentations). Every text is
turned into an Article with :func:`storyline.compare.bundles.text_article`, analysed, embedded
(USE) and reduced to a bundle; a pair's features are
:func:`storyline.compare.features.pair_features`
— exactly what ``storyline compare`` computes at run time.

Model, per dimension: ridge regression on standardised features blended with a gradient-boosted
tree ensemble (scikit-learn for training, exported to JSON and evaluated with numpy at run time).
The blend weight is chosen by grouped cross-validation on the original pairs. ``same_event`` is a
logistic regression on the out-of-fold predicted scores plus the event features.

Evaluation: 5-fold cross-validation grouped by article (union-find over pair ids), trained on
original + augmented pairs of the training folds, scored on the *original* pairs of the test fold.
Reproducible: fixed folds and seeds; bundles are cached in ``training/.cache``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare_data as cd

from storyline.compare.features import FEATURE_NAMES, FEATURE_NAMES_E5, FEATURES_VERSION
from storyline.compare.model import DIMENSIONS, post_rules

RESOURCES = cd.REPO / "src" / "storyline" / "resources"
OUT = {"use": RESOURCES / "compare.json", "e5": RESOURCES / "compare-e5.json"}
FOLDS = 5
AUGMENTED_WEIGHT = 0.5  # MT-augmented copies count half: same ratings, noisier text
BLENDS = (0.0, 0.25, 0.5, 0.75, 1.0)
RIDGE_ALPHA = 10.0
GBR = {
    "n_estimators": 150,
    "max_depth": 3,
    "learning_rate": 0.05,
    "subsample": 0.8,
    "min_samples_leaf": 10,
    "random_state": 0,
}
EVENT_FEATURES = (
    "pred_overall",
    "pred_time",
    "pred_geography",
    "pred_narrative",
    "event_gap_days",
    "event_gap_known",
    "date_gap_days",
    "date_known",
    "event_km",
    "event_km_known",
    "event_far",
    "event_type_same",
    "event_type_known",
    "minhash",
    "event_place_shared",
)


def same_event_target(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """'One event' on the SemEval scale, and which pairs to learn it from.

    The data has no event label. Issue 5 defines the proxy the event benchmark scores against:
    Overall <= 1.5 is the same event, Overall >= 3.0 is not; the pairs in between (related
    stories, the same topic on another day) are left out of the fit, so the classifier learns
    the boundary between clear cases and places the middle by its features. Measured against
    the older target (Overall and Time <= 1.5 over all pairs): the same pairwise F1 on the
    SemEval-derived labels (0.76 at p >= 0.5), and on the example corpus the event partition
    no longer depends on the exact threshold (F1 1.0 from 0.4 to 0.6).
    Returns ``(target, use)``.
    """
    overall = y[:, DIMENSIONS.index("overall")]
    return (overall <= 1.5).astype(int), (overall <= 1.5) | (overall >= 3.0)


@dataclass
class Fitted:
    mean: np.ndarray
    scale: np.ndarray
    ridge: list  # one sklearn Ridge per dimension
    gbr: list  # one GradientBoostingRegressor per dimension

    def predict(self, x: np.ndarray, blend: dict[str, float]) -> np.ndarray:
        z = (x - self.mean) / self.scale
        out = np.zeros((len(x), len(DIMENSIONS)))
        for j, dim in enumerate(DIMENSIONS):
            w = blend[dim]
            out[:, j] = (1 - w) * self.ridge[j].predict(z) + w * self.gbr[j].predict(
                x.astype(np.float32)
            )
        return np.clip(out, 1.0, 4.0)


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> Fitted:
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import Ridge

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    ridges, gbrs = [], []
    for j in range(len(DIMENSIONS)):
        ridges.append(Ridge(alpha=RIDGE_ALPHA).fit(z, y[:, j], sample_weight=weight))
        gbrs.append(
            GradientBoostingRegressor(**GBR).fit(
                x.astype(np.float32), y[:, j], sample_weight=weight
            )
        )
    return Fitted(mean, scale, ridges, gbrs)


def folds(group: np.ndarray, k: int = FOLDS) -> np.ndarray:
    """Fold of every pair: whole groups, balanced by size, deterministic (seeded shuffle)."""
    rng = np.random.default_rng(0)
    ids = np.unique(group)
    rng.shuffle(ids)
    sizes = {g: int((group == g).sum()) for g in ids}
    load = np.zeros(k)
    fold_of: dict[int, int] = {}
    for g in sorted(ids, key=lambda g: -sizes[g]):  # largest groups first, to the lightest fold
        f = int(load.argmin())
        fold_of[g] = f
        load[f] += sizes[g]
    return np.array([fold_of[g] for g in group])


def cross_validate(
    x: np.ndarray, y: np.ndarray, pairs: list[cd.Pair], *, verbose: bool = True
) -> dict[float, np.ndarray]:
    """Out-of-fold predictions ``(n, 7)`` for every blend weight in :data:`BLENDS`."""
    fold = folds(cd.groups(pairs))
    weight = np.array([AUGMENTED_WEIGHT if p.augmented else 1.0 for p in pairs])
    oof = {w: np.zeros_like(y) for w in BLENDS}
    for f in range(FOLDS):
        tr, te = fold != f, fold == f
        t0 = time.perf_counter()
        model = fit(x[tr], y[tr], weight[tr])
        for w in BLENDS:
            oof[w][te] = model.predict(x[te], dict.fromkeys(DIMENSIONS, w))
        if verbose:
            print(f"  fold {f}: {te.sum()} pairs, {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return oof


def choose_blend(oof: dict[float, np.ndarray], y: np.ndarray, original: np.ndarray) -> dict:
    """Per dimension, the blend weight with the best out-of-fold Pearson on original pairs."""
    best = {}
    for j, dim in enumerate(DIMENSIONS):
        scores = {w: cd.pearson(oof[w][original, j], y[original, j]) for w in BLENDS}
        best[dim] = max(scores, key=lambda w: scores[w])
    return best


def blended(
    oof: dict[float, np.ndarray], blend: dict[str, float], x: np.ndarray | None = None
) -> np.ndarray:
    """Out-of-fold predictions with the chosen blend (and, given ``x``, the post rules)."""
    pred = np.stack([oof[blend[d]][:, j] for j, d in enumerate(DIMENSIONS)], axis=1)
    if x is None:
        return pred
    fixed = post_rules(x, {d: pred[:, j] for j, d in enumerate(DIMENSIONS)})
    return np.stack([fixed[d] for d in DIMENSIONS], axis=1)


def event_matrix(x: np.ndarray, preds: np.ndarray) -> np.ndarray:
    cols = []
    for name in EVENT_FEATURES:
        if name.startswith("pred_"):
            cols.append(preds[:, DIMENSIONS.index(name[5:])])
        else:
            cols.append(x[:, FEATURE_NAMES.index(name)])
    return np.stack(cols, axis=1)


def _forest(gbr) -> dict:
    trees = [e[0].tree_ for e in gbr.estimators_]
    width = max(t.node_count for t in trees)

    def pad(get, fill):
        out = np.full((len(trees), width), fill, dtype=np.float64)
        for i, t in enumerate(trees):
            vals = get(t)
            out[i, : len(vals)] = vals
        return out

    return {
        "feature": pad(lambda t: t.feature, 0).astype(int).tolist(),
        "threshold": pad(lambda t: t.threshold, 0).round(7).tolist(),
        "left": pad(lambda t: t.children_left, -1).astype(int).tolist(),
        "right": pad(lambda t: t.children_right, -1).astype(int).tolist(),
        "value": pad(lambda t: t.value[:, 0, 0], 0).round(6).tolist(),
        "init": float(np.ravel(gbr.init_.constant_)[0]),
        "rate": float(gbr.learning_rate),
        "depth": int(gbr.max_depth),
    }


def export(model: Fitted, blend: dict, event, meta: dict, names: tuple) -> dict:
    return {
        "features_version": FEATURES_VERSION,
        "feature_names": list(names),
        "mean": model.mean.round(7).tolist(),
        "scale": model.scale.round(7).tolist(),
        "ridge": {
            d: {"coef": r.coef_.round(7).tolist(), "intercept": float(r.intercept_)}
            for d, r in zip(DIMENSIONS, model.ridge, strict=True)
        },
        "forests": {d: _forest(g) for d, g in zip(DIMENSIONS, model.gbr, strict=True)},
        "blend": blend,
        "same_event": {
            "features": list(EVENT_FEATURES),
            "coef": event.coef_[0].round(7).tolist(),
            "intercept": float(event.intercept_[0]),
        },
        "meta": meta,
    }


def report(y: np.ndarray, pred: np.ndarray, pairs: list[cd.Pair]) -> str:
    """Markdown table: Pearson per dimension, for all original pairs and per language pair."""
    original = np.array([not p.augmented for p in pairs])
    langs = np.array([p.langs for p in pairs])
    lines = [
        "| pairs | n | " + " | ".join(DIMENSIONS) + " |",
        "|---|---:|" + "---:|" * len(DIMENSIONS),
    ]
    subsets = [("all original", original)]
    for lp in sorted(set(langs[original]), key=lambda s: -int((langs[original] == s).sum())):
        subsets.append((lp, original & (langs == lp)))
    for name, m in subsets:
        cells = [f"{cd.pearson(pred[m, j], y[m, j]):.3f}" for j in range(len(DIMENSIONS))]
        lines.append(f"| {name} | {int(m.sum())} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def train(encoder: str = "use", write: bool = True) -> dict:
    from sklearn.linear_model import LogisticRegression

    pairs = cd.load_pairs()
    found = cd.bundles(pairs)
    names = FEATURE_NAMES
    if encoder == "e5":
        found = cd.with_e5(pairs, found)
        names = FEATURE_NAMES_E5
    x = cd.features(pairs, found)
    y = np.stack([p.scores for p in pairs])
    original = np.array([not p.augmented for p in pairs])
    oof = cross_validate(x, y, pairs)
    blend = choose_blend(oof, y, original)
    raw = blended(oof, blend)
    pred = blended(oof, blend, x)
    r_over = cd.pearson(raw[original, 4], y[original, 4])
    r_geo = cd.pearson(raw[original, 0], y[original, 0])
    print(f"without post rules: overall {r_over:.3f}, geography {r_geo:.3f}")
    print(report(y, pred, pairs))
    print("blend (forest weight):", blend)
    # same_event: logistic on out-of-fold predictions, so it learns how reliable they are
    target, use = same_event_target(y)
    # balanced: the SemEval base rate of "same event" (21%) is not a corpus's; p = 0.5 is the
    # point where the evidence for either class is equal
    ev = LogisticRegression(C=1.0, max_iter=1000, class_weight="balanced").fit(
        event_matrix(x, pred)[use], target[use]
    )
    weight = np.array([AUGMENTED_WEIGHT if p.augmented else 1.0 for p in pairs])
    final = fit(x, y, weight)
    overall = cd.pearson(pred[original, 4], y[original, 4])
    meta = {
        "trained_on": "SemEval-2022 Task 8 train_pairs.csv (original + MT-augmented pairs)",
        "pairs": len(pairs),
        "encoder": encoder,
        "cv_pearson_overall": round(overall, 4),
        "gbr": GBR,
        "ridge_alpha": RIDGE_ALPHA,
    }
    data = export(final, blend, ev, meta, names)
    if write:
        out = OUT[encoder]
        out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")
    return data


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--encoder", choices=sorted(OUT), default="use")
    ap.add_argument("--no-write", action="store_true", help="Only cross-validate.")
    args = ap.parse_args(argv)
    if not cd.PAIRS_CSV.exists():
        print(f"missing {cd.PAIRS_CSV}", file=sys.stderr)
        return 2
    train(args.encoder, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
