"""Fetched pages into the store: the step ``storyline ingest URL`` and the feed watcher share.

For every URL: ask the store what the last visit returned (validators for a conditional
request, the article it became), fetch politely (:class:`~storyline.fetch.Fetcher`), record
the fetch, and hand a successful page to the same pipeline files go through
(:func:`storyline.pipeline.ingest_documents`), so a fetched article and an ingested file end
up alike. A 304 answer means the stored copy is current: the page is neither downloaded nor
cleaned again. Per-host counters are added to the store when the batch ends, however it ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from storyline.errors import StorylineError, without_source
from storyline.fetch.types import FetchResult, HostStats, Validators
from storyline.pipeline import IngestReport, ingest_documents, note_failure, note_stored
from storyline.store.base import Store

#: What became of one page: how the store took it, or why it did not.
PageStatus = Literal["new", "exists", "copy", "near_duplicate", "not_modified", "failed", "skipped"]

#: fetch statuses that will not change by trying again soon: the item is not retried
PERMANENT = frozenset({"robots", "too_large", "unsupported", "redirect_loop"})


@dataclass
class PageRequest:
    """A URL to fetch, with what a feed said about it (all optional)."""

    url: str
    title: str | None = None
    published: str | None = None  # the feed's date: a fallback for a page without one
    language: str | None = None
    context: Any = None  # the caller's own tag (the feed item), handed back in the outcome


@dataclass
class PageOutcome:
    """One page's end: ``status`` and, when stored (or known), its ``article_id``."""

    request: PageRequest
    status: PageStatus
    article_id: str | None = None
    message: str = ""
    fetch: FetchResult | None = None

    @property
    def done(self) -> bool:
        """Stored or known; ``False`` for a failure worth retrying and for a skipped page."""
        return self.status not in ("failed", "skipped")


@dataclass
class HostTally:
    """Host counters as last saved, so each save adds only what happened since."""

    saved: dict[str, HostStats] = field(default_factory=dict)

    def save(self, store: Store, current: dict[str, HostStats]) -> None:
        for host, now in current.items():
            before = self.saved.get(host, HostStats(host))
            requests = now.requests - before.requests
            failures = now.failures - before.failures
            if not requests and not failures and now.last_error == before.last_error:
                continue
            store.record_host(
                host,
                requests=requests,
                failures=failures,
                ok_at=now.last_ok if now.last_ok != before.last_ok else None,
                error=now.last_error if now.last_error_at != before.last_error_at else None,
                error_at=now.last_error_at if now.last_error_at != before.last_error_at else None,
            )
        self.saved = {h: HostStats(**vars(s)) for h, s in current.items()}


def fetch_pages(
    store: Store,
    fetcher: Any,
    requests: Iterable[PageRequest],
    *,
    report: IngestReport,
    language: str | None = None,
    declared: dict[str, Any] | None = None,
    analyse: bool = True,
    concurrency: int = 4,
    on_item: Callable[[str, str], None] | None = None,
    tally: HostTally | None = None,
) -> Iterator[PageOutcome]:
    """Fetch, record and ingest each page; yields outcomes in the order pages complete.

    ``fetcher`` is a :class:`storyline.fetch.Fetcher`. Downloads of different hosts overlap
    with the cleaning and analysis of pages already fetched; one host is fetched in order and
    at its polite pace. ``report`` gets the same counts a file ingest would report, with a
    ``not_modified`` page counted as already stored.
    """
    from storyline.fetch.http import PAGE_TYPES

    by_url: dict[str, list[PageRequest]] = {}
    jobs: list[tuple[str, Validators | None]] = []
    for request in requests:
        if request.url in by_url:  # the same page listed twice: fetched once
            by_url[request.url].append(request)
            continue
        by_url[request.url] = [request]
        jobs.append((request.url, _validators(store, request.url)))
    tally = tally or HostTally()
    run = _Run(store, report, language, declared, analyse, on_item)
    try:
        results = fetcher.fetch_many(jobs, concurrency=concurrency, allowed_types=PAGE_TYPES)
        for result in results:
            first, *others = by_url[result.url]
            outcome = _take(run, result, first)
            yield outcome
            for other in others:
                yield PageOutcome(other, outcome.status, outcome.article_id, outcome.message)
    finally:
        tally.save(store, fetcher.host_stats())


@dataclass
class _Run:
    """What every page of one :func:`fetch_pages` call is ingested with."""

    store: Store
    report: IngestReport
    language: str | None
    declared: dict[str, Any] | None
    analyse: bool
    on_item: Callable[[str, str], None] | None


def _validators(store: Store, url: str) -> Validators | None:
    """The last visit's validators, but only when that visit left a stored article."""
    state = store.fetch_state(url)
    if not state or not state.get("article_id"):
        return None
    validators = Validators(state.get("etag"), state.get("last_modified"))
    return validators if validators.any() else None


def _record(store: Store, url: str, result: FetchResult, article_id: str | None = None) -> None:
    """Remember this fetch of ``url``: its outcome, validators and the article it became."""
    store.record_fetch(
        url,
        status=result.status,
        fetched_at=result.fetched_at,
        final_url=result.final_url,
        http_status=result.http_status,
        etag=result.validators.etag,
        last_modified=result.validators.last_modified,
        article_id=article_id,
    )


def _take(run: _Run, result: FetchResult, request: PageRequest) -> PageOutcome:
    """Record one fetch and, when it brought a page, ingest it."""
    url = request.url
    if result.status == "not_modified":
        state = run.store.fetch_state(url) or {}
        article_id = state.get("article_id")
        run.store.record_fetch(
            url, status="not_modified", fetched_at=result.fetched_at, http_status=304
        )
        if article_id:
            note_stored(run.report, url, "exists", article_id, run.on_item)
        return PageOutcome(request, "not_modified", article_id, "not modified", result)
    if result.status != "ok":
        _record(run.store, url, result)
        note_failure(run.report, url, result.message, run.on_item)
        status: PageStatus = "skipped" if result.status in PERMANENT else "failed"
        return PageOutcome(request, status, None, result.message, result)
    return _ingest_page(run, result, request)


def _ingest_page(run: _Run, result: FetchResult, request: PageRequest) -> PageOutcome:
    """Decode, clean, store (and analyse) a fetched page through the file pipeline."""
    from storyline.fetch.pages import document_from_fetch

    url, report = request.url, run.report
    try:
        doc = document_from_fetch(
            result,
            url,
            title=request.title,
            published_fallback=request.published,
            language=request.language,
            extra=run.declared,
        )
    except StorylineError as exc:
        _record(run.store, url, result)
        message = without_source(str(exc), url)
        note_failure(report, url, message, run.on_item)
        return PageOutcome(request, "failed", None, message, result)
    before_failed = len(report.failures)
    before_ids = len(report.article_ids)
    before = Counter(report.counts)
    try:
        ingest_documents(
            run.store,
            [doc],
            language=run.language,
            report=report,
            on_item=run.on_item,
            analyse=run.analyse,
        )
    except KeyboardInterrupt:
        if len(report.article_ids) > before_ids:  # stored, then stopped: the next run knows it
            _record(run.store, url, result, report.article_ids[-1])
        raise
    if len(report.article_ids) > before_ids:
        article_id = report.article_ids[-1]
        _record(run.store, url, result, article_id)
        return PageOutcome(request, _how_stored(before, report), article_id, "", result)
    _record(run.store, url, result)
    failures = report.failures[before_failed:]
    message = failures[-1].message if failures else "not stored"
    return PageOutcome(request, "failed", None, message, result)


def _how_stored(before: Counter[str], report: IngestReport) -> PageStatus:
    """How the store took the page (new, exists, copy, near_duplicate), from the report."""
    for status in ("new", "near_duplicate", "copy", "exists"):
        if report.counts[status] > before[status]:
            return status  # type: ignore[return-value]
    return "new"
