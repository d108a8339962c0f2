"""robots.txt, read the way RFC 9309 asks, and remembered per site.

The cache does not download anything itself: it is handed a ``download`` function (the
fetcher's, so robots.txt goes through the same client, rate limit and host counters as pages)
and only decides what an answer means:

* 2xx: the rules, matched on our product token ``storyline``;
* 4xx (404 included) or a redirect chain that never ends: no rules, everything is allowed;
* 429, 5xx, timeout, network failure: the site cannot tell us its rules, so nothing is fetched
  from it for now. That verdict is remembered for a shorter time than real rules, so a site
  that recovers is read again soon, yet a broken one is not asked for robots.txt per page.

Parsing is ``urllib.robotparser``'s: first matching rule wins and ``*``/``$`` in paths are not
patterns, which errs towards what the stdlib has always done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from storyline.fetch.hosts import host_key

#: the product token robots.txt groups are matched on (``User-agent: storyline``)
AGENT_TOKEN = "storyline"
#: RFC 9309 asks parsers to read at least 500 KiB; anything after that is ignored
MAX_ROBOTS_BYTES = 500 * 1024
#: redirects followed to reach robots.txt (RFC 9309: at least five)
MAX_ROBOTS_REDIRECTS = 5
#: longest a "robots.txt unreachable" verdict is kept before asking the site again
FAILURE_TTL = 300.0


@dataclass(frozen=True)
class RobotsAnswer:
    """What asking a site for its robots.txt produced.

    ``status`` is the final HTTP status (after redirects), or None when no response came
    (``error`` then says why: timeout, refused connection, ...).
    """

    status: int | None
    text: str = ""
    error: str = ""


@dataclass(frozen=True)
class RobotsVerdict:
    """Whether one URL may be fetched, and a one-line reason when it may not."""

    allowed: bool
    reason: str = ""


@dataclass
class _SiteRules:
    """One site's parsed robots.txt (or the lack of one) and when to read it again."""

    expires: float
    parser: RobotFileParser | None = None  # None: no usable rules
    unreachable: str = ""  # non-empty: the site could not be asked, so nothing is allowed


def robots_url(url: str) -> str:
    """The robots.txt that governs ``url``: same scheme, host and port, path ``/robots.txt``."""
    scheme = urlsplit(url).scheme.lower()
    return f"{scheme}://{host_key(url)}/robots.txt"


def decode_robots(body: bytes) -> str:
    """robots.txt is UTF-8 by RFC 9309; a body cut at the size cap loses its last partial line
    rather than turning it into a rule nobody wrote."""
    if len(body) >= MAX_ROBOTS_BYTES:
        body = body[:MAX_ROBOTS_BYTES].rpartition(b"\n")[0]
    return body.decode("utf-8", errors="replace").lstrip("\ufeff")


class RobotsCache:
    """Per-site robots.txt verdicts, fetched on first need and trusted for ``ttl`` seconds.

    Thread-safe: a site's robots.txt is downloaded by one thread while others asking about the
    same site wait for it; different sites never wait for each other.
    """

    def __init__(
        self,
        download: Callable[[str, threading.Event | None], RobotsAnswer],
        *,
        ttl: float,
        failure_ttl: float = FAILURE_TTL,
        agent: str = AGENT_TOKEN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._download = download
        self._ttl = ttl
        self._failure_ttl = min(failure_ttl, ttl)
        self._agent = agent
        self._clock = clock
        self._lock = threading.Lock()
        self._sites: dict[str, _SiteRules] = {}
        self._site_locks: dict[str, threading.Lock] = {}

    def check(self, url: str, stop: threading.Event | None = None) -> RobotsVerdict:
        """May ``url`` be fetched? Downloads the site's robots.txt when not cached (or stale);
        ``stop`` is handed to the download so a caller giving up is not kept waiting."""
        rules = self._rules(robots_url(url), stop)
        if rules.unreachable:
            return RobotsVerdict(
                False, f"robots.txt of {host_key(url)} unreachable ({rules.unreachable})"
            )
        if rules.parser is None or rules.parser.can_fetch(self._agent, url):
            return RobotsVerdict(True)
        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        return RobotsVerdict(False, f"robots.txt of {host_key(url)} forbids {path}")

    def crawl_delay(self, url: str) -> float | None:
        """The ``Crawl-delay`` the site asks of us, if its (cached) robots.txt names one."""
        with self._lock:
            rules = self._sites.get(robots_url(url))
        if rules is None or rules.parser is None:
            return None
        delay = rules.parser.crawl_delay(self._agent)
        return float(delay) if delay is not None else None

    def forget(self) -> None:
        """Drop every cached robots.txt (they are read again on next use)."""
        with self._lock:
            self._sites.clear()

    def _fresh(self, key: str) -> _SiteRules | None:
        with self._lock:
            rules = self._sites.get(key)
        if rules is not None and rules.expires > self._clock():
            return rules
        return None

    def _site_lock(self, key: str) -> threading.Lock:
        with self._lock:
            return self._site_locks.setdefault(key, threading.Lock())

    def _rules(self, key: str, stop: threading.Event | None) -> _SiteRules:
        rules = self._fresh(key)
        if rules is not None:
            return rules
        with self._site_lock(key):
            rules = self._fresh(key)  # another thread may have fetched it meanwhile
            if rules is None:
                rules = self._interpret(self._download(key, stop))
                with self._lock:
                    self._sites[key] = rules
            return rules

    def _interpret(self, answer: RobotsAnswer) -> _SiteRules:
        """RFC 9309 section 2.3.1: what a status means for the whole site."""
        now = self._clock()
        status = answer.status
        if status is None:
            return _SiteRules(now + self._failure_ttl, unreachable=answer.error or "no response")
        if status == 429 or status >= 500:
            return _SiteRules(now + self._failure_ttl, unreachable=f"HTTP {status}")
        if 200 <= status < 300:
            parser = RobotFileParser()
            parser.parse(answer.text.splitlines())
            return _SiteRules(now + self._ttl, parser=parser)
        return _SiteRules(now + self._ttl)  # 3xx left over, 4xx: no rules, all allowed
