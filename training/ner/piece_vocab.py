"""Choose the sub-word pieces the shipped tagger keeps, and tokenise CoNLL data with them.

Why: XLM-R's vocabulary has 250k pieces (96 MB of fp32 embeddings), most of them for scripts
and languages a German news tagger never sees. We keep the pieces that the full tokeniser
produces on the training data and on unlabelled German news (10kGNAD sample, SemEval-2022 de),
plus every single-character piece so that any word still segments without <unk>. The
tokeniser then runs Viterbi over the kept pieces only, in training and at run time alike, so a
rare word is split into smaller known pieces instead of losing its embedding. GermEval dev is
never looked at here.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

from conll import read_conll  # noqa: E402
from e5weights import E5Weights  # noqa: E402
from rawtext import german_texts, sentences  # noqa: E402

from storyline.analyse.ner_pieces import PieceTokenizer  # noqa: E402


def full_tokenizer(w: E5Weights) -> PieceTokenizer:
    norm = {k: "".join(map(chr, v)) for k, v in w.norm.items()}
    return PieceTokenizer(w.pieces, [float(s) for s in w.scores], w.specials["unk"], norm)


def word_counts(data: Path, shared: Path) -> Counter:
    """Word forms of the training mix, GermEval part A and German news (not GermEval dev)."""
    c: Counter = Counter()
    for f in ("train/train.conll", "dev/germeval2014-test-part-a.conll"):
        for words, _ in read_conll(data / f):
            c.update(words)
    for text in german_texts(shared):
        for s in sentences(text):
            c.update(s.split())
    return c


def kept_pieces(w: E5Weights, counts: Counter, min_count: int = 2) -> list[int]:
    """Ids (into the full vocabulary) of the kept pieces, specials first, ascending."""
    tok = full_tokenizer(w)
    pc: Counter = Counter()
    for word, n in counts.items():
        for pid in tok.encode(word):
            pc[pid] += n
    keep = {pid for pid, n in pc.items() if n >= min_count}
    keep |= set(w.specials.values())
    for pid, piece in enumerate(w.pieces):
        core = piece.lstrip("\u2581")
        if len(core) == 1 and (core.isascii() or (core.isalpha() and ord(core) < 0x0530)):
            keep.add(pid)  # single Latin/Greek/Cyrillic characters (+ "▁x"): no-<unk> fallback
    return sorted(keep)


def restricted_tokenizer(w: E5Weights, keep: list[int]) -> PieceTokenizer:
    """Tokeniser over the kept pieces; ids are row numbers in the pruned embedding."""
    norm = {k: "".join(map(chr, v)) for k, v in w.norm.items()}
    pieces = [w.pieces[i] for i in keep]
    scores = [float(w.scores[i]) for i in keep]
    return PieceTokenizer(pieces, scores, keep.index(w.specials["unk"]), norm)
