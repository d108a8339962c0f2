"""From articles (or bare texts) to feature bundles: the one place that runs the encoder.

Why here and not in :mod:`features`: building a bundle is the expensive step (analysis ~30 ms,
two sentence embeddings ~40 ms per article), so it is batched — one encoder call for the texts
and titles of many articles — and the training script, the batch command and the store
cache all go through :func:`build_bundles`, so they can never compute features differently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from storyline.compare.features import Bundle, make_bundle
from storyline.embed import DEFAULT_ENCODER, embed, get_encoder
from storyline.model import Article, Block, article_id

if TYPE_CHECKING:
    from storyline.analyse.types import Analysis

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_TITLE_GAP = re.compile(r"\s{2,}|\n")

#: How much of the text counts as the lead when the cleaner found none (characters).
LEAD_CHARS = 500


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def text_article(
    text: str,
    *,
    language: str | None = None,
    published: str | None = None,
    source_uri: str = "",
) -> Article:
    """An Article from a bare text (the ``--pairs`` batch input and the training pairs).

    No cleaning: batch users give article texts, not pages. The title is the text before the
    first blank-line/double-space break when that is short (the shape of "title + body" exports
    like the SemEval pairs), else the first sentence; the lead is the next sentences up to
    :data:`LEAD_CHARS`.
    """
    text = text.strip()
    m = _TITLE_GAP.search(text)
    if m and 10 <= m.start() <= 300:
        title, rest = text[: m.start()].strip(), text[m.end() :].strip()
    else:
        sents = _sentences(text[:2000])
        title = sents[0][:300] if sents else text[:300]
        rest = text[len(title) :].strip()
    lead_parts: list[str] = []
    for s in _sentences(rest[: LEAD_CHARS * 2]):
        if lead_parts and sum(map(len, lead_parts)) + len(s) > LEAD_CHARS:
            break
        lead_parts.append(s)
    body = [Block(rest)] if rest else []
    return Article(
        id=article_id(text),
        source_uri=source_uri,
        text=text,
        language=language,
        title=title or None,
        lead=" ".join(lead_parts) or None,
        body=body,
        published=published,
    )


def article_texts(article: Article) -> tuple[str, str]:
    """(whole text, title) as the encoder sees them; a missing title falls back to the first
    sentence.

    Why not also the lead or passages: both were measured (grouped CV on the SemEval pairs) and
    added nothing to the whole-text and title cosines (overall 0.757 with or without), while
    costing ~40% more encoder time per article.
    """
    text = article.text or ""
    title = article.title or (_sentences(text[:1000]) or [text[:300]])[0][:300]
    return text, title


def build_bundles(
    articles: Sequence[Article],
    analyses: Sequence[Analysis],
    *,
    encoder: str = DEFAULT_ENCODER,
) -> list[Bundle]:
    """Bundles of many articles with one batched encoder call (texts and titles).

    ``encoder="e5"`` adds the multilingual-e5-small vector of each text (for the e5 model);
    the USE vectors are always there, both models use them.
    """
    get_encoder(encoder)  # an unknown name fails here, before any work
    texts: list[str] = []
    for a in articles:
        texts.extend(article_texts(a))
    vecs = embed(texts, "use") if texts else np.zeros((0, 512), dtype=np.float32)
    e5 = embed([a.text for a in articles], "e5") if encoder == "e5" and articles else None
    out = []
    for i, (a, an) in enumerate(zip(articles, analyses, strict=True)):
        b = make_bundle(a, an, vecs[2 * i : 2 * i + 2], encoder)
        if e5 is not None:
            b.e5 = e5[i]
        out.append(b)
    return out


__all__ = ["LEAD_CHARS", "article_texts", "build_bundles", "text_article"]
