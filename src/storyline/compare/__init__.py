"""Compare two articles: similarity per dimension, same event, near-duplicate, and why (issue 4).

>>> import storyline
>>> c = storyline.compare(article_a, article_b)      # Articles, files, stored ids or texts
>>> c.scores["overall"], c.same_event, c.near_duplicate, c.explanation["summary"]

Scores follow SemEval-2022 Task 8 (1 = very similar .. 4 = very dissimilar) for geography,
entities, time, narrative, overall, style and tone; ``same_event`` is a probability;
``near_duplicate`` means the same text (a wire copy), by MinHash over word 5-shingles.

How: each article becomes a cached :class:`~storyline.compare.features.Bundle` (analysis +
multilingual sentence embeddings), a pair becomes a feature vector, and a model trained on the
SemEval pairs (``training/train_compare.py``, numpy at run time) maps it to scores. Batches are
scored in one vectorised call (:func:`compare_many`), which is what makes thousands of stored
pairs per second possible.

``storyline.compare`` is both this package and the function: the package module is callable
(``storyline.compare(a, b)`` is :func:`compare`), because the issue's Python interface is
``storyline.compare(a, b)`` and a package attribute would otherwise shadow the function.
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.compare.batch import pair_features_batch
from storyline.compare.bundles import build_bundles, text_article
from storyline.compare.explain import explain as _explain
from storyline.compare.features import FEATURES_VERSION, Bundle
from storyline.compare.model import DIMENSIONS, load_model
from storyline.embed import DEFAULT_ENCODER

if TYPE_CHECKING:
    from storyline.analyse.types import Analysis
    from storyline.model import Article
    from storyline.store import Store


#: Estimated Jaccard similarity of the 5-shingle sets from which two texts count as a
#: near-duplicate *in a comparison*. Lower than the store's grouping threshold (0.8): an edited
#: wire copy (new headline, a rewritten paragraph; the example corpus's Limmatblatt copy of an
#: SDA story is at J = 0.57) still shares half its 5-word runs, while two outlets' own reports of
#: one event share almost none (J < 0.2, measured in ``clean/dedup.py``). The store keeps 0.8
#: because there a false link merges articles; here it only sets a flag.
NEAR_DUPLICATE_JACCARD = 0.5


@dataclass
class Comparison:
    """The result of comparing two articles (``to_dict`` is the CLI's ``--json``)."""

    a: str
    b: str
    scores: dict[str, float]
    same_event: float
    near_duplicate: bool
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "scores": self.scores,
            "same_event": self.same_event,
            "near_duplicate": self.near_duplicate,
            "explanation": self.explanation,
        }


def feature_kind(encoder: str = DEFAULT_ENCODER) -> str:
    """The store's ``kind`` for comparison bundles of one encoder."""
    return f"compare:{encoder}"


def feature_version() -> str:
    """Version of a stored bundle: feature version + the analysis version it was built from."""
    from storyline.analyse.analyser import ANALYSIS_VERSION

    return f"{FEATURES_VERSION}/{ANALYSIS_VERSION}"


def bundle(
    article: Article, analysis: Analysis | None = None, *, encoder: str = DEFAULT_ENCODER
) -> Bundle:
    """The feature bundle of one article (analysed now when no analysis is given)."""
    return bundles([article], [analysis], encoder=encoder)[0]


def bundles(
    articles: Sequence[Article],
    analyses: Sequence[Analysis | None] | None = None,
    *,
    encoder: str = DEFAULT_ENCODER,
) -> list[Bundle]:
    """Bundles of many articles; missing analyses are computed (one batched encoder call)."""
    from storyline.analyse.analyser import analyse_article

    given = list(analyses) if analyses is not None else [None] * len(articles)
    done = [an or analyse_article(a) for a, an in zip(articles, given, strict=True)]
    return build_bundles(articles, done, encoder=encoder)


def cached_bundle(
    store: Store, article: Article, *, encoder: str = DEFAULT_ENCODER, write: bool = True
) -> Bundle:
    """A stored article's bundle from the store's cache, computed (and cached) when missing.

    Uses the stored analysis when it is current. A read-only store is not an error: the bundle
    is computed and simply not cached.
    """
    from storyline.analyse.analyser import ANALYSIS_VERSION
    from storyline.errors import StoreError

    kind, version = feature_kind(encoder), feature_version()
    got = store.get_features(article.id, kind, version=version)
    if got is not None:
        return Bundle.from_data(got[1], got[0])
    analysis = store.get_analysis(article.id, version=ANALYSIS_VERSION)
    b = bundle(article, analysis, encoder=encoder)
    if write:
        # a read-only store is fine: compare works, it just cannot cache
        with contextlib.suppress(StoreError):
            store.put_features(article.id, kind, version, b.vectors, b.data())
    return b


def score_pairs(
    pairs: Sequence[tuple[Bundle, Bundle]], *, event_only: bool = False
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Scores per dimension, same-event probabilities and near-duplicate flags, vectorised.

    ``event_only``: compute only the dimensions ``same_event`` needs (the event linker's path;
    the returned scores then lack style, tone and entities).
    """
    if not pairs:
        empty = np.zeros(0)
        return {d: empty for d in DIMENSIONS}, empty, np.zeros(0, dtype=bool)
    for a, b in pairs:
        if a.encoder != b.encoder:
            from storyline.errors import StorylineError

            raise StorylineError(
                f"cannot compare bundles of different encoders ({a.encoder}, {b.encoder})"
            )
    model = load_model(pairs[0][0].encoder)
    x = pair_features_batch(pairs)
    scores = model.predict(x, model.event_dims) if event_only else model.predict(x)
    same = model.same_event(x, scores)
    minhash = x[:, list(model.feature_names).index("minhash")]
    same_id = np.array([a.article_id == b.article_id for a, b in pairs])
    near = (minhash >= NEAR_DUPLICATE_JACCARD) | same_id
    return scores, same, near


def compare_many(
    pairs: Sequence[tuple[Bundle, Bundle]],
    *,
    explain: bool = True,
    articles: Sequence[tuple[Article, Article]] | None = None,
) -> list[Comparison]:
    """Compare many bundle pairs in one vectorised model call.

    ``explain=False`` skips the explanation (the fast path for thousands of pairs);
    ``articles`` (one pair of Articles per bundle pair) adds the shared sentences.
    """
    scores, same, near = score_pairs(pairs)
    out = []
    for i, (a, b) in enumerate(pairs):
        s = {d: round(float(scores[d][i]), 3) for d in DIMENSIONS}
        p = round(float(same[i]), 3)
        ex = (
            _explain(a, b, s, p, bool(near[i]), articles=articles[i] if articles else None)
            if explain
            else {}
        )
        out.append(Comparison(a.article_id, b.article_id, s, p, bool(near[i]), ex))
    return out


def compare_articles(
    a: Article,
    b: Article,
    *,
    analyses: tuple[Analysis | None, Analysis | None] = (None, None),
    encoder: str = DEFAULT_ENCODER,
    sentences: bool = True,
) -> Comparison:
    """Compare two Articles (analysed now unless analyses are given)."""
    ba, bb = bundles([a, b], list(analyses), encoder=encoder)
    return compare_many([(ba, bb)], articles=[(a, b)] if sentences else None)[0]


def compare(
    a: Article | str,
    b: Article | str,
    *,
    db: str | Store | None = None,
    encoder: str = DEFAULT_ENCODER,
    sentences: bool = True,
) -> Comparison:
    """Compare two articles given as Articles, files, stored ids (in ``db``) or plain texts.

    A string is a file if such a file exists, a plain text if it has a line break or more than
    255 characters, else a stored article id (or id prefix / source URI) in ``db``.
    """
    from storyline import api

    return api.compare(a, b, db=db, encoder=encoder, sentences=sentences)


class _CallableModule(types.ModuleType):
    """Makes ``storyline.compare(a, b)`` work although ``storyline.compare`` is a package."""

    def __call__(self, *args: Any, **kwargs: Any) -> Comparison:
        return compare(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

__all__ = [
    "DIMENSIONS",
    "NEAR_DUPLICATE_JACCARD",
    "Comparison",
    "bundle",
    "bundles",
    "cached_bundle",
    "compare",
    "compare_articles",
    "compare_many",
    "feature_kind",
    "feature_version",
    "score_pairs",
    "text_article",
]
