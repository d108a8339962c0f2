"""Comparison benchmark: storyline's learned model against plain cosine baselines (issue 4).

Run: ``.venv/bin/python benchmarks/bench_compare.py [--raw-pairs N] [--no-e5] [--no-write]``

Data: the SemEval-2022 Task 8 pairs (``../shared/data/semeval2022-task8/train_pairs.csv``).
Everything is scored on the ~796 *original* pairs, out of fold:

* **storyline**: ``training/train_compare.py``'s model, 5-fold cross-validated, folds grouped by
  article (machine-translated augmentations of a pair always sit in the same fold as it), trained
  on original + augmented pairs of the training folds. Exactly the shipped recipe, post rules
  included; **storyline e5**: the same with the e5 cosine as one more feature (``--encoder e5``);
* **USE cosine**, **e5 cosine**: cosine of the whole-text embeddings (multilingual USE v3,
  multilingual-e5-small), no training; **TF-IDF cosine**: word 1-2-gram TF-IDF fitted on all
  texts of the file (unsupervised). A cosine is a similarity and the scale is a *dis*similarity,
  so the baselines' Pearson is that of ``-cosine``; a Pearson is invariant to any linear map, so
  no cross-validation is needed for them (a learned linear calibration would score the same).

Speed: pairs/s for *stored, analysed* articles (example corpus, bundles cached in the store: the
path ``storyline compare`` on stored ids takes), scores only and with explanations; and the
``--pairs`` batch on N raw text pairs (analysis + embedding included, one process).

Also checks ``same_event`` and ``near_duplicate`` on every pair of the example corpus against
``examples/truth.json`` (event ids; wire copies).

e5 embeddings of the 2,500 texts take ~30 minutes on 2 busy cores; they are cached in
``training/.cache`` (``--no-e5`` leaves the column out when the cache is cold).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import write_section

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))

SECTION = "## Article comparison (SemEval-2022 Task 8 pairs)"


def _speed_stored() -> tuple[str, list[str]]:
    """Pairs/s on stored analysed articles, and the corpus same_event / near_duplicate check."""
    from storyline import api
    from storyline.compare import cached_bundle, compare_many
    from storyline.store import SQLiteStore

    truth = json.loads((REPO / "examples" / "truth.json").read_text(encoding="utf-8"))
    corpus = REPO / "examples" / "corpus"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.db"
        api.ingest([corpus], db=db)
        with SQLiteStore(db) as store:
            refs = {t["path"]: store.get(str(corpus / t["path"])) for t in truth}
            arts = {a.id: a for a in refs.values()}
            for a in arts.values():
                cached_bundle(store, a)  # fill the cache (not timed)
            ids = sorted(arts)
            pairs_ids = list(itertools.combinations(ids, 2))
            t0 = time.perf_counter()
            for _ in range(5):
                found = {}
                for i in ids:
                    found[i] = cached_bundle(store, arts[i])
                plain = compare_many([(found[x], found[y]) for x, y in pairs_ids], explain=False)
            fast = 5 * len(pairs_ids) / (time.perf_counter() - t0)
            t0 = time.perf_counter()
            full = compare_many([(found[x], found[y]) for x, y in pairs_ids], explain=True)
            explained = len(pairs_ids) / (time.perf_counter() - t0)
    del full
    result = {(c.a, c.b): c for c in plain}
    event_of = {refs[t["path"]].id: t["event"] for t in truth}
    wire = {
        frozenset((refs[t["path"]].id, refs[t["wire_copy_of"]].id))
        for t in truth
        if t["wire_copy_of"]
    }
    # copies of one wire story are near-duplicates of each other too
    for p, q in itertools.combinations(list(wire), 2):
        if p & q:
            wire.add(frozenset(p ^ q))
    wire = {w for w in wire if len(w) == 2}
    tp = fp = fn = tn = 0
    dup_tp = dup_fp = dup_fn = 0
    wrong: list[str] = []
    for (x, y), c in result.items():
        same = event_of[x] == event_of[y]
        said = c.same_event >= 0.5
        tp += same and said
        fp += said and not same
        fn += same and not said
        tn += not same and not said
        is_dup = frozenset((x, y)) in wire
        dup_tp += is_dup and c.near_duplicate
        dup_fp += c.near_duplicate and not is_dup
        dup_fn += is_dup and not c.near_duplicate
        if same != said and len(wrong) < 6:
            wrong.append(f"{event_of[x]} / {event_of[y]}: p={c.same_event:.2f}")
    n_pairs = len(result)
    lines = [
        "",
        f"**Example corpus** ({len(ids)} stored articles, {n_pairs} pairs, "
        f"{sum(1 for (x, y) in result if event_of[x] == event_of[y])} same-event pairs): "
        f"same_event (p >= 0.5) precision {tp / max(tp + fp, 1):.2f}, "
        f"recall {tp / max(tp + fn, 1):.2f}, accuracy {(tp + tn) / n_pairs:.3f}; "
        f"near_duplicate: {dup_tp} of {len(wire)} wire-copy pairs found, "
        f"{dup_fp} false alarms.",
    ]
    if wrong:
        lines.append("Same-event errors (first ones): " + "; ".join(wrong) + ".")
    speed = (
        f"| stored, analysed articles (scores) | {fast:,.0f} |\n"
        f"| stored, analysed articles (scores + explanation) | {explained:,.0f} |"
    )
    return speed, lines


def _speed_raw(pairs: list, n: int) -> str:
    from storyline import api

    ordered = sorted(pairs, key=lambda p: p.augmented)  # original pairs first, then MT ones
    recs = [
        {"id": p.pair_id, "text1": p.text1, "text2": p.text2, "lang1": p.lang1, "lang2": p.lang2}
        for p in ordered
    ][:n]
    t0 = time.perf_counter()
    done = sum(1 for _ in api.compare_pairs(recs))
    dt = time.perf_counter() - t0
    return (
        f"| `compare --pairs`: {done} raw SemEval pairs, analysis + embedding included "
        f"({dt:.0f} s) | {done / dt:,.1f} |"
    )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw-pairs", type=int, default=1000)
    ap.add_argument("--no-e5", action="store_true", help="Leave e5 out if it is not cached.")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    import compare_data as cd
    import train_compare as tc

    from storyline.compare.model import DIMENSIONS

    if not cd.PAIRS_CSV.exists():
        print(f"skipped: {cd.PAIRS_CSV} is not present (../shared missing)")
        return 0
    pairs = cd.load_pairs()
    found = cd.bundles(pairs)
    x = cd.features(pairs, found)
    y = np.stack([p.scores for p in pairs])
    original = np.array([not p.augmented for p in pairs])
    oof = tc.cross_validate(x, y, pairs, verbose=False)
    blend = tc.choose_blend(oof, y, original)
    systems: dict[str, np.ndarray] = {"storyline": tc.blended(oof, blend, x)}
    use_cos = x[:, 0]
    systems["USE cosine"] = np.repeat(-use_cos[:, None], len(DIMENSIONS), axis=1)
    e5_path = cd.CACHE / "vectors-e5.pkl"
    if not args.no_e5 or e5_path.exists():
        x5 = cd.features(pairs, cd.with_e5(pairs, found))
        oof5 = tc.cross_validate(x5, y, pairs, verbose=False)
        systems["storyline e5"] = tc.blended(oof5, tc.choose_blend(oof5, y, original), x5)
        e5 = x5[:, -1]
        systems["e5 cosine"] = np.repeat(-e5[:, None], len(DIMENSIONS), axis=1)
    tfidf = cd.tfidf_cosines(pairs)
    systems["TF-IDF cosine"] = np.repeat(-tfidf[:, None], len(DIMENSIONS), axis=1)

    langs = np.array([p.langs for p in pairs])
    order = sorted(set(langs[original]), key=lambda s: -int((langs[original] == s).sum()))
    subsets = [("all original", original)] + [(lp, original & (langs == lp)) for lp in order]
    j_over = DIMENSIONS.index("overall")
    names = list(systems)
    lines = [
        SECTION,
        "",
        f"{int(original.sum())} original pairs ({int((~original).sum())} MT-augmented pairs used "
        "for training only); Pearson correlation with the human ratings, out of fold (5 folds "
        "grouped by article). Higher is better. "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "**Overall, by language pair**",
        "",
        "| pairs | n | " + " | ".join(names) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    for label, m in subsets:
        cells = [f"{cd.pearson(systems[s][m, j_over], y[m, j_over]):.3f}" for s in names]
        best = max(range(len(names)), key=lambda i: float(cells[i]))
        cells[best] = f"**{cells[best]}**"
        lines.append(f"| {label} | {int(m.sum())} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "**Each dimension, all original pairs**",
        "",
        "| system | " + " | ".join(DIMENSIONS) + " |",
        "|---|" + "---:|" * len(DIMENSIONS),
    ]
    for s in names:
        cells = [
            f"{cd.pearson(systems[s][original, j], y[original, j]):.3f}"
            for j in range(len(DIMENSIONS))
        ]
        lines.append(f"| {s} | " + " | ".join(cells) + " |")
    lines += ["", "**storyline, each dimension by language pair**", ""]
    lines.append(tc.report(y, systems["storyline"], pairs))
    if "storyline e5" in systems:
        lines += ["", "**storyline e5, each dimension by language pair**", ""]
        lines.append(tc.report(y, systems["storyline e5"], pairs))
    lines += [
        "",
        "Targets (issue 4): overall >= 0.80, German >= 0.82. Anchor: the best SemEval system "
        "reached 0.818 overall and 0.850 de-de on the official *test* set with the original "
        "texts; these are cross-validated scores on the training pairs, whose texts went "
        "through machine translation, so the numbers are not directly comparable.",
        "",
        "**Speed** (one process)",
        "",
        "| what | pairs / s |",
        "|---|---:|",
    ]
    speed, corpus_lines = _speed_stored()
    lines.append(speed)
    if args.raw_pairs:
        lines.append(_speed_raw(pairs, args.raw_pairs))
    lines += [
        "",
        "Targets: >= 1,000 pairs/s for stored analysed articles; 1,000 raw pairs < 2 minutes.",
        *corpus_lines,
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_section(SECTION, table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
