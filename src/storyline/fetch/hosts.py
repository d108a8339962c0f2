"""Per-host politeness and bookkeeping: who is "the same host", how often we may knock, and
what happened when we did.

Everything here is plain stdlib (no httpx), so the store and the CLI can name hosts and read
counters without loading the HTTP stack. Both classes are shared by the fetcher's worker
threads, hence the locks; neither ever sleeps while holding one, so a thread waiting for a slow
host never holds up requests to other hosts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlsplit

from storyline.fetch.types import HostStats

#: ports a scheme uses when the URL names none; a host key leaves these out so
#: ``http://example.com`` and ``http://example.com:80`` count as one host
DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> str:
    """The politeness unit a URL belongs to: lower-case host, plus the port when it is not the
    scheme's default (``example.com``, ``127.0.0.1:8123``, ``[::1]:8080``).

    Rate limits, robots.txt and host counters are all kept per key, so two servers on one
    machine (different ports) are treated as the different sites they usually are. Returns
    ``""`` when the URL has no host (``mailto:``, ``file:///``, garbage), so callers can skip it
    without a try/except.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:  # an unbalanced IPv6 bracket or a port that is not a number
        return ""
    if not host:
        return ""
    host = host.lower()
    if ":" in host:  # IPv6 literal: keep the brackets so the port stays readable
        host = f"[{host}]"
    scheme = parts.scheme.lower()
    if port is None or DEFAULT_PORTS.get(scheme) == port:
        return host
    return f"{host}:{port}"


class HostLimiter:
    """Spaces the *starts* of requests to one host at least ``delay`` seconds apart.

    Each caller reserves the next free start slot under the lock and then sleeps outside it, so
    N threads aimed at one host queue up in order without busy waiting, and threads aimed at
    other hosts are never blocked by them. A host can be given a longer delay than the default
    (a robots.txt ``Crawl-delay``), never a shorter one.
    """

    def __init__(
        self,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if delay < 0:
            raise ValueError(f"per-host delay must be >= 0, not {delay}")
        self._delay = delay
        self._clock = clock
        self._lock = threading.Lock()
        self._next_start: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}

    def delay_for(self, host: str) -> float:
        """Seconds between request starts to ``host``."""
        with self._lock:
            return self._host_delay.get(host, self._delay)

    def slow_down(self, host: str, delay: float) -> None:
        """Ask for at least ``delay`` seconds between requests to ``host`` (only ever raises
        the default: a site may ask us to be gentler, not to hammer it)."""
        with self._lock:
            if delay > self._host_delay.get(host, self._delay):
                self._host_delay[host] = delay

    def reserve(self, host: str) -> float:
        """Book the next start slot for ``host`` and return how many seconds to wait for it."""
        with self._lock:
            delay = self._host_delay.get(host, self._delay)
            if delay <= 0:
                return 0.0
            now = self._clock()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + delay
            return start - now

    def wait(self, host: str, stop: threading.Event | None = None) -> bool:
        """Block until a request to ``host`` may start. Returns False, early, when ``stop`` is
        set while waiting (the caller gave up), True when the request may go."""
        pause = self.reserve(host)
        if stop is not None:
            return not stop.wait(pause) if pause > 0 else not stop.is_set()
        if pause > 0:
            time.sleep(pause)
        return True


class HostCounters:
    """Thread-safe running ``HostStats`` per host key, handed out as copies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats: dict[str, HostStats] = {}

    def _entry(self, host: str) -> HostStats:
        # callers hold the lock
        stats = self._stats.get(host)
        if stats is None:
            stats = self._stats[host] = HostStats(host=host)
        return stats

    def count_request(self, host: str) -> None:
        """One more request sent to ``host`` (every attempt and every robots.txt fetch)."""
        with self._lock:
            self._entry(host).requests += 1

    def record_ok(self, host: str, at: str) -> None:
        """A fetch from ``host`` ended well at ``at`` (ISO time)."""
        with self._lock:
            self._entry(host).last_ok = at

    def record_failure(self, host: str, message: str, at: str) -> None:
        """A fetch from ``host`` finally failed, after any retries."""
        with self._lock:
            entry = self._entry(host)
            entry.failures += 1
            entry.last_error = message
            entry.last_error_at = at

    def snapshot(self) -> dict[str, HostStats]:
        """Copies of every host's counters, safe to keep while fetching goes on."""
        with self._lock:
            return {host: replace(stats) for host, stats in self._stats.items()}
