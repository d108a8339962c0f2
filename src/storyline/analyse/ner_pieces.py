"""SentencePiece-unigram segmentation of single words, in pure Python.

Why not the ``sentencepiece`` package: the tagger needs only word-level segmentation with the
vocabulary and scores it was trained with, and the shipped vocabulary is a pruned subset of
XLM-R's 250k pieces (only pieces seen in German/English news and the training data keep an
embedding row). A 40-line Viterbi over that subset is exact for the kept pieces, has no native
dependency, and is cached per word form, so its cost disappears after the first few articles.

Input is one whitespace-free word. XLM-R marks a word start with U+2581 ("▁"); every word here is
a word start, because the tagger's input is already split into words.
"""

from __future__ import annotations

from functools import lru_cache

META = "\u2581"


class PieceTokenizer:
    """Maps a word to piece ids by maximising the summed unigram log-probabilities."""

    def __init__(
        self,
        pieces: list[str],
        scores: list[float],
        unk_id: int,
        norm: dict[int, str] | None = None,
        cache_size: int = 200_000,
    ) -> None:
        self.index = {p: i for i, p in enumerate(pieces) if p}
        self.scores = scores
        self.unk_id = unk_id
        self.unk_score = min(scores) - 10.0
        self.max_len = max(len(p) for p in pieces)
        self.norm = norm or {}
        self.encode = lru_cache(maxsize=cache_size)(self._encode)

    def normalise(self, word: str) -> str:
        """Apply the model's character normalisation (NFKC-like map shipped with the model)."""
        if not self.norm:
            return word
        return "".join(self.norm.get(ord(c), c) for c in word)

    def _encode(self, word: str) -> tuple[int, ...]:
        s = META + self.normalise(word)
        n = len(s)
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        index, scores = self.index, self.scores
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.max_len) + 1):
                pid = index.get(s[i:e])
                if pid is not None and pid != self.unk_id:
                    sc = bi + scores[pid]
                    if sc > best[e]:
                        best[e], back[e] = sc, (i, pid)
            us = bi + self.unk_score
            if us > best[i + 1]:
                best[i + 1], back[i + 1] = us, (i, self.unk_id)
        ids: list[int] = []
        e = n
        while e > 0:
            i, pid = back[e]
            ids.append(pid)
            e = i
        ids.reverse()
        return tuple(ids)
