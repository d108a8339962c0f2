"""The client side of a Dask run: read, send, and store results in input order.

The client is the only process that touches the store. It reads the inputs itself (workers need
no access to the files), skips documents the store already has before sending anything, sends
the rest in batches, and writes each result, in discovery order and then position in file,
with exactly the bookkeeping of :func:`storyline.pipeline.ingest_documents`. So a Dask run and
a local run leave the same store behind: same article ids, analyses, features and (after the
client links, as a local run does) the same events and storylines.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from storyline.errors import StorylineError
from storyline.model import Article, Document, ReadFailure
from storyline.parallel.cluster import BATCH, BATCH_CHARS, DaskRunner
from storyline.parallel.ordered import TaskFailed, ordered_map
from storyline.parallel.tasks import Analysed, Cleaned, analyse_batch, clean_batch, code_version
from storyline.pipeline import (
    IngestReport,
    needs_analysis,
    note_analysis,
    note_clean_failure,
    note_failure,
    note_stored,
)
from storyline.store.base import Store

OnItem = Callable[[str, str], None] | None


@dataclass(frozen=True)
class _FileStart:
    """Marks where a discovered input begins, so ``on_file`` fires when its results are stored
    (a progress bar then counts stored files, not files read ahead into the window)."""

    source: str


@dataclass(frozen=True)
class _Known:
    """A document the store already had when it was read: not sent to a worker."""

    doc: Document
    article_id: str


def ingest_distributed(
    store: Store,
    runner: DaskRunner,
    sources: Iterable[str],
    read: Callable[[str], Iterable[Document | ReadFailure]],
    *,
    language: str | None = None,
    report: IngestReport | None = None,
    on_file: Callable[[str], None] | None = None,
    on_item: OnItem = None,
    analyse: bool = True,
) -> IngestReport:
    """:func:`~storyline.pipeline.ingest_documents` over ``read(source)`` for every source, with
    cleaning, analysis and embedding on the runner's workers. Each document is still stored in
    its own transactions (article, then analysis, then features), so an interrupted run keeps
    everything it stored and the next run continues from there."""
    report = report or IngestReport()
    work = functools.partial(clean_batch, language=language, analyse=analyse)
    results = ordered_map(
        runner.submit,
        work,
        _entries(store, sources, read),
        needs_work=lambda e: isinstance(e, Document),
        size=lambda e: len(e.content),
        batch=BATCH,
        batch_chars=BATCH_CHARS,
        window=runner.window(),
    )
    for entry, result in results:
        if isinstance(entry, _FileStart):
            if on_file:
                on_file(entry.source)
        elif isinstance(entry, ReadFailure):
            note_failure(report, entry.source_uri, entry.message, on_item)
        elif isinstance(entry, _Known):
            note_stored(report, entry.doc.source_uri, "exists", entry.article_id, on_item)
        else:
            _store_one(store, entry, result, report, on_item, analyse)
    return report


def analyse_pending_distributed(
    store: Store, runner: DaskRunner, *, report: IngestReport | None = None, on_item: OnItem = None
) -> IngestReport:
    """:func:`~storyline.pipeline.analyse_pending` with the analyses made on the workers.

    Stored in insertion order, like the local function: the entity registry depends on the
    order analyses arrive in. Nothing is sent (and no local cluster started) when nothing is
    pending.
    """
    from storyline.analyse.analyser import ANALYSIS_VERSION

    report = report or IngestReport()
    failed = report.analysis_failed_ids  # retried by the next run, not again by this one
    while True:
        pending = store.pending_analysis(ANALYSIS_VERSION, limit=100_000 + len(failed))
        ids = [i for i in pending if i not in failed]
        if not ids:
            return report
        results = ordered_map(
            runner.submit,
            analyse_batch,
            (store.get(i) for i in ids),
            needs_work=lambda _a: True,
            size=lambda a: len(a.text),
            batch=BATCH,
            batch_chars=BATCH_CHARS,
            window=runner.window(),
        )
        for article, result in results:
            _store_analysis(store, article, result, report, on_item)


def _entries(
    store: Store,
    sources: Iterable[str],
    read: Callable[[str], Iterable[Document | ReadFailure]],
) -> Iterator[Any]:
    """Every input in order: a marker per source, then its failures and documents; documents
    already stored become :class:`_Known` so they are never sent."""
    for source in sources:
        yield _FileStart(source)
        for item in read(source):
            if isinstance(item, Document):
                known = store.seen_document(item.source_uri, item.content_hash)
                yield item if known is None else _Known(item, known)
            else:
                yield item


def _store_one(
    store: Store,
    doc: Document,
    result: Cleaned | TaskFailed,
    report: IngestReport,
    on_item: OnItem,
    analyse: bool,
) -> None:
    """Store one worker result as ``ingest_documents`` stores a locally cleaned document."""
    # asked again: an earlier document of this run (the same file given twice) may have stored
    # it since it was read, and a local run would then count it as already stored
    known = store.seen_document(doc.source_uri, doc.content_hash)
    if known is not None:
        note_stored(report, doc.source_uri, "exists", known, on_item)
        return
    if isinstance(result, TaskFailed):  # not recorded: a dead worker is no verdict on the text
        note_failure(report, doc.source_uri, result.message, on_item)
        return
    _check_version(result.version)
    if result.article is None:
        note_clean_failure(store, report, doc, result.error or "cleaning failed", on_item)
        return
    outcome = store.add(result.article, document_hash=doc.content_hash, signature=result.signature)
    note_stored(report, doc.source_uri, outcome.status, outcome.article_id, on_item)
    if analyse and needs_analysis(outcome) and result.analysed is not None:
        _store_analysis(store, result.article, result.analysed, report, None)


def _store_analysis(
    store: Store,
    article: Article,
    result: Analysed | TaskFailed,
    report: IngestReport,
    on_item: OnItem,
) -> None:
    """Store one analysis and its bundle, or count its failure in the report."""
    from storyline.analyse.analyser import ANALYSIS_VERSION
    from storyline.compare import feature_kind, feature_version

    if isinstance(result, TaskFailed):
        note_analysis(report, article, on_item, error=result.message)
        return
    _check_version(result.version)
    if result.analysis is None:
        note_analysis(report, article, on_item, error=result.error or "unknown")
        return
    store.put_analysis(result.analysis, ANALYSIS_VERSION)
    if result.vectors is not None and result.features is not None:
        kind, version = feature_kind(), feature_version()
        store.put_features(article.id, kind, version, result.vectors, result.features)
    note_analysis(report, article, on_item)


@functools.cache
def _client_version() -> str:
    return code_version()


def _check_version(worker: str) -> None:
    """Refuse results of another storyline: they would not be what a local run stores."""
    if worker != _client_version():
        raise StorylineError(
            f"a Dask worker runs {worker}, this client {_client_version()}: "
            "install the same storyline on every worker"
        )


__all__ = ["analyse_pending_distributed", "ingest_distributed"]
