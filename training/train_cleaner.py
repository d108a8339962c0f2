"""Train the plain-text cleaner's line classifier and write ``resources/cleaner.json``.

Run: ``.venv/bin/python training/train_cleaner.py`` (about 10-20 minutes on one busy core).

Reproducible: the data come from ``../shared/data`` (see ``cleaner_data.py``), the German
dev/train split is a fixed hash of the URL, folds and tree sampling are seeded, and the model is
plain numpy (no threads, no nondeterministic reductions).

Training data:

* English benchmark pages (html-text rendering), densely labelled from the gold body, weight 1;
* the German *train* split (html-text and inscriptis renderings), sparse snippet labels,
  weight ``--de-weight`` (10): few, but they are the target language and the target labels;
* every page twice: as rendered, and with its blank lines removed, because callers may pass
  only the non-blank lines of a page.

Printed: 5-fold cross-validation on the German train split (trafilatura's snippet P/R/F1 of the
lines with P >= 0.5, on the html-text rendering) and the score on the untouched dev split.

Cross-validation reuses the stacking folds: the five stage-1 models fitted for stacking each
leave out one fifth of the pages (German folds by URL, English pages spread over the same five
folds), so fold ``k``'s stage-1 model has not seen fold ``k``; the stage-2 model for fold ``k``
is refitted on the other folds' out-of-fold scores. (Those scores came from models that saw fold
``k``'s lines, a mild optimism we accept to avoid 30 extra fits.)
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cleaner_data as cd

from storyline.clean import features as F
from storyline.clean.classifier import LineClassifier, context_features

OUT = cd.REPO / "src" / "storyline" / "resources" / "cleaner.json"
N_FOLDS = 5


def _fold(key: str) -> int:
    return int(hashlib.sha256(("cv" + key).encode("utf-8")).hexdigest()[:8], 16) % N_FOLDS


def _variants(page: cd.Page) -> list[tuple[list[str], list[int | None], list[int]]]:
    """The page as rendered and without blank lines, with each line's index in the original."""
    keep = [i for i, x in enumerate(page.lines) if x.strip()]
    return [
        (page.lines, page.labels, list(range(len(page.lines)))),
        ([page.lines[i] for i in keep], [page.labels[i] for i in keep], keep),
    ]


def _matrices(pages: list[cd.Page], weight: float, silver_weight: float = 0.0) -> list[dict]:
    """Feature matrices, labels and weights of each page view.

    A line with a gold label gets ``weight``; a line the gold leaves unknown but the teacher
    labels (``Page.silver``) gets ``silver_weight`` (0 leaves it unknown).
    """
    rows = []
    for p in pages:
        for v, (lines, labels, origin) in enumerate(_variants(p)):
            X, index = F.page_features(lines, p.language)
            y = np.array([-1 if labels[i] is None else int(labels[i]) for i in index])
            w = np.full(len(index), weight)
            if p.silver is not None and silver_weight > 0:
                for j, i in enumerate(index):
                    t = p.silver[origin[i]]
                    if y[j] < 0 and t is not None:
                        y[j], w[j] = t, silver_weight
            rows.append(
                {
                    "page": p,
                    "variant": v,
                    "X": X,
                    "y": y,
                    "w": w,
                    "lines": [origin[i] for i in index],
                    "fold": _fold(p.key),
                }
            )
    return rows


def snippet_counts(
    pages: list[cd.Page], scores: list[np.ndarray], idx: list[list[int]]
) -> cd.Counts:
    """trafilatura's snippet evaluation of the lines scored P >= 0.5."""
    c = cd.Counts()
    for p, s, ix in zip(pages, scores, idx, strict=True):
        out = "\n".join(p.lines[i] for i, q in zip(ix, s, strict=True) if q >= 0.5)
        c.add(out, p.with_snippets, p.without_snippets)
    return c


def fmt(c: cd.Counts) -> str:
    return (
        f"P={c.precision:.3f} R={c.recall:.3f} F1={c.f1:.3f} (snippets {c.tp + c.fn + c.fp + c.tn})"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--de-weight", type=float, default=10.0)
    ap.add_argument("--trees", type=int, default=300)
    ap.add_argument("--context-trees", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--silver-weight",
        type=float,
        default=0.0,
        help="weight of German train lines labelled by trafilatura on the HTML (0: not used)",
    )
    args = ap.parse_args(argv)
    if not cd.available():
        sys.exit(f"shared data not found under {cd.DATA}")

    t0 = time.time()
    en = cd.english_pages(("html-text",))
    de_train = cd.german_pages(
        "train", renderers=("html-text", "inscriptis"), silver=args.silver_weight > 0
    )
    de_dev = cd.german_pages("dev", renderers=("html-text",))
    rows = _matrices(en, 1.0) + _matrices(de_train, args.de_weight, args.silver_weight)
    n_lab = sum(int((r["y"] >= 0).sum()) for r in rows)
    print(
        f"data: {len(en)} English pages, {len(de_train) // 2} German train pages "
        f"(x2 renderings), x2 blank-line variants -> {len(rows)} page views, "
        f"{n_lab} labelled lines ({time.time() - t0:.0f} s)",
        flush=True,
    )

    clf = LineClassifier(
        n_trees=args.trees, context_trees=args.context_trees, random_state=args.seed
    )
    folds = np.array([r["fold"] for r in rows])
    clf.fit_features([r["X"] for r in rows], [r["y"] for r in rows], [r["w"] for r in rows], folds)
    print(f"fitted ({time.time() - t0:.0f} s)", flush=True)

    # Cross-validation on the German train split, html-text rendering, as rendered.
    cv_pages, cv_scores, cv_idx = [], [], []
    cv1_scores = []
    for k in range(N_FOLDS):
        ctx_rows = [i for i, r in enumerate(rows) if r["fold"] != k]
        Xc = np.concatenate([context_features(rows[i]["X"], clf.oof_raw_[i]) for i in ctx_rows])
        y = np.concatenate([rows[i]["y"] for i in ctx_rows])
        w = np.concatenate([rows[i]["w"] for i in ctx_rows])
        keep = y >= 0
        stage2 = clf._stage2().fit(Xc[keep], y[keep], w[keep])
        for i, r in enumerate(rows):
            p = r["page"]
            if r["fold"] != k or p.source != "teval" or p.renderer != "html-text" or r["variant"]:
                continue
            raw = clf.oof_raw_[i]
            cv_pages.append(p)
            cv_idx.append(r["lines"])
            cv1_scores.append(1 / (1 + np.exp(-raw)))
            cv_scores.append(
                1 / (1 + np.exp(-stage2.decision_function(context_features(r["X"], raw))))
            )
    cv1 = snippet_counts(cv_pages, cv1_scores, cv_idx)
    cv2 = snippet_counts(cv_pages, cv_scores, cv_idx)
    print(f"CV German train ({len(cv_pages)} pages), stage 1 only : {fmt(cv1)}")
    print(f"CV German train ({len(cv_pages)} pages), both stages  : {fmt(cv2)}")

    # The untouched dev split, with and without blank lines.
    results = {}
    for v, name in ((0, "as rendered"), (1, "without blank lines")):
        scores, idx = [], []
        for p in de_dev:
            lines, _, origin = _variants(p)[v]
            s = clf.predict_proba(lines, "de")
            ix = [i for i, x in enumerate(lines) if x.strip()]
            scores.append(s[ix])
            idx.append([origin[i] for i in ix])
        c = snippet_counts(de_dev, scores, idx)
        results[name] = c
        print(f"dev German ({len(de_dev)} pages), {name}: {fmt(c)}")

    clf.meta_ = {
        "trained_on": "article-extraction-benchmark (html-text) + trafilatura-eval-de train split",
        "command": "python training/train_cleaner.py",
        "cv_f1": round(cv2.f1, 4),
        "dev_f1": round(results["as rendered"].f1, 4),
        "dev_f1_no_blank_lines": round(results["without blank lines"].f1, 4),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    clf.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, {time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
