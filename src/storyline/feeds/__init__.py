"""Following outlets: parse RSS, Atom and sitemaps into feed items, find a homepage's feeds.

Importing this package is cheap: the value types load eagerly, the parsers (feedparser, lxml)
only when one of their names is first used, so the store and the CLI can speak about feed
items without paying for either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storyline.feeds.types import FeedItem, FeedKind, ParsedFeed
from storyline.lazy import lazy_exports

if TYPE_CHECKING:
    from storyline.feeds.discover import feed_links
    from storyline.feeds.parse import FeedError, parse_feed
    from storyline.feeds.subscribe import subscribe
    from storyline.feeds.watch import PollReport, poll

#: Names loaded on first use, and the module each lives in.
_LAZY = {
    "parse_feed": "storyline.feeds.parse",
    "FeedError": "storyline.feeds.parse",
    "feed_links": "storyline.feeds.discover",
    "poll": "storyline.feeds.watch",
    "PollReport": "storyline.feeds.watch",
    "subscribe": "storyline.feeds.subscribe",
}


__getattr__, __dir__ = lazy_exports(
    "storyline.feeds", _LAZY, ["FeedItem", "FeedKind", "ParsedFeed"]
)


__all__ = [
    "FeedError",
    "FeedItem",
    "FeedKind",
    "ParsedFeed",
    "PollReport",
    "feed_links",
    "parse_feed",
    "poll",
    "subscribe",
]
