"""The text cleaner's fast paths give exactly what the plain versions they replace gave.

The cleaner folds, casefolds and scores lines with shortcuts (string methods instead of regex
substitutions, one pass over a whole page instead of one per line, each distinct tree split
compared once). Each shortcut is checked here against the straightforward form on awkward
input: odd Unicode whitespace, edge punctuation, empty and blank lines, line breaks inside a
"line".
"""

from __future__ import annotations

import itertools
import random
import re

import numpy as np
import pytest

from storyline.clean import cues
from storyline.clean.classifier import ObliviousForest, default_classifier
from storyline.clean.features import prepare
from storyline.clean.text import split_lines

_SPACES = [" ", "  ", "\t", "\u00a0", "\u2009", "\u202f", "\u2003", "\x0b", "\x0c", "\x85"]
_PIECES = ["Foto: dpa", "Straße", "İstanbul", "ẞ", "—", "«Hallo»", "...", "_x_", "1.", "ﬁ", "é"]


def _random_lines(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(_PIECES + _SPACES + ["", "\n", "\r"]) for _ in range(rng.randint(0, 6))]
        out.append("".join(parts))
    return out


def _slow_norm(line: str) -> str:
    folded = re.sub(r"\s+", " ", line).strip().casefold()
    return re.sub(r"^[\W_]+|[\W_]+$", "", folded)


@pytest.mark.parametrize("seed", range(5))
def test_folded_forms_match_regex_forms(seed: int) -> None:
    lines = _random_lines(seed, 300)
    for line in lines:
        forms = cues.Folded.of(line)
        assert forms.raw == re.sub(r"\s+", " ", line).strip()
        assert forms.low == forms.raw.casefold()
        assert forms.norm == _slow_norm(line) == cues.norm(line)


@pytest.mark.parametrize("seed", range(5))
def test_fold_lines_matches_line_by_line(seed: int) -> None:
    rng = random.Random(seed)
    pool = _random_lines(seed, 200)
    folded = [cues.fold_ws(x) for x in pool if cues.fold_ws(x)]
    for _ in range(200):
        # pages of folded lines take the one-pass path, the others fall back line by line
        source = folded if rng.random() < 0.5 else pool
        lines = rng.sample(source, rng.randint(0, 8))
        assert cues.fold_lines(lines) == [cues.Folded.of(x) for x in lines]


def test_split_lines_folds_like_per_line_substitution() -> None:
    ws = re.compile(r"[ \t\u00a0\u2009\u202f]+")
    # shorter than 40 characters: too short to be taken for hard-wrapped text and unwrapped
    lines = [x for x in _random_lines(7, 600) if len(x) < 40][:400]
    for i in range(0, 400, 20):
        text = "\n".join(lines[i : i + 20])
        unix = text.replace("\r\n", "\n").replace("\r", "\n")
        expected = [ws.sub(" ", r).strip() for r in unix.split("\n")]
        got = [ln.text for ln in split_lines(text)]
        assert got == [x for x in expected if x]
        assert all(ln.forms == cues.Folded.of(ln.text) for ln in split_lines(text))


def _slow_prepare(lines: list[str]) -> tuple[list[str], list[int], list[int], list[int]]:
    texts, index, before = [], [], []
    last = -1
    for i, raw in enumerate(lines):
        t = " ".join(raw.split())
        if t:
            texts.append(t)
            index.append(i)
            before.append(i - last - 1)
            last = i
    after = [b - a - 1 for a, b in itertools.pairwise(index)]
    if index:
        after.append(len(lines) - 1 - index[-1])
    return texts, index, before, after


@pytest.mark.parametrize("seed", range(5))
def test_prepare_matches_line_by_line(seed: int) -> None:
    rng = random.Random(seed)
    pool = [*_random_lines(seed, 100), "Ein Satz.", "Zwei Wörter", "", " "]
    for _ in range(300):
        lines = [rng.choice(pool) for _ in range(rng.randint(0, 10))]
        assert prepare(lines) == _slow_prepare(lines)


def _slow_decision(forest: ObliviousForest, X: np.ndarray) -> np.ndarray:
    """The previous evaluation: every split of every tree compared, leaves as a dot product."""
    n = X.shape[0]
    T, D = forest.features_.shape
    bits = np.take(X, forest.features_.ravel(), axis=1) > forest.thresholds_.ravel()
    pow2 = (1 << np.arange(D - 1, -1, -1)).astype(np.float32)
    leaf = np.dot(bits.reshape(n * T, D).view(np.uint8).astype(np.float32), pow2)
    leaf = leaf.reshape(n, T).astype(np.intp) + np.arange(T, dtype=np.intp) * 2**D
    return forest.base_ + np.take(forest.values_.ravel(), leaf).sum(axis=1)


@pytest.mark.parametrize("stage", ["lines_", "context_"])
def test_forest_scores_are_bit_identical(stage: str) -> None:
    forest: ObliviousForest = getattr(default_classifier(), stage)
    rng = np.random.default_rng(0)
    n_features = int(forest.features_.max()) + 1
    # values at the thresholds themselves are the ties a comparison could get wrong
    X = rng.normal(size=(257, n_features))
    X[::3, forest.features_[:, 0]] = forest.thresholds_[:, 0]
    assert forest.decision_function(X).tobytes() == _slow_decision(forest, X).tobytes()
