"""Score a spaCy NER pipeline on a GermEval CoNLL file (4-class mapping, see conll.py) and time it.

  python training/ner/evaluate.py MODEL_DIR [--conll FILE] [--speed] [--json OUT]
Exact-span P/R/F1 per class, micro over all four classes (ALL) and over PER/LOC/ORG (PLO).
Speed: sentences/s of nlp.pipe on pre-tokenised sentences and on raw text (tokeniser included),
batch_size 256, 1 process; 2 cores = n_process=2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conll import bio_to_spans, read_conll


def score(nlp, sents):
    from conll import prf
    from spacy.tokens import Doc

    docs = [Doc(nlp.vocab, words=w, spaces=[True] * (len(w) - 1) + [False]) for w, _ in sents]
    gold, pred = [], []
    for (_w, tags), doc in zip(sents, nlp.pipe(docs, batch_size=256), strict=False):
        gold.append(set(bio_to_spans(tags)))
        pred.append({(e.start, e.end, e.label_) for e in doc.ents})
    return prf(gold, pred)


def speed(nlp, sents, n_process=1, repeat=3, copies=1):
    """Best-of-`repeat` sentences/s (wall clock) and, for 1 process, per CPU-second."""
    texts = [" ".join(w) for w, _ in sents] * copies
    best = best_cpu = 0.0
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        for _ in nlp.pipe(texts, batch_size=256, n_process=n_process):
            pass
        best = max(best, len(texts) / (time.perf_counter() - t))
        best_cpu = max(best_cpu, len(texts) / (time.process_time() - c))
    return best, best_cpu


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--conll", default="/work/shared/data/ner-de/dev/germeval2014-dev.conll")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    import spacy

    nlp = spacy.load(a.model)
    sents = list(read_conll(a.conll))
    res = {"model": a.model, "conll": a.conll, "scores": score(nlp, sents)}
    if a.speed:
        wall, cpu = speed(nlp, sents, 1)
        res["sent_per_s_1proc"] = round(wall)
        res["sent_per_cpu_s_1proc"] = round(cpu)
        res["sent_per_s_2proc"] = round(speed(nlp, sents, 2, repeat=1, copies=5)[0])
        res["load_avg_1min"] = os.getloadavg()[0]
        res["tokens_per_sent"] = round(sum(len(w) for w, _ in sents) / len(sents), 1)
    size = sum(f.stat().st_size for f in Path(a.model).rglob("*") if f.is_file())
    res["size_mb"] = round(size / 1e6, 1)
    for k, v in res["scores"].items():
        print(f"{k:5s} P={v['p']:.3f} R={v['r']:.3f} F1={v['f']:.3f} n={v['n']}")
    print({k: v for k, v in res.items() if k != "scores"})
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
