"""The two implementations of the linker's best-first clustering give the same clusters.

``_agglomerate_dicts`` serves small parts, ``_agglomerate_dense`` large ones; which one runs
must never change a partition. Random graphs with the shapes the linker produces: unscored
pairs (score 0), wire copies (score 1, many exact ties), undated articles, day spans that hit
``max_span_days``, and initial clusters (existing events, singletons included).
"""

from __future__ import annotations

import random

import pytest

from storyline.link import agglomerate as ag


def _case(rng: random.Random, n: int, degree: int, days: int, groups: int, dup: float):
    members = sorted({f"a{rng.randrange(10**6):06d}" for _ in range(n)})
    adj: dict[str, dict[str, float]] = {a: {} for a in members}
    for a in members:
        for _ in range(degree):
            b = rng.choice(members)
            if b == a:
                continue
            r = rng.random()
            w = 1.0 if r < dup else rng.choice([0.0, rng.random(), rng.random() ** 0.3])
            adj[a][b] = adj[b][a] = w
    day = {a: rng.randrange(days) if rng.random() < 0.8 else None for a in members}
    pool = members[:]
    rng.shuffle(pool)
    initial = []
    for _ in range(groups):
        k = rng.randrange(1, 6)
        if k < len(pool):
            initial.append(pool[:k])
            pool = pool[k:]
    return members, initial, adj, day


@pytest.mark.parametrize("seed", range(6))
def test_dense_and_dicts_agree(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        members, initial, adj, day = _case(
            rng,
            rng.choice([2, 5, 12, 40, 90]),
            rng.choice([1, 3, 8]),
            rng.choice([3, 30]),
            rng.choice([0, 1, 4]),
            rng.choice([0.0, 0.3]),
        )
        for best in (True, False):
            a = ag._agglomerate_dicts(members, initial, adj, day, 0.5, 10, best)
            b = ag._agglomerate_dense(members, initial, adj, day, 0.5, 10, best)
            assert a == b
            assert sorted(x for c in a for x in c) == members
            for group in initial:  # initial clusters are never split
                assert len({next(i for i, c in enumerate(a) if g in c) for g in group}) == 1


def test_span_limit_and_threshold() -> None:
    adj = {"a": {"b": 0.9, "c": 0.9}, "b": {"a": 0.9, "c": 0.9}, "c": {"a": 0.9, "b": 0.9}}
    day = {"a": 0, "b": 2, "c": 30}
    for impl in (ag._agglomerate_dicts, ag._agglomerate_dense):
        # c is a month later: one event cannot span it
        assert impl(["a", "b", "c"], [], adj, day, 0.5, 10, True) == [["a", "b"], ["c"]]
        # below the threshold nothing merges
        assert impl(["a", "b", "c"], [], adj, day, 0.95, 10, True) == [["a"], ["b"], ["c"]]


def test_dense_without_edges_keeps_every_member_apart() -> None:
    members = [f"a{i:03d}" for i in range(70)]
    assert ag._agglomerate_dense(members, [], {}, {}, 0.5, 10, True) == [[m] for m in members]
