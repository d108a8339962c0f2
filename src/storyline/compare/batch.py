"""The pair feature vectors of many pairs at once: :func:`pair_features` vectorised over pairs.

Why: the event linker scores tens of thousands of candidate pairs, and :func:`pair_features`
spends its ~50 us per pair in Python overhead (a dozen set intersections, a few tiny numpy
calls), not in arithmetic. Here each feature is computed for all pairs of a batch with a few
array operations (~5 us per pair in batches of thousands), and the result is the matrix
``np.stack([pair_features(a, b) for a, b in pairs])``: bit for bit, except the three distance
features (place_min_km, place_meanmin_km, event_km), which may differ in the last bits (~1e-15)
because numpy evaluates the same formula on longer arrays and sums the nearest distances in
another order.

How, and why this way:

* **Per-bundle data is prepared once** and cached on the bundle (``Bundle._sets``, like
  :meth:`Bundle.keyset`) as three byte strings: a row of scalars (set sizes, event place and
  day, language...) with the MinHash values, the set elements, and place coordinates with date
  ordinals. A batch joins each of them over its bundles (one C loop) and reads arrays straight
  out of the joined buffers: with few pairs per bundle, touching each bundle's scattered
  Python objects is what costs. The keysets of :meth:`Bundle.keyset` are built for this but
  not cached (the ``words`` set, the biggest, not even built).
* **Set intersections** (entity keys per label, all, top, caps, numbers, words, place names,
  countries, months) are one sparse row-wise product (scipy CSR): every element is a column
  whose low 4 bits say which set it belongs to, so one merge of the two rows counts the common
  elements of all twelve sets. Elements are exact for small integers (the ``words`` CRCs) and a
  58-bit BLAKE2b hash for strings: deterministic across processes, so a pickled bundle's cache
  stays valid, and a collision inside one pair's sets (~1e-13) is far below anything
  observable. The columns are the keys themselves (a 2**63-column matrix): rows are sorted and
  duplicate-free, so scipy merges them without any per-column work, and no per-batch
  renumbering (a sort of every key of the batch) is needed.
* **Cosines** must match the float32 BLAS result bit for bit (float32 rounding is ~1e-7, and
  summing 512 products in another order changes it): they go through the same ``gemm`` per
  pair, as one stacked ``np.matmul``. numpy computes ``x @ x.T`` with ``syrk`` instead, whose
  rounding differs, so pairs whose vectors may share memory (the same bundle twice, or equal
  vectors) take :func:`pair_features`' own expression, as do unusual dtypes and layouts.
* **Distances** (places: minimum and symmetric mean of nearest; dates: smallest gap) run over
  the flat list of all point pairs of all pairs, reduced per pair with ``ufunc.reduceat``:
  bundles have few places, so padding to the largest would waste most of the work.
* ``log1p`` of counts and day gaps is ``math.log1p``'s (from a table), as in
  :func:`pair_features`: numpy's ``log1p`` may differ from it in the last bit. Languages, event
  types and countries are compared as 53-bit hashes (exact in a float64 row).
* Pairs are processed sorted by their first bundle, so that side's data is read in order.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp

from storyline.analyse.names import fold
from storyline.clean.dedup import NUM_PERM
from storyline.compare.features import (
    ANALYSED_LANGUAGES,
    EARTH_KM,
    FAR_KM,
    FEATURE_NAMES,
    FEATURE_NAMES_E5,
    LABELS,
    Bundle,
    _day,
)

#: The sets whose pairwise intersections the features need, in tag order (tag = index).
_SETS: tuple[str, ...] = (
    *LABELS,
    "all",
    "top",
    "caps",
    "nums",
    "words",
    "place_names",
    "countries",
    "months",
)
_TAG_BITS = 4
_T = {name: i for i, name in enumerate(_SETS)}

#: Integer elements below this are used as they are (exact); strings hash to ``[2**58, 2**59)``.
_STR_BIT = 1 << 58

#: Where the prepared data lives in ``Bundle._sets``. Bundles are pickled with their caches:
#: change the suffix whenever :class:`_Prep` or its layout changes.
_CACHE = "batch/1"

#: Pairs per chunk of the stacked matrix products (4 KB of vectors per side and pair) and of
#: the set intersections (~1 KB of keys): what a chunk gathers stays in the CPU cache.
_CHUNK = 64
_SET_CHUNK = 2048

# A bundle's prepared data is little-endian 8-byte units in three byte strings (see _Prep):
# the row (float64) and the MinHash values (uint32, two per unit); the set elements (int64);
# the place coordinates (float64 radians, lat/lon pairs) and resolved dates (int64 ordinals).
# The row's columns:
(
    _N_WORDS,  # max(n_words, 1)
    _EV_LAT,  # event place, radians; NaN when unknown
    _EV_LON,
    _EV_CITY,  # 1 when the event place is a city
    _EV_DAY,  # ordinal of the event day; NaN when unknown
    _PUB_DAY,  # ordinal of the publication day; NaN when unknown
    _ANALYSED,  # 1 when the language is one of ANALYSED_LANGUAGES
    _TYPE_OK,  # 1 when the event type is known and not "other"
    _HAS_MH,  # 1 when there is a MinHash signature
    _LANG,  # hash of the language, 0 when there is none
    _TYPE,  # hash of the event type, 0 when there is none
    _COUNTRY,  # hash of the event place's country, 0 when there is none
    _HAS_PLACE,  # 1 when there is an event place (event_where)
    _N_KEYS,  # number of set elements
    _N_COORDS,  # number of places with coordinates
    _N_DATES,  # number of resolved dates
    _SIZES,  # the len(_SETS) set sizes start here
) = range(17)
_ROW = _SIZES + len(_SETS)
_HEAD = _ROW + NUM_PERM // 2  # row + MinHash


def _digest(s: str) -> int:
    raw = hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(raw, "little")


def _text(x: Any) -> str:
    return x if type(x) is str else f"\0{type(x).__name__}\0{x!r}"


@lru_cache(maxsize=1 << 18)
def _str_key(s: str) -> int:
    return _STR_BIT | (_digest(s) >> 6)


def _key(x: Any) -> int:
    """A 59-bit integer standing for one set element (exact for the ``words`` CRCs)."""
    if type(x) is str:
        return _str_key(x)
    if type(x) is int and 0 <= x < _STR_BIT:
        return x
    return _str_key(_text(x))


def _set(b: Bundle, what: str) -> Any:
    """``b.keyset(what)`` without caching it: the prepared data is what stays."""
    got = b._sets.get(what)
    return b._build(what) if got is None else got


def _words(b: Bundle) -> np.ndarray | None:
    """The ``words`` CRCs straight from make_bundle's list (sorted, unique ``int64``), if so.

    Saves building (and caching) a Python set of ~100 ints per bundle; None when the list is
    not plain non-negative ints (then the set and :func:`_key` decide).
    """
    if "words" in b._sets:
        return None
    words = np.asarray(b.words)
    if words.dtype.kind not in "iu" or (
        len(words) and (words.min() < 0 or words.max() >= _STR_BIT)
    ):
        return None
    words = np.sort(words.astype(np.int64))
    if len(words) > 1 and (words[1:] == words[:-1]).any():
        words = np.unique(words)
    return words


def _label(x: Any) -> float:
    """A language, event type or country as a float that compares like it (0 for none).

    53 bits of hash, exact in a float64; these vocabularies have a few hundred values.
    """
    return 0.0 if not x else _label_of(_text(x))


@lru_cache(maxsize=1 << 12)
def _label_of(text: str) -> float:
    return float((1 << 52) | (_digest(text) >> 12))


def _nan_day(value: str | None) -> float:
    d = _day(value)
    return float("nan") if d is None else float(d.toordinal())


@dataclass(slots=True)
class _Prep:
    """What one bundle contributes to a batch (cached on the bundle under :data:`_CACHE`)."""

    head: bytes  # the row, then the MinHash values: _HEAD units
    keys: bytes  # the set elements: row[_N_KEYS] int64
    extra: bytes  # the place coordinates (row[_N_COORDS] lat/lon pairs), then the dates
    event_place: str | None  # fold(str(event_where[0])) when there is an event place

    @classmethod
    def build(cls, b: Bundle) -> _Prep:
        keys: list[int] = []
        sizes: list[int] = []
        words = _words(b)
        for tag, what in enumerate(_SETS):
            if what == "words" and words is not None:
                sizes.append(len(words))
                continue
            s = _set(b, what)
            sizes.append(len(s))  # the set's own size, even if two keys collided
            keys.extend([(_key(x) << _TAG_BITS) | tag for x in s])
        unique = np.array(keys, dtype="<i8")
        if words is not None:
            unique = np.concatenate([unique, (words << _TAG_BITS) | _T["words"]])
        unique.sort()
        if len(unique) > 1 and (unique[1:] == unique[:-1]).any():  # only on a hash collision
            unique = np.unique(unique)
        sig = _set(b, "minhash")
        values = np.zeros(NUM_PERM, dtype="<u4") if sig is None else sig.values.astype("<u4")
        coords = _set(b, "coords")
        coords = np.zeros((0, 2)) if coords is None else coords
        dates = np.array([d.toordinal() for x in b.dates if (d := _day(x))], dtype="<i8")
        w = b.event_where
        lat = lon = float("nan")
        if w and w[2] is not None:
            lat, lon = (float(v) for v in np.radians(np.array([w[2], w[3]], dtype=np.float64)))
        row = [
            max(b.n_words, 1),
            lat,
            lon,
            bool(w and w[4] == "city"),
            _nan_day(b.event_when),
            _nan_day(b.published),
            b.language in ANALYSED_LANGUAGES,
            bool(b.event_type and b.event_type != "other"),
            sig is not None,
            _label(b.language),
            _label(b.event_type),
            _label(w[1] if w else None),
            bool(w),
            len(unique),
            len(coords),
            len(dates),
            *sizes,
        ]
        return cls(
            head=np.array(row, dtype="<f8").tobytes() + values.tobytes(),
            keys=unique.tobytes(),
            extra=np.asarray(coords, dtype="<f8").tobytes() + dates.tobytes(),
            event_place=fold(str(w[0])) if w else None,
        )


def _prep(b: Bundle) -> _Prep:
    got = b._sets.get(_CACHE)
    if got is None:
        got = b._sets[_CACHE] = _Prep.build(b)
    return got


def _offsets(lengths: np.ndarray) -> np.ndarray:
    return np.cumsum(lengths) - lengths


def _segments(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices of the runs ``starts[i] : starts[i] + lengths[i]``, one after the other."""
    return np.arange(int(lengths.sum())) + np.repeat(starts - _offsets(lengths), lengths)


def _cross(na: np.ndarray, nb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All ``(pair, i, j)`` with ``i < na[pair]``, ``j < nb[pair]``, ``j`` fastest."""
    cnt = na * nb
    pair = np.repeat(np.arange(len(cnt)), cnt)
    k = np.arange(int(cnt.sum())) - _offsets(cnt)[pair]
    nbp = nb[pair]
    return pair, k // nbp, k % nbp


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> Any:
    """features._km_matrix element by element: the same operations in the same order."""
    dlat = lat1 - lat2
    dlon = lon1 - lon2
    coslat = np.cos(lat1) * np.cos(lat2)
    h = np.sin(dlat / 2) ** 2 + coslat * np.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


#: ``math.log1p(i)`` for small whole numbers (numpy's log1p may differ in the last bit).
_LOG1P = np.array([math.log1p(i) for i in range(4096)], dtype=np.float64)


def _log1p(x: np.ndarray) -> np.ndarray:
    """``math.log1p`` of each value: whole numbers (counts, days) from a table, others singly."""
    whole = x.astype(np.int64)
    small = (whole == x) & (whole >= 0) & (whole < len(_LOG1P))
    if small.all():
        return _LOG1P[whole]
    out = np.empty(len(x), dtype=np.float64)
    out[small] = _LOG1P[whole[small]]
    values, inverse = np.unique(x[~small], return_inverse=True)
    out[~small] = np.array([math.log1p(v) for v in values.tolist()], dtype=np.float64)[inverse]
    return out


def _log_gap(x: np.ndarray, known: np.ndarray, *, whole: bool = False) -> np.ndarray:
    """features._log_gap: -1 when unknown; ``whole`` values (days) get math.log1p exactly."""
    out = np.full(len(x), -1.0)
    if known.any():
        x = np.maximum(x[known], 0.0)
        out[known] = _log1p(x) if whole else np.log1p(x)
    return out


def _intersections(
    keys: np.ndarray, n_keys: np.ndarray, ja: np.ndarray, jb: np.ndarray
) -> np.ndarray:
    """``(pairs, len(_SETS))`` sizes of the intersections of each pair's sets.

    ``keys`` are the bundles' sorted set elements one after the other, ``n_keys`` how many
    each bundle has.
    """
    indptr = np.zeros(len(n_keys) + 1, dtype=np.int64)
    np.cumsum(n_keys, out=indptr[1:])
    m = sp.csr_matrix(
        (np.ones(len(keys), dtype=np.int8), keys, indptr), shape=(len(n_keys), (1 << 63) - 1)
    )
    n = len(_SETS)
    out = np.empty((len(ja), n), dtype=np.int64)
    for s in range(0, len(ja), _SET_CHUNK):
        a, b = ja[s : s + _SET_CHUNK], jb[s : s + _SET_CHUNK]
        common = m[a].multiply(m[b]).tocsr()
        rows = np.repeat(np.arange(len(a)), np.diff(common.indptr))
        tags = common.indices & ((1 << _TAG_BITS) - 1)
        out[s : s + _SET_CHUNK] = np.bincount(rows * n + tags, minlength=len(a) * n).reshape(-1, n)
    return out


def _stack(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The arrays stacked, and which of them are like the first (dtype, shape, C order).

    Only those are multiplied stacked; the others are zeros here and take the reference path.
    """
    first = arrays[0]
    dtype, shape = first.dtype, first.shape
    ok = np.fromiter(
        (a.dtype == dtype and a.shape == shape and a.flags["C_CONTIGUOUS"] for a in arrays),
        dtype=bool,
        count=len(arrays),
    )
    if not ok.all():
        zero = np.zeros_like(first)
        arrays = [a if good else zero for a, good in zip(arrays, ok.tolist(), strict=True)]
    return np.concatenate(arrays).reshape(len(arrays), *shape), ok


def _cosines(
    vecs: Sequence[np.ndarray], ja: np.ndarray, jb: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """cos_text, cos_title, cos_cross, cos_max: the same BLAS call per pair as pair_features."""
    n = len(ja)
    stack, ok = _stack(vecs)
    stack = stack[:, :2]
    if stack.shape[1] != 2:
        ok[:] = False
    # x @ x.T is computed with syrk (another rounding): bitwise-equal vectors go the slow way
    first = np.ascontiguousarray(stack[:, :, 0]).view(np.uint8)
    fast = ok[ja] & ok[jb] & (first[ja] != first[jb]).any(axis=1)
    text, title, cross, best = (np.empty(n) for _ in range(4))
    rows = np.flatnonzero(fast)
    if len(rows):
        stack = np.ascontiguousarray(stack)
        sims = np.empty((len(rows), 2, 2), dtype=stack.dtype)
        for s in range(0, len(rows), _CHUNK):
            r = rows[s : s + _CHUNK]
            np.matmul(stack[ja[r]], stack[jb[r]].transpose(0, 2, 1), out=sims[s : s + _CHUNK])
        text[rows] = sims[:, 0, 0]
        title[rows] = sims[:, 1, 1]
        cross[rows] = (sims[:, 0, 1] + sims[:, 1, 0]).astype(np.float64) / 2
        best[rows] = sims.reshape(len(rows), 4).max(axis=1)
    for r in np.flatnonzero(~fast).tolist():
        sims = vecs[ja[r]][:2] @ vecs[jb[r]][:2].T
        text[r], title[r] = float(sims[0, 0]), float(sims[1, 1])
        cross[r] = float(sims[0, 1] + sims[1, 0]) / 2
        best[r] = float(sims.max())
    return text, title, cross, best


def _e5(vecs: Sequence[np.ndarray], ja: np.ndarray, jb: np.ndarray) -> np.ndarray:
    """cos_e5 (``a.e5 @ b.e5``): the same BLAS dot per pair as pair_features."""
    stack, ok = _stack(vecs)
    if stack.ndim != 2:
        ok[:] = False
    out = np.empty(len(ja))
    fast = ok[ja] & ok[jb]
    rows = np.flatnonzero(fast)
    for s in range(0, len(rows), _CHUNK):
        r = rows[s : s + _CHUNK]
        out[r] = np.matmul(stack[ja[r]][:, None, :], stack[jb[r]][:, :, None])[:, 0, 0]
    for r in np.flatnonzero(~fast).tolist():
        out[r] = float(vecs[ja[r]] @ vecs[jb[r]])
    return out


def _place_distances(
    pts: np.ndarray, counts: np.ndarray, ja: np.ndarray, jb: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(min km, symmetric mean-of-nearest km, known) per pair, as features.place_distances.

    ``pts`` are the bundles' place coordinates (radians) one after the other, ``counts`` how
    many each bundle has.
    """
    n = len(ja)
    pmin, pmean = np.zeros(n), np.zeros(n)
    known = (counts[ja] > 0) & (counts[jb] > 0)
    sel = np.flatnonzero(known)
    if not len(sel):
        return pmin, pmean, known
    off = _offsets(counts)
    ua, ub = ja[sel], jb[sel]
    na, nb = counts[ua], counts[ub]
    pair, i, j = _cross(na, nb)
    pa, pb = off[ua][pair] + i, off[ub][pair] + j
    d = _haversine(pts[pa, 0], pts[pa, 1], pts[pb, 0], pts[pb, 1])
    start = _offsets(na * nb)
    pmin[sel] = np.minimum.reduceat(d, start)
    # nearest point of b for each point of a: rows (pair, i) are runs of nb values
    row_min = np.minimum.reduceat(d, np.flatnonzero(j == 0))
    row_sum = np.add.reduceat(row_min, _offsets(na))
    # nearest point of a for each point of b: the same values in (pair, j, i) order
    pair2, j2, i2 = _cross(nb, na)
    col_min = np.minimum.reduceat(d[start[pair2] + i2 * nb[pair2] + j2], np.flatnonzero(i2 == 0))
    col_sum = np.add.reduceat(col_min, _offsets(nb))
    pmean[sel] = (row_sum / na + col_sum / nb) / 2
    return pmin, pmean, known


def _date_gaps(
    days: np.ndarray, counts: np.ndarray, ja: np.ndarray, jb: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(smallest gap in days, known) per pair, as features.date_gap_days."""
    gap = np.zeros(len(ja))
    known = (counts[ja] > 0) & (counts[jb] > 0)
    sel = np.flatnonzero(known)
    if not len(sel):
        return gap, known
    off = _offsets(counts)
    ua, ub = ja[sel], jb[sel]
    na, nb = counts[ua], counts[ub]
    pair, i, j = _cross(na, nb)
    diff = np.abs(days[off[ua][pair] + i] - days[off[ub][pair] + j])
    gap[sel] = np.minimum.reduceat(diff, _offsets(na * nb))
    return gap, known


def _index(pairs: Sequence[tuple[Bundle, Bundle]]) -> tuple[list[Bundle], np.ndarray, np.ndarray]:
    """The distinct bundles (by identity: bundles are not hashable) and each pair's two indices."""
    flat = list(chain.from_iterable(pairs))
    if len(flat) != 2 * len(pairs):
        raise ValueError("every pair must be two bundles")
    ids = np.fromiter(map(id, flat), dtype=np.uint64, count=len(flat))
    order = np.argsort(ids)
    ids = ids[order]
    new = np.empty(len(ids), dtype=bool)
    new[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=new[1:])
    sides = np.empty(len(ids), dtype=np.intp)
    sides[order] = np.cumsum(new) - 1
    return [flat[i] for i in order[new].tolist()], sides[0::2], sides[1::2]


def pair_features_batch(pairs: Sequence[tuple[Bundle, Bundle]]) -> np.ndarray:
    """``np.stack([pair_features(a, b) for a, b in pairs])``, computed for all pairs at once.

    One row per pair in :data:`FEATURE_NAMES` order, plus ``cos_e5`` (:data:`FEATURE_NAMES_E5`)
    when every pair has e5 vectors on both sides; an empty input gives ``(0, len(FEATURE_NAMES))``.
    ``ValueError`` when only some pairs have e5 vectors on both sides (their rows would differ in
    length). Per-bundle data is prepared once and cached on the bundle (``Bundle._sets``), so
    bundles must not change once they have been compared (as for :meth:`Bundle.keyset`).
    Larger batches are faster per pair; a few thousand pairs get most of the gain.
    """
    n = len(pairs)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float64)
    uniq, ja, jb = _index(pairs)
    # pairs sorted by their first bundle: what is gathered for that side is read in order
    order = np.argsort(ja, kind="stable")
    ja, jb = ja[order], jb[order]
    preps, vecs, e5s = zip(*[(_prep(b), b.vectors, b.e5) for b in uniq], strict=True)

    has_e5 = np.fromiter((v is not None for v in e5s), dtype=bool, count=len(e5s))
    both_e5 = has_e5[ja] & has_e5[jb]
    with_e5 = bool(both_e5.all())
    if not with_e5 and both_e5.any():
        raise ValueError(
            "some pairs have e5 vectors on both sides and some do not: their feature vectors "
            f"would differ in length ({len(FEATURE_NAMES_E5)} and {len(FEATURE_NAMES)})"
        )

    # the bundles' prepared data, each part in one buffer
    head = np.frombuffer(b"".join([p.head for p in preps]), dtype="<f8").reshape(-1, _HEAD)
    table = np.ascontiguousarray(head[:, :_ROW])
    n_keys, n_coords, n_dates = (
        table[:, c].astype(np.int64) for c in (_N_KEYS, _N_COORDS, _N_DATES)
    )
    keys = np.frombuffer(b"".join([p.keys for p in preps]), dtype="<i8")
    extra = np.frombuffer(b"".join([p.extra for p in preps]), dtype="<f8")
    start = _offsets(2 * n_coords + n_dates)
    pts = extra[_segments(start, 2 * n_coords)].reshape(-1, 2)
    days = extra.view("<i8")[_segments(start + 2 * n_coords, n_dates)]

    ra, rb = table[ja], table[jb]
    sa, sb = ra[:, _SIZES:].astype(np.int64), rb[:, _SIZES:].astype(np.int64)
    inter = _intersections(keys, n_keys, ja, jb)
    # Dice and Jaccard of every set at once; 0 when either set is empty, as in features.py
    dice = 2.0 * inter / np.maximum(sa + sb, 1)
    jaccard = inter / np.maximum(sa + sb - inter, 1)

    def both(col: int) -> np.ndarray:
        return (ra[:, col] > 0) & (rb[:, col] > 0)

    def same(col: int) -> np.ndarray:
        return (ra[:, col] > 0) & (ra[:, col] == rb[:, col])

    cos_text, cos_title, cos_cross, cos_max = _cosines(vecs, ja, jb)

    minhash = np.zeros(n)
    rows = np.flatnonzero(both(_HAS_MH))
    if len(rows):
        sigs = np.ascontiguousarray(head[:, _ROW:]).view("<u4")
        equal = (sigs[ja[rows]] == sigs[jb[rows]]).sum(axis=1, dtype=np.int64)
        minhash[rows] = equal / NUM_PERM

    pmin, pmean, place_known = _place_distances(pts, n_coords, ja, jb)

    ekm_known = ~np.isnan(ra[:, _EV_LAT]) & ~np.isnan(rb[:, _EV_LAT])
    ekm = np.zeros(n)
    if ekm_known.any():
        a, b = ra[ekm_known], rb[ekm_known]
        ekm[ekm_known] = _haversine(a[:, _EV_LAT], a[:, _EV_LON], b[:, _EV_LAT], b[:, _EV_LON])
    far = ekm_known & (ekm > FAR_KM) & both(_EV_CITY)

    type_eq = same(_TYPE)
    type_known = both(_TYPE_OK)
    egap = np.abs(ra[:, _EV_DAY] - rb[:, _EV_DAY])
    egap_known = ~np.isnan(egap)
    dgap, dgap_known = _date_gaps(days, n_dates, ja, jb)
    pgap = np.abs(ra[:, _PUB_DAY] - rb[:, _PUB_DAY])
    pgap_known = ~np.isnan(pgap)
    words_a, words_b = ra[:, _N_WORDS], rb[:, _N_WORDS]
    shortest = np.minimum(words_a, words_b)

    # event_place_shared: the same event type, and either event place among the other's places
    shared = np.zeros(n, dtype=bool)
    maybe = np.flatnonzero(type_eq & both(_HAS_PLACE))
    if len(maybe):
        shared[maybe] = [
            preps[x].event_place in uniq[y].keyset("place_names")
            or preps[y].event_place in uniq[x].keyset("place_names")
            for x, y in zip(ja[maybe].tolist(), jb[maybe].tolist(), strict=True)
        ]

    columns = [
        cos_text,
        cos_title,
        cos_cross,
        cos_max,
        *(dice[:, _T[label]] for label in LABELS),
        dice[:, _T["all"]],
        dice[:, _T["top"]],
        _log1p(np.minimum(sa[:, _T["all"]], sb[:, _T["all"]])),
        dice[:, _T["caps"]],
        dice[:, _T["nums"]],
        jaccard[:, _T["words"]],
        minhash,
        jaccard[:, _T["place_names"]],
        jaccard[:, _T["countries"]],
        _log_gap(pmin, place_known),
        _log_gap(pmean, place_known),
        place_known,
        _log_gap(ekm, ekm_known),
        ekm_known,
        far,
        same(_COUNTRY),
        type_known & type_eq,
        type_known,
        _log_gap(egap, egap_known, whole=True),
        egap_known,
        _log_gap(dgap, dgap_known, whole=True),
        jaccard[:, _T["months"]],
        dgap_known,
        _log_gap(pgap, pgap_known, whole=True),
        pgap_known,
        same(_LANG),
        both(_ANALYSED),
        shortest / np.maximum(words_a, words_b),
        _log1p(shortest),
        shared,
    ]
    if with_e5:
        columns.append(_e5(e5s, ja, jb))
    out = np.empty((len(columns), n), dtype=np.float64)
    for c, values in enumerate(columns):
        out[c] = values
    result = np.empty((n, len(columns)), dtype=np.float64)
    result[order] = out.T
    return result


__all__ = ["pair_features_batch"]
