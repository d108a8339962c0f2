"""CoNLL (token<TAB>tag, BIO) reading and the GermEval 2014 -> 4-class mapping.

Mapping used everywhere (training and scoring):
  PER, LOC, ORG           -> same
  OTH                     -> MISC
  *deriv (e.g. "deutsche") -> MISC   (CoNLL-2003 convention: nationality adjectives are MISC)
  *part  (e.g. "EU-Kommission") -> O
Only the outer GermEval tag column is read (the files here have one tag column).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

LABELS = ("PER", "LOC", "ORG", "MISC")


def map_tag(tag: str, deriv: str = "MISC") -> str:
    """Map a (GermEval or plain) BIO tag to the 4-class scheme."""
    if tag in ("O", "", "-"):
        return "O"
    prefix, _, label = tag.partition("-")
    if not label:
        return "O"
    if label.endswith("part"):
        return "O"
    if label.endswith("deriv"):
        if deriv == "O":
            return "O"
        return f"{prefix}-{deriv}"
    if label == "OTH":
        label = "MISC"
    if label not in LABELS:
        return "O"
    return f"{prefix}-{label}"


def read_conll(path: str | Path, deriv: str = "MISC") -> Iterator[tuple[list[str], list[str]]]:
    """Yield (tokens, 4-class BIO tags) per sentence; repairs I- tags without a B-/I- before."""
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if words:
                    yield words, _repair(tags)
                words, tags = [], []
                continue
            parts = line.split("\t")
            tok = parts[0]
            tag = parts[-1] if len(parts) > 1 else "O"
            if not tok.strip():
                continue
            words.append(tok)
            tags.append(map_tag(tag, deriv))
    if words:
        yield words, _repair(tags)


def _repair(tags: list[str]) -> list[str]:
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def bio_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """BIO tags -> list of (start, end_exclusive, label) token spans."""
    spans = []
    start = None
    label = None
    for i, t in enumerate([*tags, "O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != label):
            if start is not None:
                spans.append((start, i, label))
                start, label = None, None
            if t != "O":
                start, label = i, t[2:]
    return spans


def to_docs(nlp, sentences):
    """(tokens, tags) pairs -> spaCy Docs with gold entities (one sentence per Doc)."""
    from spacy.tokens import Doc, Span

    docs = []
    for words, tags in sentences:
        doc = Doc(nlp.vocab, words=words, spaces=[True] * (len(words) - 1) + [False])
        doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in bio_to_spans(tags)]
        docs.append(doc)
    return docs


def prf(gold: list[set], pred: list[set], labels=LABELS) -> dict:
    """Exact-span micro P/R/F1 per class, over all classes and over PER/LOC/ORG."""
    res = {}
    groups = {lab: {lab} for lab in labels}
    groups["ALL"] = set(labels)
    groups["PLO"] = {"PER", "LOC", "ORG"}
    for name, labs in groups.items():
        tp = fp = fn = 0
        for g, p in zip(gold, pred, strict=False):
            g2 = {x for x in g if x[2] in labs}
            p2 = {x for x in p if x[2] in labs}
            tp += len(g2 & p2)
            fp += len(p2 - g2)
            fn += len(g2 - p2)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        res[name] = {"p": round(prec, 4), "r": round(rec, 4), "f": round(f, 4), "n": tp + fn}
    return res
