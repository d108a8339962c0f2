"""A small BERT-style encoder with a token-classification head, in plain torch.

Why not ``transformers``: the shipped German tagger is multilingual-e5-small (an XLM-R-vocabulary
MiniLM, 12 layers, hidden 384) fine-tuned for NER, stored in our own compact format (pruned
vocabulary, int8 weights). Loading that needs a 100-line module, not a 10 MB library that
wants to download configs. The layout follows BERT (post-LayerNorm, GELU), which is what e5-small
is, so the pretrained weights map one to one.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class Layer(nn.Module):
    """One post-LN transformer block: LN(x + attn(x)), then LN(x + ffn(x))."""

    def __init__(self, hidden: int, heads: int, ff: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.drop = nn.Dropout(dropout)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.ao = nn.Linear(hidden, hidden)
        self.aln = nn.LayerNorm(hidden, eps=eps)
        self.fi = nn.Linear(hidden, ff)
        self.fo = nn.Linear(ff, hidden)
        self.oln = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = self.aln(x + self.drop(self.ao(ctx.transpose(1, 2).reshape(b, t, h))))
        return self.oln(x + self.drop(self.fo(F.gelu(self.fi(x)))))


class Tagger(nn.Module):
    """Encoder + linear tag head. ``forward`` returns per-piece tag logits."""

    def __init__(
        self,
        vocab: int,
        n_tags: int,
        hidden: int = 384,
        layers: int = 12,
        heads: int = 12,
        ff: int = 1536,
        max_pos: int = 512,
        eps: float = 1e-12,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(max_pos, hidden)
        self.type0 = nn.Parameter(torch.zeros(hidden))
        self.eln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(Layer(hidden, heads, ff, eps, dropout) for _ in range(layers))
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, n_tags)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """``ids`` [B, T] padded piece ids, ``lengths`` [B] real lengths -> logits [B, T, tags]."""
        return self.head(self.drop(self.encode(ids, lengths)))

    def encode(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Hidden states [B, T, H] of the last layer."""
        b, t = ids.shape
        keep = torch.arange(t, device=ids.device)[None, :] < lengths[:, None]
        # additive mask: padded keys get -inf-like scores, so no row is ever all-masked
        mask = torch.zeros(b, 1, 1, t, dtype=torch.float32, device=ids.device)
        mask = mask.masked_fill(~keep[:, None, None, :], -1e4)
        x = self.word(ids) + self.pos.weight[:t][None] + self.type0
        x = self.drop(self.eln(x))
        for layer in self.layers:
            x = layer(x, mask)
        return x
