"""Run the shipped German tagger (fine-tuned multilingual-e5-small) over sentences of words.

The model directory (``resources/ner-de``) holds ``tagger.json`` (architecture, tag set, the kept
sub-word pieces with their unigram scores and the character normalisation map) and
``tagger.npz`` (weights; matrices stored as int8 with one fp32 scale per row, which keeps the
whole model near 35 MB instead of 130 MB, at no measurable cost in F1). Loading takes 1-5 s and the
process grows by ~600 MB (torch + fp32 weights); the weights are dequantised to fp32 once.

Why the tag of a word is the tag of its first piece: that is how it was trained (the other
pieces carry no target), the usual recipe for BERT-style taggers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from storyline.analyse.ner_pieces import PieceTokenizer
from storyline.analyse.ner_text import Word, windows

#: sentences longer than this many pieces are cut into word windows (the model saw <= 160)
MAX_PIECES = 160
BATCH = 32


class TransformerTagger:
    """Loads ``tagger.json`` + ``tagger.npz`` and tags lists of :class:`Word`."""

    def __init__(self, path: Path) -> None:
        import torch

        from storyline.analyse.ner_encoder import Tagger

        # One torch thread unless told otherwise: on a shared 2-core machine two threads were
        # measured 2-9x *slower* than one (OpenMP spin-waits on a busy core); on an idle machine
        # STORYLINE_NER_THREADS=2 gives ~1.6x.
        torch.set_num_threads(int(os.environ.get("STORYLINE_NER_THREADS", "1")))
        self.torch = torch
        cfg = json.loads((path / "tagger.json").read_text(encoding="utf-8"))
        self.tags: list[str] = cfg["tags"]
        self.bos, self.eos, self.pad = cfg["bos"], cfg["eos"], cfg["pad"]
        norm = {int(k): v for k, v in cfg["norm"].items()}
        self.tok = PieceTokenizer(cfg["pieces"], cfg["scores"], cfg["unk"], norm)
        arch = cfg["arch"]
        with torch.device("meta"):  # no random init: every weight comes from the file
            model = Tagger(vocab=len(cfg["pieces"]), n_tags=len(self.tags), dropout=0.0, **arch)
        with np.load(path / "tagger.npz") as z:
            state = {}
            for name in model.state_dict():
                if f"{name}.q" in z:
                    w = z[f"{name}.q"].astype(np.float32) * z[f"{name}.s"][:, None]
                else:
                    w = z[name].astype(np.float32)
                state[name] = torch.from_numpy(w)
        model.load_state_dict(state, assign=True)
        model.eval()
        if cfg.get("dynamic_int8"):
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, torch.qint8)
        self.model = model

    def _encode(self, sent: list[Word]) -> tuple[list[int], list[int]]:
        ids, first = [self.bos], []
        for w in sent:
            first.append(len(ids))
            ids.extend(self.tok.encode(w.text) or (self.tok.unk_id,))
        ids.append(self.eos)
        return ids, first

    def _units(self, sents: list[list[Word]]) -> list[tuple[int, int, list[int], list[int]]]:
        """(sentence index, first word, piece ids, first-piece positions) per model input.

        An over-long sentence is halved into word windows until every window fits.
        """
        out = []
        todo = [(i, 0, s) for i, s in enumerate(sents) if s]
        while todo:
            si, w0, sent = todo.pop()
            ids, first = self._encode(sent)
            if len(ids) > MAX_PIECES and len(sent) > 1:
                half = (len(sent) + 1) // 2
                todo.extend((si, w0 + k * half, part) for k, part in enumerate(windows(sent, half)))
                continue
            out.append((si, w0, ids[:511], [f for f in first if f < 510]))
        return out

    def tag(self, sents: list[list[Word]]) -> list[list[str]]:
        """BIO tags (4 classes) for every word of every sentence, in the order given.

        Inputs are batched by length, so padding stays small.
        """
        torch = self.torch
        result = [["O"] * len(s) for s in sents]
        units = sorted(self._units(sents), key=lambda u: len(u[2]))
        with torch.inference_mode():
            for b in range(0, len(units), BATCH):
                batch = units[b : b + BATCH]
                t = max(len(u[2]) for u in batch)
                ids = torch.full((len(batch), t), self.pad, dtype=torch.long)
                for r, u in enumerate(batch):
                    ids[r, : len(u[2])] = torch.tensor(u[2])
                lens = torch.tensor([len(u[2]) for u in batch])
                pred = self.model(ids, lens).argmax(-1).tolist()
                for r, (si, w0, _ids, first) in enumerate(batch):
                    for k, f in enumerate(first):
                        result[si][w0 + k] = self.tags[pred[r][f]]
        return result
