"""Score an exported tagger directory on GermEval dev and time it (the artefact as shipped).

    .venv/bin/python training/ner/evaluate_tagger.py src/storyline/resources/ner-de [--speed]

Scores: exact-span P/R/F1 per class, PLO micro and ALL micro (conll.prf), on the gold
tokenisation. Speed: sentences/s of the whole German path on raw text (our sentence splitter and
tokeniser included): dev sentences joined into pseudo-articles of 20 sentences, at 1 and 2
torch threads, measured after a warm-up (the piece cache is warm, as in a long-running process).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

from conll import bio_to_spans, prf, read_conll  # noqa: E402

from storyline.analyse.ner_tagger import TransformerTagger  # noqa: E402
from storyline.analyse.ner_text import Word, sentences  # noqa: E402

DEV = Path("/work/shared/data/ner-de/dev/germeval2014-dev.conll")


def score(tagger: TransformerTagger, conll: Path) -> dict:
    sents = list(read_conll(conll))
    pred = tagger.tag([[Word(w, 0, 0) for w in words] for words, _ in sents])
    gold = [set(bio_to_spans(tags)) for _, tags in sents]
    return prf(gold, [set(bio_to_spans(p)) for p in pred])


def speed(tagger: TransformerTagger, conll: Path, threads: int) -> float:
    import torch

    torch.set_num_threads(threads)
    sents = [" ".join(w) for w, _ in read_conll(conll)]
    arts = ["\n\n".join(sents[i : i + 20]) for i in range(0, len(sents), 20)]
    tagger.tag([s for a in arts[:10] for s in sentences(a)])  # warm-up
    t = time.perf_counter()
    n = 0
    for a in arts:
        ss = sentences(a)
        n += len(ss)
        tagger.tag(ss)
    return n / (time.perf_counter() - t)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model", type=Path)
    ap.add_argument("--conll", type=Path, default=DEV)
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    t = time.perf_counter()
    tagger = TransformerTagger(a.model)
    res: dict = {"model": str(a.model), "load_s": round(time.perf_counter() - t, 2)}
    res["scores"] = score(tagger, a.conll)
    for k, v in res["scores"].items():
        print(f"{k:5s} P={v['p']:.3f} R={v['r']:.3f} F1={v['f']:.3f} n={v['n']}", flush=True)
    if a.speed:
        res["sent_per_s_1thread"] = round(speed(tagger, a.conll, 1), 1)
        res["sent_per_s_2threads"] = round(speed(tagger, a.conll, 2), 1)
        res["load_avg_1min"] = os.getloadavg()[0]
    res["size_mb"] = round(sum(f.stat().st_size for f in a.model.iterdir()) / 1e6, 1)
    print({k: v for k, v in res.items() if k != "scores"}, flush=True)
    if a.json:
        a.json.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
