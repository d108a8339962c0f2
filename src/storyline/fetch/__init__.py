"""Fetching pages and feeds from the web, politely (robots.txt, per-host delays) and safely
(size caps, deadlines, retries).

Importing this package is cheap: the value types and ``host_key`` load eagerly, the fetcher
(and with it httpx) only when one of its names is first used, so the store and the CLI can
speak about fetches without loading the HTTP stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storyline.fetch.hosts import host_key
from storyline.fetch.types import FetchPolicy, FetchResult, FetchStatus, HostStats, Validators
from storyline.lazy import lazy_exports

if TYPE_CHECKING:
    from storyline.fetch.http import FEED_ACCEPT, FEED_TYPES, PAGE_ACCEPT, PAGE_TYPES, Fetcher

#: Names loaded on first use, and the module each lives in.
_LAZY = {
    "Fetcher": "storyline.fetch.http",
    "PAGE_TYPES": "storyline.fetch.http",
    "FEED_TYPES": "storyline.fetch.http",
    "PAGE_ACCEPT": "storyline.fetch.http",
    "FEED_ACCEPT": "storyline.fetch.http",
}
_EAGER = ["FetchPolicy", "FetchResult", "FetchStatus", "HostStats", "Validators", "host_key"]


__getattr__, __dir__ = lazy_exports("storyline.fetch", _LAZY, _EAGER)


__all__ = [
    "FEED_ACCEPT",
    "FEED_TYPES",
    "PAGE_ACCEPT",
    "PAGE_TYPES",
    "FetchPolicy",
    "FetchResult",
    "FetchStatus",
    "Fetcher",
    "HostStats",
    "Validators",
    "host_key",
]
