"""Incremental event linking: each new article joins the event it shares with its neighbours.

The rule, and why it makes linking independent of ingest order:

1. **Candidates** of an article are the already-linked articles that are (a) among its
   ``neighbours`` nearest by USE text vector with cosine >= ``min_cosine`` (the vector index,
   :mod:`storyline.link.index`), or (b) share at least ``block_min_shared`` main-actor / event-place
   keys with it (an inverted index: the blocking that finds a cross-lingual report whose vectors
   are further apart than usual). Either way both articles' event days, when known, lie within
   ``window_days`` of each other.
2. **Edges**: a candidate pair is an edge when the comparison model (:mod:`storyline.compare`)
   gives ``same_event >= threshold``, or the two texts are near-duplicates (a wire copy).
3. **Events** are the connected components of the edges (single link, union-find).

Every condition in 1 and 2 is symmetric in the two articles, so the edge set, and with it the
partition, does not depend on which article came first, as long as the ``neighbours`` cap does not
bind and the index is exact (``index="exact"``, the default below 50,000 live vectors). That is
what the order tests and ``benchmarks/bench_events.py`` check. Approximate search and capped
posting lists at very large scale can make the partition order-sensitive at the margin.

**Stable IDs.** An event's ID is derived from the article that opened it and never changes while
it exists. When a new article bridges two events, they merge: the older event (first opened)
keeps its ID, the younger one's ID is recorded in ``changes_`` as merged into it (a caller asking
for the old ID is redirected). Events never split on new evidence; ``storyline relink`` re-clusters
from scratch when a user changes the model or the thresholds.

Estimator shape (scikit-learn): ``partial_fit`` adds articles, ``fit`` starts over; learned state
ends in ``_``.
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain

import numpy as np

from storyline.compare.features import Bundle, _day
from storyline.link.agglomerate import agglomerate
from storyline.link.index import ExactIndex, VectorIndex, make_index


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one linking batch, then back as it was.

    A batch allocates hundreds of thousands of small dicts, tuples and floats (pair maps,
    linkage heaps), none of them in reference cycles, and every few hundred allocations the
    collector walks the young objects; whenever a full pass runs it walks everything the
    process holds. That was ~10% of the linking time in a py-spy profile of the 1M-article
    stream, more in processes holding much other data. Reference counting still frees
    everything at once; nothing here forms cycles that would wait for the collector.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@dataclass(frozen=True)
class LinkConfig:
    """Thresholds of the event linker (defaults measured in ``benchmarks/bench_events.py``)."""

    #: ``same_event`` probability from which two articles are linked.
    threshold: float = 0.5
    #: USE cosine below which a neighbour is not a candidate at all.
    min_cosine: float = 0.4
    #: Candidates below this cosine that share no blocking key are not scored (``0``).
    score_min_cosine: float = 0.45
    #: Nearest neighbours asked of the vector index per article.
    neighbours: int = 256
    #: Candidates must have event days at most this far apart (when both are known).
    window_days: int = 14
    #: Shared main-actor / event-place keys that make a blocking candidate.
    block_min_shared: int = 2
    #: Blocking candidates need at least this cosine: two stories that merely name the same
    #: famous person read unlike (random pairs: median 0.14), a cross-lingual report does not.
    block_min_cosine: float = 0.25
    #: Most recent articles kept per blocking key.
    block_postings: int = 256
    #: Most days the dated reports of one event may span (a cannot-link constraint).
    max_span_days: int = 10
    #: Components up to this size are re-clustered whole (exact order independence); larger
    #: ones only around what changed (see ``_relabel``).
    max_component: int = 500
    #: How two clusters' pair scores combine: ``best`` or ``average`` (see ``_cluster``).
    linkage: str = "best"
    #: ``exact``, ``usearch`` or ``auto``.
    index: str = "auto"
    #: Articles whose event day is this many days before the newest day seen leave the live
    #: index (their events stay; a late report of them starts a new event). ``None``: keep all.
    horizon_days: int | None = None


@dataclass(slots=True)
class EventState:
    """One event as the linker knows it: members in link order and the span of event days."""

    id: str
    seq: int
    members: list[str] = field(default_factory=list)
    first_day: int | None = None  # date ordinals
    last_day: int | None = None

    def add_day(self, day: int | None) -> None:
        if day is None:
            return
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        self.last_day = day if self.last_day is None else max(self.last_day, day)


@dataclass(slots=True)
class Change:
    """One change the linker made: ``new`` / ``join`` an event, or ``merge`` of two events."""

    kind: str
    article_id: str
    event_id: str
    merged: tuple[str, ...] = ()


#: Decides pairs: ``(same_event probabilities, near-duplicate flags)``.
Scorer = Callable[[list[tuple[Bundle, Bundle]]], tuple[np.ndarray, np.ndarray]]


def compare_scorer(pairs: list[tuple[Bundle, Bundle]]) -> tuple[np.ndarray, np.ndarray]:
    """The comparison model's ``same_event`` and near-duplicate flags (the default scorer)."""
    from storyline.compare import score_pairs

    _scores, same, near = score_pairs(pairs, event_only=True)
    return same, near


def event_id_for(article_id: str) -> str:
    """The ID of an event opened by ``article_id`` (stable, short, distinct from article IDs)."""
    return "ev" + hashlib.sha256(f"event\x00{article_id}".encode()).hexdigest()[:12]


def article_day(b: Bundle) -> int | None:
    """The event day of an article as a date ordinal: its event time, else its publication."""
    d = _day(b.event_when) or _day(b.published)
    return d.toordinal() if d else None


def blocking_keys(b: Bundle) -> set[str]:
    """Keys two reports of one event tend to share whatever their language: main actors' name
    skeletons (people and organisations, three most mentioned) and the folded event place."""
    keys = set(b.keyset("top"))
    if b.event_where and b.event_where[0]:
        from storyline.analyse.names import fold

        keys.add("@" + fold(str(b.event_where[0])))
    return keys


class EventLinker:
    """Links articles (as comparison bundles) into events, incrementally and order-independently."""

    def __init__(
        self,
        config: LinkConfig | None = None,
        *,
        expected: int = 0,
        record: bool = True,
        scorer: Scorer | None = None,
    ) -> None:
        """``expected``: corpus size hint for the index choice. ``record``: keep every scored
        pair in ``scored_`` (the store persists them), every edge in ``edges_`` and every
        change in ``changes_``; a stream of millions that only needs the partition turns it
        off to keep memory flat (``changes_`` then holds the last ``partial_fit``'s changes).
        ``scorer``: ``pairs -> (same_event, near_duplicate)``; default the comparison model."""
        self.config = config or LinkConfig()
        self.scorer = scorer or compare_scorer
        self._expected = expected
        self.record = record
        self.reset()

    def reset(self) -> None:
        self.event_of_: dict[str, str] = {}
        self.events_: dict[str, EventState] = {}
        self.merged_into_: dict[str, str] = {}
        self.changes_: list[Change] = []
        self.edges_: list[tuple[str, str, float, bool]] = []
        self.scored_: list[tuple[str, str, float, bool]] = []
        self.n_candidates_ = 0
        self.n_scored_ = 0
        self._live: dict[str, Bundle] = {}
        self._key: dict[str, int] = {}
        self._by_key: dict[int, str] = {}
        self._day: dict[str, int | None] = {}
        self._postings: dict[str, deque[str]] = {}
        self._next_key = 0
        self._newest_day: int | None = None
        self._index: VectorIndex | None = None
        self._vectors: ExactIndex | None = None  # the live text vectors, by key
        self._adj: dict[str, dict[str, float]] = {}
        self._parent: dict[str, str] = {}
        self._comp: dict[str, list[str]] = {}
        self._arrival: dict[str, int] = {}
        self._next_arrival = 0
        self._next_event_seq = 0

    # -- public API ---------------------------------------------------------------------------

    def fit(self, bundles: Sequence[Bundle]) -> EventLinker:
        """Forget everything and link ``bundles`` in the given order."""
        self.reset()
        self.partial_fit(bundles)
        return self

    def partial_fit(self, bundles: Sequence[Bundle]) -> list[Change]:
        """Link new articles; already linked ones are skipped. Returns what changed, in order."""
        todo: list[Bundle] = []
        seen: set[str] = set()
        for b in bundles:
            if b.article_id not in self.event_of_ and b.article_id not in seen:
                seen.add(b.article_id)
                todo.append(b)
        if not todo:
            return []
        if not self.record:
            self.changes_ = []
        start = len(self.changes_)
        for b in todo:
            self._arrival[b.article_id] = self._next_arrival
            self._next_arrival += 1
        with _gc_paused():
            pairs = self._candidates(todo)
            self._decide(todo, pairs, self._score(pairs))
            self._evict()
        return self.changes_[start:]

    def restore(
        self,
        members: Sequence[tuple[str, str, int]],
        pairs: Iterable[tuple[str, str, float, bool]],
        event_seq: dict[str, int],
        redirects: dict[str, str],
        bundles: dict[str, Bundle],
    ) -> None:
        """Continue from a stored state (the store's ``link_snapshot``): memberships in arrival
        order, the scored pairs, event opening order, merges, and the members' bundles."""
        self.reset()
        for a, e, arrival in members:
            ev = self.events_.get(e)
            if ev is None:
                ev = self.events_[e] = EventState(e, event_seq.get(e, len(self.events_)))
            ev.members.append(a)
            self.event_of_[a] = e
            self._arrival[a] = arrival
        self._next_arrival = max(self._arrival.values(), default=-1) + 1
        self._next_event_seq = max((ev.seq for ev in self.events_.values()), default=-1) + 1
        self.merged_into_ = dict(redirects)
        live = [bundles[a] for a, _e, _n in members if a in bundles]
        if live:
            self._make_live(live)
            for b in live:
                self._post(b.article_id, blocking_keys(b))
        for ev in self.events_.values():
            for a in ev.members:
                ev.add_day(self._day.get(a))
        for a, b, score, near in pairs:
            w = 1.0 if near else float(score)
            self._adj.setdefault(a, {})[b] = w
            self._adj.setdefault(b, {})[a] = w
            if w >= self.config.threshold:
                self._union(a, b)

    def resolve(self, event_id: str) -> str:
        """The current ID of an event, following merges."""
        seen = set()
        while event_id in self.merged_into_ and event_id not in seen:
            seen.add(event_id)
            event_id = self.merged_into_[event_id]
        return event_id

    def labels(self, article_ids: Iterable[str]) -> list[str | None]:
        """The event of each article (``None`` if it was never linked)."""
        return [self.event_of_.get(a) for a in article_ids]

    # -- steps --------------------------------------------------------------------------------

    def _ensure_index(self, ndim: int) -> VectorIndex:
        if self._index is None:
            self._index = make_index(self.config.index, ndim, expected=self._expected)
            # an exact index stores the vectors anyway; beside HNSW they are kept once more
            # (float32, ~2 KB an article) so that blocking candidates cost one product
            self._vectors = self._index if isinstance(self._index, ExactIndex) else ExactIndex(ndim)
        return self._index

    def _make_live(self, bundles: Sequence[Bundle]) -> np.ndarray:
        keys = []
        for b in bundles:
            k = self._key.get(b.article_id)
            if k is None:
                k = self._key[b.article_id] = self._next_key
                self._by_key[k] = b.article_id
                self._next_key += 1
            keys.append(k)
            self._live[b.article_id] = b
            day = self._day[b.article_id] = article_day(b)
            if day is not None and (self._newest_day is None or day > self._newest_day):
                self._newest_day = day
        vecs = np.stack([b.vectors[0] for b in bundles]).astype(np.float32)
        key_array = np.array(keys, dtype=np.int64)
        index = self._ensure_index(vecs.shape[1])
        index.add(key_array, vecs)
        if self._vectors is not index:
            assert self._vectors is not None
            self._vectors.add(key_array, vecs)
        return vecs

    def _post(self, article_id: str, keys: Iterable[str]) -> None:
        for bk in keys:
            q = self._postings.get(bk)
            if q is None:
                q = self._postings[bk] = deque(maxlen=self.config.block_postings)
            q.append(article_id)

    def _candidates(self, todo: Sequence[Bundle]) -> list[tuple[Bundle, Bundle, bool]]:
        """Pairs (new article, earlier article, worth scoring) the linker looks at.

        Every pair found (by the vector index above ``min_cosine`` or by blocking) is
        recorded; only those with cosine >= ``score_min_cosine`` or ``block_min_shared``
        shared blocking keys go to the comparison model, the rest are recorded as ``same_event = 0``
        (evidence against a merge at no cost). Both rules are symmetric in the two articles.
        """
        cfg = self.config
        vecs = self._make_live(todo)
        index = self._index
        assert index is not None
        k = min(cfg.neighbours + 1, max(len(index), 1))
        keys, sims = index.search(vecs, k, min_score=cfg.min_cosine)
        pairs: list[tuple[Bundle, Bundle, bool]] = []
        near = keys >= 0  # the index leaves out (key -1) what is below min_cosine
        by_key, live, days, postings = self._by_key, self._live, self._day, self._postings
        vectors, key_of = self._vectors, self._key
        assert vectors is not None
        arrival, window = self._arrival, cfg.window_days
        for i, b in enumerate(todo):
            me = b.article_id
            found: dict[str, float] = {}
            row = np.flatnonzero(near[i])
            for key, sim in zip(keys[i, row].tolist(), sims[i, row].tolist(), strict=True):
                other = by_key.get(key)
                if other is not None and other != me:
                    found[other] = sim
            bkeys = blocking_keys(b)
            # how many blocking keys each earlier article shares with this one (C-speed count)
            shared = Counter(chain.from_iterable(postings.get(bk, ()) for bk in bkeys))
            blocked = [
                o
                for o, n in shared.items()
                if n >= cfg.block_min_shared and o not in found and o in live
            ]
            if blocked:
                cos = vectors.rows([key_of[o] for o in blocked]) @ vecs[i]
                for o, c in zip(blocked, cos.tolist(), strict=True):
                    if c >= cfg.block_min_cosine:
                        found[o] = c
            self._post(me, bkeys)
            day, mine = days.get(me), arrival[me]
            for other in sorted(found):
                # pairs go from the later article to the earlier one (linked before, or earlier
                # in this batch)
                if arrival[other] > mine or other not in live:
                    continue
                d = days.get(other)
                if day is not None and d is not None and abs(day - d) > window:
                    continue
                worth = (
                    found[other] >= cfg.score_min_cosine or shared[other] >= cfg.block_min_shared
                )
                pairs.append((b, live[other], worth))
        self.n_candidates_ += len(pairs)
        return pairs

    def _score(self, pairs: list[tuple[Bundle, Bundle, bool]]) -> tuple[np.ndarray, np.ndarray]:
        """``same_event`` and near-duplicate flags of the pairs worth scoring, in one vectorised
        call."""
        worth = [(a, b) for a, b, w in pairs if w]
        if not worth:
            return np.zeros(0), np.zeros(0, dtype=bool)
        return self.scorer(worth)

    def _decide(
        self,
        todo: Sequence[Bundle],
        pairs: list[tuple[Bundle, Bundle, bool]],
        scores: tuple[np.ndarray, np.ndarray],
    ) -> None:
        """Record the batch's scored pairs in the graph and re-cluster what they changed.

        Every pair is kept (low probabilities are evidence *against* a merge in the
        re-clustering); pairs at or above the threshold, and near-duplicates, also join the two
        articles' components.
        """
        fresh: list[tuple[str, str]] = []
        same, near = (np.asarray(v).tolist() for v in scores)
        self.n_scored_ += len(same)
        results = iter(zip(same, near, strict=True))
        adj, threshold = self._adj, self.config.threshold
        for a, b, w in pairs:
            p, n = next(results) if w else (0.0, False)
            x, y = a.article_id, b.article_id
            weight = 1.0 if n else p
            adj.setdefault(x, {})[y] = weight
            adj.setdefault(y, {})[x] = weight
            if self.record:
                self.scored_.append((x, y, round(p, 4), n))
            if weight >= threshold:
                if self.record:
                    self.edges_.append((x, y, round(weight, 4), n))
                self._union(x, y)
                fresh.append((x, y))
        touched = {a for edge in fresh for a in edge} | {b.article_id for b in todo}
        self._relabel(touched, fresh)

    # -- components (union-find over edges) -----------------------------------------------------

    def _find(self, x: str) -> str:
        return _root(self._parent, x)

    def _union(self, x: str, y: str) -> None:
        rx, ry = self._find(x), self._find(y)
        if rx == ry:
            return
        mx = self._comp.setdefault(rx, [rx])
        my = self._comp.setdefault(ry, [ry])
        if len(mx) < len(my):
            rx, ry, mx, my = ry, rx, my, mx
        self._parent[ry] = rx
        mx.extend(my)
        del self._comp[ry]

    # -- clustering inside a component ----------------------------------------------------------

    def _cluster(
        self, members: list[str], initial: list[list[str]] | None = None
    ) -> list[list[str]]:
        """Best-first agglomerative clustering of a set of articles, deterministic in its content.

        Two clusters merge, best pair first, while their linkage is at least the threshold, and
        never when their dated members would span more than ``max_span_days`` (one event does
        not last from February to September, however alike the undated reports of its
        storyline read). The linkage (``config.linkage``):

        * ``best`` (default): the mean, over the members of both clusters, of each member's best
          ``same_event`` into the other cluster. Every report must have a good partner on the
          other side, but not every pair must be alike: the local angle on a strike (Cologne
          commuters) matches the Cologne-heavy German report, not the English wire story.
        * ``average``: the mean over all scored pairs between the two clusters.

        Clusters without an edge at or above the threshold between them can never reach it
        (every best score, hence the mean, is below it), so the set is first split into its
        connected parts and each is clustered alone. ``initial`` clusters (the region mode of
        :meth:`_relabel`) start merged. Ties break on article IDs, so the result depends only on
        the set of articles, their scores and ``initial``, not on arrival order.
        """
        members = sorted(set(members))
        if len(members) == 1:
            return [members]
        inside = set(members)
        parent: dict[str, str] = {}
        find = partial(_root, parent)
        groups = [g for group in initial or [] if (g := [m for m in group if m in inside])]
        for g in groups:
            for m in g[1:]:
                parent[find(m)] = find(g[0])
        # the adjacency is symmetric: an edge out of the largest group is seen from its other
        # end, and edges inside it change nothing, so its members (often a 100-report event
        # beside one new article) are not scanned
        largest = set(max(groups, key=len)) if groups else set()
        thr = self.config.threshold
        for x in members:
            if x in largest:
                continue
            for y, w in self._adj.get(x, {}).items():
                if w >= thr and y in inside:
                    rx, ry = find(x), find(y)
                    if rx != ry:
                        parent[max(rx, ry)] = min(rx, ry)
        parts: dict[str, list[str]] = {}
        for m in members:
            parts.setdefault(find(m), []).append(m)
        out: list[list[str]] = []
        for part in parts.values():
            if len(part) == 1:
                out.append(part)
                continue
            pset = set(part)
            starts = [g for grp in initial or [] if (g := [m for m in grp if m in pset])]
            out.extend(self._agglomerate(part, starts))
        return sorted(out, key=lambda m: m[0])

    def _agglomerate(self, members: list[str], initial: list[list[str]]) -> list[list[str]]:
        """The best-first merging of :meth:`_cluster` on one connected part."""
        cfg = self.config
        return agglomerate(
            members,
            initial,
            self._adj,
            self._day,
            threshold=cfg.threshold,
            max_span_days=cfg.max_span_days,
            linkage=cfg.linkage,
        )

    def _relabel(self, touched: set[str], fresh: list[tuple[str, str]]) -> None:
        """Re-cluster what this batch changed and give each cluster its event ID.

        A component up to ``max_component`` articles is re-clustered whole, which is what
        makes the partition independent of arrival order. A larger one (a chain of reports
        linking many events: a long storyline, a famous name in every story) would make each
        batch cost its whole size; there only the *regions* are re-clustered: the events this
        batch's new edges touch, grouped by those edges (see :meth:`_regions`). Order
        independence then holds for the decisions inside each region, not across the whole
        chain (``bench_link_scale.py``).
        """
        by_root: dict[str, list[str]] = {}
        for a in touched:
            by_root.setdefault(self._find(a), []).append(a)
        large: set[str] = set()
        for root in sorted(by_root):
            comp = self._comp.get(root, [root])
            if len(comp) <= self.config.max_component:
                # evicted articles (out of the horizon) keep their event and leave the component
                region = [m for m in comp if m in self._day]
                if root in self._comp:
                    self._comp[root] = region
                self._assign_ids(self._cluster(region))
            else:
                large.update(by_root[root])
        if large:
            for region, initial in self._regions(large, fresh):
                # existing events start merged: only what changed is decided anew
                self._assign_ids(self._cluster(region, initial))

    def _regions(
        self, seeds: set[str], fresh: list[tuple[str, str]]
    ) -> list[tuple[list[str], list[list[str]]]]:
        """The changed parts of large components: ``(articles, existing events in them)``.

        A region is a set of events (and new articles) connected by this batch's new edges;
        each event comes whole (its live members). Old edges between two events do not join
        their regions: those events were weighed against each other when the edge was made,
        and chaining along old edges would make one region of a whole famous-name component
        (10,000+ articles re-clustered every batch at scale, ``bench_link_scale.py``).
        """
        parent: dict[str, str] = {}

        def node(a: str) -> str:
            e = self.event_of_.get(a)
            return "e" + e if e is not None and e in self.events_ else "a" + a

        for x, y in fresh:
            if x in seeds and y in seeds:
                rx, ry = _root(parent, node(x)), _root(parent, node(y))
                if rx != ry:
                    parent[max(rx, ry)] = min(rx, ry)
        groups: dict[str, set[str]] = {}
        for a in sorted(seeds):
            if a in self._day:
                n = node(a)
                groups.setdefault(_root(parent, n), set()).add(n)
        out = []
        for root in sorted(groups):
            region: set[str] = set()
            initial: list[list[str]] = []
            for n in sorted(groups[root]):
                if n[0] == "e":
                    members = [m for m in self.events_[n[1:]].members if m in self._day]
                    initial.append(members)
                    region.update(members)
                else:
                    region.add(n[1:])
            out.append((sorted(region), initial))
        return out

    def _assign_ids(self, clusters: list[list[str]]) -> None:
        """Event IDs for the clusters of one component, keeping existing IDs where possible.

        Each previous event's ID goes to the cluster holding most of its members (ties: the
        older event, then the ID), at most one ID per cluster; a cluster with no previous
        members gets a new ID from its first-arrived article. A previous event whose ID went
        elsewhere is recorded as ``merge`` into the cluster holding most of its members; one
        that kept its ID but lost members as ``split``.
        """
        overlap: list[tuple[int, int, str, int]] = []
        for ci, c in enumerate(clusters):
            counts: dict[str, int] = {}
            for a in c:
                e = self.event_of_.get(a)
                if e is not None:
                    counts[e] = counts.get(e, 0) + 1
            overlap.extend((-n, self.events_[e].seq, e, ci) for e, n in counts.items())
        overlap.sort()
        ids: dict[int, str] = {}
        used: set[str] = set()
        for _n, _seq, e, ci in overlap:
            if ci not in ids and e not in used:
                ids[ci] = e
                used.add(e)
        previous = {e for _n, _s, e, _c in overlap}
        before = {e: list(self.events_[e].members) for e in previous}
        best_home: dict[str, tuple[int, int]] = {}
        for n, _seq, e, ci in overlap:
            if e not in best_home or (n, ci) < best_home[e]:
                best_home[e] = (n, ci)
        for ci, c in enumerate(clusters):
            members = sorted(c, key=lambda a: (self._arrival[a], a))
            eid = ids.get(ci)
            if eid is None:
                eid = self._new_event_id(members[0])
                ev = self.events_[eid] = EventState(eid, self._next_event_seq)
                self._next_event_seq += 1
            ev = self.events_[eid]
            old = set(ev.members)
            kept = [m for m in ev.members if m not in self._day]  # evicted members stay
            for a in members:
                if a not in self.event_of_:
                    kind = "new" if not old and a == members[0] else "join"
                    self.changes_.append(Change(kind, a, eid))
                self.event_of_[a] = eid
            first, last = ev.first_day, ev.last_day
            ev.members = kept + members
            ev.first_day = ev.last_day = None
            if kept:
                ev.add_day(first)
                ev.add_day(last)
            for a in members:
                ev.add_day(self._day.get(a))
        for e in sorted(previous - used):
            home = ids.get(best_home[e][1])
            if home is not None:
                self.merged_into_[e] = home
                self.changes_.append(Change("merge", self.events_[e].members[0], home, (e,)))
            self.events_.pop(e, None)
        for e in sorted(used):
            lost = [m for m in before[e] if self.event_of_.get(m) != e]
            if lost:
                self.changes_.append(Change("split", lost[0], e, (self.event_of_[lost[0]],)))

    def _new_event_id(self, first: str) -> str:
        eid, n = event_id_for(first), 1
        while eid in self.events_ or eid in self.merged_into_:
            eid, n = event_id_for(f"{first}#{n}"), n + 1
        return eid

    def _evict(self) -> None:
        horizon = self.config.horizon_days
        if horizon is None or self._newest_day is None:
            return
        cutoff = self._newest_day - horizon
        old = [a for a, d in self._day.items() if d is not None and d < cutoff and a in self._live]
        if not old:
            return
        keys = np.array([self._key[a] for a in old], dtype=np.int64)
        assert self._index is not None and self._vectors is not None
        self._index.remove(keys)
        if self._vectors is not self._index:
            self._vectors.remove(keys)
        for a in old:
            del self._live[a]
            del self._day[a]
            self._by_key.pop(self._key.pop(a), None)
            for b in self._adj.pop(a, {}):
                nb = self._adj.get(b)
                if nb is not None:
                    nb.pop(a, None)


def _root(parent: dict[str, str], x: str) -> str:
    """Union-find root of ``x`` in ``parent`` (absent means its own root), compressing the path."""
    root = x
    while parent.get(root, root) != root:
        root = parent[root]
    while parent.get(x, x) != root:
        parent[x], x = root, parent[x]
    return root


def link(
    bundles: Sequence[Bundle], config: LinkConfig | None = None
) -> tuple[dict[str, str], EventLinker]:
    """Link a whole collection in the given order: ``({article_id: event_id}, linker)``."""
    linker = EventLinker(config, expected=len(bundles))
    linker.partial_fit(bundles)
    return dict(linker.event_of_), linker


__all__ = [
    "Change",
    "EventLinker",
    "EventState",
    "LinkConfig",
    "Scorer",
    "article_day",
    "blocking_keys",
    "compare_scorer",
    "event_id_for",
    "link",
]
