"""A small web site on a loopback address, for tests that need real HTTP without the internet.

Not a test module: import it from tests (``from httpsite import LocalSite, Page``)::

    with LocalSite() as site:                       # 127.0.0.1, a free port
        site.add("/news", "<html>...</html>")
        site.add("/feed.xml", rss, content_type="application/rss+xml", etag='"v1"')
        site.redirect("/old", "/news")
        site.big("/huge", 50_000_000, declare_length=False)
        fetch(site.url("/news"))
        assert site.paths() == ["/robots.txt", "/news"]

Several sites on ``127.0.0.2``, ``127.0.0.3`` ... stand for distinct hosts (Linux routes all of
127.0.0.0/8 to loopback). Every request is recorded (``site.requests``), so a test can check
that something was *not* fetched. Unknown paths answer 404. The server speaks HTTP/1.1 with
keep-alive; bodies of unknown length go out chunked.
"""

from __future__ import annotations

import gzip
import http.server
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import NamedTuple

#: a custom route: called with the request handler, writes the whole response itself
Handler = Callable[[http.server.BaseHTTPRequestHandler], None]

_CHUNK = 64 * 1024


class Request(NamedTuple):
    """One request the site received; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Page:
    """A canned response. ``etag``/``last_modified`` make the site answer conditional
    requests with 304; ``gzip`` sends the body gzip-encoded; ``delay`` waits before the
    headers (a slow server)."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


class LocalSite:
    """A threaded HTTP server on ``host`` (a loopback address) and an ephemeral port, run in a
    daemon thread between ``start()`` and ``stop()`` (or as a context manager)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._lock = threading.Lock()
        self._routes: dict[str, Page | list[Page] | Handler] = {}
        self._log: list[tuple[Request, float]] = []
        self._sent: dict[str, int] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> LocalSite:
        server = _Server((self.host, 0), _RequestHandler)
        server.site = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "the site is not started"
        return self._server.server_address[1]

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``"""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this site."""
        return self.origin + path

    # -- content ----------------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
    ) -> Page:
        """Serve a fixed response at ``path`` (the path may include a query string to match
        only that query). ``content_type=None`` sends no Content-Type header."""
        page = Page(
            _as_bytes(body),
            status,
            content_type,
            dict(headers or {}),
            delay,
            etag,
            last_modified,
            gzip,
        )
        self._route(path, page)
        return page

    def replace(
        self,
        path: str,
        body: bytes | str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Change the body served at ``path`` (a feed that gained an item), keeping its other
        settings. Pass a new ``etag``/``last_modified`` if the page had them, or conditional
        requests will still be answered 304."""
        with self._lock:
            page = self._routes[path]
            assert isinstance(page, Page), f"{path} is not a plain page"
            changes: dict[str, object] = {"body": _as_bytes(body)}
            if etag is not None:
                changes["etag"] = etag
            if last_modified is not None:
                changes["last_modified"] = last_modified
            self._routes[path] = replace(page, **changes)  # type: ignore[arg-type]

    def sequence(self, path: str, *pages: Page) -> None:
        """Serve ``pages`` one per request, in order; the last one repeats (a server that
        fails twice then recovers: ``sequence(p, Page(status=503), Page(status=503), Page(b"ok"))``)."""
        assert pages, "at least one page"
        self._route(path, list(pages))

    def add_handler(self, path: str, fn: Handler) -> None:
        """Route ``path`` to ``fn(handler)``, which writes the response itself with the
        ``BaseHTTPRequestHandler`` API. It must send Content-Length, use chunked encoding,
        or set ``handler.close_connection = True`` and close after the body."""
        self._route(path, fn)

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        """Answer ``path`` with a redirect to ``to`` (relative or absolute)."""
        self.add(path, b"", status=status, content_type=None, headers={"Location": to})

    def big(
        self,
        path: str,
        size_bytes: int,
        declare_length: bool = True,
        *,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        """Serve ``size_bytes`` of ``x`` generated chunk by chunk (never held in memory), with
        a Content-Length or, with ``declare_length=False``, chunked. ``bytes_sent(path)`` tells
        how much actually went out before the client hung up."""

        def serve(handler: http.server.BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            _length_or_chunked(handler, size_bytes if declare_length else None)
            handler.end_headers()
            block = b"x" * _CHUNK
            remaining = size_bytes
            while remaining > 0:
                data = block[: min(_CHUNK, remaining)]
                if not _write(handler, data, chunked=not declare_length):
                    return
                self._count_sent(handler.path, len(data))
                remaining -= len(data)
            _finish(handler, chunked=not declare_length)

        self.add_handler(path, serve)

    def slow(self, path: str, body: bytes | str, delay: float, **kwargs: object) -> Page:
        """A server that thinks for ``delay`` seconds before sending the headers."""
        return self.add(path, body, delay=delay, **kwargs)  # type: ignore[arg-type]

    def trickle(
        self,
        path: str,
        body: bytes | str,
        *,
        interval: float,
        chunk: int = 1,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        """Send the headers at once, then the body ``chunk`` bytes every ``interval`` seconds:
        a connection that is never idle long enough for a read timeout, yet never ends."""
        data = _as_bytes(body)

        def serve(handler: http.server.BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            _length_or_chunked(handler, len(data))
            handler.end_headers()
            for start in range(0, len(data), chunk):
                piece = data[start : start + chunk]
                if not _write(handler, piece, chunked=False):
                    return
                self._count_sent(handler.path, len(piece))
                time.sleep(interval)

        self.add_handler(path, serve)

    # -- what happened ----------------------------------------------------------------------

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return [request for request, _ in self._log]

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [request.path for request in self.requests]

    def count(self, path: str) -> int:
        """How many times ``path`` was requested."""
        return self.paths().count(path)

    def times(self, path: str | None = None) -> list[float]:
        """``time.monotonic()`` at which each request (to ``path``, or any) arrived."""
        with self._lock:
            return [at for request, at in self._log if path is None or request.path == path]

    def bytes_sent(self, path: str) -> int:
        """Body bytes written for ``path`` by the streaming routes (``big``, ``trickle``)."""
        with self._lock:
            return self._sent.get(path, 0)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._sent.clear()

    # -- internals --------------------------------------------------------------------------

    def _route(self, path: str, target: Page | list[Page] | Handler) -> None:
        with self._lock:
            self._routes[path] = target

    def _record(self, request: Request) -> None:
        with self._lock:
            self._log.append((request, time.monotonic()))

    def _count_sent(self, path: str, n: int) -> None:
        with self._lock:
            self._sent[path] = self._sent.get(path, 0) + n

    def _lookup(self, path: str) -> Page | Handler | None:
        """The route for ``path`` (exact, then without the query); a sequence yields its next
        page."""
        with self._lock:
            target = self._routes.get(path)
            if target is None:
                target = self._routes.get(path.split("?", 1)[0])
            if isinstance(target, list):
                return target.pop(0) if len(target) > 1 else target[0]
            return target


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    site: LocalSite

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-response is what several tests provoke: stay quiet."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body are separate writes: with Nagle on, keep-alive requests would wait
    # for the client's delayed ACK (~40 ms each)
    disable_nagle_algorithm = True
    timeout = 10  # idle keep-alive connections end, so their threads do too
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """No access log on the test output."""

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def _handle(self) -> None:
        site = self.server.site
        headers = {name.lower(): value for name, value in self.headers.items()}
        site._record(Request(self.command, self.path, headers))
        target = site._lookup(self.path)
        try:
            if target is None:
                self._send(Page(b"not found", status=404, content_type="text/plain"))
            elif isinstance(target, Page):
                self._send(target)
            else:
                target(self)
        except ConnectionError:
            self.close_connection = True

    def _send(self, page: Page) -> None:
        if page.delay:
            time.sleep(page.delay)
        if _not_modified(page, self.headers):
            self.send_response(304)
            self._validator_headers(page)
            self.end_headers()
            return
        body = gzip.compress(page.body) if page.gzip else page.body
        self.send_response(page.status)
        if page.content_type is not None:
            self.send_header("Content-Type", page.content_type)
        if page.gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self._validator_headers(page)
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _validator_headers(self, page: Page) -> None:
        if page.etag:
            self.send_header("ETag", page.etag)
        if page.last_modified:
            self.send_header("Last-Modified", page.last_modified)


def _not_modified(page: Page, headers: Message) -> bool:
    """RFC 9110 section 13.1: If-None-Match wins over If-Modified-Since when both are sent."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        return page.etag is not None and ("*" in tags or page.etag in tags)
    since = headers.get("If-Modified-Since")
    if since is None or page.last_modified is None:
        return False
    if since == page.last_modified:
        return True
    try:
        return parsedate_to_datetime(page.last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _length_or_chunked(handler: http.server.BaseHTTPRequestHandler, length: int | None) -> None:
    if length is None:
        handler.send_header("Transfer-Encoding", "chunked")
    else:
        handler.send_header("Content-Length", str(length))


def _write(handler: http.server.BaseHTTPRequestHandler, data: bytes, *, chunked: bool) -> bool:
    """Write (and flush) one piece of body; False once the client has gone away."""
    try:
        if chunked:
            handler.wfile.write(b"%X\r\n%s\r\n" % (len(data), data))
        else:
            handler.wfile.write(data)
        handler.wfile.flush()
    except (ConnectionError, TimeoutError):
        handler.close_connection = True
        return False
    return True


def _finish(handler: http.server.BaseHTTPRequestHandler, *, chunked: bool) -> None:
    if chunked:
        _write_raw(handler, b"0\r\n\r\n")


def _write_raw(handler: http.server.BaseHTTPRequestHandler, data: bytes) -> None:
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
    except (ConnectionError, TimeoutError):
        handler.close_connection = True
