"""The fetcher: polite, patient and hard to hurt.

Following outlets means asking many servers for pages over and over, so this module is built
around what can go wrong on the other side:

* politeness: robots.txt (every redirect hop included) and a minimum delay between request
  starts to one host;
* patience: retries with exponential backoff for what may pass (timeouts, network errors, 429,
  5xx), honouring ``Retry-After`` up to a cap;
* self-defence: a size cap counted on the *decoded* body while streaming (a 50 MB page or a
  gzip bomb never lands in memory), a content-type gate before the body is read, redirect loop
  detection, and a total deadline per attempt so a server trickling a byte at a time cannot
  hold a worker forever.

Nothing here raises for network or HTTP trouble: every outcome is a ``FetchResult`` whose
``status`` is one of a closed set and whose ``message`` is one line for the user. Exceptions
mean a bug (or a closed fetcher).
"""

from __future__ import annotations

import email.utils
import ipaddress
import queue
import socket
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from storyline.closing import Closing
from storyline.fetch.hosts import HostCounters, HostLimiter, host_key
from storyline.fetch.robots import (
    MAX_ROBOTS_BYTES,
    MAX_ROBOTS_REDIRECTS,
    RobotsAnswer,
    RobotsCache,
    decode_robots,
)
from storyline.fetch.types import FetchPolicy, FetchResult, FetchStatus, HostStats, Validators

__all__ = [
    "FEED_ACCEPT",
    "FEED_TYPES",
    "PAGE_ACCEPT",
    "PAGE_TYPES",
    "Fetcher",
    "host_key",
]

#: content types worth reading as an article page
PAGE_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml", "text/plain")
#: content types a feed or sitemap arrives as (servers label them loosely: gzip'd sitemaps
#: come as octet-stream, RSS as text/plain)
FEED_TYPES: tuple[str, ...] = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-gzip",
    "application/gzip",
    "application/octet-stream",
    "text/plain",
)
#: Accept headers for the two kinds of fetch (pages are the default)
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1"
)
_ROBOTS_ACCEPT = "text/plain,*/*;q=0.1"
#: we decode gzip/deflate ourselves (bounded output per step), so advertise only those
_ACCEPT_ENCODING = "gzip, deflate"

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_SCHEMES = ("http", "https")
_GZIP = ("gzip", "x-gzip")
_DEFLATE = ("deflate",)


# -- the total deadline per attempt ------------------------------------------------------------
#
# httpx's read timeout restarts with every byte received, so a server sending one byte a second
# never trips it. The deadline of the attempt running on this thread is kept here, and the
# network backend below shortens every socket timeout to the time left, which also covers the
# headers (before httpx hands us anything to check). When a caller supplies its own transport,
# only the between-chunks check in ``Fetcher._read_body`` applies.

_deadline = threading.local()


@contextmanager
def _deadline_scope(at: float) -> Iterator[None]:
    _deadline.at = at
    try:
        yield
    finally:
        _deadline.at = None


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of this thread's deadline (raising once it is
    spent)."""
    at = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the fetch deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every wait stops at the attempt's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with deadline-aware connects and streams."""

    def __init__(self, inner: httpcore.NetworkBackend, *, public_only: bool = False) -> None:
        self._inner = inner
        self._public_only = public_only

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _clamp(timeout, httpcore.ConnectTimeout)
        if self._public_only:
            # connect to the address that was vetted, not to a second DNS answer
            addresses = public_addresses(host, port)
            if not addresses:
                raise httpcore.ConnectError(f"{host} is not a public address")
            host = addresses[0]
        inner = self._inner.connect_tcp(host, port, wait, local_address, socket_options)
        return _DeadlineStream(inner)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def public_addresses(host: str, port: int = 80) -> list[str]:
    """The host's addresses when every one of them is public (globally routable), else ``[]``.

    All must be public: a name that resolves to one public and one private address could be
    steered to the private one.
    """
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    found: list[str] = []
    for info in infos:
        address = str(info[4][0])
        ip = ipaddress.ip_address(address.split("%")[0])
        mapped = getattr(ip, "ipv4_mapped", None) or ip
        if not mapped.is_global:
            return []
        found.append(address)
    return found


def _deadline_transport(*, public_only: bool = False) -> httpx.HTTPTransport:
    """httpx's own transport with the deadline backend slipped under its connection pool.

    httpx offers no public way to pass a network backend, so this reaches one attribute deep;
    if a future httpx/httpcore moves it, the transport is used as is and the deadline is
    enforced between body chunks only.
    """
    transport = httpx.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = _DeadlineBackend(  # type: ignore[union-attr]
            backend, public_only=public_only
        )
    return transport


# -- one attempt's outcome -----------------------------------------------------------------


class _Stopped(Exception):
    """The caller gave up (``fetch_many`` closed early): abandon this fetch quietly."""


class _TooLarge(Exception):
    """The body counted past the cap while streaming."""


class _DeadlinePassed(Exception):
    """The attempt's total deadline passed between two body chunks."""


@dataclass
class _Attempt:
    """What one request produced: a final answer, a redirect to follow, or a failure that a
    retry may cure."""

    status: FetchStatus
    message: str
    http_status: int | None = None
    content: bytes | None = None
    content_type: str | None = None
    validators: Validators = field(default_factory=Validators)
    location: str | None = None  # a redirect to follow (status is then meaningless)
    retryable: bool = False
    retry_after: float | None = None  # seconds the server asked us to wait


@dataclass(frozen=True)
class _Job:
    """One ``fetch`` call's fixed inputs, carried through redirects and retries."""

    url: str
    headers: dict[str, str]
    allowed_types: tuple[str, ...] | None
    stop: threading.Event | None


class _Inflater:
    """gzip/deflate decoding with bounded output per step.

    httpx's decoder inflates a whole network chunk at once, and 64 KB of gzip bomb inflates to
    64 MB; here each step produces at most one byte more than the room left under the cap.
    """

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding in _DEFLATE
        wbits = zlib.MAX_WBITS if self._deflate else 16 + zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode ``data``, stopping after ``room + 1`` bytes (one more than fits shows the
        body is too large; the rest is never inflated)."""
        if not data:
            return b""
        try:
            out = self._zlib.decompress(data, room + 1)
        except zlib.error:
            if not self._deflate or self._started:
                raise
            # many servers send raw deflate (no zlib header) under "deflate"
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, room + 1)
        self._started = True
        return out

    def flush(self) -> bytes:
        return self._zlib.flush()


# -- small helpers -------------------------------------------------------------------------


def _body_source(response: httpx.Response) -> tuple[Iterator[bytes], _Inflater | None]:
    """Where the body's bytes come from and who decodes them: gzip/deflate by us (bounded),
    identity as is, other encodings by httpx; a body some transport already read into memory
    (``httpx.MockTransport``) comes decoded from httpx."""
    if response.is_stream_consumed:
        return response.iter_bytes(), None
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in _GZIP + _DEFLATE:
        return response.iter_raw(), _Inflater(encoding)
    if encoding in ("", "identity"):
        return response.iter_raw(), None
    return response.iter_bytes(), None


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _reason(status: int) -> str:
    phrase = httpx.codes.get_reason_phrase(status)
    return f"HTTP {status} {phrase}" if phrase else f"HTTP {status}"


def _mime(content_type: str | None) -> str:
    """The main type of a Content-Type header, parameters dropped: ``text/html``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _content_length(headers: httpx.Headers) -> int | None:
    try:
        length = int(headers.get("content-length", ""))
    except ValueError:
        return None
    return length if length >= 0 else None


def _validators(headers: httpx.Headers) -> Validators:
    return Validators(etag=headers.get("etag"), last_modified=headers.get("last-modified"))


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for: delta-seconds or an HTTP date (past dates
    mean 0); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _refused_type(mime: str, allowed: tuple[str, ...]) -> str:
    if allowed == PAGE_TYPES:
        wanted = "a news page"
    elif allowed == FEED_TYPES:
        wanted = "a feed or sitemap"
    else:
        wanted = "one of " + ", ".join(allowed)
    return f"content type {mime} is not {wanted}"


def _resolve(base: str, location: str) -> str | None:
    """The absolute URL a Location header points to, fragment dropped and host/port
    normalised so a loop is recognised however it is spelled; None when unusable."""
    try:
        target = httpx.URL(urljoin(base, location.strip())).copy_with(fragment=None)
    except (httpx.InvalidURL, ValueError):
        return None
    return str(target)


def _ended(
    url: str,
    final_url: str,
    attempts: int,
    status: FetchStatus,
    message: str,
    http_status: int | None = None,
) -> FetchResult:
    """A result with no body: a refusal or a redirect chain that went wrong."""
    return FetchResult(url, status, final_url, http_status, attempts=attempts, message=message)


def _offer(results: queue.Queue[Any], item: Any, stop: threading.Event) -> bool:
    """Put ``item`` in the bounded result queue, waiting for room unless the run is stopped."""
    while not stop.is_set():
        try:
            results.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _pause(seconds: float, stop: threading.Event | None) -> None:
    if seconds <= 0:
        return
    if stop is None:
        time.sleep(seconds)
    elif stop.wait(seconds):
        raise _Stopped


_DONE = object()  # a fetch_many worker has no more hosts to do


@dataclass
class _Crash:
    """A bug inside a fetch_many worker, carried to the consuming thread to be raised there."""

    error: BaseException


# -- the fetcher ---------------------------------------------------------------------------


class Fetcher(Closing):
    """Fetches pages and feeds politely, one shared HTTP client for every thread.

    Use as a context manager (or call ``close``) so connections are released. ``fetch`` may be
    called from several threads at once; ``fetch_many`` runs its own threads. A ``transport``
    (e.g. ``httpx.MockTransport`` in tests) replaces the network; the total deadline per
    attempt is then only checked between body chunks.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        p = self.policy
        self._deadline = p.total_timeout or (p.connect_timeout + 3 * p.read_timeout)
        self._client = httpx.Client(
            transport=transport or _deadline_transport(public_only=p.public_only),
            timeout=httpx.Timeout(
                connect=p.connect_timeout,
                read=p.read_timeout,
                write=p.read_timeout,
                pool=p.connect_timeout + p.read_timeout,
            ),
            follow_redirects=False,
            headers={"User-Agent": p.user_agent, "Accept-Encoding": _ACCEPT_ENCODING},
        )
        self._limiter = HostLimiter(p.per_host_delay)
        self._counters = HostCounters()
        self._robots = RobotsCache(self._download_robots, ttl=p.robots_ttl)

    # -- public API -------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        accept: str | None = None,
        allowed_types: tuple[str, ...] | None = None,
    ) -> FetchResult:
        """Fetch one URL, following redirects, retrying what may pass; never raises for
        network or HTTP trouble (see ``FetchResult.status``)."""
        return self._fetch(url, validators, accept, allowed_types, None)

    def fetch_many(
        self,
        jobs: Iterable[tuple[str, Validators | None]],
        *,
        concurrency: int = 4,
        accept: str | None = None,
        allowed_types: tuple[str, ...] | None = None,
    ) -> Iterator[FetchResult]:
        """Fetch many URLs, up to ``concurrency`` hosts at once, yielding each result as soon
        as it is ready.

        Each host's URLs are fetched in job order by one thread, so the per-host delay is kept
        by plain waiting. Results from different hosts come in completion order. Workers stay
        at most about ``2 * concurrency`` results ahead of the caller, so memory stays flat
        however many URLs there are (the job list itself, URLs only, is read up front to group
        it by host). Closing the iterator early (``break`` out of a ``for`` loop over it, or
        ``close()`` when it is kept in a variable: ``contextlib.closing`` helps) stops the
        workers: no new request starts, and one in flight is abandoned at its next chunk.
        A bug inside a worker is raised here, in the caller's thread.
        """
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency}")
        groups: dict[str, list[tuple[str, Validators | None]]] = {}
        for url, validators in jobs:
            groups.setdefault(host_key(url), []).append((url, validators))
        return self._run_many(list(groups.values()), concurrency, accept, allowed_types)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch ``url`` (always True when the policy does not
        respect robots.txt; False for URLs that are not http/https)."""
        if _scheme(url) not in _SCHEMES or not host_key(url):
            return False
        if not self.policy.respect_robots:
            return True
        return self._robots.check(url, None).allowed

    def host_stats(self) -> dict[str, HostStats]:
        """Copies of the per-host counters gathered so far, keyed by ``host_key``."""
        return self._counters.snapshot()

    def close(self) -> None:
        """Close the shared HTTP client and its connections."""
        self._client.close()

    # -- one URL ----------------------------------------------------------------------------

    def _fetch(
        self,
        url: str,
        validators: Validators | None,
        accept: str | None,
        allowed_types: tuple[str, ...] | None,
        stop: threading.Event | None,
    ) -> FetchResult:
        started = time.monotonic()
        job = _Job(url, self._headers(validators, accept), allowed_types, stop)
        result = self._follow(job)
        result.elapsed = time.monotonic() - started
        result.fetched_at = _now_iso()
        self._record(result)
        return result

    @staticmethod
    def _headers(validators: Validators | None, accept: str | None) -> dict[str, str]:
        headers = {"Accept": accept or PAGE_ACCEPT}
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        return headers

    def _follow(self, job: _Job) -> FetchResult:
        """Walk the redirect chain by hand so that every hop passes the scheme check,
        robots.txt and its own host's rate limit."""
        current, attempts = job.url, 0
        visited = {_resolve(job.url, job.url) or job.url}
        for _hop in range(self.policy.max_redirects + 1):
            refusal = self._refusal(current, job.stop)
            if refusal is not None:
                return _ended(job.url, current, attempts, *refusal)
            outcome, tries = self._with_retries(current, job)
            attempts += tries
            if outcome.location is None:
                return self._result(job.url, current, outcome, attempts)
            target = _resolve(current, outcome.location)
            code = outcome.http_status
            if target is None:
                message = f"{_reason(code or 0)} to an invalid Location"
                return _ended(job.url, current, attempts, "http_error", message, code)
            if target in visited:
                message = f"redirect loop: {target} was already visited"
                return _ended(job.url, target, attempts, "redirect_loop", message, code)
            visited.add(target)
            current = target
        message = f"more than {self.policy.max_redirects} redirects"
        return _ended(job.url, current, attempts, "redirect_loop", message)

    def _refusal(self, url: str, stop: threading.Event | None) -> tuple[FetchStatus, str] | None:
        """Why ``url`` must not be requested at all, or None when it may be."""
        scheme = _scheme(url)
        if scheme not in _SCHEMES:
            return "unsupported", f"unsupported URL scheme {scheme!r}" if scheme else "not a URL"
        if not host_key(url):
            return "unsupported", "URL has no host"
        if self.policy.public_only:
            host = httpx.URL(url).host
            if not public_addresses(host):
                return "unsupported", f"{host} is not a public address (refused on a server)"
        if not self.policy.respect_robots:
            return None
        verdict = self._robots.check(url, stop)
        if not verdict.allowed:
            return "robots", verdict.reason
        delay = self._robots.crawl_delay(url)
        if delay is not None:  # the site asks for more patience than our default
            self._limiter.slow_down(host_key(url), min(delay, self.policy.max_wait))
        return None

    def _with_retries(self, url: str, job: _Job) -> tuple[_Attempt, int]:
        """Request ``url`` until it gives a lasting answer or the retries run out."""
        host = host_key(url)
        tries = self.policy.retries + 1
        outcome: _Attempt | None = None
        for n in range(tries):
            if outcome is not None:
                _pause(self._retry_wait(outcome, n - 1), job.stop)
            self._knock(host, job.stop)
            outcome = self._attempt(url, job.headers, job.allowed_types, job.stop)
            if not outcome.retryable:
                return outcome, n + 1
        assert outcome is not None
        if tries > 1:
            outcome.message += f" after {tries} attempts"
        return outcome, tries

    def _retry_wait(self, outcome: _Attempt, retry: int) -> float:
        """Backoff before retry number ``retry`` (0-based): the server's Retry-After if it gave
        one, else ``backoff * 2**retry``; either capped at ``max_wait``."""
        wait = outcome.retry_after
        if wait is None:
            wait = self.policy.backoff * 2**retry
        return min(wait, self.policy.max_wait)

    def _knock(self, host: str, stop: threading.Event | None) -> None:
        """Wait for the host's next free slot and count the request about to be made."""
        if not self._limiter.wait(host, stop):
            raise _Stopped
        self._counters.count_request(host)

    def _result(self, url: str, final_url: str, outcome: _Attempt, attempts: int) -> FetchResult:
        return FetchResult(
            url=url,
            status=outcome.status,
            final_url=final_url,
            http_status=outcome.http_status,
            content=outcome.content if outcome.status == "ok" else None,
            content_type=outcome.content_type,
            validators=outcome.validators,
            attempts=attempts,
            message=outcome.message,
        )

    def _record(self, result: FetchResult) -> None:
        host = host_key(result.final_url or result.url)
        if not host or result.status == "robots":
            return
        if result.ok:
            self._counters.record_ok(host, result.fetched_at)
        elif result.attempts:  # a URL refused before any request is not the host's fault
            self._counters.record_failure(host, result.message, result.fetched_at)

    # -- one request ------------------------------------------------------------------------

    def _attempt(
        self,
        url: str,
        headers: dict[str, str],
        allowed_types: tuple[str, ...] | None,
        stop: threading.Event | None,
        *,
        cap: int | None = None,
        truncate: bool = False,
    ) -> _Attempt:
        """One GET, streamed, turned into an ``_Attempt`` whatever happens on the wire."""
        limit = self.policy.max_bytes if cap is None else cap
        deadline = time.monotonic() + self._deadline
        try:
            with (
                _deadline_scope(deadline),
                self._client.stream("GET", url, headers=headers) as response,
            ):
                return self._answer(response, allowed_types, limit, deadline, stop, truncate)
        except (httpx.TimeoutException, _DeadlinePassed) as exc:
            return _Attempt("timeout", self._timeout_message(exc, deadline), retryable=True)
        except httpx.UnsupportedProtocol as exc:
            return _Attempt("unsupported", _one_line(str(exc)))
        except httpx.TransportError as exc:
            message = f"network error: {_one_line(str(exc)) or type(exc).__name__}"
            return _Attempt("network", message, retryable=True)
        except (httpx.DecodingError, zlib.error) as exc:
            return _Attempt("network", f"undecodable body: {_one_line(str(exc))}")
        except httpx.InvalidURL as exc:
            return _Attempt("unsupported", f"invalid URL: {_one_line(str(exc))}")

    def _timeout_message(self, exc: Exception, deadline: float) -> str:
        p = self.policy
        if time.monotonic() >= deadline - 0.01 or isinstance(exc, _DeadlinePassed):
            return f"no complete response within {self._deadline:g} s"
        if isinstance(exc, httpx.ConnectTimeout):
            return f"connect timed out after {p.connect_timeout:g} s"
        if isinstance(exc, httpx.PoolTimeout):
            return "timed out waiting for a free connection"
        return f"no data for {p.read_timeout:g} s"

    def _answer(
        self,
        response: httpx.Response,
        allowed_types: tuple[str, ...] | None,
        cap: int,
        deadline: float,
        stop: threading.Event | None,
        truncate: bool,
    ) -> _Attempt:
        """Judge a response from its status and headers, reading the body only when it is
        wanted, of an accepted type and not declared too large."""
        code = response.status_code
        head = {
            "http_status": code,
            "content_type": response.headers.get("content-type"),
            "validators": _validators(response.headers),
        }
        if code in REDIRECT_CODES and response.headers.get("location"):
            return _Attempt("ok", _reason(code), location=response.headers["location"], **head)
        if code == 304:
            return _Attempt(
                "not_modified", "HTTP 304 Not Modified: the stored copy is current", **head
            )
        if not 200 <= code < 300:
            return self._http_error(response, head)
        mime = _mime(head["content_type"])
        if allowed_types and mime and mime not in allowed_types:
            return _Attempt("unsupported", _refused_type(mime, allowed_types), **head)
        declared = _content_length(response.headers)
        if declared is not None and declared > cap and not truncate:
            message = f"Content-Length {declared:,} is over the {cap:,}-byte cap"
            return _Attempt("too_large", message, **head)
        try:
            body = self._read_body(response, cap, deadline, stop, truncate)
        except _TooLarge:
            return _Attempt("too_large", f"body passed the {cap:,}-byte cap", **head)
        return _Attempt("ok", f"{_reason(code)}, {len(body):,} bytes", content=body, **head)

    @staticmethod
    def _http_error(response: httpx.Response, head: dict[str, Any]) -> _Attempt:
        code = response.status_code
        message = _reason(code)
        if code in REDIRECT_CODES or 300 <= code < 400:
            message += " without a usable Location"
        return _Attempt(
            "http_error",
            message,
            retryable=code == 429 or code >= 500,
            retry_after=retry_after_seconds(response.headers.get("retry-after")),
            **head,
        )

    @staticmethod
    def _read_body(
        response: httpx.Response,
        cap: int,
        deadline: float,
        stop: threading.Event | None,
        truncate: bool,
    ) -> bytes:
        """Stream the body, counting decoded bytes; raise ``_TooLarge`` as soon as the count
        passes ``cap`` (or, with ``truncate``, return the first ``cap`` bytes)."""
        chunks, inflater = _body_source(response)
        body = bytearray()
        for chunk in chunks:
            body += inflater.feed(chunk, cap - len(body)) if inflater else chunk
            if len(body) > cap:
                if truncate:
                    return bytes(body[:cap])
                raise _TooLarge
            if stop is not None and stop.is_set():
                raise _Stopped
            if time.monotonic() > deadline:
                raise _DeadlinePassed
        if inflater is not None:
            body += inflater.flush()
            if len(body) > cap and not truncate:
                raise _TooLarge
        return bytes(body) if len(body) <= cap else bytes(memoryview(body)[:cap])

    # -- robots.txt -------------------------------------------------------------------------

    def _download_robots(self, url: str, stop: threading.Event | None) -> RobotsAnswer:
        """Fetch a robots.txt through the same client, rate limit and counters as pages,
        following up to five redirects; retries are left to the cache's short failure TTL."""
        headers = {"Accept": _ROBOTS_ACCEPT}
        outcome: _Attempt | None = None
        for _hop in range(MAX_ROBOTS_REDIRECTS + 1):
            self._knock(host_key(url), stop)
            outcome = self._attempt(url, headers, None, stop, cap=MAX_ROBOTS_BYTES, truncate=True)
            if outcome.location is None:
                break
            target = _resolve(url, outcome.location)
            if target is None or _scheme(target) not in _SCHEMES:
                break  # a redirect we cannot follow: robots.txt "unavailable"
            url = target
        assert outcome is not None
        if outcome.status == "ok" and outcome.location is None:
            return RobotsAnswer(outcome.http_status, decode_robots(outcome.content or b""))
        return RobotsAnswer(outcome.http_status, error=outcome.message)

    # -- many URLs --------------------------------------------------------------------------

    def _run_many(
        self,
        groups: list[list[tuple[str, Validators | None]]],
        concurrency: int,
        accept: str | None,
        allowed_types: tuple[str, ...] | None,
    ) -> Iterator[FetchResult]:
        pending: queue.SimpleQueue[list[tuple[str, Validators | None]]] = queue.SimpleQueue()
        for group in groups:
            pending.put(group)
        # workers block once this is full: with one result in each worker's hand, at most
        # 2 * concurrency results exist that the caller has not taken yet
        results: queue.Queue[Any] = queue.Queue(maxsize=concurrency)
        stop = threading.Event()
        workers = [
            threading.Thread(
                target=self._work,
                args=(pending, results, stop, accept, allowed_types),
                name=f"storyline-fetch-{i}",
                daemon=True,
            )
            for i in range(min(concurrency, len(groups)))
        ]
        for worker in workers:
            worker.start()
        try:
            live = len(workers)
            while live:
                item = results.get()
                if item is _DONE:
                    live -= 1
                elif isinstance(item, _Crash):
                    raise item.error
                else:
                    yield item
        finally:
            stop.set()
            self._wind_down(workers, results)

    @staticmethod
    def _wind_down(workers: list[threading.Thread], results: queue.Queue[Any]) -> None:
        """Let stopped workers finish: unblock them and wait briefly. A worker stuck in a
        request exits by itself when that request ends (it is a daemon and starts nothing
        new)."""
        while True:
            try:
                results.get_nowait()
            except queue.Empty:
                break
        give_up = time.monotonic() + 2.0
        for worker in workers:
            worker.join(max(0.0, give_up - time.monotonic()))

    def _work(
        self,
        pending: queue.SimpleQueue[list[tuple[str, Validators | None]]],
        results: queue.Queue[Any],
        stop: threading.Event,
        accept: str | None,
        allowed_types: tuple[str, ...] | None,
    ) -> None:
        """A worker: take a host's whole job list, fetch it in order, take the next host."""
        try:
            while not stop.is_set():
                try:
                    group = pending.get_nowait()
                except queue.Empty:
                    return
                for url, validators in group:
                    if stop.is_set():
                        return
                    result = self._fetch(url, validators, accept, allowed_types, stop)
                    if not _offer(results, result, stop):
                        return
        except _Stopped:
            return
        except BaseException as exc:  # a bug: hand it to the caller's thread
            if not stop.is_set():
                _offer(results, _Crash(exc), stop)
        finally:
            _offer(results, _DONE, stop)
