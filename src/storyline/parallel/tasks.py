"""What a Dask worker runs: clean, analyse and embed a batch of items, never touching the store.

Why these functions never raise: one odd document must cost one failure entry, not its whole
batch. Every per-item exception is caught here and returned as text, in the same words a local
run reports (:func:`storyline.pipeline.error_text`); only a dying worker process fails a task.

Models load once per worker process: the NER models (``storyline.analyse.ner._MODELS``) and the
sentence encoder (``storyline.embed._use_model``) are module-level caches, and Dask keeps its
worker processes alive for the whole run, so only a worker's first batch pays for loading them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storyline.errors import StorylineError
from storyline.model import Article, Document
from storyline.pipeline import error_text

if TYPE_CHECKING:
    import numpy as np

    from storyline.analyse.types import Analysis
    from storyline.clean.dedup import Signature


def code_version() -> str:
    """What must agree between the client and every worker for a Dask run to store what a
    local run stores: the package version and the analysis and feature versions."""
    from storyline import __version__
    from storyline.compare import feature_version

    return f"storyline {__version__}, features {feature_version()}"


@dataclass
class Analysed:
    """One article's analysis and comparison bundle, or why the analysis failed."""

    #: :func:`code_version` of the worker that made it
    version: str = ""
    analysis: Analysis | None = None
    #: ``Type: message`` of the analysis failure (the article stays stored, unanalysed)
    error: str | None = None
    #: the comparison bundle as ``Store.put_features`` takes it; ``None`` if building it failed
    #: (linking then builds it in the client, the same way)
    vectors: np.ndarray | None = None
    features: dict[str, Any] | None = None


@dataclass
class Cleaned:
    """One document's cleaned article (with its MinHash signature), or why cleaning failed."""

    version: str
    article: Article | None = None
    signature: Signature | None = None
    #: ``str(exc)`` of a cleaning failure (an InputError names the source, as locally)
    error: str | None = None
    #: the analysis, when asked for and cleaning succeeded
    analysed: Analysed | None = None


def clean_batch(
    docs: Sequence[Document], *, language: str | None = None, analyse: bool = True
) -> list[Cleaned]:
    """Clean (and analyse and embed) each document; one result per document, in order."""
    return [_clean_one(doc, language, analyse) for doc in docs]


def analyse_batch(articles: Sequence[Article]) -> list[Analysed]:
    """Analyse and embed stored articles that have no analysis yet; one result per article."""
    return [analyse_one(article) for article in articles]


def _clean_one(doc: Document, language: str | None, analyse: bool) -> Cleaned:
    from storyline.clean.dedup import signature
    from storyline.pipeline import process

    out = Cleaned(version=code_version())
    try:
        out.article = process(doc, language=language)
    except StorylineError as exc:
        out.error = str(exc)
        return out
    except Exception as exc:  # a cleaner bug: reported like a reader's unexpected error
        out.error = f"unexpected error while cleaning ({error_text(exc)}); please report it"
        return out
    out.signature = signature(out.article.text)
    if analyse:
        out.analysed = analyse_one(out.article)
    return out


def analyse_one(article: Article) -> Analysed:
    """The analysis and comparison bundle of one article, exactly as a local run makes them.

    The bundle is built per article (not in one batched encoder call) and from the analysis as
    the store returns it (a JSON round trip), because that is how linking in a local run builds
    it (``compare.cached_bundle``): a batched encoder call changes the last bits of the vectors.
    """
    from storyline.analyse.analyser import analyse_article
    from storyline.analyse.types import Analysis
    from storyline.compare import bundle

    out = Analysed(version=code_version())
    try:
        out.analysis = analyse_article(article)
    except Exception as exc:  # as pipeline._analyse_one: one odd text must not stop a run
        out.error = error_text(exc)
        return out
    try:
        stored = Analysis.from_dict(json.loads(json.dumps(out.analysis.to_dict())))
        b = bundle(article, stored)
    except Exception:  # linking builds it again in the client and reports a real problem there
        return out
    out.vectors, out.features = b.vectors, b.data()
    return out


__all__ = ["Analysed", "Cleaned", "analyse_batch", "analyse_one", "clean_batch", "code_version"]
