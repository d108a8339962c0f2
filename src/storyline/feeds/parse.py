"""Parse RSS, Atom and (news) sitemaps into :class:`~storyline.feeds.types.FeedItem` values.

The kind is decided from the bytes, never from the URL or the Content-Type: outlets serve
feeds as ``text/html``, sitemaps as ``.php`` and homepages at ``/feed``. RSS and Atom go
through feedparser (it knows two decades of broken feeds); sitemaps through lxml with a
parser that resolves no entities and opens no network connection.

Everything here is a pure function of the bytes given: nothing is fetched, and a document
that could make a parser fetch, expand entities without bound or inflate a gzip bomb is
refused before a parser sees it.
"""

from __future__ import annotations

import re
import xml.sax
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from storyline.errors import InputError
from storyline.feeds.types import FeedItem, FeedKind, ParsedFeed

#: Largest body a gzip-compressed sitemap may inflate to (the sitemap protocol allows 50 MB).
MAX_DECOMPRESSED = 50 * 1024 * 1024
#: Items kept per document (the sitemap protocol allows 50,000 URLs per file).
MAX_ITEMS = 50_000
#: Longest summary kept, in characters: enough to show, not a copy of the article.
MAX_SUMMARY = 1000
#: Dates before this are epoch or placeholder bugs (no news site predates it).
EARLIEST_DATE = date(1990, 1, 1)
#: How far in the future a date may lie: time zones plus clock skew, not scheduled posts.
FUTURE_SLACK = timedelta(days=2)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

_GZIP_MAGIC = b"\x1f\x8b"
#: How much of a body is searched for the root element: real prologs are a few hundred bytes,
#: and a bound keeps a hostile one from costing more than this.
_SNIFF_BYTES = 1024 * 1024
_INFLATE_CHUNK = 1024 * 1024


class FeedError(InputError):
    """A body holds no usable feed or sitemap: HTML, empty, unknown XML, or hopelessly broken."""


# --- sniffing: what the bytes are ---------------------------------------------------------

# What may precede the root element: whitespace, the XML declaration and other processing
# instructions, comments, and a DOCTYPE (with an internal subset, whose quoted strings and
# comments may contain ``]`` and ``>``). Each alternative starts differently and a comment
# cannot run past its ``-->``, so a hostile prolog cannot make the pattern backtrack
# exponentially.
_PROLOG_TOKEN = re.compile(
    rb"""\s+
    | <\?.*?\?>
    | <!--(?:[^-]|-(?!-))*-->
    | <!DOCTYPE(?:[^\[>"']|"[^"]*"|'[^']*')*
        (?:\[(?:<!--(?:[^-]|-(?!-))*-->|<(?!!--)|"[^"]*"|'[^']*'|[^\]"'<])*\]\s*)?>""",
    re.DOTALL | re.IGNORECASE | re.VERBOSE,
)
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[\w.\-]+)?)")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_HTML_DOCTYPE = re.compile(rb"<!DOCTYPE\s+html", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']""")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# what an HTML page (or a fragment of one) starts with; no feed or sitemap root is among them
_HTML_ROOTS = frozenset(
    {"html", "head", "body", "meta", "link", "script", "style", "title", "div", "p", "noscript"}
)
_ROOT_KINDS: dict[str, FeedKind] = {
    "rss": "rss",
    "rdf": "rss",  # RSS 0.90 and 1.0 are RDF documents
    "feed": "atom",
    "urlset": "sitemap",
    "sitemapindex": "sitemap_index",
}


@dataclass(frozen=True)
class _Sniff:
    """The root element's name (None when no element was found) and what the prolog holds."""

    root: str | None
    has_entities: bool
    html_doctype: bool
    declares_encoding: bool
    #: feedparser inserts an XML declaration line where there is none, shifting its line numbers
    has_declaration: bool


def _ascii_view(body: bytes) -> bytes:
    """The body's head in an ASCII-compatible encoding, so byte patterns can find the markup.

    UTF-16 documents (rare, but valid XML) are transcoded for sniffing only; the parsers get
    the original bytes and read the BOM themselves.
    """
    head = body[:_SNIFF_BYTES]
    if head.startswith(_UTF16_BOMS) or head[:2] in (b"<\x00", b"\x00<"):
        encoding = "utf-16" if head.startswith(_UTF16_BOMS) else _utf16_variant(head)
        return head.decode(encoding, errors="replace").encode("utf-8")
    return head.removeprefix(b"\xef\xbb\xbf")


def _utf16_variant(body: bytes) -> str:
    return "utf-16-le" if body[:1] == b"<" else "utf-16-be"


def _sniff(body: bytes) -> _Sniff:
    """Walk the prolog to the root element, noting what a parser would be asked to do."""
    view = _ascii_view(body)
    pos, has_entities, html_doctype = 0, False, False
    while match := _PROLOG_TOKEN.match(view, pos):
        token = match.group()
        has_entities = has_entities or bool(_ENTITY_DECL.search(token))
        html_doctype = html_doctype or bool(_HTML_DOCTYPE.match(token))
        pos = match.end()
    root = _ROOT_TAG.match(view, pos)
    name = root.group(1).decode("ascii", errors="replace") if root else None
    declares = body.startswith((*_UTF16_BOMS, b"\xef\xbb\xbf")) or bool(_XML_ENCODING.match(view))
    return _Sniff(name, has_entities, html_doctype, declares, view.startswith(b"<?xml"))


def _local(name: str) -> str:
    """``rdf:RDF`` -> ``rdf``: the root's local name, lower-cased for comparison."""
    return name.rsplit(":", 1)[-1].lower()


def _kind(sniff: _Sniff, body: bytes, content_type: str | None, url: str) -> FeedKind:
    """The document kind, or a FeedError that says what the body is instead."""
    if sniff.has_entities:
        # Entity expansion is how "billion laughs" documents exhaust memory; expat and
        # libxml2 have limits, but no real feed needs its own entities, so none are parsed.
        raise FeedError("feeds with entity declarations are refused", url)
    local = _local(sniff.root) if sniff.root else None
    if local in _ROOT_KINDS:
        return _ROOT_KINDS[local]
    if sniff.html_doctype or local in _HTML_ROOTS or _is_html_type(content_type):
        raise FeedError("this is an HTML page, not a feed or sitemap", url)
    if local is not None:
        raise FeedError(
            f"XML with root element <{sniff.root}> is neither a feed nor a sitemap", url
        )
    if body.lstrip()[:1] in (b"{", b"["):
        raise FeedError("this is JSON, not an RSS/Atom feed or a sitemap", url)
    raise FeedError("not XML: no feed or sitemap element found", url)


def _is_html_type(content_type: str | None) -> bool:
    return bool(content_type) and content_type.split(";")[0].strip().lower() in (
        "text/html",
        "application/xhtml+xml",
    )


# --- gzip -------------------------------------------------------------------------------


def _gunzip(body: bytes, url: str, warnings: list[str]) -> bytes:
    """Inflate a gzip body in bounded steps, refusing it once it passes MAX_DECOMPRESSED.

    Stream-decompressing with ``max_length`` means a bomb costs at most the cap in memory,
    never its full inflated size.
    """
    out = bytearray()
    inflater = zlib.decompressobj(wbits=31)
    pending = body
    try:
        while pending:
            out += inflater.decompress(
                pending, min(_INFLATE_CHUNK, MAX_DECOMPRESSED + 1 - len(out))
            )
            _check_size(out, url)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                # concatenated gzip members are one valid stream; anything else is trailing junk
                pending = inflater.unused_data if inflater.unused_data[:2] == _GZIP_MAGIC else b""
                inflater = zlib.decompressobj(wbits=31) if pending else inflater
        out += inflater.flush()
    except zlib.error as exc:
        raise FeedError(f"corrupt gzip body ({exc})", url) from None
    _check_size(out, url)
    if not inflater.eof:
        warnings.append("gzip body is truncated: parsed what could be inflated")
    return bytes(out)


def _check_size(out: bytearray, url: str) -> None:
    if len(out) > MAX_DECOMPRESSED:
        raise FeedError(f"decompressed sitemap is over {MAX_DECOMPRESSED // (1024 * 1024)} MB", url)


# --- values: dates, languages, text, URLs -------------------------------------------------

_DATE_PREFIX = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
_TAG_LIKE = re.compile(r"</?[A-Za-z][^<>]*>|<!--")
# ISO 639-2 codes feeds use where ISO 639-1 is meant (``<language>deu</language>``)
_ISO639_2 = {
    "deu": "de",
    "ger": "de",
    "eng": "en",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "ita": "it",
    "nld": "nl",
    "dut": "nl",
    "por": "pt",
    "pol": "pl",
    "rus": "ru",
    "ukr": "uk",
    "tur": "tr",
    "ara": "ar",
    "zho": "zh",
    "chi": "zh",
    "jpn": "ja",
}


def _sane(day: date | None) -> str | None:
    """The ISO day, or None for placeholder and far-future dates that would misplace events."""
    if day is None or day < EARLIEST_DATE:
        return None
    if day > (datetime.now(UTC) + FUTURE_SLACK).date():
        return None
    return day.isoformat()


def _day_as_written(raw: str | None) -> date | None:
    """The calendar day in the feed's own time zone.

    A story published at 00:30 +0100 belongs to that day in its outlet's world, not to the
    previous day in UTC, which is what feedparser's ``*_parsed`` values would give.
    """
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    # ISO 8601 first: it is strict, while the RFC 822 parser guesses at anything
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            return parse(raw).date()
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
    match = _DATE_PREFIX.match(raw)  # W3C dates with odd tails, e.g. "2024-03-05 10:00 MEZ"
    if match:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            return None
    return None


def _feed_date(entry: Any) -> str | None:
    """``published`` then ``updated``: first the day as written, then feedparser's UTC day."""
    for name in ("published", "updated"):
        # dict.get: FeedParserDict would answer "updated" with "published" (and warn)
        day = _sane(_day_as_written(dict.get(entry, name)))
        if day is None:
            day = _sane(_utc_day(dict.get(entry, f"{name}_parsed")))
        if day is not None:
            return day
    return None


def _utc_day(parsed: Any) -> date | None:
    """The day of a feedparser ``*_parsed`` value (a UTC ``struct_time``), if it is one."""
    try:
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    except (AttributeError, TypeError, ValueError):
        return None


def normalise_language(value: str | None) -> str | None:
    """``de-DE``, ``de_DE``, ``DE``, ``deu`` -> ``de``; None when it names no language."""
    if not value:
        return None
    primary = re.split(r"[-_\s]", value.strip(), maxsplit=1)[0].lower()
    if len(primary) == 2 and primary.isascii() and primary.isalpha():
        return primary
    return _ISO639_2.get(primary)


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment: tags dropped, entities decoded."""

    _SKIP = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _strip_tags(value: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(value)
    extractor.close()
    return "".join(extractor.parts)


def plain_text(value: str | None, limit: int | None = None) -> str | None:
    """Text without markup, whitespace collapsed, cut at a word boundary when over ``limit``.

    Feeds put HTML (sometimes escaped twice) into titles and descriptions; storyline stores and
    shows these as text, so any markup left here would surface verbatim in the UI.
    """
    if not value:
        return None
    text = _strip_tags(value)
    if _TAG_LIKE.search(text):  # escaped twice: "&amp;lt;b&amp;gt;" arrives as "<b>"
        text = _strip_tags(text)
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        cut = text[: limit - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    return text or None


def _http_url(value: str | None, base: str) -> str | None:
    """``value`` made absolute against ``base``, if it is an http(s) URL with a host."""
    if not value:
        return None
    value = "".join(value.split())  # URLs carry no whitespace; sitemaps wrap <loc> freely
    try:
        absolute = urljoin(base, value)
        parts = urlsplit(absolute)
    except ValueError:  # e.g. an invalid IPv6 host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return absolute


# --- collecting items: duplicates, non-http links, the cap ----------------------------------


@dataclass
class _Collector:
    """Keeps items in document order, dropping duplicates and counting what it dropped."""

    items: list[FeedItem] = field(default_factory=list)
    duplicates: int = 0
    unlinked: int = 0
    capped: bool = False
    _keys: set[str] = field(default_factory=set)
    _urls: set[str] = field(default_factory=set)

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_ITEMS

    def add(self, item: FeedItem | None) -> None:
        """Add an item (None: one without a usable URL)."""
        if item is None:
            self.unlinked += 1
        elif item.key in self._keys or item.url in self._urls:
            self.duplicates += 1
        elif self.full:
            self.capped = True
        else:
            self.items.append(item)
            self._keys.add(item.key)
            self._urls.add(item.url)

    def finish(self, feed: ParsedFeed) -> ParsedFeed:
        """Move the items and one warning per kind of drop into ``feed``."""
        feed.items, feed.duplicates = self.items, self.duplicates
        if self.unlinked:
            feed.warnings.append(f"{_count(self.unlinked, 'item')} without an http(s) URL dropped")
        if self.duplicates:
            feed.warnings.append(f"{_count(self.duplicates, 'duplicate item')} dropped")
        if self.capped:
            feed.warnings.append(f"more than {MAX_ITEMS} items: only the first {MAX_ITEMS} kept")
        return feed


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _collect(feed: ParsedFeed, items: Iterable[FeedItem | None]) -> ParsedFeed:
    collector = _Collector()
    for item in items:
        collector.add(item)
        if collector.capped:
            break
    return collector.finish(feed)


# --- RSS and Atom -------------------------------------------------------------------------


def _feedparser_content_type(content_type: str | None, sniff: _Sniff) -> str:
    """What to tell feedparser about the body's media type and charset.

    Always an XML type, so feedparser neither flags a ``text/html`` label nor applies RFC
    3023's us-ascii default for ``text/xml``. The document's own declaration (BOM or XML
    prologue) wins over the HTTP charset: it travels with the bytes, while server charsets
    are often a default that was never true for the file.
    """
    if not sniff.declares_encoding and content_type:
        match = re.search(r"charset\s*=\s*[\"']?([\w.:\-]+)", content_type, re.IGNORECASE)
        if match:
            return f"application/xml; charset={match.group(1)}"
    return "application/xml"


def _parse_syndication(
    body: bytes,
    url: str,
    kind: FeedKind,
    sniff: _Sniff,
    content_type: str | None,
    warnings: list[str],
) -> ParsedFeed:
    import feedparser  # imported here: only RSS/Atom need it

    # bytes, never a URL or path: given a string, feedparser would fetch or open it
    result = feedparser.parse(
        body,
        response_headers={
            "content-location": url,
            "content-type": _feedparser_content_type(content_type, sniff),
        },
    )
    channel = result.get("feed", {})
    feed_language = normalise_language(channel.get("language"))
    feed = ParsedFeed(
        kind=kind,
        title=plain_text(channel.get("title")),
        language=feed_language,
        warnings=warnings,
    )
    entries = result.get("entries", [])
    feed = _collect(feed, (_entry_item(e, url, feed_language) for e in entries))
    problem = _bozo_problem(result, warnings, 0 if sniff.has_declaration else 1)
    _report_recovery(problem, len(feed.items), url, warnings)
    return feed


def _report_recovery(problem: str | None, found: int, url: str, warnings: list[str]) -> None:
    """Warn that XML was malformed but gave items, or fail if it gave none.

    Counted after dropping unusable items: a recovered item without a URL is not recovered.
    """
    if problem is None:
        return
    if not found:
        raise FeedError(f"malformed XML ({problem}) and no items could be recovered", url)
    warnings.insert(0, f"malformed XML ({problem}): {_count(found, 'item')} recovered")


def _bozo_problem(result: Any, warnings: list[str], line_offset: int) -> str | None:
    """What made the XML malformed ("mismatched tag at line 7"), or None if it parsed.

    feedparser also flags notes that cost nothing (a charset the bytes contradicted); those
    become warnings, not malformed XML.
    """
    from feedparser.exceptions import ThingsNobodyCaresAboutButMe

    exc = result.get("bozo_exception") if result.get("bozo") else None
    if exc is None:
        return None
    if isinstance(exc, ThingsNobodyCaresAboutButMe):
        warnings.append(f"encoding: {exc}")
        return None
    if isinstance(exc, xml.sax.SAXParseException):
        return f"{exc.getMessage()} at line {max(1, exc.getLineNumber() - line_offset)}"
    return str(exc) or type(exc).__name__  # e.g. an undeclared namespace prefix


def _entry_link(entry: Any, base: str) -> str | None:
    """The article URL: ``link``, an alternate link, or a permalink guid, made absolute."""
    candidates = [entry.get("link")]
    candidates += [
        link.get("href")
        for link in entry.get("links", [])
        if link.get("rel", "alternate") == "alternate"
    ]
    if entry.get("guidislink"):
        candidates.append(entry.get("id"))
    for candidate in candidates:
        url = _http_url(candidate, base)
        if url is not None:
            return url
    return None


def _entry_item(entry: Any, base: str, feed_language: str | None) -> FeedItem | None:
    url = _entry_link(entry, base)
    if url is None:
        return None
    summary = entry.get("summary") or next(
        (c.get("value") for c in entry.get("content", []) if c.get("value")), None
    )
    language = normalise_language(
        entry.get("language") or entry.get("title_detail", {}).get("language")
    )
    guid = entry.get("id")
    return FeedItem(
        url=url,
        guid=guid.strip() if isinstance(guid, str) and guid.strip() else None,
        title=plain_text(entry.get("title")),
        published=_feed_date(entry),
        language=language or feed_language,
        summary=plain_text(summary, MAX_SUMMARY),
    )


# --- sitemaps -----------------------------------------------------------------------------


def _sitemap_ns(ns: str) -> bool:
    """Sitemap elements: the 0.9 namespace, none at all, or a variant of it seen in the wild
    (https, Google's pre-standard 0.84)."""
    return ns in ("", SITEMAP_NS) or "sitemaps.org/schemas/sitemap" in ns or "/sitemap/0.84" in ns


def _news_ns(ns: str) -> bool:
    """Google News elements: their namespace, none, or an old version of it."""
    return ns in ("", NEWS_NS) or "sitemap-news" in ns


def _split(element: Any) -> tuple[str, str]:
    """``(namespace, local name)``; a prefix lxml kept because it was never declared
    (``news:title``, recovered) counts as no namespace."""
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions, entity references
        return "\0", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag.rsplit(":", 1)[-1]


def _child(element: Any, name: str, ns_ok: Any) -> Any | None:
    for child in element:
        ns, local = _split(child)
        if local == name and ns_ok(ns):
            return child
    return None


def _child_text(element: Any, name: str, ns_ok: Any) -> str | None:
    child = _child(element, name, ns_ok) if element is not None else None
    if child is None:
        return None
    text = "".join(child.itertext()).strip()
    return text or None


def _elements(root: Any, name: str) -> Iterator[Any]:
    """Every sitemap element ``name``, at any depth: recovery may nest siblings."""
    for element in root.iter():
        ns, local = _split(element)
        if local == name and _sitemap_ns(ns):
            yield element


def _url_item(element: Any, base: str) -> FeedItem | None:
    url = _http_url(_child_text(element, "loc", _sitemap_ns), base)
    if url is None:
        return None
    news = _child(element, "news", _news_ns)
    publication = _child(news, "publication", _news_ns) if news is not None else None
    published = _child_text(news, "publication_date", _news_ns)
    published = published or _child_text(element, "lastmod", _sitemap_ns)
    return FeedItem(
        url=url,
        title=plain_text(_child_text(news, "title", _news_ns)),
        published=_sane(_day_as_written(published)),
        language=normalise_language(_child_text(publication, "language", _news_ns)),
    )


def _parse_sitemap(body: bytes, url: str, warnings: list[str]) -> ParsedFeed:
    from lxml import etree  # imported here: only sitemaps need it

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"malformed XML ({exc.msg}) and no items could be recovered", url) from None
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    problem = f"{errors[0].message.strip()} at line {errors[0].line}" if errors else None
    if root is None:
        raise FeedError(f"malformed XML ({problem}) and no items could be recovered", url)
    _, local = _split(root)
    if local == "sitemapindex":
        feed = _sitemap_index(root, url, warnings)
        found = len(feed.sitemaps)
    else:
        feed = _collect(
            ParsedFeed(kind="sitemap", warnings=warnings),
            (_url_item(e, url) for e in _elements(root, "url")),
        )
        found = len(feed.items)
    _report_recovery(problem, found, url, warnings)
    return feed


def _sitemap_index(root: Any, base: str, warnings: list[str]) -> ParsedFeed:
    """A sitemap index lists sitemaps, not articles: their URLs go to ``sitemaps``."""
    feed = ParsedFeed(kind="sitemap_index", warnings=warnings)
    seen: set[str] = set()
    skipped = 0
    for element in _elements(root, "sitemap"):
        url = _http_url(_child_text(element, "loc", _sitemap_ns), base)
        if url is None:
            skipped += 1
        elif url in seen:
            feed.duplicates += 1
        elif len(feed.sitemaps) >= MAX_ITEMS:
            warnings.append(f"more than {MAX_ITEMS} sitemaps: only the first {MAX_ITEMS} kept")
            break
        else:
            seen.add(url)
            feed.sitemaps.append(url)
    if skipped:
        warnings.append(f"{_count(skipped, 'sitemap')} without an http(s) URL dropped")
    if feed.duplicates:
        warnings.append(f"{_count(feed.duplicates, 'duplicate sitemap')} dropped")
    return feed


# --- entry point --------------------------------------------------------------------------


def parse_feed(content: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse an RSS (0.9x, 1.0, 2.0) or Atom feed, a sitemap or a sitemap index.

    ``url`` is where the body came from: relative links are resolved against it (after any
    ``xml:base``) and error messages name it; it is never fetched. ``content_type`` (the HTTP
    header, if any) only supplies a charset the document does not declare itself and helps
    recognise an HTML page. A gzip body (``sitemap.xml.gz``) is inflated first.

    Raises FeedError when nothing usable is there; problems that still left items (recovered
    XML, dropped or duplicate items) are listed in ``ParsedFeed.warnings``.
    """
    warnings: list[str] = []
    body = bytes(content)
    if body[:2] == _GZIP_MAGIC:
        body = _gunzip(body, url, warnings)
    if not body.removeprefix(b"\xef\xbb\xbf").strip():
        raise FeedError("empty body", url)
    sniff = _sniff(body)
    kind = _kind(sniff, body, content_type, url)
    if kind in ("sitemap", "sitemap_index"):
        return _parse_sitemap(body, url, warnings)
    return _parse_syndication(body, url, kind, sniff, content_type, warnings)
