"""Best-first agglomerative clustering of one connected part of the event graph.

:meth:`EventLinker._cluster <storyline.link.events.EventLinker._cluster>` splits a component
into parts joined by edges at or above the threshold and hands each part here. Two clusters
merge, best linkage first, while the linkage is at least the threshold and their dated members
span at most ``max_span_days``. The heap key is ``(-linkage, smallest article ID of the two,
older cluster number, newer cluster number)``, so the result depends only on the members, their
scores and the initial clusters, never on arrival order.

Two implementations of that one procedure:

* :func:`_agglomerate_dicts`: dictionaries of each cluster's neighbours. Cost follows the
  edges, so it suits the many small parts (2-50 reports) where numpy's per-call overhead would
  dominate.
* :func:`_agglomerate_dense`: the member-by-cluster matrix of best scores in numpy. A part of
  1,225 reports and 35,000 edges (one chain of the SemEval set) took 0.32 s as dictionaries,
  a third of the whole linking run; each merge is a handful of vector operations here.

Both push only pairs whose linkage reaches the threshold: the loop stops at the first pair
below it, so such entries could never be popped. Scores are probabilities in [0, 1]; a member
with no edge into a cluster counts as 0 towards the ``best`` linkage in both.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping

import numpy as np

#: Parts that start as this many clusters or more use the matrix implementation ...
DENSE_FROM = 64
#: ... unless members x clusters exceeds this (the ``best`` matrix: 8 bytes each, 32 MB).
DENSE_CELLS = 4_000_000

Adjacency = Mapping[str, Mapping[str, float]]
Days = Mapping[str, int | None]


def agglomerate(
    members: list[str],
    initial: list[list[str]],
    adj: Adjacency,
    day: Days,
    *,
    threshold: float,
    max_span_days: int,
    linkage: str = "best",
) -> list[list[str]]:
    """Clusters of ``members`` (each sorted, ordered by first member); ``initial`` start merged.

    ``linkage``: ``best`` (mean over the members of both clusters of each one's best score into
    the other cluster) or ``average`` (mean over all scored pairs between them).
    """
    clusters = len(initial) + len(members) - sum(len(g) for g in initial)
    dense = clusters >= DENSE_FROM and len(members) * clusters <= DENSE_CELLS
    impl = _agglomerate_dense if dense else _agglomerate_dicts
    return impl(members, initial, adj, day, threshold, max_span_days, linkage == "best")


def _start(
    members: list[str], initial: list[list[str]], day: Days
) -> tuple[dict[int, list[str]], dict[str, int], dict[int, tuple[int, int] | None]]:
    """Cluster numbers (initial clusters first, then single members in order) and day spans."""
    items: dict[int, list[str]] = {}
    cid: dict[str, int] = {}
    for group in initial:
        i = len(items)
        items[i] = sorted(group)
        cid.update(dict.fromkeys(group, i))
    for a in members:
        if a not in cid:
            cid[a] = len(items)
            items[cid[a]] = [a]
    span: dict[int, tuple[int, int] | None] = {}
    for i, m in items.items():
        days = [d for a in m if (d := day.get(a)) is not None]
        span[i] = (min(days), max(days)) if days else None
    return items, cid, span


def _pairs_between(
    members: list[str],
    initial: list[list[str]],
    items: dict[int, list[str]],
    cid: dict[str, int],
    adj: Adjacency,
) -> Iterator[tuple[str, int, str, int, float]]:
    """Every scored pair between two starting clusters once: ``(a, i, b, j, score)``.

    From one end only (the adjacency is symmetric), and never from the largest initial
    cluster (often a 100-report event beside one new article): its pairs are seen from their
    other end, and pairs inside one cluster change nothing.
    """
    skip = max(range(len(initial)), key=lambda i: len(items[i])) if initial else -1
    for a in members:
        i = cid[a]
        if i == skip:
            continue
        for b, w in adj.get(a, {}).items():
            j = cid.get(b)
            if j is None or j == i or (j != skip and b < a):
                continue
            yield a, i, b, j, w


def _joined_span(si: tuple[int, int] | None, sj: tuple[int, int] | None) -> tuple[int, int] | None:
    return (min(si[0], sj[0]), max(si[1], sj[1])) if si and sj else (si or sj)


def _too_long(si: tuple[int, int] | None, sj: tuple[int, int] | None, limit: int) -> bool:
    return bool(si and sj and max(si[1], sj[1]) - min(si[0], sj[0]) > limit)


def _agglomerate_dicts(
    members: list[str],
    initial: list[list[str]],
    adj: Adjacency,
    day: Days,
    threshold: float,
    max_span_days: int,
    use_best: bool,
) -> list[list[str]]:
    """The procedure over per-cluster neighbour dictionaries (small parts)."""
    items, cid, span = _start(members, initial, day)
    first = {i: m[0] for i, m in items.items()}
    # best[i][j]: {member of i: its best score into cluster j}; bsum[i][j] its sum
    best: dict[int, dict[int, dict[str, float]]] = {i: {} for i in items}
    sums: dict[int, dict[int, float]] = {i: {} for i in items}
    counts: dict[int, dict[int, int]] = {i: {} for i in items}
    for a, i, b, j, w in _pairs_between(members, initial, items, cid, adj):
        for x, src, dst in ((a, i, j), (b, j, i)):
            mine = best[src].setdefault(dst, {})
            if w > mine.get(x, -1.0):
                mine[x] = w
            sums[src][dst] = sums[src].get(dst, 0.0) + w
            counts[src][dst] = counts[src].get(dst, 0) + 1
    bsum = {i: {j: sum(v.values()) for j, v in row.items()} for i, row in best.items()}

    def link(i: int, j: int) -> float:
        if use_best:
            return (bsum[i][j] + bsum[j][i]) / (len(items[i]) + len(items[j]))
        return sums[i][j] / counts[i][j]

    heap = []
    for i in sums:
        for j in sums[i]:
            if i < j and (v := link(i, j)) >= threshold:
                heap.append((-v, min(first[i], first[j]), i, j))
    heapq.heapify(heap)
    alive = set(items)
    nxt = len(items)
    while heap:
        _neg, _tie, i, j = heapq.heappop(heap)
        if i not in alive or j not in alive:
            continue
        si, sj = span[i], span[j]
        if _too_long(si, sj, max_span_days):
            continue
        k, nxt = nxt, nxt + 1
        alive -= {i, j}
        items[k] = items.pop(i) + items.pop(j)
        first[k] = min(first[i], first[j])
        span[k] = _joined_span(si, sj)
        sums[k], counts[k], best[k], bsum[k] = {}, {}, {}, {}
        for src in (i, j):
            for o, v in sums.pop(src).items():
                if o not in alive:
                    continue
                sums[k][o] = sums[k].get(o, 0.0) + v
                counts[k][o] = counts[k].get(o, 0) + counts[src][o]
                best[k].setdefault(o, {}).update(best[src][o])
                bsum[k][o] = bsum[k].get(o, 0.0) + bsum[src][o]
                other = best[o].pop(src)
                bsum[o].pop(src)
                mine = best[o].setdefault(k, {})
                for m, w in other.items():
                    if w > mine.get(m, -1.0):
                        mine[m] = w
                sums[o][k] = sums[o].get(k, 0.0) + sums[o].pop(src)
                counts[o][k] = counts[o].get(k, 0) + counts[o].pop(src)
            counts.pop(src)
            best.pop(src)
            bsum.pop(src)
        for o in sums[k]:
            bsum[o][k] = sum(best[o][k].values())
            if (v := link(k, o)) >= threshold:
                heapq.heappush(heap, (-v, min(first[k], first[o]), o, k))
        alive.add(k)
    return sorted((sorted(items[i]) for i in alive), key=lambda m: m[0])


def _starts_of(sorted_slots: np.ndarray, c: int) -> np.ndarray:
    """Where each slot's run begins in the sorted slot numbers (every slot has a member)."""
    return np.searchsorted(sorted_slots, np.arange(c))


def _agglomerate_dense(
    members: list[str],
    initial: list[list[str]],
    adj: Adjacency,
    day: Days,
    threshold: float,
    max_span_days: int,
    use_best: bool,
) -> list[list[str]]:
    """The procedure over numpy matrices (large parts).

    Arrays are indexed by *slot*: each starting cluster has one, a merged cluster takes the
    slot of its older half. ``counts[s, t]``: scored pairs between two slots (whether two
    clusters touch at all). ``added[s, t]``, the matrix merged by addition: for the ``best``
    linkage, the sum over the members of ``s`` of ``best[x, t]``, member ``x``'s best score into
    slot ``t``; for ``average``, the sum of the pair scores between ``s`` and ``t``. Built from
    the part's edge list (not a member-by-member matrix): regions of the large-scale stream
    are a few new reports beside big existing events.
    Cluster numbers for the heap's tie-break follow :func:`_agglomerate_dicts` exactly.
    """
    items, cid, span = _start(members, initial, day)
    n, c = len(members), len(items)
    pos = {a: x for x, a in enumerate(members)}
    slot_of_member = np.fromiter((cid[a] for a in members), dtype=np.intp, count=n)
    xs: list[int] = []
    ys: list[int] = []
    ws: list[float] = []
    for a, _i, b, _j, score in _pairs_between(members, initial, items, cid, adj):
        xs.append(pos[a])
        ys.append(pos[b])
        ws.append(score)
    rows = np.array(xs + ys, dtype=np.intp)
    cols = np.array(ys + xs, dtype=np.intp)
    wts = np.array(ws + ws, dtype=np.float64)
    rs, cs = slot_of_member[rows], slot_of_member[cols]
    flat = rs * c + cs
    counts = np.bincount(flat, minlength=c * c).reshape(c, c)
    if use_best:
        best = np.zeros((n, c))
        # each (member, slot)'s highest score: sorted by cell, then score, the last of each
        # cell's run wins (np.maximum.at does the same, ten times slower)
        cell = rows * c + cs
        order = np.lexsort((wts, cell))
        cell, top = cell[order], wts[order]
        if len(cell):
            last = np.flatnonzero(np.append(cell[1:] != cell[:-1], True))
            best.flat[cell[last]] = top[last]
        # summed over each slot's members (runs of members sorted by slot)
        perm = np.argsort(slot_of_member, kind="stable")
        if c == n:  # one member a slot
            added = best[perm]
        else:
            added = np.add.reduceat(best[perm], _starts_of(slot_of_member[perm], c), axis=0)
    else:
        added = np.bincount(flat, weights=wts, minlength=c * c).reshape(c, c)
    size = np.array([len(items[s]) for s in range(c)], dtype=float)

    first = [items[s][0] for s in range(c)]
    number = list(range(c))  # cluster number of each slot (the tie-break)
    slot = {s: s for s in range(c)}  # cluster number -> slot
    alive = np.ones(c, dtype=bool)

    def links(s: int) -> np.ndarray:
        if use_best:
            return (added[s] + added[:, s]) / (size[s] + size)
        with np.errstate(invalid="ignore", divide="ignore"):
            return added[s] / counts[s]

    heap = []
    for s in range(c):
        v = links(s)
        for t in np.flatnonzero((counts[s, s + 1 :] > 0) & (v[s + 1 :] >= threshold)) + s + 1:
            heap.append((-float(v[t]), min(first[s], first[t]), s, int(t)))
    heapq.heapify(heap)
    nxt = c
    while heap:
        _neg, _tie, i, j = heapq.heappop(heap)
        si_, sj_ = slot.get(i), slot.get(j)
        if si_ is None or sj_ is None:
            continue
        si, sj = span[si_], span[sj_]
        if _too_long(si, sj, max_span_days):
            continue
        k, nxt = nxt, nxt + 1
        a, b = si_, sj_  # the merged cluster lives in slot a
        del slot[i], slot[j]
        slot[k] = a
        number[a] = k
        alive[b] = False
        items[a] = items[a] + items.pop(b)
        first[a] = min(first[a], first[b])
        span[a] = _joined_span(si, sj)
        size[a] += size[b]
        for m in (counts, added):
            m[a] += m[b]
            m[:, a] += m[:, b]
            m[b] = 0
            m[:, b] = 0
        counts[a, a] = 0
        if use_best:
            np.maximum(best[:, a], best[:, b], out=best[:, a])
            best[:, b] = 0
            slot_of_member[slot_of_member == b] = a
            # every slot's members' best into the merged cluster
            added[:, a] = np.bincount(slot_of_member, weights=best[:, a], minlength=c)
        v = links(a)
        for t in np.flatnonzero(alive & (counts[a] > 0) & (v >= threshold)):
            t = int(t)
            heapq.heappush(heap, (-float(v[t]), min(first[a], first[t]), number[t], k))
    return sorted((sorted(items[s]) for s in slot.values()), key=lambda m: m[0])
