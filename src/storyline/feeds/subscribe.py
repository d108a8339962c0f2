"""Following a feed: check that a URL is a feed or sitemap (or find one on a homepage), then
store it.

Checking first is what a user expects from ``feeds add``: a typo, a dead URL or an HTML page
is reported at once, not discovered at the next poll. An outlet's homepage is accepted when it
announces its feed (``<link rel="alternate" type="application/rss+xml">``): the feed it names
is followed instead, and the answer says so.
"""

from __future__ import annotations

from typing import Any

from storyline.errors import InputError
from storyline.fetch.pages import is_url
from storyline.fetch.types import FetchPolicy, FetchResult
from storyline.store.base import Store

_HTML = ("text/html", "application/xhtml+xml")


def subscribe(
    store: Store,
    url: str,
    *,
    name: str | None = None,
    check: bool = True,
    fetcher: Any = None,
    policy: FetchPolicy | None = None,
) -> dict[str, Any]:
    """Follow ``url``; returns the stored feed with ``items`` (as checked) and ``discovered_from``.

    Raises :class:`InputError` naming the URL when it is not a feed and names none.
    ``check=False`` stores it unchecked (for a feed that is down right now).
    """
    url = url.strip()
    if not is_url(url):
        raise InputError("a feed URL must start with http:// or https://", url)
    found_from: str | None = None
    items: int | None = None
    checked: dict[str, Any] | None = None
    if check:
        from storyline.fetch.http import Fetcher

        own = fetcher is None
        fetcher = fetcher or Fetcher(policy)
        try:
            url, checked, items, found_from = _check(fetcher, url)
        finally:
            if own:
                fetcher.close()
    row = store.add_feed(url, name=name)
    if checked is not None and not row.get("kind"):
        # the check was a successful visit: listings show what it found at once. Its
        # validators are not kept, so the first poll reads the whole feed.
        store.record_feed_check(row["id"], ok=True, **checked)
        row = store.feed(row["id"])
    return {**row, "items": items, "discovered_from": found_from}


def _check(fetcher: Any, url: str) -> tuple[str, dict[str, Any], int, str | None]:
    """(feed URL, what the check found, item count, the page it was found on or None)."""
    from storyline.feeds.discover import feed_links
    from storyline.feeds.parse import FeedError, parse_feed
    from storyline.fetch.http import FEED_ACCEPT, FEED_TYPES

    result = _fetched(fetcher, url, FEED_ACCEPT, (*FEED_TYPES, *_HTML))
    try:
        parsed = parse_feed(result.content or b"", url, result.content_type)
        return url, _found(parsed, result), len(parsed.items) + len(parsed.sitemaps), None
    except FeedError as exc:
        if not _is_html(result):
            raise
        problem = exc
    from storyline.read.decode import decode_bytes
    from storyline.read.html import charset_from_content_type, declared_charset

    data = result.content or b""
    html, _ = decode_bytes(
        data, (charset_from_content_type(result.content_type), declared_charset(data))
    )
    for link in feed_links(html, result.final_url or url):
        found = _fetched(fetcher, link, FEED_ACCEPT, FEED_TYPES)
        parsed = parse_feed(found.content or b"", link, found.content_type)
        return link, _found(parsed, found), len(parsed.items) + len(parsed.sitemaps), url
    raise InputError(
        "this is an HTML page that names no RSS/Atom feed; give the feed's or sitemap's URL",
        url,
    ) from problem


def _found(parsed: Any, result: FetchResult) -> dict[str, Any]:
    """The feed check's findings, as ``Store.record_feed_check`` takes them."""
    return {"checked_at": result.fetched_at, "kind": parsed.kind, "title": parsed.title}


def _fetched(fetcher: Any, url: str, accept: str, types: tuple[str, ...]) -> FetchResult:
    result = fetcher.fetch(url, accept=accept, allowed_types=types)
    if result.status != "ok":
        raise InputError(f"cannot follow it: {result.message}", url)
    return result


def _is_html(result: FetchResult) -> bool:
    mime = (result.content_type or "").split(";")[0].strip().lower()
    head = (result.content or b"")[:1024].lstrip().lower()
    return mime in _HTML or head.startswith((b"<!doctype html", b"<html"))
