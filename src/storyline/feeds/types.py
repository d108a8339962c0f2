"""What a feed or sitemap says: the values the parser returns and the watcher consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FeedKind = Literal["rss", "atom", "sitemap", "sitemap_index"]


@dataclass(frozen=True)
class FeedItem:
    """One entry: the article URL, and what the feed declares about it."""

    url: str  # absolute http(s) URL of the article page
    guid: str | None = None  # RSS guid / Atom id; None when the feed gives none (see key)
    title: str | None = None
    #: ISO ``YYYY-MM-DD`` publication day declared by the feed (pubDate, published, updated,
    #: news:publication_date, lastmod), or None
    published: str | None = None
    language: str | None = None  # ISO 639-1 when the feed (or item) declares one
    summary: str | None = None

    @property
    def key(self) -> str:
        """What identifies the item within its feed: the guid, or the URL."""
        return self.guid or self.url


@dataclass
class ParsedFeed:
    """A feed or sitemap as parsed: its items in document order, duplicates dropped."""

    kind: FeedKind
    title: str | None = None
    language: str | None = None
    items: list[FeedItem] = field(default_factory=list)
    #: child sitemaps listed by a sitemap index (absolute URLs)
    sitemaps: list[str] = field(default_factory=list)
    #: problems that did not stop parsing: recovered malformed XML, dropped items, duplicates
    warnings: list[str] = field(default_factory=list)
    duplicates: int = 0
