"""Feed and sitemap parsing, and feed discovery, on short documents written for these tests."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime, timedelta

import pytest

from storyline.errors import InputError
from storyline.feeds import FeedError, FeedItem, ParsedFeed, feed_links, parse_feed
from storyline.feeds import parse as parse_module
from storyline.feeds.parse import MAX_DECOMPRESSED, normalise_language, plain_text

FEED_URL = "https://www.example.org/feeds/news.xml"

RSS_LATIN1 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0">
<channel>
<title>Musterstädter Anzeiger</title>
<link>https://www.example.org/</link>
<language>de-DE</language>
<item>
  <title>Größere Brücke über die Mühlbach eröffnet</title>
  <link>/lokales/bruecke-101.html</link>
  <guid isPermaLink="false">anzeiger-101</guid>
  <pubDate>Tue, 05 Mar 2024 00:30:00 +0100</pubDate>
  <description>&lt;p&gt;Nach zwei Jahren &lt;b&gt;Bauzeit&lt;/b&gt; ist die Brücke offen &amp;amp; befahrbar.&lt;/p&gt;</description>
</item>
<item>
  <title>Stadtrat berät über Haushalt</title>
  <link>https://www.example.org/politik/haushalt-102.html</link>
  <guid>https://www.example.org/politik/haushalt-102.html</guid>
  <pubDate>Wed, 06 Mar 2024 18:00:00 +0100</pubDate>
</item>
</channel>
</rss>
""".encode("iso-8859-1")

RSS_RDF = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example.com/">
  <title>Example Evening News</title>
  <link>https://news.example.com/</link>
  <description>Short items</description>
  <dc:language>en-GB</dc:language>
</channel>
<item rdf:about="https://news.example.com/2024/harbour-reopens">
  <title>Harbour reopens after storm</title>
  <link>https://news.example.com/2024/harbour-reopens</link>
  <dc:date>2024-03-05T23:30:00-05:00</dc:date>
</item>
</rdf:RDF>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US" xml:base="https://blog.example.net/news/">
  <title type="html">Example &lt;em&gt;Wire&lt;/em&gt;</title>
  <id>urn:example:wire</id>
  <updated>2024-03-06T09:00:00Z</updated>
  <entry xml:lang="de">
    <title>Neue Buslinie startet</title>
    <id>urn:example:wire:1</id>
    <link href="2024/buslinie"/>
    <link rel="enclosure" href="audio/buslinie.mp3"/>
    <published>2024-03-05T01:00:00+02:00</published>
    <updated>2024-03-06T00:00:00Z</updated>
    <summary type="html">&lt;p&gt;Ab Montag f\xc3\xa4hrt die Linie 7.&lt;/p&gt;</summary>
  </entry>
  <entry xml:base="/archive/">
    <title>Library extends opening hours</title>
    <id>urn:example:wire:2</id>
    <link rel="alternate" type="text/html" href="library-hours"/>
    <updated>2024-03-06T08:00:00Z</updated>
    <content type="html">&lt;p&gt;The central library now opens at eight.&lt;/p&gt;</content>
  </entry>
</feed>
"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>
      https://www.example.org/wirtschaft/messe-201.html
    </loc>
    <lastmod>2024-03-01</lastmod>
    <image:image><image:loc>https://img.example.org/messe.jpg</image:loc></image:image>
    <news:news>
      <news:publication>
        <news:name>Musterst\xc3\xa4dter Anzeiger</news:name>
        <news:language>de</news:language>
      </news:publication>
      <news:publication_date>2024-03-05T00:15:00+01:00</news:publication_date>
      <news:title>Messe z\xc3\xa4hlt mehr Besucher</news:title>
    </news:news>
  </url>
  <url>
    <loc>https://www.example.org/en/fair-202.html</loc>
    <news:news>
      <news:publication><news:name>Anzeiger</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2024-03-06</news:publication_date>
      <news:title>Fair &amp; market draw crowds</news:title>
    </news:news>
  </url>
</urlset>
"""

PLAIN_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://shop.example.com/</loc><lastmod>2024-02-29T12:00:00+00:00</lastmod></url>
  <url><loc>/about</loc><lastmod>2023-12-31</lastmod><changefreq>monthly</changefreq></url>
  <url><loc>https://shop.example.com/contact</loc></url>
</urlset>
"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://www.example.org/sitemap-news.xml</loc><lastmod>2024-03-06</lastmod></sitemap>
  <sitemap><loc> /sitemap-2024-03.xml.gz </loc></sitemap>
  <sitemap><loc>https://www.example.org/sitemap-news.xml</loc></sitemap>
</sitemapindex>
"""


def _rss(items: str, channel_extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test</title>{channel_extra}
{items}
</channel></rss>""".encode()


# --- RSS, RDF, Atom -----------------------------------------------------------------------


def test_rss2_latin1_with_local_dates_and_html_stripped() -> None:
    feed = parse_feed(RSS_LATIN1, FEED_URL, "text/xml")
    assert isinstance(feed, ParsedFeed)
    assert feed.kind == "rss"
    assert feed.title == "Musterstädter Anzeiger"
    assert feed.language == "de"
    assert feed.warnings == []
    first, second = feed.items
    assert first == FeedItem(
        url="https://www.example.org/lokales/bruecke-101.html",
        guid="anzeiger-101",
        title="Größere Brücke über die Mühlbach eröffnet",
        # 00:30 +0100 is 23:30 UTC on the 4th; the outlet's own day is the 5th
        published="2024-03-05",
        language="de",
        summary="Nach zwei Jahren Bauzeit ist die Brücke offen & befahrbar.",
    )
    assert second.guid == second.url == "https://www.example.org/politik/haushalt-102.html"
    assert second.published == "2024-03-06"
    assert second.key == second.guid


def test_http_charset_does_not_override_declared_encoding() -> None:
    # the server claims UTF-8, the document (correctly) declares ISO-8859-1
    feed = parse_feed(RSS_LATIN1, FEED_URL, "application/rss+xml; charset=utf-8")
    assert feed.items[0].title == "Größere Brücke über die Mühlbach eröffnet"


def test_http_charset_used_when_document_declares_none() -> None:
    body = _rss("<item><title>Grüße</title><link>https://e.example/1</link></item>")
    body = body.decode().replace(' encoding="utf-8"', "").encode("iso-8859-1")
    feed = parse_feed(body, FEED_URL, "text/xml; charset=ISO-8859-1")
    assert feed.items[0].title == "Grüße"


def test_utf16_feed_is_recognised() -> None:
    body = _rss("<item><title>Straße</title><link>https://e.example/1</link></item>")
    body = body.decode().replace("utf-8", "utf-16").encode("utf-16")
    feed = parse_feed(body, FEED_URL)
    assert feed.kind == "rss"
    assert feed.items[0].title == "Straße"


def test_rss1_rdf_with_dc_date() -> None:
    feed = parse_feed(RSS_RDF, "https://news.example.com/index.rdf")
    assert feed.kind == "rss"
    assert feed.title == "Example Evening News"
    assert feed.language == "en"
    (item,) = feed.items
    assert item.url == "https://news.example.com/2024/harbour-reopens"
    assert item.guid == "https://news.example.com/2024/harbour-reopens"
    assert item.title == "Harbour reopens after storm"
    assert item.published == "2024-03-05"  # 04:30 UTC on the 6th, written as the 5th
    assert item.language == "en"


def test_atom_relative_links_and_xml_base() -> None:
    feed = parse_feed(ATOM, "https://blog.example.net/atom")
    assert feed.kind == "atom"
    assert feed.title == "Example Wire"
    assert feed.language == "en"
    first, second = feed.items
    assert first.url == "https://blog.example.net/news/2024/buslinie"
    assert first.guid == "urn:example:wire:1"
    assert first.language == "de"  # the entry's own xml:lang
    assert first.published == "2024-03-05"  # as written, though 23:00 UTC on the 4th
    assert first.summary == "Ab Montag fährt die Linie 7."
    assert second.url == "https://blog.example.net/archive/library-hours"
    assert second.language == "en"
    assert second.published == "2024-03-06"  # updated, as there is no published
    assert second.summary == "The central library now opens at eight."


def test_summary_is_capped_at_a_word_boundary() -> None:
    long_text = "Wort " * 400
    feed = parse_feed(
        _rss(
            f"<item><link>https://e.example/1</link><description>{long_text}</description></item>"
        ),
        FEED_URL,
    )
    summary = feed.items[0].summary
    assert summary is not None
    assert len(summary) <= 1000
    assert summary.endswith("Wort…")


# --- sitemaps -----------------------------------------------------------------------------


def test_news_sitemap() -> None:
    feed = parse_feed(NEWS_SITEMAP, "https://www.example.org/sitemap-news.xml")
    assert feed.kind == "sitemap"
    assert feed.warnings == []
    first, second = feed.items
    assert first == FeedItem(
        url="https://www.example.org/wirtschaft/messe-201.html",
        title="Messe zählt mehr Besucher",
        published="2024-03-05",  # news:publication_date wins over lastmod
        language="de",
    )
    assert first.key == first.url
    assert second.title == "Fair & market draw crowds"
    assert second.language == "en"
    assert second.published == "2024-03-06"


def test_plain_sitemap_with_lastmod() -> None:
    feed = parse_feed(PLAIN_SITEMAP, "https://shop.example.com/sitemap.xml")
    assert feed.kind == "sitemap"
    assert [(i.url, i.published) for i in feed.items] == [
        ("https://shop.example.com/", "2024-02-29"),
        ("https://shop.example.com/about", "2023-12-31"),
        ("https://shop.example.com/contact", None),
    ]
    assert all(i.title is None and i.language is None for i in feed.items)


def test_sitemap_without_namespaces() -> None:
    body = (
        b"<urlset><url><loc>https://e.example/a</loc><lastmod>2024-01-02</lastmod></url></urlset>"
    )
    feed = parse_feed(body, "https://e.example/sitemap.xml")
    assert [(i.url, i.published) for i in feed.items] == [("https://e.example/a", "2024-01-02")]
    assert feed.warnings == []


def test_sitemap_index() -> None:
    feed = parse_feed(SITEMAP_INDEX, "https://www.example.org/sitemap.xml")
    assert feed.kind == "sitemap_index"
    assert feed.items == []
    assert feed.sitemaps == [
        "https://www.example.org/sitemap-news.xml",
        "https://www.example.org/sitemap-2024-03.xml.gz",
    ]
    assert feed.duplicates == 1


def test_gzip_sitemap() -> None:
    feed = parse_feed(gzip.compress(NEWS_SITEMAP), "https://www.example.org/sitemap.xml.gz")
    assert feed.kind == "sitemap"
    assert len(feed.items) == 2


def test_gzip_bomb_is_refused_at_the_cap() -> None:
    bomb = gzip.compress(b" " * (MAX_DECOMPRESSED + 1), compresslevel=9)
    assert len(bomb) < 200_000
    started = time.monotonic()
    with pytest.raises(FeedError, match="decompressed sitemap is over 50 MB"):
        parse_feed(bomb, "https://www.example.org/sitemap.xml.gz")
    assert time.monotonic() - started < 5


def test_truncated_gzip_keeps_what_inflated() -> None:
    packed = gzip.compress(PLAIN_SITEMAP)
    feed = parse_feed(packed[: len(packed) - 12], "https://shop.example.com/sitemap.xml.gz")
    assert feed.items
    assert any(w.startswith("gzip body is truncated") for w in feed.warnings)


def test_corrupt_gzip() -> None:
    with pytest.raises(FeedError, match="corrupt gzip body"):
        parse_feed(b"\x1f\x8b\x08\x00garbagegarbage", "https://e.example/s.xml.gz")


# --- broken and wrong input ---------------------------------------------------------------


def test_malformed_feed_with_recoverable_items() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
<title>Test</title>
<item><title>One</title><link>https://e.example/1</link></item>
<item><title>Two</title><link>https://e.example/2</link></item>
<item><title>Three</titel><link>https://e.example/3</link></item>
</channel>
</rss>"""
    feed = parse_feed(body, FEED_URL)
    assert [i.title for i in feed.items[:2]] == ["One", "Two"]
    assert feed.warnings[0].startswith("malformed XML (mismatched tag at line 7): ")
    assert "items recovered" in feed.warnings[0]


def test_malformed_feed_with_no_items_is_an_error() -> None:
    body = b"""<?xml version="1.0"?>
<rss version="2.0">
<channel>
<title>Test</title>
<description>nothing yet</description>
<link>https://e.example/</link>
<item><title>Broken</titel>
</channel>"""
    with pytest.raises(
        FeedError,
        match=r"malformed XML \(mismatched tag at line 7\) and no items could be recovered",
    ):
        parse_feed(body, FEED_URL)


def test_malformed_sitemap_with_recoverable_items() -> None:
    body = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://e.example/a</loc></url>
<url><loc>https://e.example/b</loc>
<url><loc>https://e.example/c</loc></url>
</urlset>"""
    feed = parse_feed(body, "https://e.example/sitemap.xml")
    assert [i.url for i in feed.items] == [
        "https://e.example/a",
        "https://e.example/b",
        "https://e.example/c",
    ]
    assert feed.warnings[0].startswith("malformed XML (")
    assert feed.warnings[0].endswith("3 items recovered")


def test_malformed_sitemap_with_no_items_is_an_error() -> None:
    with pytest.raises(FeedError, match="no items could be recovered"):
        parse_feed(b"<urlset><url><lo", "https://e.example/sitemap.xml")


def test_undefined_html_entity_is_recovered_with_the_right_line() -> None:
    # no XML declaration: feedparser adds one, which must not shift the reported line
    body = b"""<rss version="2.0"><channel><title>T</title>
<item><title>Caf&eacute;&nbsp;Mitte</title><link>https://e.example/1</link></item>
</channel></rss>"""
    feed = parse_feed(body, FEED_URL)
    assert feed.items[0].title == "Café Mitte"
    assert feed.warnings == ["malformed XML (undefined entity at line 2): 1 item recovered"]


def test_recovered_items_without_links_do_not_count() -> None:
    body = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>T</title>
<item><title>No link</title></ttle></item>
</channel></rss>"""
    with pytest.raises(FeedError, match="no items could be recovered"):
        parse_feed(body, FEED_URL)


def test_wrong_declared_encoding_is_a_warning() -> None:
    body = _rss("<item><title>Grüße</title><link>https://e.example/1</link></item>")
    feed = parse_feed(body.decode().encode("iso-8859-1"), FEED_URL)
    assert feed.items[0].title == "Grüße"
    assert len(feed.warnings) == 1
    assert feed.warnings[0].startswith("encoding: ")


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html>\n<html><head><title>Home</title></head><body><p>Hi</p></body></html>",
        b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html><body/></html>',
        b"\n  <HTML><BODY>old page",
    ],
)
def test_html_page_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(FeedError, match="this is an HTML page, not a feed or sitemap"):
        parse_feed(body, "https://www.example.org/")


def test_html_content_type_with_unknown_markup() -> None:
    with pytest.raises(FeedError, match="HTML page"):
        parse_feed(b"<section>x</section>", "https://e.example/", "text/html; charset=utf-8")


@pytest.mark.parametrize("body", [b"", b"   \n\t ", gzip.compress(b"")])
def test_empty_body(body: bytes) -> None:
    with pytest.raises(FeedError, match="empty body"):
        parse_feed(body, FEED_URL)


def test_unknown_root_is_named() -> None:
    with pytest.raises(FeedError, match="root element <foo>") as info:
        parse_feed(b'<?xml version="1.0"?>\n<!-- a comment --><foo/>', FEED_URL)
    assert isinstance(info.value, InputError)
    assert str(info.value).startswith(FEED_URL + ": ")


def test_non_xml_bodies() -> None:
    with pytest.raises(FeedError, match="JSON"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1"}', FEED_URL)
    with pytest.raises(FeedError, match="not XML"):
        parse_feed(b"just some text", FEED_URL)


# --- items: duplicates, links, dates, languages -------------------------------------------


def test_duplicate_items_are_dropped_and_counted() -> None:
    feed = parse_feed(
        _rss(
            """
<item><title>A</title><link>https://e.example/a</link><guid isPermaLink="false">g1</guid></item>
<item><title>A again</title><link>https://e.example/a-v2</link><guid isPermaLink="false">g1</guid></item>
<item><title>B</title><link>https://e.example/b</link><guid isPermaLink="false">g2</guid></item>
<item><title>B other guid</title><link>https://e.example/b</link><guid isPermaLink="false">g3</guid></item>
"""
        ),
        FEED_URL,
    )
    assert [i.title for i in feed.items] == ["A", "B"]
    assert feed.duplicates == 2
    assert feed.warnings == ["2 duplicate items dropped"]


def test_duplicate_sitemap_urls() -> None:
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://e.example/a</loc></url><url><loc> https://e.example/a</loc></url></urlset>"""
    feed = parse_feed(body, "https://e.example/sitemap.xml")
    assert len(feed.items) == 1
    assert feed.duplicates == 1
    assert feed.warnings == ["1 duplicate item dropped"]


def test_non_http_links_are_dropped() -> None:
    feed = parse_feed(
        _rss(
            """
<item><title>Script</title><link>javascript:alert(1)</link></item>
<item><title>Mail</title><link>mailto:desk@example.org</link></item>
<item><title>Ok</title><link>https://e.example/ok</link></item>
<item><title>No link</title><description>text only</description></item>
"""
        ),
        FEED_URL,
    )
    assert [i.title for i in feed.items] == ["Ok"]
    assert feed.warnings == ["3 items without an http(s) URL dropped"]


def test_permalink_guid_is_the_url_when_there_is_no_link() -> None:
    feed = parse_feed(
        _rss("<item><title>G</title><guid>https://e.example/from-guid</guid></item>"), FEED_URL
    )
    assert feed.items[0].url == "https://e.example/from-guid"


def test_absurd_dates_become_none() -> None:
    future = (datetime.now(UTC) + timedelta(days=30)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    soon = (datetime.now(UTC) + timedelta(hours=20)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    feed = parse_feed(
        _rss(
            f"""
<item><link>https://e.example/1</link><pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate></item>
<item><link>https://e.example/2</link><pubDate>{future}</pubDate></item>
<item><link>https://e.example/3</link><pubDate>{soon}</pubDate></item>
<item><link>https://e.example/4</link><pubDate>kein Datum</pubDate></item>
"""
        ),
        FEED_URL,
    )
    published = [i.published for i in feed.items]
    assert published[:2] == [None, None]
    assert published[2] is not None
    assert published[3] is None


def test_absurd_sitemap_dates_become_none() -> None:
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://e.example/a</loc><lastmod>0001-01-01</lastmod></url>
<url><loc>https://e.example/b</loc><lastmod>2199-12-31T00:00:00Z</lastmod></url>
<url><loc>https://e.example/c</loc><lastmod>garbage</lastmod></url></urlset>"""
    feed = parse_feed(body, "https://e.example/sitemap.xml")
    assert [i.published for i in feed.items] == [None, None, None]


def test_items_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "MAX_ITEMS", 3)
    links = "".join(f"<item><link>https://e.example/{n}</link></item>" for n in range(5))
    feed = parse_feed(_rss(links), FEED_URL)
    assert [i.url for i in feed.items] == [f"https://e.example/{n}" for n in range(3)]
    assert feed.warnings == ["more than 3 items: only the first 3 kept"]
    locs = "".join(f"<sitemap><loc>https://e.example/{n}.xml</loc></sitemap>" for n in range(5))
    index = parse_feed(f"<sitemapindex>{locs}</sitemapindex>".encode(), FEED_URL)
    assert len(index.sitemaps) == 3
    assert index.warnings == ["more than 3 sitemaps: only the first 3 kept"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("de-DE", "de"), ("en_US", "en"), ("DE", "de"), ("deu", "de"), ("", None), ("x1", None)],
)
def test_normalise_language(value: str, expected: str | None) -> None:
    assert normalise_language(value) == expected


def test_plain_text_removes_all_markup() -> None:
    assert plain_text("<p>A <b>bold</b> &amp; <i>new</i> start</p>") == "A bold & new start"
    assert plain_text("&lt;em&gt;twice&lt;/em&gt; escaped") == "twice escaped"
    assert plain_text("<script>x()</script>Text") == "Text"
    assert plain_text("AT&T") == "AT&T"
    assert plain_text("  ") is None


# --- security -----------------------------------------------------------------------------


def _billion_laughs(root: bytes, one_line: bool) -> bytes:
    sep = b"" if one_line else b"\n"
    decls = [b'<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = b"&lol;" if level == 1 else b"&lol%d;" % (level - 1)
        decls.append(b'<!ENTITY lol%d "%s">' % (level, previous * 10))
    return (
        b'<?xml version="1.0"?>'
        + sep
        + b"<!DOCTYPE %s [" % root
        + sep
        + sep.join(decls)
        + sep
        + b"]>"
        + sep
        + b"<%s><title>&lol9;</title></%s>" % (root, root)
    )


@pytest.mark.parametrize("root", [b"rss", b"feed", b"urlset"])
@pytest.mark.parametrize("one_line", [True, False])
def test_billion_laughs_is_refused_quickly(root: bytes, one_line: bool) -> None:
    started = time.monotonic()
    with pytest.raises(FeedError, match="feeds with entity declarations are refused"):
        parse_feed(_billion_laughs(root, one_line), FEED_URL)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE rss [" + b"<!-- x -->" * 5000 + b"<rss/>",  # subset never closed
        b"<!DOCTYPE rss" + b" " * 200_000,
        b"<!DOCTYPE rss [<!-- a ] b --><!ELEMENT rss ANY>]>" + b" " * 2_000_000 + b"<rss/>",
    ],
)
def test_hostile_prologs_fail_fast(body: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(FeedError, match="not XML"):
        parse_feed(body, FEED_URL)
    assert time.monotonic() - started < 1


def test_external_entity_is_refused() -> None:
    body = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://e.example/&secret;</loc></url></urlset>"""
    with pytest.raises(FeedError, match="entity declarations"):
        parse_feed(body, FEED_URL)


def test_doctype_without_entities_is_fine() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Old</title><language>en-us</language>'
        b"<item><title>Item</title><link>https://e.example/old</link></item></channel></rss>"
    )
    feed = parse_feed(body, FEED_URL)
    assert feed.kind == "rss"
    assert [i.url for i in feed.items] == ["https://e.example/old"]


# --- discovery ----------------------------------------------------------------------------

HOMEPAGE = """<!DOCTYPE html>
<html lang="de"><head>
<meta charset="utf-8"><title>Musterstädter Anzeiger</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Alle Meldungen" href="/feeds/alle.xml">
<link rel="alternate" hreflang="en" href="https://www.example.org/en/">
<link rel="icon" type="application/rss+xml" href="/not-a-feed.xml">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://www.example.org/feeds/lokales.atom">
<link rel="alternate" type="application/rss+xml" href="https://www.example.org/feeds/alle.xml">
<link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
</head>
<body><div class="teaser"<p>Kaputtes <b>Markup</div>
<p>Noch ein Absatz
</body></html>
"""


def test_feed_links_finds_alternates_in_page_order() -> None:
    assert feed_links(HOMEPAGE, "https://www.example.org/") == [
        "https://www.example.org/feeds/alle.xml",
        "https://www.example.org/feeds/lokales.atom",
    ]


def test_feed_links_honours_base_href_and_odd_input() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?><html><head><base href="https://cdn.example.com/a/">'
        '<link rel="alternate" type="application/rss+xml" href="rss"></head></html>'
    )
    assert feed_links(page, "https://www.example.org/") == ["https://cdn.example.com/a/rss"]
    assert feed_links("", "https://www.example.org/") == []
    assert feed_links("<p>no head at all", "https://www.example.org/") == []
