"""The Python API for following outlets: the same verbs as ``storyline feeds`` and ``watch``.

>>> import storyline
>>> storyline.add_feed("https://example.org/rss.xml", name="Example", db="storyline.db")
>>> storyline.poll(db="storyline.db").status_line()
>>> storyline.feeds(db="storyline.db")[0]["last_ok"]

Kept apart from :mod:`storyline.api` (files, articles, events) because it is one job with its
own moving parts: the fetcher's politeness settings, and polling on a schedule.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from storyline.api import DbRef, _store
from storyline.errors import InputError, NotFound
from storyline.fetch.types import FetchPolicy

if TYPE_CHECKING:
    from storyline.feeds.watch import PollReport
    from storyline.store.base import Store


def add_feed(
    url: str,
    *,
    name: str | None = None,
    db: DbRef = None,
    check: bool = True,
    policy: FetchPolicy | None = None,
) -> dict[str, Any]:
    """Follow a feed or sitemap (or the feed a homepage names); returns the stored feed.

    The URL is fetched and parsed first (``check=False`` skips that), so a wrong URL is an
    :class:`~storyline.errors.InputError` now rather than an error at the next poll.
    """
    from storyline.feeds.subscribe import subscribe

    with _store(db) as store:
        return subscribe(store, url, name=name, check=check, policy=policy)


def feeds(*, db: DbRef = None) -> list[dict[str, Any]]:
    """Every followed feed with its status: last check, last success, last error, items seen."""
    with _store(db, readonly=True) as store:
        return store.feeds()


def find_feed(store: Store, ref: str) -> dict[str, Any]:
    """A feed by id, id prefix, URL or (case-insensitively) the name it was given."""
    try:
        return store.feed(ref)
    except NotFound:
        named = [r for r in store.feeds() if (r.get("name") or "").casefold() == ref.casefold()]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise InputError(f"{len(named)} feeds are named {ref!r}: use the id") from None
        raise


def feed(ref: str, *, db: DbRef = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """One feed (by id, id prefix, URL or name) with its most recent items."""
    with _store(db, readonly=True) as store:
        row = find_feed(store, ref)
        return {**row, "recent": store.feed_items(row["id"], limit=limit, offset=offset)}


def remove_feed(ref: str, *, db: DbRef = None) -> dict[str, Any]:
    """Stop following a feed. Its articles stay stored; its item history goes."""
    with _store(db) as store:
        return store.remove_feed(find_feed(store, ref)["id"])


def hosts(*, db: DbRef = None) -> list[dict[str, Any]]:
    """Per-host request and failure counts, kept across runs."""
    with _store(db, readonly=True) as store:
        return store.hosts()


def poll(
    *,
    db: DbRef = None,
    feeds: Sequence[str] | None = None,
    policy: FetchPolicy | None = None,
    analyse: bool = True,
    link: bool = True,
    concurrency: int = 4,
    on_item: Callable[[str, str], None] | None = None,
    fetcher: Any = None,
) -> PollReport:
    """Check the followed feeds once and ingest their new items (``storyline watch --once``)."""
    from storyline.feeds.watch import poll as run_poll

    with _store(db) as store:
        return run_poll(
            store,
            fetcher=fetcher,
            policy=policy,
            feeds=[find_feed(store, f)["id"] for f in feeds] if feeds else None,
            analyse=analyse,
            link=link,
            concurrency=concurrency,
            on_item=on_item,
        )


def watch(
    *,
    every: float,
    db: DbRef = None,
    feeds: Sequence[str] | None = None,
    policy: FetchPolicy | None = None,
    analyse: bool = True,
    link: bool = True,
    concurrency: int = 4,
    polls: int | None = None,
    on_poll: Callable[[PollReport, float], None] | None = None,
    on_item: Callable[[str, str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Poll every ``every`` seconds until interrupted (or ``polls`` times); returns polls run.

    One fetcher lives across polls, so robots.txt answers and connections are reused. The
    next poll is due ``every`` seconds after the previous one *started*; a poll longer than
    that is followed at once. ``on_poll(report, next_in_seconds)`` reports each poll.
    """
    from storyline.feeds.watch import poll as run_poll
    from storyline.fetch.http import Fetcher

    done = 0
    with Fetcher(policy) as fetcher, _store(db) as store:
        feeds = [find_feed(store, f)["id"] for f in feeds] if feeds else None
        while polls is None or done < polls:
            started = time.monotonic()
            report = run_poll(
                store,
                fetcher=fetcher,
                feeds=feeds,
                analyse=analyse,
                link=link,
                concurrency=concurrency,
                on_item=on_item,
            )
            done += 1
            if report.interrupted:
                raise KeyboardInterrupt
            wait = max(0.0, every - (time.monotonic() - started))
            last = polls is not None and done >= polls
            if on_poll:
                on_poll(report, 0.0 if last else wait)
            if not last:
                sleep(wait)
    return done
