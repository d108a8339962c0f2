"""Nearest-neighbour indexes over article vectors: where the linker's candidates come from.

Why two: an exact index (numpy, one matrix product per batch) gives exactly the neighbours a
brute-force search would, which is what makes linking independent of ingest order, and it is
the fastest choice up to a few ten thousand live vectors. Beyond that the matrix product grows
with the corpus and :class:`UsearchIndex` (HNSW from ``usearch``, vectors stored as float16)
takes over, at the price of approximate recall. ``benchmarks/bench_events.py`` measures both
(and faiss) on the same vectors; ``make_index("auto")`` picks by size.

Vectors must be L2-normalised (the USE and e5 encoders return them so): similarity is the dot
product, i.e. the cosine. Keys are non-negative int64 the caller assigns; removing a key frees
its slot (the linker's time window evicts old articles).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

#: Live vectors from which ``make_index("auto")`` switches from exact to HNSW search.
AUTO_EXACT_MAX = 50_000
#: Query vectors per matrix product in :meth:`ExactIndex.search`.
QUERY_BLOCK = 256


class VectorIndex(Protocol):
    """What the linker needs of an index: add, remove, batched top-k search by cosine."""

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None: ...

    def remove(self, keys: np.ndarray) -> None: ...

    def search(
        self, vectors: np.ndarray, k: int, *, min_score: float = -np.inf
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(keys, sims)``: the top ``k`` neighbours of each vector with a cosine of at least
        ``min_score``, best first, in ``(len(vectors), w)`` arrays with ``w <= k``; missing
        neighbours have key -1."""
        ...

    def __len__(self) -> int: ...


def _none_found(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``search`` results with no neighbour yet: keys -1, similarities -inf."""
    return np.full((n, k), -1, dtype=np.int64), np.full((n, k), -np.inf, dtype=np.float32)


def _stack(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Blocks of ``search`` results as one, padded to the widest block.

    Why blocks: a whole batch against the index at once (2,500 x 2,500 on the SemEval set)
    allocates similarity and mask matrices of tens of MB that the first call pays for in page
    faults; 256 queries at a time keep them in cache and cost a third as much."""
    width = max(k.shape[1] for k, _ in parts)
    keys, sims = _none_found(sum(len(k) for k, _ in parts), width)
    row = 0
    for k, s in parts:
        keys[row : row + len(k), : k.shape[1]] = k
        sims[row : row + len(k), : k.shape[1]] = s
        row += len(k)
    return keys, sims


class ExactIndex:
    """Brute-force cosine search: a growable float32 matrix with a free list of slots."""

    def __init__(self, ndim: int, capacity: int = 1024) -> None:
        self.ndim = ndim
        self._m = np.zeros((capacity, ndim), dtype=np.float32)
        self._keys = np.full(capacity, -1, dtype=np.int64)
        self._slot: dict[int, int] = {}
        self._free: list[int] = []
        self._top = 0  # slots [0, top) have been used

    def __len__(self) -> int:
        return len(self._slot)

    def _grow(self) -> None:
        cap = len(self._keys) * 2
        m = np.zeros((cap, self.ndim), dtype=np.float32)
        m[: len(self._m)] = self._m
        keys = np.full(cap, -1, dtype=np.int64)
        keys[: len(self._keys)] = self._keys
        self._m, self._keys = m, keys

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        for key, vec in zip(np.asarray(keys, dtype=np.int64), vectors, strict=True):
            k = int(key)
            slot = self._slot.get(k)
            if slot is None:
                if self._free:
                    slot = self._free.pop()
                else:
                    if self._top == len(self._keys):
                        self._grow()
                    slot, self._top = self._top, self._top + 1
                self._slot[k] = slot
            self._m[slot] = vec
            self._keys[slot] = k

    def remove(self, keys: np.ndarray) -> None:
        for key in np.asarray(keys, dtype=np.int64):
            slot = self._slot.pop(int(key), None)
            if slot is not None:
                self._keys[slot] = -1
                self._m[slot] = 0.0
                self._free.append(slot)

    def rows(self, keys: Sequence[int]) -> np.ndarray:
        """The stored vectors of ``keys`` (all present), one matrix row each: the linker's
        blocking candidates are scored against them in one product."""
        slot = self._slot
        return self._m[[slot[k] for k in keys]]

    def search(
        self, vectors: np.ndarray, k: int, *, min_score: float = -np.inf
    ) -> tuple[np.ndarray, np.ndarray]:
        q = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        n = self._top
        if n == 0 or not len(q):
            return _none_found(len(q), k)
        if len(q) > QUERY_BLOCK:
            return _stack(
                [
                    self.search(q[i : i + QUERY_BLOCK], k, min_score=min_score)
                    for i in range(0, len(q), QUERY_BLOCK)
                ]
            )
        sims = q @ self._m[:n].T
        sims[:, self._keys[:n] < 0] = -np.inf
        kk = min(k, n)
        hit = sims >= min_score if min_score > -np.inf else None
        if hit is not None and int(hit.sum(axis=1).max()) <= kk:
            return self._above(sims, hit)
        part = (
            np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            if kk < n
            else np.tile(np.arange(n), (len(q), 1))
        )
        top = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-top, axis=1, kind="stable")
        part = np.take_along_axis(part, order, axis=1)
        top = np.take_along_axis(top, order, axis=1)
        keys = self._keys[:n][part]
        keys[~np.isfinite(top) | (top < min_score)] = -1
        out_k, out_s = _none_found(len(q), k)
        out_k[:, :kk], out_s[:, :kk] = keys, top
        return out_k, out_s

    def _above(self, sims: np.ndarray, hit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every neighbour in ``hit`` (no row has more than ``k``), best first: no partial sort
        of whole rows. The linker asks for 256 neighbours above a cosine of 0.4 and most
        articles have a handful, so this is 5-10x cheaper than ``argpartition`` per row."""
        rows, cols = np.nonzero(hit)
        top = sims[rows, cols]
        order = np.lexsort((-top, rows))  # by row, then best first (ties: index order)
        rows, cols, top = rows[order], cols[order], top[order]
        counts = np.bincount(rows, minlength=len(sims))
        width = int(counts.max()) if len(rows) else 0
        pos = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        out_k, out_s = _none_found(len(sims), width)
        out_k[rows, pos] = self._keys[cols]
        out_s[rows, pos] = top
        return out_k, out_s


class UsearchIndex:
    """Approximate search with usearch's HNSW (float16 storage: half the memory of float32)."""

    def __init__(
        self, ndim: int, *, dtype: str = "f16", connectivity: int = 16, expansion_add: int = 64
    ) -> None:
        """``expansion_add`` 64 instead of usearch's 128: inserting costs half as much (0.26
        instead of 0.54 ms per 512-d vector among 60,000) for recall@33 0.994 instead of 0.999
        against exact search (measured on clustered synthetic vectors); an insert per article
        is a large share of the linker's time at scale."""
        from usearch.index import Index

        self.ndim = ndim
        self._index = Index(
            ndim=ndim,
            metric="ip",
            dtype=dtype,
            connectivity=connectivity,
            expansion_add=expansion_add,
        )

    def __len__(self) -> int:
        return len(self._index)

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.uint64)
        if len(keys):
            present = np.array([self._index.contains(int(k)) for k in keys], dtype=bool)
            if present.any():
                self._index.remove(keys[present])
            # one thread: concurrent inserts would make the graph, hence the neighbours, vary
            self._index.add(keys, np.asarray(vectors, dtype=np.float32), threads=1)

    def remove(self, keys: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.uint64)
        if len(keys):
            self._index.remove(keys)

    def search(
        self, vectors: np.ndarray, k: int, *, min_score: float = -np.inf
    ) -> tuple[np.ndarray, np.ndarray]:
        q = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        out_k, out_s = _none_found(len(q), k)
        if not len(self._index) or not len(q):
            return out_k, out_s
        # queries are independent: searching on every core gives the same results, faster
        m = self._index.search(q, k, threads=0)
        keys = np.atleast_2d(np.asarray(m.keys)).astype(np.int64)
        dist = np.atleast_2d(np.asarray(m.distances, dtype=np.float32))
        # one query gives usearch's ``Matches`` (no ``counts``), several ``BatchMatches``
        counts = np.atleast_1d(np.asarray(getattr(m, "counts", keys.shape[1])))
        for i, c in enumerate(counts):
            c = int(c)
            out_k[i, :c] = keys[i, :c]
            out_s[i, :c] = 1.0 - dist[i, :c]  # usearch's "ip" distance is 1 - dot
        out_k[out_s < min_score] = -1
        return out_k, out_s


def make_index(kind: str, ndim: int, *, expected: int = 0) -> VectorIndex:
    """An index by name: ``exact``, ``usearch``, or ``auto`` (exact up to ``AUTO_EXACT_MAX``)."""
    if kind == "auto":
        kind = "usearch" if expected > AUTO_EXACT_MAX else "exact"
    if kind == "exact":
        # room for the expected vectors at once (np.zeros maps pages only when written):
        # no doubling copies, each of which first-touches fresh memory
        return ExactIndex(ndim, capacity=max(1024, min(expected, AUTO_EXACT_MAX)))
    if kind == "usearch":
        return UsearchIndex(ndim)
    from storyline.errors import StorylineError

    raise StorylineError(f"unknown index {kind!r} (choose exact, usearch or auto)")


__all__ = ["AUTO_EXACT_MAX", "ExactIndex", "UsearchIndex", "VectorIndex", "make_index"]
