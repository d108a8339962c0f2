"""Find the RSS/Atom feeds a web page advertises, so ``feeds add https://outlet/`` works.

Pages announce their feeds with ``<link rel="alternate" type="application/rss+xml" href>``
in the head. Homepages are often broken HTML, so this uses libxml2's forgiving HTML parser
(through lxml) rather than patterns over the text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})


def feed_links(html: str, base_url: str) -> list[str]:
    """The feed URLs a page advertises: absolute, http(s), in page order, each once.

    Relative hrefs resolve against the page's ``<base href>`` when it has one, else against
    ``base_url`` (where the page was fetched), as a browser would.
    """
    from lxml import etree  # imported here: callers may never need it
    from lxml import html as lxml_html

    if not html.strip():
        return []
    parser = lxml_html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
    try:
        # bytes, so a page that still carries an <?xml encoding=...?> line parses too
        doc = lxml_html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    base = _page_base(doc, base_url)
    found: list[str] = []
    for link in doc.iter("link"):
        url = _feed_href(link, base)
        if url is not None and url not in found:
            found.append(url)
    return found


def _page_base(doc: Any, base_url: str) -> str:
    for base in doc.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return urljoin(base_url, href)
    return base_url


def _feed_href(link: Any, base: str) -> str | None:
    """The absolute URL of a ``<link>`` that announces an RSS or Atom feed, else None."""
    rel = (link.get("rel") or "").lower().split()
    media = (link.get("type") or "").split(";")[0].strip().lower()
    href = "".join((link.get("href") or "").split())
    if "alternate" not in rel or media not in FEED_TYPES or not href:
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
