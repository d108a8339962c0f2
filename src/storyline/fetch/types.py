"""What a fetch is asked to do and what it returns: the values the fetcher, the feed watcher and
the store exchange.

Kept apart from the HTTP code so the store and the CLI can speak about fetches (validators,
host counters, statuses) without importing httpx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: Outcome of one fetch. ``ok`` and ``not_modified`` are successes; every other status names
#: the reason nothing usable came back, in a closed vocabulary the CLI and the UI can show.
FetchStatus = Literal[
    "ok",  # 2xx with a body within the size cap
    "not_modified",  # 304 to a conditional request: the stored copy is current
    "robots",  # robots.txt forbids the URL (or a redirect target): nothing was requested
    "http_error",  # a final 4xx/5xx after retries
    "timeout",  # connect or read timed out after retries
    "network",  # DNS, refused connection, TLS, protocol errors after retries
    "too_large",  # body over the size cap (declared or counted while streaming)
    "redirect_loop",  # a redirect cycle or more redirects than allowed
    "unsupported",  # not http(s), or a content type we do not read (images, PDFs, ...)
]

USER_AGENT = "storyline/0.1 (news research; +https://github.com/storyline-news/storyline)"


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how patiently to fetch. The defaults suit following real outlets."""

    user_agent: str = USER_AGENT
    #: seconds to connect, and to wait for each read of the response
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    #: most seconds one attempt may take from connect to last body byte, so a server that
    #: trickles a byte at a time (never tripping read_timeout) cannot hold a worker forever;
    #: None means connect_timeout + 3 * read_timeout
    total_timeout: float | None = None
    #: retries after the first attempt, for timeouts, network errors, 429 and 5xx
    retries: int = 2
    #: first backoff in seconds, doubled per retry (a Retry-After header wins, up to max_wait)
    backoff: float = 1.0
    max_wait: float = 60.0
    #: largest body read, in bytes; bigger responses are abandoned while streaming
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    #: least seconds between the starts of two requests to the same host (host:port)
    per_host_delay: float = 1.0
    respect_robots: bool = True
    #: refuse hosts that resolve to loopback, private, link-local or other non-public
    #: addresses (checked before the request and again at connect time, so a DNS answer that
    #: changes in between cannot slip through). On for fetches a web client asks the server
    #: to make (``POST /articles`` with a URL, ``POST /feeds``): without it they would reach
    #: the server's own network (SSRF). Off for the CLI, where intranet feeds are legitimate.
    public_only: bool = False
    #: how long a host's robots.txt is trusted before it is fetched again
    robots_ttl: float = 3600.0


@dataclass(frozen=True)
class Validators:
    """What an earlier visit to a URL returned, sent back as a conditional request."""

    etag: str | None = None
    last_modified: str | None = None

    def any(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass
class FetchResult:
    """One URL fetched (or not), with everything the store and the user need to know."""

    url: str  # as asked
    status: FetchStatus
    final_url: str | None = None  # after redirects
    http_status: int | None = None
    content: bytes | None = None  # only for ``ok``
    content_type: str | None = None  # the Content-Type header, parameters included
    validators: Validators = field(default_factory=Validators)
    fetched_at: str = ""  # ISO 8601 UTC, seconds: 2026-12-03T12:40:00Z
    attempts: int = 0
    elapsed: float = 0.0  # seconds, retries and waits included
    message: str = ""  # one line for the user when status is not ok / not_modified

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "not_modified")


@dataclass
class HostStats:
    """Per-host counters the fetcher keeps while it runs (the store keeps them across runs)."""

    host: str
    requests: int = 0
    failures: int = 0
    last_ok: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
