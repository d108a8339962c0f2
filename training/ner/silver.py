"""Teacher -> student: label German sentences with the fine-tuned transformer, train the fast CNN.

    nice -n 5 .venv/bin/python training/ner/silver.py --teacher src/storyline/resources/ner-de \\
        --cnn /work/nerlab/runs/f6/model-best --work /tmp/storyline-silver

Why: the transformer tagger is accurate but ~50x slower than the spaCy CNN; the CNN is fast but
learns little from 4k in-domain gold sentences. The teacher's labels on unlabelled German news
(10kGNAD sample, SemEval-2022 de) and on the training mix (relabelled, so its conventions match
GermEval's) give the student far more in-domain supervision. The student continues from the
best CNN (``--cnn``, the F6 recipe of train.py) with finetune.cfg on silver + gold part A, and
is selected on GermEval dev like everything else.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

from conll import read_conll, to_docs  # noqa: E402
from rawtext import german_texts  # noqa: E402

from storyline.analyse.ner_tagger import TransformerTagger  # noqa: E402
from storyline.analyse.ner_text import Word, sentences  # noqa: E402


def news_sentences(shared: Path, n: int, rng: random.Random) -> list[list[str]]:
    """Up to ``n`` tokenised sentences (3-60 words) of unlabelled German news."""
    out = []
    for text in german_texts(shared):
        for s in sentences(text):
            if 3 <= len(s) <= 60:
                out.append([w.text for w in s])
    rng.shuffle(out)
    return out[:n]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--teacher", type=Path, required=True)
    ap.add_argument("--cnn", type=Path, required=True, help="spaCy model-best to continue from")
    ap.add_argument("--work", type=Path, default=Path("/tmp/storyline-silver"))
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/ner-de"))
    ap.add_argument("--news", type=int, default=20000)
    ap.add_argument("--mix", type=int, default=15000)
    ap.add_argument("--parta-repeat", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    import spacy
    from spacy.tokens import DocBin

    rng = random.Random(a.seed)
    a.work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    teacher = TransformerTagger(a.teacher)
    mix = [w for w, _ in read_conll(a.data / "train/train.conll")]
    rng.shuffle(mix)
    unlabelled = news_sentences(a.data.parent, a.news, rng) + mix[: a.mix]
    silver = []
    for i in range(0, len(unlabelled), 2000):
        part = unlabelled[i : i + 2000]
        tags = teacher.tag([[Word(w, 0, 0) for w in s] for s in part])
        silver.extend(zip(part, tags, strict=True))
        print(f"labelled {len(silver)} ({time.time() - t0:.0f}s)", flush=True)
    parta = list(read_conll(a.data / "dev/germeval2014-test-part-a.conll"))
    dev = list(read_conll(a.data / "dev/germeval2014-dev.conll"))
    train = silver + parta * a.parta_repeat
    rng.shuffle(train)
    nlp = spacy.blank("de")
    DocBin(docs=to_docs(nlp, train)).to_disk(a.work / "train.spacy")
    DocBin(docs=to_docs(nlp, dev)).to_disk(a.work / "dev.spacy")
    cmd = [
        sys.executable,
        "-m",
        "spacy",
        "train",
        str(HERE / "finetune.cfg"),
        "--output",
        str(a.work / "student"),
        "--paths.base",
        str(a.cnn),
        "--paths.train",
        str(a.work / "train.spacy"),
        "--paths.dev",
        str(a.work / "dev.spacy"),
        "--training.max_steps",
        str(a.steps),
        "--training.eval_frequency",
        "250",
    ]
    print("+", " ".join(cmd), flush=True)
    subprocess.check_call(cmd)


if __name__ == "__main__":
    main()
