"""Convert the CoNLL files in shared/data/ner-de to spaCy DocBin corpora.

Writes into OUT: train_mix.spacy (the 70k mix, shuffled), parta.spacy (GermEval test part A),
dev.spacy (GermEval dev), and train.spacy = mix + part A repeated --parta-repeat times
(in-domain up-weighting), shuffled with a fixed seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conll import read_conll, to_docs


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data/ner-de")
    ap.add_argument("--out", required=True)
    ap.add_argument("--parta-repeat", type=int, default=3)
    ap.add_argument("--mix-limit", type=int, default=0, help="use only N mix sentences (0 = all)")
    ap.add_argument("--deriv", default="MISC", choices=["MISC", "O"])
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)

    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("de")
    data = Path(a.data)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(a.seed)

    mix = list(read_conll(data / "train/train.conll", a.deriv))
    rng.shuffle(mix)
    if a.mix_limit:
        mix = mix[: a.mix_limit]
    parta = list(read_conll(data / "dev/germeval2014-test-part-a.conll", a.deriv))
    dev = list(read_conll(data / "dev/germeval2014-dev.conll", a.deriv))

    train = mix + parta * a.parta_repeat
    rng.shuffle(train)
    for name, sents in (("train_mix", mix), ("parta", parta), ("dev", dev), ("train", train)):
        DocBin(docs=to_docs(nlp, sents), store_user_data=False).to_disk(out / f"{name}.spacy")
        print(name, len(sents))


if __name__ == "__main__":
    main()
