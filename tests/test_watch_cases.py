"""Polling feeds when things go wrong: hostile hosts, broken feeds, failed pages, feed dates and a
poll interrupted half-way.

Each hostile host must end with a clear status and nothing fetched that should not be; the
request log of ``httpsite.LocalSite`` shows what was. Helpers and invented stories come from
``test_watch.py``. Only the interrupted-poll test analyses (four short articles).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from httpsite import LocalSite, Page
from test_watch import (
    FAST,
    RSS_TYPE,
    STORIES,
    Entry,
    article_of,
    cli,
    one_line,
    rss,
    serve_feed,
    serve_stories,
    story_page,
)

from storyline import api_feeds
from storyline.feeds.watch import MAX_ATTEMPTS, poll
from storyline.fetch.http import Fetcher
from storyline.store import Store, open_store

MB = 1_000_000
HTTP_500 = "HTTP 500 Internal Server Error after 2 attempts"  # FAST retries once


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "s.db")
    yield s
    s.close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as f:
        yield f


def _item(store: Store, feed_url: str, url: str) -> dict[str, Any]:
    """The feed's record of the item pointing at ``url``."""
    rows = [i for i in store.feed_items(store.feed(feed_url)["id"], limit=500) if i["url"] == url]
    assert len(rows) == 1, rows
    return rows[0]


# -- hostile hosts ---------------------------------------------------------------------------


def test_slow_hosts_time_out(store: Store, site: LocalSite, other: LocalSite) -> None:
    slow_feed = other.url("/rss.xml")
    other.slow("/rss.xml", rss(serve_stories(other, ["/x.html"])), 2.0, content_type=RSS_TYPE)
    entries = serve_stories(site, ["/fast.html"])
    site.slow("/slow.html", story_page(1), 2.0)
    feed_url = serve_feed(site, "/rss.xml", [*entries, Entry(site.url("/slow.html"))])
    store.add_feed(slow_feed)
    store.add_feed(feed_url)

    started = time.monotonic()
    report = poll(store, policy=FAST, analyse=False)
    assert time.monotonic() - started < 5

    stuck, fine = report.feeds
    assert (stuck.status, stuck.message) == ("error", "no data for 0.5 s after 2 attempts")
    assert other.count("/rss.xml") == 2 and "/x.html" not in other.paths()
    assert store.feed(slow_feed)["last_error"] == "no data for 0.5 s after 2 attempts"
    assert (fine.status, fine.stored, fine.failed) == ("ok", 1, 1)
    state = store.fetch_state(site.url("/slow.html"))
    assert state is not None and state["status"] == "timeout" and state["article_id"] is None
    item = _item(store, feed_url, site.url("/slow.html"))
    assert (item["status"], item["message"]) == ("failed", "no data for 0.5 s after 2 attempts")
    assert store.stats()["articles"] == 1


def test_failing_feed_is_recorded_and_never_stops_the_others(
    tmp_path: Path, site: LocalSite, other: LocalSite
) -> None:
    db = tmp_path / "s.db"
    site.add("/rss.xml", "<h1>Internal Server Error</h1>", status=500)
    dead = api_feeds.add_feed(site.url("/rss.xml"), name="Dead", db=db, check=False)
    good_url = serve_feed(other, "/rss.xml", serve_stories(other, ["/a.html", "/b.html"]))
    good = api_feeds.add_feed(good_url, name="Good", db=db, check=False)

    first = api_feeds.poll(db=db, policy=FAST, analyse=False)
    assert [f.status for f in first.feeds] == ["error", "ok"]
    assert first.feeds[0].message == HTTP_500 and first.feed_errors == 1
    assert site.count("/rss.xml") == 2  # retried once
    assert first.feeds[1].stored == 2 and first.to_dict()["articles"] == 2
    assert "; 1 feeds failed" in first.status_line()

    second = api_feeds.poll(db=db, policy=FAST, analyse=False)
    assert second.feeds[0].message == HTTP_500 and site.count("/rss.xml") == 4
    assert second.feeds[1].status == "ok" and second.feeds[1].new == 0
    assert other.count("/a.html") == 1 and other.count("/b.html") == 1

    code, out, err = cli("feeds", "list", "--db", str(db), "--json")
    assert code == 0, err
    listed = json.loads(out)
    rows = {f["id"]: f for f in listed["feeds"]}
    assert rows[dead["id"]]["last_error"] == HTTP_500
    assert rows[dead["id"]]["consecutive_errors"] == 2 and rows[dead["id"]]["checks"] == 2
    assert rows[dead["id"]]["last_ok"] is None and rows[dead["id"]]["articles"] == 0
    assert rows[good["id"]]["consecutive_errors"] == 0 and rows[good["id"]]["last_ok"]
    assert rows[good["id"]]["articles"] == 2
    hosts = {h["host"]: h for h in listed["hosts"]}
    failing = hosts[f"127.0.0.1:{site.port}"]
    assert failing["failures"] == 2 and failing["last_error"] == HTTP_500
    assert failing["requests"] == len(site.requests)  # robots.txt each poll, the feed twice each
    assert hosts[f"127.0.0.2:{other.port}"]["failures"] == 0

    code, out, err = cli("feeds", "list", "--db", str(db))
    assert code == 0, err
    assert "2× in a row" in one_line(out) and "hosts with failures" in out


def test_redirect_loop_is_skipped(store: Store, site: LocalSite, fetcher: Fetcher) -> None:
    site.redirect("/moved.html", "/moved-again.html")
    site.redirect("/moved-again.html", "/moved.html")
    entries = serve_stories(site, ["/fine.html"])
    feed_url = serve_feed(site, "/rss.xml", [Entry(site.url("/moved.html")), *entries])
    store.add_feed(feed_url)

    report = poll(store, fetcher=fetcher, analyse=False)
    feed = report.feeds[0]
    assert (feed.stored, feed.skipped, feed.failed) == (1, 1, 0)
    item = _item(store, feed_url, site.url("/moved.html"))
    assert item["status"] == "skipped" and item["attempts"] == 1
    assert item["message"] == f"redirect loop: {site.url('/moved.html')} was already visited"
    assert store.fetch_state(site.url("/moved.html"))["status"] == "redirect_loop"  # type: ignore[index]
    assert site.count("/moved.html") == 1 and site.count("/moved-again.html") == 1

    poll(store, fetcher=fetcher, analyse=False)  # skipped for good: not tried again
    assert site.count("/moved.html") == 1 and site.count("/rss.xml") == 2


def test_huge_pages_are_skipped_without_downloading_them(
    store: Store, site: LocalSite, fetcher: Fetcher
) -> None:
    site.big("/streamed.html", 50 * MB, declare_length=False)
    site.big("/declared.html", 50 * MB, declare_length=True)
    entries = [Entry(site.url("/streamed.html")), Entry(site.url("/declared.html"))]
    store.add_feed(serve_feed(site, "/rss.xml", [*entries, *serve_stories(site, ["/ok.html"])]))

    report = poll(store, fetcher=fetcher, analyse=False)
    feed = report.feeds[0]
    assert (feed.stored, feed.skipped, feed.failed) == (1, 2, 0)
    streamed = _item(store, site.url("/rss.xml"), site.url("/streamed.html"))
    assert (streamed["status"], streamed["message"]) == (
        "skipped",
        "body passed the 1,000,000-byte cap",
    )
    declared = _item(store, site.url("/rss.xml"), site.url("/declared.html"))
    assert (declared["status"], declared["message"]) == (
        "skipped",
        "Content-Length 50,000,000 is over the 1,000,000-byte cap",
    )
    for path in ("/streamed.html", "/declared.html"):
        assert store.fetch_state(site.url(path))["status"] == "too_large"  # type: ignore[index]
    time.sleep(0.2)  # let the server notice the hang-ups
    assert site.bytes_sent("/streamed.html") < 10 * MB
    assert site.bytes_sent("/declared.html") < 10 * MB
    assert store.stats()["articles"] == 1


MALFORMED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Kaputt</title>
<item><title>Eins</title><link>{a}</link></item>
<item><title>Zwei</title><link>{b}</link></item>
<item><title>Drei</titel><link>{c}</link></item>
</channel></rss>"""

HOPELESS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Kaputt</title>
<description>nichts</description>
<item><title>Kaputt</titel>
</channel>"""


def test_malformed_feeds(store: Store, site: LocalSite, other: LocalSite) -> None:
    a, b, c = serve_stories(site, ["/1.html", "/2.html", "/3.html"])
    site.add("/rss.xml", MALFORMED.format(a=a.url, b=b.url, c=c.url), content_type=RSS_TYPE)
    other.add("/rss.xml", HOPELESS, content_type=RSS_TYPE)
    store.add_feed(site.url("/rss.xml"))
    store.add_feed(other.url("/rss.xml"))

    report = poll(store, policy=FAST, analyse=False)
    recovered, hopeless = report.to_dict()["feeds"]
    assert recovered["status"] == "ok" and recovered["stored"] == recovered["items"] >= 2
    assert recovered["warnings"][0].startswith("malformed XML (mismatched tag at line 5): ")
    assert recovered["warnings"][0].endswith(" items recovered")
    assert site.count("/1.html") == 1 and site.count("/2.html") == 1
    assert hopeless["status"] == "error"
    assert hopeless["message"] == (
        "malformed XML (mismatched tag at line 4) and no items could be recovered"
    )
    assert store.feed(other.url("/rss.xml"))["last_error"] == hopeless["message"]
    assert store.feed(site.url("/rss.xml"))["kind"] == "rss"


def test_duplicate_items_are_fetched_once(store: Store, site: LocalSite, fetcher: Fetcher) -> None:
    a, b = serve_stories(site, ["/a.html", "/b.html"])
    doubled = [
        Entry(a.url, "A", guid="g1"),
        Entry(a.url, "A again", guid="g2"),
        Entry(b.url, "B", guid="g3"),
        Entry(b.url, "B", guid="g3"),
    ]
    first = serve_feed(site, "/rss.xml", doubled)
    second = serve_feed(site, "/top.xml", [Entry(a.url, "A on the front page")])
    store.add_feed(first)
    store.add_feed(second)

    report = poll(store, fetcher=fetcher, analyse=False)
    one, two = report.feeds
    assert (one.items, one.stored, two.stored) == (2, 2, 1)
    assert one.warnings == ["2 duplicate items dropped"]
    assert site.count("/a.html") == 1 and site.count("/b.html") == 1
    assert _item(store, first, a.url)["article_id"] == _item(store, second, a.url)["article_id"]
    assert report.ingest.counts["new"] == 2 and store.stats()["articles"] == 2

    poll(store, fetcher=fetcher, analyse=False)
    assert site.count("/a.html") == 1 and site.count("/b.html") == 1


def test_robots_forbidden_pages_are_never_requested(
    store: Store, site: LocalSite, fetcher: Fetcher
) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /intern/\n", content_type="text/plain")
    site.add("/intern/geheim.html", story_page(0))
    entries = serve_stories(site, ["/offen.html"], first=1)
    feed_url = serve_feed(site, "/rss.xml", [Entry(site.url("/intern/geheim.html")), *entries])
    hidden = serve_feed(site, "/intern/rss.xml", entries)
    store.add_feed(feed_url)
    store.add_feed(hidden)

    report = poll(store, fetcher=fetcher, analyse=False)
    feed, forbidden = report.feeds
    assert (feed.stored, feed.skipped) == (1, 1)
    item = _item(store, feed_url, site.url("/intern/geheim.html"))
    host = f"127.0.0.1:{site.port}"
    assert item["status"] == "skipped"
    assert item["message"] == f"robots.txt of {host} forbids /intern/geheim.html"
    assert (forbidden.status, forbidden.message) == (
        "error",
        f"robots.txt of {host} forbids /intern/rss.xml",
    )
    poll(store, fetcher=fetcher, analyse=False)
    assert not [r for r in site.requests if r.path.startswith("/intern/")]
    assert site.count("/robots.txt") == 1


# -- dates from the feed ---------------------------------------------------------------------


def test_feed_date_fills_in_for_a_page_without_one(
    store: Store, site: LocalSite, fetcher: Fetcher
) -> None:
    site.add("/undated.html", story_page(0))
    site.add("/dated.html", story_page(1, date="2026-11-20T09:30:00+01:00"))
    site.add("/nodate.html", story_page(2))
    pub = datetime(2026, 11, 28, 10, 15, tzinfo=UTC)
    feed_url = serve_feed(
        site,
        "/rss.xml",
        [
            Entry(site.url("/undated.html"), published=pub),
            Entry(site.url("/dated.html"), published=pub),
            Entry(site.url("/nodate.html")),
        ],
    )
    store.add_feed(feed_url)

    poll(store, fetcher=fetcher, analyse=False)
    undated = store.get(article_of(store, site.url("/undated.html")))
    assert undated.published == "2026-11-28"
    assert undated.metadata["published_from"] == "feed"
    dated = store.get(article_of(store, site.url("/dated.html")))
    assert dated.published == "2026-11-20" and "published_from" not in dated.metadata
    nodate = store.get(article_of(store, site.url("/nodate.html")))
    assert nodate.published is None and "published_from" not in nodate.metadata
    item = _item(store, feed_url, site.url("/undated.html"))
    assert item["published"] == "2026-11-28" and item["title"] == "Meldung"


# -- failed pages are retried ----------------------------------------------------------------


def test_failed_page_is_retried_on_later_polls_then_given_up(
    store: Store, site: LocalSite, fetcher: Fetcher
) -> None:
    site.add("/broken.html", "oops", status=500)
    failing = Page(b"oops", status=500)
    site.sequence("/flaky.html", failing, failing, Page(story_page(0).encode()))
    entries = [Entry(site.url("/broken.html")), Entry(site.url("/flaky.html"))]
    feed_url = serve_feed(site, "/rss.xml", entries, etag='"f1"')  # unchanged: 304 from now on
    store.add_feed(feed_url)
    broken, flaky = site.url("/broken.html"), site.url("/flaky.html")

    first = poll(store, fetcher=fetcher, analyse=False)
    assert (first.feeds[0].failed, first.feeds[0].stored) == (2, 0)
    assert _item(store, feed_url, broken)["message"] == HTTP_500
    assert site.count("/broken.html") == 2 and site.count("/flaky.html") == 2

    attempts = []
    for n in range(2, MAX_ATTEMPTS + 2):
        report = poll(store, fetcher=fetcher, analyse=False)
        assert report.feeds[0].status == "not_modified"
        attempts.append(_item(store, feed_url, broken)["attempts"])
        if n == 2:  # the flaky page answers now
            assert report.feeds[0].stored == 1 and report.to_dict()["articles"] == 1
            assert _item(store, feed_url, flaky)["status"] == "stored"
    assert attempts == [2, 3, 3]  # given up after MAX_ATTEMPTS polls
    assert site.count("/broken.html") == 2 * MAX_ATTEMPTS
    assert site.count("/flaky.html") == 3
    assert report.feeds[0].new == 0
    row = store.feed(feed_url)
    assert (row["articles"], row["failed_items"]) == (1, 1)
    assert _item(store, feed_url, broken)["status"] == "failed"


# -- an interrupted poll -----------------------------------------------------------------------


def test_interrupted_poll_resumes_without_refetching(
    store: Store, site: LocalSite, fetcher: Fetcher
) -> None:
    from storyline.analyse.analyser import ANALYSIS_VERSION

    paths = ["/1.html", "/2.html", "/3.html", "/4.html"]
    feed_url = serve_feed(site, "/rss.xml", serve_stories(site, paths, first=4))
    store.add_feed(feed_url)
    seen: list[tuple[str, str]] = []

    def stop_after_two(source: str, status: str) -> None:
        seen.append((source, status))
        if len(seen) == 2:
            raise KeyboardInterrupt

    first = poll(store, fetcher=fetcher, on_item=stop_after_two)
    assert first.interrupted
    assert [s for _, s in seen] == ["new", "new"]
    assert store.stats()["articles"] == 2

    site.clear_log()
    second = poll(store, fetcher=fetcher)
    assert not second.interrupted
    assert site.paths() == ["/rss.xml", "/3.html", "/4.html"]  # the stored pages not again
    feed = second.feeds[0]
    assert (feed.new, feed.stored) == (3, 3)  # the one stored as the poll stopped is recorded
    assert second.to_dict()["articles"] == 2
    assert store.stats()["articles"] == 4
    assert store.pending_analysis(ANALYSIS_VERSION) == []  # the interrupted one analysed too
    ids = [article_of(store, site.url(p)) for p in paths]
    assert all(store.event_of(i) for i in ids)
    assert [store.get(i).title for i in ids] == [STORIES[n][0] for n in range(4, 8)]
    assert all(_item(store, feed_url, site.url(p))["status"] == "stored" for p in paths)


SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def test_news_sitemap_index_is_followed_one_level(
    store: Store, site: LocalSite, fetcher: Fetcher
) -> None:
    """An index's child sitemaps are read (a failing child is a warning, not a failed feed)
    and their pages ingested, dated by the news sitemap (or ``lastmod``) when undated."""
    site.add("/a.html", story_page(0))
    site.add("/b.html", story_page(1))
    news = (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset {SITEMAP_NS} {NEWS_NS}>'
        f"<url><loc>{site.url('/a.html')}</loc><news:news><news:publication>"
        "<news:name>Lokalblatt</news:name><news:language>de</news:language></news:publication>"
        "<news:publication_date>2026-11-30T08:00:00+01:00</news:publication_date>"
        "<news:title>Meldung A</news:title></news:news></url></urlset>"
    )
    plain = (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset {SITEMAP_NS}>'
        f"<url><loc>{site.url('/b.html')}</loc><lastmod>2026-11-29</lastmod></url></urlset>"
    )
    site.add("/news.xml", news, content_type="application/xml")
    site.add("/plain.xml", plain, content_type="application/xml")
    site.add("/broken.xml", "kaputt", status=500, content_type="text/plain")
    index = (
        f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {SITEMAP_NS}>'
        + "".join(
            f"<sitemap><loc>{site.url(p)}</loc></sitemap>"
            for p in ("/news.xml", "/broken.xml", "/plain.xml")
        )
        + "</sitemapindex>"
    )
    site.add("/sitemap_index.xml", index, content_type="application/xml")
    store.add_feed(site.url("/sitemap_index.xml"))

    report = poll(store, fetcher=fetcher, analyse=False)
    feed = report.feeds[0]
    assert (feed.status, feed.items, feed.stored, feed.failed) == ("ok", 2, 2, 0)
    assert any("/broken.xml" in w and "HTTP 500" in w for w in feed.warnings)
    assert store.feeds()[0]["kind"] == "sitemap_index"
    a = store.get(article_of(store, site.url("/a.html")))
    assert a.published == "2026-11-30" and a.metadata["published_from"] == "feed"
    b = store.get(article_of(store, site.url("/b.html")))
    assert b.published == "2026-11-29"
