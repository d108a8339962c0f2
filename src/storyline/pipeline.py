"""Runs the stages for one document, and ingest for many: the only place that knows their order.

read -> clean -> (dedup signature) -> store -> analyse -> store the analysis. Later stages
(embed, link) slot in here, and nowhere else, so the CLI, the Python API and the web layer all
get them at once. The Dask path (:mod:`storyline.parallel`) runs the same stages on workers and
books every result through the ``note_*`` helpers below, so both paths report and store alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storyline.errors import StoreError, StorylineError, without_source
from storyline.model import Article, Document, ReadFailure
from storyline.store.base import AddOutcome, Store

if TYPE_CHECKING:
    from storyline.analyse.types import Analysis


@dataclass
class IngestReport:
    """What one ingest run did. ``counts`` keys: new, exists, copy, near_duplicate, failed."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[ReadFailure] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    interrupted: bool = False
    #: articles analysed in this run, and those whose analysis failed (they stay stored, and
    #: ``storyline analyse`` retries them)
    analysed: int = 0
    analysis_failed: int = 0
    #: ids of the articles whose analysis failed in this run: not retried again by it (the same
    #: rules fail the same text twice), only by the next run
    analysis_failed_ids: set[str] = field(default_factory=set)
    #: what linking did after the ingest (:class:`storyline.link.runner.LinkReport` as a dict)
    linking: dict[str, Any] | None = None

    @property
    def stored(self) -> int:
        """Inputs that are in the store after the run (new or already there)."""
        return sum(v for k, v in self.counts.items() if k != "failed")

    def to_dict(self) -> dict[str, Any]:
        return {
            "new": self.counts["new"],
            "already_stored": self.counts["exists"],
            "copies": self.counts["copy"],
            "near_duplicates": self.counts["near_duplicate"],
            "failed": self.counts["failed"],
            "failures": [f.__dict__ for f in self.failures],
            "article_ids": self.article_ids,
            "analysed": self.analysed,
            "analysis_failed": self.analysis_failed,
            "linking": self.linking,
            "interrupted": self.interrupted,
        }


def process(doc: Document, *, language: str | None = None) -> Article:
    """The per-document stages: pure, so a Dask worker can run them unchanged."""
    from storyline.clean import clean_document

    return clean_document(doc, language=language)


def store_article(store: Store, doc: Document, article: Article) -> AddOutcome:
    from storyline.clean.dedup import signature

    # ``add`` records the document in the same transaction, so a crash cannot separate the two.
    return store.add(article, document_hash=doc.content_hash, signature=signature(article.text))


def analyse_stored(store: Store, article: Article, *, published: str | None = None) -> Analysis:
    """Analyse one stored article and store the result (replacing an older analysis)."""
    from storyline.analyse.analyser import ANALYSIS_VERSION, analyse_article

    analysis = analyse_article(article, published=published)
    store.put_analysis(analysis, ANALYSIS_VERSION)
    return analysis


def analyse_pending(
    store: Store,
    *,
    redo: bool = False,
    report: IngestReport | None = None,
    on_item: Callable[[str, str], None] | None = None,
) -> IngestReport:
    """Analyse every stored article that has no analysis of the current version.

    Resumable by construction: each article's analysis is committed on its own, and the next
    run asks the store again what is still pending. ``redo`` re-analyses everything (a new
    ``--published`` policy, a debugging session).
    """
    from storyline.analyse.analyser import ANALYSIS_VERSION

    report = report or IngestReport()
    if redo:
        for article in store.iter_articles():
            _analyse_one(store, article, report, on_item)
        return report
    failed = report.analysis_failed_ids  # retried by the next run, not again by this one
    while True:
        pending = store.pending_analysis(ANALYSIS_VERSION, limit=200 + len(failed))
        batch = [i for i in pending if i not in failed]
        if not batch:
            return report
        for article_id in batch:
            _analyse_one(store, store.get(article_id), report, on_item)


def _analyse_one(
    store: Store,
    article: Article,
    report: IngestReport,
    on_item: Callable[[str, str], None] | None,
) -> bool:
    """Analyse and store one article; ``False`` (and a failure in the report) if it failed."""
    try:
        analyse_stored(store, article)
    except StoreError:
        raise
    except Exception as exc:  # a rule bug on one odd text must not stop a corpus run
        note_analysis(report, article, on_item, error=error_text(exc))
        return False
    note_analysis(report, article, on_item)
    return True


def error_text(exc: BaseException) -> str:
    """``Type: message``, as failure messages show an unexpected exception (also on workers)."""
    return f"{type(exc).__name__}: {exc}"


def note_analysis(
    report: IngestReport,
    article: Article,
    on_item: Callable[[str, str], None] | None,
    *,
    error: str | None = None,
) -> None:
    """Count one analysis (or its failure, ``error`` from :func:`error_text`) in the report.

    Shared with :mod:`storyline.parallel` so a Dask run reports exactly what a local run does.
    """
    if error is not None:
        report.analysis_failed += 1
        report.analysis_failed_ids.add(article.id)
        message = f"analysis failed ({error}); the article is stored"
        report.failures.append(ReadFailure(article.source_uri, message))
        if on_item:
            on_item(article.source_uri, "analysis_failed")
        return
    report.analysed += 1
    if on_item:
        on_item(article.source_uri, "analysed")


def ingest_documents(
    store: Store,
    items: Iterable[Document | ReadFailure],
    *,
    language: str | None = None,
    report: IngestReport | None = None,
    on_item: Callable[[str, str], None] | None = None,
    analyse: bool = True,
) -> IngestReport:
    """Clean and store documents one at a time, each in its own transaction.

    One transaction per document is what makes Ctrl-C safe: everything stored before the
    interrupt stays stored, and the next run skips it by its raw-content hash without
    re-cleaning (``Store.seen_document``).
    """
    report = report or IngestReport()
    for item in items:
        if isinstance(item, ReadFailure):
            note_failure(report, item.source_uri, item.message, on_item)
            continue
        known = store.seen_document(item.source_uri, item.content_hash)
        if known is not None:
            note_stored(report, item.source_uri, "exists", known, on_item)
            continue
        try:
            article = process(item, language=language)
        except StorylineError as exc:
            note_clean_failure(store, report, item, str(exc), on_item)
            continue
        outcome = store_article(store, item, article)
        note_stored(report, item.source_uri, outcome.status, outcome.article_id, on_item)
        if analyse and needs_analysis(outcome):
            _analyse_one(store, article, report, None)
    return report


def needs_analysis(outcome: AddOutcome) -> bool:
    """Whether a stored document brought a text that has no analysis yet (copies share one)."""
    return outcome.status in ("new", "near_duplicate")


def note_stored(
    report: IngestReport,
    source_uri: str,
    status: str,
    article_id: str,
    on_item: Callable[[str, str], None] | None,
) -> None:
    """Count one stored (or already known: ``exists``) document in the report."""
    report.counts[status] += 1
    report.article_ids.append(article_id)
    if on_item:
        on_item(source_uri, status)


def note_clean_failure(
    store: Store,
    report: IngestReport,
    doc: Document,
    error: str,
    on_item: Callable[[str, str], None] | None,
) -> None:
    """A document the cleaner rejected: reported, and recorded as failed (retried next run).

    ``error`` is the exception text, which names the source; the report's message does not.
    """
    note_failure(report, doc.source_uri, without_source(error, doc.source_uri), on_item)
    store.record_document(doc.source_uri, doc.content_hash, None, "failed", error)


def note_failure(
    report: IngestReport, source: str, message: str, on_item: Callable[[str, str], None] | None
) -> None:
    """Count one input that could not be read or processed (``message`` without the source)."""
    report.counts["failed"] += 1
    report.failures.append(ReadFailure(source, message))
    if on_item:
        on_item(source, "failed")
