"""The fetcher against a real (local) web server: politeness, patience and self-defence.

Every test talks to ``httpsite.LocalSite`` on loopback addresses only. Timeouts and backoffs
are shrunk so the whole file runs in seconds.
"""

from __future__ import annotations

import gzip
import itertools
import re
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from httpsite import LocalSite, Page

from storyline.fetch import FetchPolicy, Validators, host_key
from storyline.fetch.hosts import HostLimiter
from storyline.fetch.http import FEED_TYPES, PAGE_TYPES, Fetcher, retry_after_seconds
from storyline.fetch.robots import MAX_ROBOTS_BYTES

FAST = FetchPolicy(
    connect_timeout=0.5,
    read_timeout=0.5,
    total_timeout=1.5,
    retries=2,
    backoff=0.05,
    max_wait=2.0,
    max_bytes=1_000_000,
    per_host_delay=0.0,
)
MB = 1_000_000
HTML = "<html><head><title>News</title></head><body><p>Something happened.</p></body></html>"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as f:
        yield f


def make(**changes: object) -> Fetcher:
    return Fetcher(replace(FAST, **changes))  # type: ignore[arg-type]


# -- plain fetches -------------------------------------------------------------------------


def test_ok_page(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/news", HTML)
    result = fetcher.fetch(site.url("/news"))
    assert result.status == "ok" and result.ok
    assert result.content == HTML.encode()
    assert result.http_status == 200 and result.attempts == 1
    assert result.content_type == "text/html; charset=utf-8"
    assert result.final_url == site.url("/news")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", result.fetched_at)
    assert 0 < result.elapsed < 1
    assert site.paths() == ["/robots.txt", "/news"]
    sent = site.requests[-1].headers
    assert sent["user-agent"] == FAST.user_agent
    assert sent["accept"].startswith("text/html")
    stats = fetcher.host_stats()[host_key(site.url())]
    assert stats.requests == 2 and stats.failures == 0 and stats.last_ok == result.fetched_at


def test_transport_can_be_injected() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, text="hi", headers={"Content-Type": "text/plain"})

    with Fetcher(FAST, transport=httpx.MockTransport(answer)) as fetcher:
        result = fetcher.fetch("https://news.example/a", allowed_types=PAGE_TYPES)
    assert result.status == "ok" and result.content == b"hi"


def test_404_is_not_retried(site: LocalSite, fetcher: Fetcher) -> None:
    result = fetcher.fetch(site.url("/missing"))
    assert result.status == "http_error" and result.http_status == 404
    assert result.attempts == 1 and site.count("/missing") == 1
    assert result.message == "HTTP 404 Not Found"
    assert result.content is None


def test_500_is_retried_then_reported(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/broken", "oops", status=500)
    result = fetcher.fetch(site.url("/broken"))
    assert result.status == "http_error" and result.http_status == 500
    assert result.attempts == FAST.retries + 1 == site.count("/broken")
    assert result.message == "HTTP 500 Internal Server Error after 3 attempts"
    stats = fetcher.host_stats()[host_key(site.url())]
    assert stats.requests == 4  # robots.txt + 3 attempts
    assert stats.failures == 1 and stats.last_error == result.message
    assert stats.last_error_at == result.fetched_at and stats.last_ok is None


def test_429_is_retried(site: LocalSite, fetcher: Fetcher) -> None:
    site.sequence("/busy", Page(status=429), Page(HTML.encode()))
    result = fetcher.fetch(site.url("/busy"))
    assert result.status == "ok" and result.attempts == 2


def test_503_retry_after_is_honoured(site: LocalSite, fetcher: Fetcher) -> None:
    site.sequence("/later", Page(status=503, headers={"Retry-After": "1"}), Page(b"<p>back</p>"))
    result = fetcher.fetch(site.url("/later"))
    assert result.status == "ok" and result.content == b"<p>back</p>" and result.attempts == 2
    first, second = site.times("/later")
    assert second - first >= 0.95  # the server's 1 s, not our 0.05 s backoff


def test_retry_after_is_capped_by_max_wait(site: LocalSite) -> None:
    site.add("/down", "", status=503, headers={"Retry-After": "3600"})
    with make(max_wait=0.1) as fetcher:
        result = fetcher.fetch(site.url("/down"))
    assert result.status == "http_error" and result.attempts == 3
    assert result.elapsed < 2


def test_retry_after_values() -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), True), now=now) == 30
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), True), now=now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


# -- timeouts and network trouble ----------------------------------------------------------


def test_slow_server_times_out(site: LocalSite) -> None:
    site.slow("/slow", HTML, delay=2.0)
    with make(read_timeout=0.2, retries=1) as fetcher:
        result = fetcher.fetch(site.url("/slow"))
    assert result.status == "timeout" and result.attempts == 2
    assert result.message == "no data for 0.2 s after 2 attempts"
    assert result.elapsed < 1.5


def test_trickling_body_hits_the_deadline(site: LocalSite) -> None:
    # one byte every 0.1 s never trips the 0.5 s read timeout; the 1 s deadline stops it
    site.trickle("/drip", "x" * 500, interval=0.1)
    with make(total_timeout=1.0, retries=0) as fetcher:
        result = fetcher.fetch(site.url("/drip"))
    assert result.status == "timeout" and result.attempts == 1
    assert result.message == "no complete response within 1 s"
    assert 0.9 < result.elapsed < 1.8
    assert site.bytes_sent("/drip") < 30


def test_trickling_headers_hit_the_deadline(site: LocalSite) -> None:
    def drip_headers(handler: object) -> None:
        wfile = handler.wfile  # type: ignore[attr-defined]
        wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(50):
            wfile.write(b"a")
            wfile.flush()
            time.sleep(0.1)

    site.add_handler("/headers", drip_headers)
    with make(total_timeout=1.0, retries=0) as fetcher:
        result = fetcher.fetch(site.url("/headers"))
    assert result.status == "timeout"
    assert result.elapsed < 1.8


def test_refused_connection_is_a_network_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with make(respect_robots=False) as fetcher:
        result = fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert result.status == "network" and result.attempts == 3
    assert result.message.startswith("network error:") and "after 3 attempts" in result.message
    assert "\n" not in result.message
    assert fetcher.host_stats()[f"127.0.0.1:{port}"].failures == 1


# -- redirects -----------------------------------------------------------------------------


def test_redirect_chain(site: LocalSite, fetcher: Fetcher) -> None:
    site.redirect("/a", "/b", status=301)
    site.redirect("/b", "c")  # relative to /b
    site.add("/c", HTML)
    result = fetcher.fetch(site.url("/a"))
    assert result.status == "ok" and result.content == HTML.encode()
    assert result.final_url == site.url("/c") and result.url == site.url("/a")
    assert result.attempts == 3
    assert site.paths() == ["/robots.txt", "/a", "/b", "/c"]


def test_redirect_loop_back_to_the_start_spelled_differently(
    site: LocalSite, fetcher: Fetcher
) -> None:
    site.redirect("/start", f"HTTP://LOCALHOST:{site.port}/start".replace("LOCALHOST", site.host))
    result = fetcher.fetch(site.url("/start"))
    assert result.status == "redirect_loop" and site.count("/start") == 1


def test_redirect_loop(site: LocalSite, fetcher: Fetcher) -> None:
    site.redirect("/x", "/y")
    site.redirect("/y", site.url("/x#again"))
    result = fetcher.fetch(site.url("/x"))
    assert result.status == "redirect_loop" and "loop" in result.message
    assert site.count("/x") == 1 and site.count("/y") == 1


def test_too_many_redirects(site: LocalSite) -> None:
    for i in range(9):
        site.redirect(f"/r{i}", f"/r{i + 1}")
    with make(max_redirects=3) as fetcher:
        result = fetcher.fetch(site.url("/r0"))
    assert result.status == "redirect_loop" and result.message == "more than 3 redirects"
    assert "/r4" not in site.paths() and site.count("/r3") == 1


def test_redirect_to_a_forbidden_path_is_not_followed(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private\n", content_type="text/plain")
    site.redirect("/go", "/private/page")
    site.add("/private/page", HTML)
    result = fetcher.fetch(site.url("/go"))
    assert result.status == "robots" and result.final_url == site.url("/private/page")
    assert "forbids /private/page" in result.message
    assert "/private/page" not in site.paths()


def test_redirect_to_another_host_checks_its_robots(
    site: LocalSite, other: LocalSite, fetcher: Fetcher
) -> None:
    other.add("/robots.txt", "User-agent: *\nDisallow: /secret\n", content_type="text/plain")
    other.add("/secret", HTML)
    site.redirect("/go", other.url("/secret"))
    result = fetcher.fetch(site.url("/go"))
    assert result.status == "robots"
    assert other.paths() == ["/robots.txt"]
    # the redirect itself was a success for the first host; the refusal counts for nobody
    assert fetcher.host_stats()[host_key(other.url())].failures == 0


def test_redirect_to_another_scheme_is_unsupported(site: LocalSite, fetcher: Fetcher) -> None:
    site.redirect("/ftp", "ftp://files.example/x")
    result = fetcher.fetch(site.url("/ftp"))
    assert result.status == "unsupported" and "'ftp'" in result.message


# -- robots.txt ----------------------------------------------------------------------------


def test_robots_forbids_a_path_others_are_fetched(site: LocalSite, fetcher: Fetcher) -> None:
    site.add(
        "/robots.txt",
        "User-agent: otherbot\nDisallow: /\n\nUser-agent: storyline\nDisallow: /private\n",
        content_type="text/plain",
    )
    site.add("/private", HTML)
    site.add("/public", HTML)
    assert fetcher.fetch(site.url("/private")).status == "robots"
    assert fetcher.fetch(site.url("/public")).status == "ok"
    assert not fetcher.allowed(site.url("/private?x=1"))
    assert fetcher.allowed(site.url("/public"))
    assert site.paths() == ["/robots.txt", "/public"]  # robots.txt read once, cached


def test_robots_star_group_applies_to_us(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    result = fetcher.fetch(site.url("/anything"))
    assert result.status == "robots" and result.attempts == 0
    assert site.paths() == ["/robots.txt"]


def test_robots_404_allows_everything(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/page", HTML)
    assert fetcher.allowed(site.url("/page"))
    assert fetcher.fetch(site.url("/page")).status == "ok"


def test_robots_500_disallows_for_now(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/robots.txt", "", status=500)
    site.add("/page", HTML)
    first = fetcher.fetch(site.url("/page"))
    second = fetcher.fetch(site.url("/other"))
    assert first.status == second.status == "robots"
    assert "robots.txt" in first.message and "unreachable" in first.message
    assert site.paths() == ["/robots.txt"]  # the failure is remembered, not re-asked per page


def test_robots_unreachable_host(site: LocalSite) -> None:
    site.slow("/robots.txt", "", delay=2.0)
    with make(read_timeout=0.2) as fetcher:
        result = fetcher.fetch(site.url("/page"))
    assert result.status == "robots" and "unreachable" in result.message
    assert "/page" not in site.paths()


def test_robots_body_is_read_up_to_the_cap(site: LocalSite, fetcher: Fetcher) -> None:
    padding = "# filler\n" * (MAX_ROBOTS_BYTES // 9 + 10)
    site.add(
        "/robots.txt",
        "User-agent: *\nDisallow: /early\n" + padding + "Disallow: /late\n",
        content_type="text/plain",
    )
    assert not fetcher.allowed(site.url("/early"))
    assert fetcher.allowed(site.url("/late"))  # past 500 KiB: ignored


def test_robots_crawl_delay_slows_us_down(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    site.add("/a", HTML)
    site.add("/b", HTML)
    fetcher.fetch(site.url("/a"))
    fetcher.fetch(site.url("/b"))
    assert site.times("/b")[0] - site.times("/a")[0] >= 0.95


def test_robots_can_be_ignored_by_policy(site: LocalSite) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    site.add("/page", HTML)
    with make(respect_robots=False) as fetcher:
        assert fetcher.fetch(site.url("/page")).status == "ok"
    assert site.paths() == ["/page"]


# -- size caps -----------------------------------------------------------------------------


@pytest.mark.parametrize("declare_length", [True, False])
def test_huge_page_is_abandoned(site: LocalSite, fetcher: Fetcher, declare_length: bool) -> None:
    site.big("/huge", 50 * MB, declare_length=declare_length)
    tracemalloc.start()
    try:
        result = fetcher.fetch(site.url("/huge"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.status == "too_large" and result.content is None
    assert "1,000,000" in result.message
    assert result.attempts == 1  # too large is final, not retried
    assert peak < 10 * MB
    time.sleep(0.2)  # let the server notice the hang-up
    assert site.bytes_sent("/huge") < 20 * MB


def test_gzip_bomb_is_capped_on_decoded_size(site: LocalSite, fetcher: Fetcher) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    bomb = b"".join(packer.compress(block) for _ in range(50)) + packer.flush()
    assert len(bomb) < FAST.max_bytes  # small on the wire, 50 MB once inflated
    site.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    del block
    tracemalloc.start()
    try:
        result = fetcher.fetch(site.url("/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.status == "too_large" and "cap" in result.message
    assert peak < 10 * MB


def test_gzip_and_deflate_bodies_are_decoded(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/gz", HTML, gzip=True)
    site.add("/zlib", zlib.compress(HTML.encode()), headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    site.add(
        "/raw", raw.compress(HTML.encode()) + raw.flush(), headers={"Content-Encoding": "deflate"}
    )
    for path in ("/gz", "/zlib", "/raw"):
        result = fetcher.fetch(site.url(path))
        assert result.status == "ok" and result.content == HTML.encode(), path
    assert site.requests[-1].headers["accept-encoding"] == "gzip, deflate"


def test_corrupt_gzip_is_reported(site: LocalSite, fetcher: Fetcher) -> None:
    site.add(
        "/bad",
        gzip.compress(b"x" * 1000)[:20] + b"garbage" * 10,
        headers={"Content-Encoding": "gzip"},
    )
    result = fetcher.fetch(site.url("/bad"))
    assert result.status == "network" and "undecodable" in result.message


# -- conditional requests ------------------------------------------------------------------


def test_conditional_request_with_etag(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/feed", "<rss>1</rss>", etag='"v1"')
    first = fetcher.fetch(site.url("/feed"))
    assert first.status == "ok" and first.validators.etag == '"v1"'
    again = fetcher.fetch(site.url("/feed"), validators=first.validators)
    assert again.status == "not_modified" and again.ok and again.content is None
    assert again.http_status == 304
    assert site.requests[-1].headers["if-none-match"] == '"v1"'
    site.replace("/feed", "<rss>2</rss>", etag='"v2"')
    changed = fetcher.fetch(site.url("/feed"), validators=first.validators)
    assert changed.status == "ok" and changed.content == b"<rss>2</rss>"
    assert changed.validators.etag == '"v2"'


def test_conditional_request_with_last_modified(site: LocalSite, fetcher: Fetcher) -> None:
    stamp = "Thu, 03 Dec 2026 12:00:00 GMT"
    site.add("/page", HTML, last_modified=stamp)
    first = fetcher.fetch(site.url("/page"))
    assert first.validators == Validators(etag=None, last_modified=stamp)
    again = fetcher.fetch(site.url("/page"), validators=first.validators)
    assert again.status == "not_modified"
    assert site.requests[-1].headers["if-modified-since"] == stamp
    assert "if-none-match" not in site.requests[-1].headers


# -- what we do not read -------------------------------------------------------------------


def test_content_type_refused_before_the_body(site: LocalSite, fetcher: Fetcher) -> None:
    site.big("/photo", 50 * MB, content_type="image/png")
    result = fetcher.fetch(site.url("/photo"), allowed_types=PAGE_TYPES)
    assert result.status == "unsupported" and result.content is None
    assert result.message == "content type image/png is not a news page"
    assert result.content_type == "image/png"
    time.sleep(0.2)
    assert site.bytes_sent("/photo") < 20 * MB


def test_content_types_for_feeds(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/feed", "<rss/>", content_type="application/rss+xml; charset=utf-8")
    site.add("/untyped", "<rss/>", content_type=None)
    assert fetcher.fetch(site.url("/feed"), allowed_types=FEED_TYPES).status == "ok"
    assert fetcher.fetch(site.url("/untyped"), allowed_types=FEED_TYPES).status == "ok"
    refused = fetcher.fetch(site.url("/feed"), allowed_types=PAGE_TYPES)
    assert refused.status == "unsupported"
    assert fetcher.fetch(site.url("/feed")).status == "ok"  # no gate by default


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/x", "mailto:news@example.com", "file:///etc/passwd", "not a url", ""],
)
def test_non_http_urls_are_unsupported(fetcher: Fetcher, url: str) -> None:
    result = fetcher.fetch(url)
    assert result.status == "unsupported" and result.attempts == 0 and result.message
    assert not fetcher.allowed(url)
    assert fetcher.host_stats() == {}


# -- per-host politeness -------------------------------------------------------------------


def test_per_host_delay(site: LocalSite, other: LocalSite) -> None:
    for s in (site, other):
        s.add("/a", HTML)
        s.add("/b", HTML)
    with make(per_host_delay=0.4, respect_robots=False) as fetcher:
        fetcher.fetch(site.url("/a"))
        started = time.monotonic()
        fetcher.fetch(other.url("/a"))  # another host: not held back by the first
        assert time.monotonic() - started < 0.3
        fetcher.fetch(site.url("/b"))
    assert site.times("/b")[0] - site.times("/a")[0] >= 0.39


def test_limiter_spaces_threads_without_holding_other_hosts() -> None:
    limiter = HostLimiter(0.1)
    starts: list[float] = []
    lock = threading.Lock()

    def knock() -> None:
        limiter.wait("busy.example")
        with lock:
            starts.append(time.monotonic())

    threads = [threading.Thread(target=knock) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    began = time.monotonic()
    limiter.wait("quiet.example")
    assert time.monotonic() - began < 0.08
    for t in threads:
        t.join()
    starts.sort()
    assert all(b - a >= 0.09 for a, b in itertools.pairwise(starts))
    stop = threading.Event()
    stop.set()
    assert not limiter.wait("busy.example", stop)


# -- many URLs -----------------------------------------------------------------------------


def test_fetch_many_keeps_each_hosts_order(site: LocalSite, other: LocalSite) -> None:
    jobs = []
    for i in range(5):
        site.add(f"/p{i}", f"p{i}")
        other.add(f"/q{i}", f"q{i}")
        jobs += [(site.url(f"/p{i}"), None), (other.url(f"/q{i}"), None)]
    with make(per_host_delay=0.02) as fetcher:
        results = list(fetcher.fetch_many(jobs, concurrency=2))
    assert sorted(r.url for r in results) == sorted(url for url, _ in jobs)
    assert all(r.status == "ok" for r in results)
    for s in (site, other):
        mine = [r.url for r in results if r.url.startswith(s.origin)]
        assert mine == [url for url, _ in jobs if url.startswith(s.origin)]
        assert s.paths()[1:] == [url.removeprefix(s.origin) for url in mine]


def test_fetch_many_passes_validators(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/feed", "<rss/>", etag='"e"')
    results = list(fetcher.fetch_many([(site.url("/feed"), Validators(etag='"e"'))]))
    assert [r.status for r in results] == ["not_modified"]


def test_fetch_many_stops_when_closed_early(site: LocalSite, other: LocalSite) -> None:
    jobs = []
    for i in range(20):
        jobs += [(site.url(f"/{i}"), None), (other.url(f"/{i}"), None)]
    with make(per_host_delay=0.05) as fetcher:
        results = fetcher.fetch_many(jobs, concurrency=2)
        taken = [next(results) for _ in range(3)]
        results.close()
        seen = len(site.requests) + len(other.requests)
        time.sleep(0.3)
        assert len(site.requests) + len(other.requests) == seen
    assert len(taken) == 3 and seen < 20
    alive = [t for t in threading.enumerate() if t.name.startswith("storyline-fetch")]
    assert alive == []


def test_fetch_many_does_not_run_ahead_of_the_caller() -> None:
    with LocalSite() as a, LocalSite() as b:  # same address, different ports: two hosts
        jobs = [(s.url(f"/{i}"), None) for i in range(40) for s in (a, b)]
        with make(respect_robots=False) as fetcher:
            results = fetcher.fetch_many(jobs, concurrency=2)
            next(results)
            time.sleep(0.3)  # a slow caller: the workers must wait for it
            assert len(a.requests) + len(b.requests) <= 1 + 2 * 2 + 2
            rest = list(results)
    assert len(rest) == 79


def test_fetch_many_raises_a_workers_bug(site: LocalSite, fetcher: Fetcher) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("bug in a worker")

    fetcher._fetch = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="bug in a worker"):
        list(fetcher.fetch_many([(site.url("/a"), None)]))


def test_fetch_many_rejects_bad_concurrency(fetcher: Fetcher) -> None:
    with pytest.raises(ValueError):
        fetcher.fetch_many([], concurrency=0)
    assert list(fetcher.fetch_many([])) == []


# -- host keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://Example.COM/news?id=1", "example.com"),
        ("http://example.com:80/", "example.com"),
        ("https://example.com:443/x", "example.com"),
        ("http://example.com:443/", "example.com:443"),
        ("https://example.com:8443/", "example.com:8443"),
        ("http://127.0.0.1:8123/a", "127.0.0.1:8123"),
        ("http://user:pw@News.example/", "news.example"),
        ("http://[::1]:8080/", "[::1]:8080"),
        ("mailto:news@example.com", ""),
        ("not a url", ""),
        ("http://example.com:99999999/", ""),
    ],
)
def test_host_key(url: str, key: str) -> None:
    assert host_key(url) == key
