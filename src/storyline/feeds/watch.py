"""Polling followed feeds: new items only, each fetched, cleaned, analysed, stored and linked.

One poll (:func:`poll`) is the unit ``storyline watch --once`` runs from cron and ``watch``
repeats on a schedule:

1. every feed is fetched conditionally (its last ETag/Last-Modified), hosts in parallel;
   a sitemap index is followed one level down;
2. a feed that fails (unreachable, 500, not a feed, malformed beyond recovery) is recorded
   with its error and skipped: a dead feed never stops the others;
3. its items are checked against the store (``feed_items_done``): only new items, and failed
   ones with attempts left (also those of a feed that answered 304), are fetched. A page another
   feed already brought is not fetched again; the item is recorded against the stored article;
4. pages go through :func:`storyline.fetch.ingest.fetch_pages` (the same pipeline as files),
   the feed's date filling in for a page without one;
5. new articles are linked into events at the end of the poll (and every ``link_every``
   stored articles on a long first poll), so what arrives joins events as it arrives.

Everything is recorded item by item, so a poll killed half-way loses nothing: the next one
analyses what it stored unanalysed, continues with what is not stored yet and refetches nothing
that is.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from storyline.errors import StorylineError, without_source
from storyline.feeds.types import FeedItem, ParsedFeed
from storyline.fetch.ingest import HostTally, PageOutcome, PageRequest, fetch_pages
from storyline.fetch.types import FetchPolicy, FetchResult, Validators
from storyline.pipeline import IngestReport
from storyline.store.base import Store

#: child sitemaps of an index fetched per poll (news indexes list the newest first)
MAX_CHILD_SITEMAPS = 20
#: a failed item is tried on this many polls, then left alone (``feeds show`` lists it)
MAX_ATTEMPTS = 3


@dataclass
class FeedPoll:
    """What one poll did for one feed."""

    id: str
    url: str
    name: str | None
    status: str  # ok | not_modified | error
    items: int = 0  # items the feed lists now
    new: int = 0  # items not done before this poll
    stored: int = 0  # pages stored (new articles, copies, near-duplicates) or already known
    failed: int = 0
    skipped: int = 0
    message: str = ""
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class PollReport:
    """What one poll over all (or the chosen) feeds did."""

    started: str
    feeds: list[FeedPoll] = field(default_factory=list)
    ingest: IngestReport = field(default_factory=IngestReport)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def feed_errors(self) -> int:
        return sum(f.status == "error" for f in self.feeds)

    def totals(self) -> dict[str, int]:
        return {
            key: sum(getattr(f, key) for f in self.feeds)
            for key in ("items", "new", "stored", "failed", "skipped")
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "feeds_checked": len(self.feeds),
            "feed_errors": self.feed_errors,
            **self.totals(),
            "articles": self.ingest.counts["new"],
            "linking": self.ingest.linking,
            "interrupted": self.interrupted,
            "feeds": [f.to_dict() for f in self.feeds],
        }

    def status_line(self) -> str:
        """One line for the terminal: what came in, what failed."""
        t = self.totals()
        line = (
            f"{len(self.feeds)} feeds checked, {t['new']} new items: "
            f"{self.ingest.counts['new']} new articles"
        )
        known = t["stored"] - self.ingest.counts["new"]
        if known > 0:
            line += f", {known} already stored"
        if t["failed"]:
            line += f", {t['failed']} failed"
        if t["skipped"]:
            line += f", {t['skipped']} skipped"
        linking = self.ingest.linking
        if linking and linking.get("linked"):
            line += f"; {linking['linked']} linked into {linking['events']} events"
        if self.feed_errors:
            line += f"; {self.feed_errors} feeds failed"
        return line


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def poll(
    store: Store,
    *,
    fetcher: Any = None,
    policy: FetchPolicy | None = None,
    feeds: Sequence[str] | None = None,
    analyse: bool = True,
    link: bool = True,
    concurrency: int = 4,
    link_every: int = 200,
    on_item: Callable[[str, str], None] | None = None,
) -> PollReport:
    """Check every followed feed (or the ``feeds`` refs) once and ingest what is new.

    ``fetcher`` (a :class:`storyline.fetch.Fetcher`) is made from ``policy`` when not given,
    and closed again; a long-running watcher passes its own so robots.txt answers and
    connections are kept between polls. A KeyboardInterrupt ends the poll early with
    everything done so far stored (``interrupted`` is set).
    """
    from storyline.fetch.http import Fetcher

    report = PollReport(started=now_iso())
    started = time.perf_counter()
    rows = [store.feed(ref) for ref in feeds] if feeds else store.feeds()
    own = fetcher is None
    fetcher = fetcher or Fetcher(policy)
    tally = HostTally(saved=fetcher.host_stats())
    try:
        pending = list(_check_feeds(store, fetcher, rows, report, concurrency, tally))
        _ingest_items(
            store, fetcher, pending, report, analyse, link, concurrency, link_every, on_item, tally
        )
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        tally.save(store, fetcher.host_stats())
        if own:
            fetcher.close()
    report.seconds = time.perf_counter() - started
    return report


def _check_feeds(
    store: Store,
    fetcher: Any,
    rows: list[dict[str, Any]],
    report: PollReport,
    concurrency: int,
    tally: HostTally,
) -> Iterator[tuple[FeedPoll, FeedItem]]:
    """Fetch and parse every feed; yield its (feed, item) pairs that still need work."""
    from storyline.fetch.http import FEED_ACCEPT, FEED_TYPES

    by_url = {row["url"]: row for row in rows}
    jobs = [(row["url"], Validators(row.get("etag"), row.get("last_modified"))) for row in rows]
    results = {
        r.url: r
        for r in fetcher.fetch_many(
            jobs, concurrency=concurrency, accept=FEED_ACCEPT, allowed_types=FEED_TYPES
        )
    }
    tally.save(store, fetcher.host_stats())
    for row in rows:  # in the order feeds were added, whatever order they arrived in
        result = results[row["url"]]
        feed = FeedPoll(row["id"], row["url"], row.get("name"), "ok")
        report.feeds.append(feed)
        items = _feed_items(store, fetcher, by_url[row["url"]], result, feed)
        if items is None:
            if feed.status != "not_modified" or not row.get("failed_items"):
                continue
            items = _failed_items(store, row["id"])  # unchanged feed: its failures still count
        else:
            feed.items = len(items)
        done = store.feed_items_done(row["id"], [i.key for i in items], max_attempts=MAX_ATTEMPTS)
        for item in items:
            if item.key not in done:
                feed.new += 1
                yield feed, item


def _feed_items(
    store: Store, fetcher: Any, row: dict[str, Any], result: FetchResult, feed: FeedPoll
) -> list[FeedItem] | None:
    """The feed's items after recording its check; None when it failed or did not change."""
    from storyline.feeds.parse import parse_feed

    at = result.fetched_at or now_iso()
    if result.status == "not_modified":
        feed.status = "not_modified"
        store.record_feed_check(
            row["id"], checked_at=at, ok=True, etag=row.get("etag"),
            last_modified=row.get("last_modified"),
        )  # fmt: skip
        return None
    if result.status != "ok":
        return _feed_failed(store, row, feed, at, result.message)
    try:
        parsed = parse_feed(result.content or b"", row["url"], result.content_type)
        if parsed.kind == "sitemap_index":
            parsed = _follow_index(fetcher, parsed, row["url"])
    except StorylineError as exc:
        return _feed_failed(store, row, feed, at, without_source(str(exc), row["url"]))
    feed.warnings = list(parsed.warnings)
    store.record_feed_check(
        row["id"],
        checked_at=at,
        ok=True,
        kind=parsed.kind,
        title=parsed.title,
        etag=result.validators.etag,
        last_modified=result.validators.last_modified,
    )
    if parsed.language:
        return [i if i.language else _with_language(i, parsed.language) for i in parsed.items]
    return parsed.items


def _failed_items(store: Store, feed_id: str) -> list[FeedItem]:
    """The feed's failed items that have attempts left: an unchanged feed (304) is not parsed
    again, yet those items are due their retries."""
    found: list[FeedItem] = []
    offset, page = 0, 1000
    while True:
        rows = store.feed_items(feed_id, limit=page, offset=offset, retryable=MAX_ATTEMPTS)
        for r in rows:
            guid = r["key"] if r["key"] != r["url"] else None
            found.append(FeedItem(r["url"], guid, r["title"], r["published"]))
        if len(rows) < page:
            return found
        offset += page


def _feed_failed(store: Store, row: dict[str, Any], feed: FeedPoll, at: str, message: str) -> None:
    feed.status = "error"
    feed.message = message
    store.record_feed_check(row["id"], checked_at=at, ok=False, error=message)
    return None


def _follow_index(fetcher: Any, index: ParsedFeed, url: str) -> ParsedFeed:
    """The items of the index's first :data:`MAX_CHILD_SITEMAPS` child sitemaps, in order.

    A child that fails is a warning, not a failed feed: the others still count.
    """
    from storyline.feeds.parse import parse_feed
    from storyline.fetch.http import FEED_ACCEPT, FEED_TYPES

    merged = ParsedFeed(kind="sitemap_index", title=index.title, warnings=list(index.warnings))
    children = index.sitemaps[:MAX_CHILD_SITEMAPS]
    if len(index.sitemaps) > len(children):
        merged.warnings.append(
            f"the index lists {len(index.sitemaps)} sitemaps: the first {len(children)} were read"
        )
    seen: set[str] = set()
    for result in fetcher.fetch_many(
        [(c, None) for c in children], accept=FEED_ACCEPT, allowed_types=FEED_TYPES
    ):
        if result.status != "ok":
            merged.warnings.append(f"{result.url}: {result.message}")
            continue
        try:
            child = parse_feed(result.content or b"", result.url, result.content_type)
        except StorylineError as exc:
            merged.warnings.append(str(exc))
            continue
        for item in child.items:
            if item.key not in seen:
                seen.add(item.key)
                merged.items.append(item)
    if not merged.items and merged.warnings:
        raise StorylineError(f"no child sitemap could be read ({merged.warnings[-1]})", url)
    return merged


def _with_language(item: FeedItem, language: str) -> FeedItem:
    from dataclasses import replace

    return replace(item, language=language)


def _ingest_items(
    store: Store,
    fetcher: Any,
    pending: list[tuple[FeedPoll, FeedItem]],
    report: PollReport,
    analyse: bool,
    link: bool,
    concurrency: int,
    link_every: int,
    on_item: Callable[[str, str], None] | None,
    tally: HostTally,
) -> None:
    """Fetch the new items' pages (or reuse stored ones), record each, link as they come."""
    if analyse:  # first what an interrupted poll stored but did not analyse, in ingest order
        from storyline.pipeline import analyse_pending

        analyse_pending(store, report=report.ingest)
    requests: list[PageRequest] = []
    for feed, item in pending:
        known = store.fetch_state(item.url)
        if known and known.get("article_id") and known.get("status") in ("ok", "not_modified"):
            _record(store, feed, item, "stored", known["article_id"], "")
            feed.stored += 1
            continue
        requests.append(
            PageRequest(item.url, item.title, item.published, item.language, (feed, item))
        )
    since_link = 0
    for outcome in fetch_pages(
        store,
        fetcher,
        requests,
        report=report.ingest,
        analyse=analyse,
        concurrency=concurrency,
        on_item=on_item,
        tally=tally,
    ):
        since_link += _book(store, outcome)
        if link and analyse and since_link >= link_every:
            _link(store, report)
            since_link = 0
    if link and analyse:
        _link(store, report)


def _book(store: Store, outcome: PageOutcome) -> int:
    """Record one page's end against its feed item; 1 when it stored a new text."""
    feed, item = outcome.request.context
    if outcome.done:
        feed.stored += 1
        _record(store, feed, item, "stored", outcome.article_id, "")
        return int(outcome.status in ("new", "near_duplicate"))
    if outcome.status == "skipped":
        feed.skipped += 1
    else:
        feed.failed += 1
    _record(store, feed, item, outcome.status, None, outcome.message)
    return 0


def _record(
    store: Store,
    feed: FeedPoll,
    item: FeedItem,
    status: str,
    article_id: str | None,
    message: str,
) -> None:
    store.record_feed_item(
        feed.id,
        item.key,
        item.url,
        status=status,
        at=now_iso(),
        title=item.title,
        published=item.published,
        article_id=article_id,
        message=message or None,
    )


def _link(store: Store, report: PollReport) -> None:
    """Link what arrived; a poll that links twice reports the sums (totals from the last)."""
    from storyline.link.runner import link_pending

    done = link_pending(store).to_dict()
    previous = report.ingest.linking
    if previous:
        for key in ("linked", "new_events", "merged_events", "split_events", "seconds"):
            done[key] += previous[key]
    report.ingest.linking = done
