"""The HTML cleaner: a news page -> a structured :class:`Article`.

Three sources, each used for what it is good at:

* **trafilatura** finds the main text and keeps its structure in reading order (paragraphs,
  ``<head>`` subheadings, lists, tables). It is tuned on thousands of pages; we do not try to
  beat it at "which container is the article".
* **the page's own markup** says what trafilatura throws away or cannot name: the lead
  (``class*=lead``), key-point boxes, the byline, figure captions and photo credits, and the
  metadata (Open Graph, JSON-LD, ``<time datetime>``). trafilatura often starts the body *after*
  the article header, so lead and key points are read from the markup around it.
* **the language pack's cue rules** (:mod:`storyline.clean.cues`) say what a line is, so that a
  line removed here carries the same reason as the same line removed by the plain-text cleaner.

Dates are only taken from metadata the page declares, never guessed from visible text: a footer
"© 2019" must not date an article (see :mod:`storyline.clean.dates`).

``removed`` lists the page's visible lines that did not end up in the article, each with a reason,
so a reader can audit the cleaner. It is capped at :data:`MAX_REMOVED` lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from storyline.analyse.language import detect_language
from storyline.clean import cues
from storyline.clean.dates import parse_date
from storyline.errors import InputError
from storyline.lang import get_pack
from storyline.lang.base import LanguagePack
from storyline.model import Article, Block, Document, RemovedLine, article_id, compose_text


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: At most this many removed lines are kept per article: huge pages must stay small in the store.
MAX_REMOVED = 300
#: trafilatura settings, measured with this cleaner on the 249 German evaluation pages
#: (snippet F1): balanced 0.934, favor_precision 0.92 (recall 0.95 -> 0.91 for +0.01 precision),
#: fast 0.92 for only ~15% more speed. So: balanced, full.
FAVOR_PRECISION = False
FAST = False
#: Characters of main text given to language identification: plenty for a confident answer.
LANGID_CHARS = 1500
#: Tables in news pages are mostly data (results, polls) that belong to the article.
INCLUDE_TABLES = True

# invisible formatting characters that split words for matching: soft hyphen, zero-width space,
# word joiner, BOM (ZWJ / ZWNJ stay: they matter in Persian, Hindi and emoji)
_INVISIBLE_CHARS = re.compile("[\u00ad\u200b\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9äöü]+")

# Separators between a headline and the site name in <title>: "Headline | Site", "Site - Headline"
_TITLE_SEP = re.compile(r"\s+(?:[|–—·•»:/-]|::)\s+")

#: Tags whose text is never visible.
_INVISIBLE = _words(
    "script style noscript template head title meta link svg math iframe object embed "
    "canvas video audio select textarea input"
)
#: Tags that start a new visible line.
_BLOCK_TAGS = _words(
    "address article aside blockquote body br button caption dd details dialog div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main "
    "menu nav ol p pre section summary table td th tr ul option label legend"
)
#: Elements that can hold one piece of article text (used to find the article in the page).
_TEXT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "td", "dd", "pre")

# Class / id tokens that say what a region of the page is. Exact tokens, then prefixes.
_CTX_EXACT: dict[str, str] = {
    "nav": "navigation",
    "navi": "navigation",
    "navbar": "navigation",
    "menu": "navigation",
    "menue": "navigation",
    "breadcrumb": "navigation",
    "breadcrumbs": "navigation",
    "pagination": "navigation",
    "skiplink": "navigation",
    "skiplinks": "navigation",
    "ad": "advertisement",
    "ads": "advertisement",
    "adslot": "advertisement",
    "adunit": "advertisement",
    "adcontainer": "advertisement",
    "dfp": "advertisement",
    "outbrain": "related",
    "taboola": "related",
    "gdpr": "gate",
    "cmp": "gate",
    "paywall": "gate",
}
_CTX_PREFIX: tuple[tuple[str, str], ...] = (
    ("navigation", "navigation"),
    ("breadcrumb", "navigation"),
    ("advert", "advertisement"),
    ("anzeige", "advertisement"),
    ("werbung", "advertisement"),
    ("sponsor", "advertisement"),
    ("cookie", "gate"),
    ("consent", "gate"),
    ("newsletter", "legal"),
    ("related", "related"),
    ("recommend", "related"),
    ("empfehlung", "related"),
    ("weiterlesen", "related"),
    ("share", "share"),
    ("sharing", "share"),
    ("social", "share"),
    ("comment", "share"),
    ("kommentar", "share"),
)
# a cheap superset test before the token rules: most class strings name none of these
_CTX_HINT = re.compile(
    r"nav|menu|crumb|paginat|skip|ad|anzeige|werbung|sponsor|cookie|consent|gdpr|cmp|paywall"
    r"|newsletter|relat|recommend|empfehl|weiterles|shar|social|comment|kommentar|outbrain"
    r"|taboola|dfp|header|footer|masthead",
    re.IGNORECASE,
)
_SITE_CLASS = re.compile(r"^(?:site|page|main|global|top|bottom)?[-_]?(?:header|footer|masthead)$")
_CTX_TAGS = {"nav": "navigation", "menu": "navigation", "aside": "related"}
#: Contexts inside which nothing is article furniture we look for (lead, byline, captions).
_FOREIGN = frozenset({"navigation", "related", "advertisement", "legal", "gate", "share", "site"})

_LEAD_TOKENS = ("lead", "intro", "teaser", "standfirst", "summary", "abstract", "vorspann")
_KEY_TOKENS = _words(
    "summary key keypoints keyfacts highlights highlight takeaways facts bullets "
    "kurzgefasst zusammenfassung wichtigste"
)
_BYLINE_TOKENS = ("byline", "author", "autor", "verfasser", "writer")
_CAPTION_TOKENS = ("caption", "bildunterschrift", "bildtext", "legende", "image-text")
_CREDIT_TOKENS = (
    "credit",
    "copyright",
    "photographer",
    "fotograf",
    "quelle",
    "source",
    "bildnachweis",
    "urheber",
    "rights",
)
_ARTICLE_TYPES = _words(
    "newsarticle article reportagenewsarticle analysisnewsarticle opinionnewsarticle "
    "backgroundnewsarticle reviewnewsarticle blogposting liveblogposting report "
    "socialmediaposting techarticle"
)
# Page metadata keys that declare the publication date, best first.
_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "date",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
)


def fold(text: str | None) -> str:
    """Whitespace folded and stripped: how every piece of page text is compared and stored."""
    if not text:
        return ""
    if _has_invisible(text):
        text = _INVISIBLE_CHARS.sub("", text)
    return " ".join(text.split())


def _has_invisible(text: str) -> bool:
    return "\u00ad" in text or "\u200b" in text or "\u2060" in text or "\ufeff" in text


def _key(text: str) -> str:
    """Comparison key of a text: folded and casefolded."""
    return fold(text).casefold()


def _ckey(text: str) -> str:
    """Compact key without any whitespace: the page shows "<a>Home</a><a>Sport</a>" as
    "HomeSport" while trafilatura writes "Home Sport"; both are the same text."""
    if _has_invisible(text):
        text = _INVISIBLE_CHARS.sub("", text)
    return "".join(text.split()).casefold()


# --------------------------------------------------------------------------------------------
# parsing


def _sanitise(html: str) -> str:
    """Drop what lxml refuses (NUL, C0 controls, lone surrogates) so broken pages still parse."""
    if html.startswith("\ufeff"):
        html = html[1:]
    html = _CONTROL.sub("", html)
    try:
        html.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from a broken decoder
        html = _SURROGATE.sub("", html)
    return html


def _parse(html: str) -> HtmlElement | None:
    """The page as an lxml tree; fragments ("<p>..</p>" alone) are wrapped in a document."""
    from trafilatura.utils import load_html

    tree = None
    try:
        tree = load_html(html)
    except Exception:  # lxml / trafilatura raise a zoo of errors on garbage
        tree = None
    if tree is None or len(tree) == 0 or tree.find(".//body") is None:
        try:
            tree = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
        except (etree.ParserError, ValueError):
            return None
    return tree


def _classes(el: HtmlElement) -> str:
    """Lower-cased ``class`` and ``id`` of an element, the cheapest clue to its role."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def _has_token(el: HtmlElement, names: tuple[str, ...] | frozenset[str], prefix: bool) -> bool:
    """Whether a class/id token equals (or, with ``prefix``, starts with) one of ``names``."""
    raw = _classes(el)
    if not raw.strip() or not any(n in raw for n in names):
        return False  # no token can match: skip the split
    toks = [t for t in _TOKEN_SPLIT.split(raw) if t]
    if prefix:
        return any(t.startswith(n) for t in toks for n in names)
    return any(t in names for t in toks)


def _text(el: HtmlElement, skip: Callable[[HtmlElement], bool] | None = None) -> str:
    """Visible text of an element, folded; ``<br>`` and block children count as spaces."""
    parts: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if tag is None or tag in _INVISIBLE or (skip is not None and skip(node)):
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                parts.append(" ")
            if node.text:
                parts.append(node.text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append(" ")
            if node is not el and node.tail:
                parts.append(node.tail)
    return fold("".join(parts))


def _link_ratio(el: HtmlElement, text: str) -> float:
    if not text:
        return 0.0
    linked = sum(len(fold(a.text_content())) for a in el.iter("a"))
    return linked / len(text)


# --------------------------------------------------------------------------------------------
# page metadata


@dataclass
class _PageMeta:
    """What the page declares about itself in <head> and JSON-LD."""

    meta: dict[str, str] = field(default_factory=dict)
    title_tag: str | None = None
    canonical: str | None = None
    html_lang: str | None = None
    ld_headline: str | None = None
    ld_published: str | None = None
    ld_authors: list[str] = field(default_factory=list)
    ld_author_orgs: list[str] = field(default_factory=list)
    ld_publisher: str | None = None
    ld_site: str | None = None
    ld_url: str | None = None
    ld_language: str | None = None


def _ld_objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object, flattening lists and ``@graph``."""
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_objects(data["@graph"])


def _ld_types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    items = t if isinstance(t, list) else [t]
    return {str(x).casefold() for x in items if x}


_LD_ORG_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "website"})


def _ld_names(value: Any, orgs: bool | None = None) -> list[str]:
    """Names from a JSON-LD person/organisation value (str, object or list of either).

    ``orgs=False`` keeps only people (and bare strings), ``orgs=True`` only organisations.
    """
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if orgs is not None and isinstance(item, dict):
            if bool(_ld_types(item) & _LD_ORG_TYPES) != orgs:
                continue
        elif orgs:
            continue
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, str) and fold(name) and not name.startswith(("http:", "https:")):
            out.append(fold(name))
    return out


def _ld_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name")
    return fold(value) if isinstance(value, str) and fold(value) else None


def _page_meta(tree: HtmlElement) -> _PageMeta:
    pm = _PageMeta()
    for m in tree.iter("meta"):
        content = m.get("content")
        if not content or not fold(content):
            continue
        for attr in ("property", "name", "itemprop"):
            k = m.get(attr)
            if k:
                # itemprop metas live in the body and may belong to a teaser: head only for those
                if attr == "itemprop" and m.getparent() is not None:
                    parent = m.getparent()
                    if parent is not None and parent.tag != "head":
                        continue
                pm.meta.setdefault(k.strip().casefold(), fold(content))
    t = tree.find(".//title")
    if t is not None:
        pm.title_tag = fold(t.text_content()) or None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").casefold().split()
        if "canonical" in rel and link.get("href"):
            pm.canonical = link.get("href", "").strip()
            break
    pm.html_lang = (tree.get("lang") or tree.get("xml:lang") or "").strip() or None
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").casefold():
            continue
        raw = script.text or ""
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):  # broken JSON-LD is common; it is only a hint
            continue
        for obj in _ld_objects(data):
            types = _ld_types(obj)
            if types & _ARTICLE_TYPES:
                pm.ld_headline = pm.ld_headline or _ld_str(obj.get("headline"))
                pm.ld_published = pm.ld_published or _ld_str(obj.get("datePublished"))
                if not pm.ld_authors and not pm.ld_author_orgs:
                    pm.ld_authors = _ld_names(obj.get("author"), orgs=False)
                    pm.ld_author_orgs = _ld_names(obj.get("author"), orgs=True)
                if not pm.ld_publisher:
                    names = _ld_names(obj.get("publisher"))
                    pm.ld_publisher = names[0] if names else None
                pm.ld_url = (
                    pm.ld_url or _ld_str(obj.get("url")) or _ld_str(obj.get("mainEntityOfPage"))
                )
                pm.ld_language = pm.ld_language or _ld_str(obj.get("inLanguage"))
            elif "website" in types and not pm.ld_site:
                pm.ld_site = _ld_str(obj.get("name"))
    return pm


def _strip_site(title: str, site: str | None, pipes: bool = True) -> str:
    """ "Headline | Site" -> "Headline". Only the site's own name, or a short last part after a
    pipe, is cut: a dash inside a headline ("Merkel - ein Rückblick") must survive."""
    site_key = _key(site) if site else None
    for _ in range(3):
        seps = list(_TITLE_SEP.finditer(title))
        if not seps:
            break
        last, first = seps[-1], seps[0]
        head, tail = title[: last.start()], title[last.end() :]
        lead_part, rest = title[: first.start()], title[first.end() :]
        if site_key and _site_like(tail, site_key):
            title = head
        elif site_key and _site_like(lead_part, site_key):
            title = rest
        elif pipes and "|" in last.group() and len(tail.split()) <= 5 and len(head) >= 15:
            title = head
        else:
            break
    return fold(title)


def _site_like(part: str, site_key: str) -> bool:
    k = _key(part)
    return bool(k) and (k == site_key or k in site_key or site_key in k)


def _site_from_title(title: str | None) -> str | None:
    """trafilatura's trick: the short last part of "Headline | Site" is the site name."""
    if not title:
        return None
    seps = list(_TITLE_SEP.finditer(title))
    if seps and "|" in seps[-1].group():
        tail = fold(title[seps[-1].end() :])
        if 0 < len(tail.split()) <= 4:
            return tail
    return None


# --------------------------------------------------------------------------------------------
# main text


@dataclass
class _XBlock:
    """One block of trafilatura's output, in reading order."""

    kind: str  # "p", "head", "item", "row"
    text: str
    list_id: int = -1
    rend: str | None = None


def _x_text(el: Any, skip_tags: frozenset[str] = frozenset()) -> str:
    parts: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if tag is None or (node is not el and tag in skip_tags):
                walker.skip_subtree()
                continue
            if tag in ("lb", "item", "cell", "row", "p", "head"):
                parts.append(" ")
            if node.text:
                parts.append(node.text)
        elif node is not el and node.tail:
            parts.append(node.tail)
    return fold("".join(parts))


_X_BLOCKS = frozenset({"p", "head", "list", "table", "quote", "div", "code", "section", "note"})


def _x_blocks(body: Any) -> list[_XBlock]:
    """Flatten trafilatura's XML body into blocks in reading order.

    List items keep the id of their list (key points are a whole list). Text that sits directly
    in a container next to block children (``<code>`` holding a pasted table, a ``<quote>``
    with loose text) becomes a paragraph of its own rather than being lost.
    """
    out: list[_XBlock] = []
    lists = [0]

    def add(kind: str, text: str, **kw: Any) -> None:
        if text:
            out.append(_XBlock(kind, text, **kw))

    def is_block(el: Any) -> bool:
        return isinstance(el.tag, str) and el.tag in _X_BLOCKS

    def walk(el: Any) -> None:
        pending: list[str] = [el.text or ""]
        for child in el:
            if not is_block(child):
                if isinstance(child.tag, str) and child.tag not in ("graphic",):
                    pending.append(" " if child.tag == "lb" else "".join(child.itertext()))
                pending.append(child.tail or "")
                continue
            add("p", fold("".join(pending)))
            pending = [child.tail or ""]
            tag = child.tag
            if tag == "head":
                add("head", _x_text(child), rend=child.get("rend"))
            elif tag == "list":
                walk_list(child)
            elif tag == "table":
                walk_table(child)
            elif any(is_block(c) for c in child):
                walk(child)
            elif tag == "code":
                for line in _x_text_lines(child):
                    add("p", line)
            else:
                add("p", _x_text(child))
        add("p", fold("".join(pending)))

    def walk_list(lst: Any) -> None:
        lists[0] += 1
        lid = lists[0]
        for item in lst:
            if item.tag != "item":
                continue
            add("item", _x_text(item, frozenset({"list"})), list_id=lid)
            for sub in item.findall("list"):
                walk_list(sub)

    def walk_table(table: Any) -> None:
        for row in table.iter("row", "tr"):
            cells = [_x_text(c) for c in row if c.tag in ("cell", "td", "th")]
            add("row", " | ".join(c for c in cells if c))

    walk(body)
    return out


def _x_text_lines(el: Any) -> list[str]:
    """Lines of a preformatted block (``<lb/>`` and newlines both break)."""
    parts: list[str] = [el.text or ""]
    for node in el.iterdescendants():
        if not isinstance(node.tag, str):
            parts.append(node.tail or "")
            continue
        if node.tag in ("lb", "row", "tr", "p", "head", "item"):
            parts.append("\n")
        parts.append(node.text or "")
        parts.append(node.tail or "")
    return [fold(x) for x in "".join(parts).split("\n") if fold(x)]


def _extract(tree: HtmlElement, url: str | None) -> list[_XBlock]:
    """Main text by trafilatura, as blocks in reading order ([] when it finds nothing)."""
    from trafilatura import bare_extraction

    blocks: list[_XBlock] = []
    try:
        result = bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=INCLUDE_TABLES,
            favor_precision=FAVOR_PRECISION,
            fast=FAST,
            with_metadata=False,
            output_format="python",
        )
    except Exception:  # trafilatura bugs on odd pages must not kill a batch
        result = None
    body = getattr(result, "body", None) if result is not None else None
    if body is not None:
        blocks = _x_blocks(body)
    return blocks


def _fallback_blocks(page: _Page) -> list[_XBlock]:
    """The page's visible lines outside navigation, ads, related blocks and link rows.

    Used when trafilatura finds no main text (tiny pages, text in bare <div>s and <br>s). Unlike
    trafilatura's own baseline, which returns the whole <body>, it respects the page's markup:
    a page that is nothing but menus yields nothing, and so an InputError.
    """
    out = []
    for line in _visible_lines(page, None):
        if line.context is not None or line.link_share > 0.5:
            continue
        if _drop_reason(line.text, None) is not None:
            continue
        out.append(_XBlock("p", line.text))
    return out


# --------------------------------------------------------------------------------------------
# the article in the page


class _Page:
    """The parsed page with the lookups the structure pass needs."""

    def __init__(self, tree: HtmlElement) -> None:
        self.tree = tree
        body = tree.find(".//body")
        self.body: HtmlElement = body if body is not None else tree
        self._order: dict[HtmlElement, int] | None = None

    @property
    def order(self) -> dict[HtmlElement, int]:
        """Document position of every element (built on first use: most pages never ask)."""
        if self._order is None:
            self._order = {el: i for i, el in enumerate(self.body.iter())}
        return self._order

    def locate_first(self, texts: list[str]) -> HtmlElement | None:
        """The first element (in page order) that holds one of ``texts`` as its whole text.

        Short texts ("Ergebnisse") also occur in menus, so only texts of 25+ characters are
        looked for when there are any; a long text matches on its first 40 characters too,
        because trafilatura and the page may differ in how they join inline pieces.
        """
        keys = [_key(t) for t in texts]
        long_keys = [k for k in keys if len(k) >= 25] or [k for k in keys if k]
        if not long_keys:
            return None
        exact = set(long_keys)
        prefixes = {k[:40] for k in long_keys if len(k) >= 40}
        for el in self.body.iter(*_TEXT_TAGS):
            k = _key(el.text_content())
            if k in exact or (len(k) >= 40 and k[:40] in prefixes):
                return el
        return None

    def before(self, a: HtmlElement, b: HtmlElement | None) -> bool:
        return b is None or self.order.get(a, -1) < self.order.get(b, 1 << 60)


def _ancestors(el: HtmlElement) -> Iterator[HtmlElement]:
    p = el.getparent()
    while p is not None:
        yield p
        p = p.getparent()


def _context_of(el: HtmlElement, inside_article: bool) -> str | None:
    """The role an element's own tag / class / id gives its subtree, if any.

    "site" marks the page's own header and footer: navigation, unless they sit inside the
    article (an article's <header> holds its headline and lead).
    """
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _CTX_TAGS:
        return _CTX_TAGS[tag]
    if tag in ("header", "footer") and not inside_article:
        return "site"
    cls, ident = el.get("class"), el.get("id")
    ctx = None
    if cls and _CTX_HINT.search(cls):
        ctx = _context_of_attrs(cls)
    if ctx is None and ident and _CTX_HINT.search(ident):
        ctx = _context_of_attrs(ident)
    if ctx == "site" and inside_article:
        return None
    return ctx


@lru_cache(maxsize=8192)
def _context_of_attrs(attrs: str) -> str | None:
    """Role from class/id tokens; cached because sites repeat the same few class strings."""
    toks = [t for t in _TOKEN_SPLIT.split(attrs.lower()) if t]
    for t in toks:
        if t in _CTX_EXACT:
            return _CTX_EXACT[t]
    for t in toks:
        for prefix, ctx in _CTX_PREFIX:
            if t.startswith(prefix):
                return ctx
    # the page's own header / footer: "site-header", "footer", not "card-header", "table-header"
    if any(_SITE_CLASS.match(c) for c in attrs.lower().split()):
        return "site"
    return None


def _is_descendant(el: HtmlElement, ancestor: HtmlElement) -> bool:
    return any(a is ancestor for a in _ancestors(el))


def _foreign(el: HtmlElement, region: HtmlElement, *, figure: bool = True) -> bool:
    """Inside a navigation / related / ad / share block (or, with ``figure``, a <figure>)
    between ``el`` and the region root: not where a lead, byline or key points live."""
    node: HtmlElement | None = el
    while node is not None and node is not region:
        if _context_of(node, True) in _FOREIGN or (figure and node.tag == "figure"):
            return True
        node = node.getparent()
    return False


def _lca(a: HtmlElement, b: HtmlElement) -> HtmlElement | None:
    """Lowest common ancestor (elements hash by identity; the set keeps them alive)."""
    chain = {a, *_ancestors(a)}
    for x in [b, *_ancestors(b)]:
        if x in chain:
            return x
    return None


def _similar_title(a: str, b: str) -> bool:
    """Equal, or one inside the other at similar length ("Kicker: Headline" vs "Headline")."""
    k, t = _key(a), _key(b)
    short, long_ = sorted((k, t), key=len)
    return k == t or (len(short) >= 15 and short in long_ and len(short) >= 0.6 * len(long_))


def _find_h1(page: _Page, titles: list[str]) -> HtmlElement | None:
    """The headline element: an <h1> (or an <h2> styled as one) matching the declared title,
    else the first wordy <h1>."""
    h1s = [h for h in page.body.iter("h1") if _text(h)]
    titles = [t for t in titles if t]
    for h in h1s:
        if any(_similar_title(_text(h), t) for t in titles):
            return h
    if titles:
        for h in page.body.iter("h2"):
            if any(_similar_title(h.text_content(), t) for t in titles):
                return h
    for h in h1s:
        if len(_text(h).split()) >= 3:
            return h
    return None


def _region(page: _Page, first: HtmlElement | None, h1: HtmlElement | None) -> HtmlElement:
    """The element holding the article: headline, header and body, without the page around.

    The lowest common ancestor of the headline and the first body paragraph, when that is
    not the whole page; else the nearest <article> / <main> around the body.
    """
    if first is not None and h1 is not None and first is not h1:
        lca = _lca(first, h1)
        if (
            lca is not None
            and lca is not page.body
            and lca is not first
            and lca.tag not in ("html", "body")
        ):
            return lca
    if first is not None:
        for a in _ancestors(first):
            if a.tag == "article" or (a.get("itemprop") or "").casefold() == "articlebody":
                # an articleBody wrapper excludes the header: climb to its <article> if any
                for b in [a, *_ancestors(a)]:
                    if b.tag == "article":
                        return b
                return a
        for a in _ancestors(first):
            if a.tag == "main" or (a.get("role") or "") == "main":
                return a
        parent = first.getparent()
        if parent is not None:
            grand = parent.getparent()
            if grand is not None and grand.tag not in ("html",):
                return grand
            return parent
    if h1 is not None:
        for a in _ancestors(h1):
            if a.tag in ("article", "main"):
                return a
    arts = page.body.findall(".//article")
    return arts[0] if len(arts) == 1 else page.body


def _find_lead(page: _Page, region: HtmlElement, first: HtmlElement | None) -> HtmlElement | None:
    """An element with class*=lead/intro/teaser/standfirst above the body, in the article."""
    for el in region.iter():
        if not isinstance(el.tag, str) or el.tag in ("img", "figure", "a", "ul", "ol", "li"):
            continue
        if not _has_token(el, _LEAD_TOKENS, prefix=True):
            continue
        if not page.before(el, first) and el is not first:
            continue
        if first is not None and _is_descendant(first, el) and el is not first:
            # a wrapper around the whole article ("article-intro-and-body"), not the lead
            continue
        if _foreign(el, region):
            continue
        if el.find(".//ul") is not None or el.find(".//ol") is not None:
            continue
        t = _text(el)
        if not 40 <= len(t) <= 1500 or _link_ratio(el, t) > 0.5:
            continue
        # prefer the innermost lead-classed element that still holds the text
        inner = [
            c
            for c in el.iter()
            if c is not el and isinstance(c.tag, str) and _has_token(c, _LEAD_TOKENS, prefix=True)
        ]
        for c in inner:
            ct = _text(c)
            if len(ct) >= 40:
                return c
        return el
    return None


def _list_items(lst: HtmlElement) -> list[str]:
    out = []
    for li in lst.iterchildren("li"):
        t = _text(li)
        if t:
            out.append(cues.strip_bullet(t) or t)
    return out


def _find_key_points(
    page: _Page, region: HtmlElement, first: HtmlElement | None, pack: LanguagePack
) -> tuple[list[str], HtmlElement | None]:
    """Key points: a list after a key-point header, or a summary-classed list atop the article.

    Returns the items and the header element (whose text is consumed, not article text).
    """
    for el in region.iter("h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "div", "span", "dt"):
        if len(el) > 2:
            continue
        t = fold(el.text_content())
        if not t or len(t) > 60 or not cues.is_key_point_header(t, pack):
            continue
        if _foreign(el, region):
            continue
        lst = _next_list(el, region)
        if lst is not None:
            items = _list_items(lst)
            if items:
                return items, el
    for lst in region.iter("ul", "ol"):
        if not page.before(lst, first) or _foreign(lst, region):
            continue
        chain = [lst]
        p = lst.getparent()
        for _ in range(2):
            if p is None or p is region:
                break
            chain.append(p)
            p = p.getparent()
        if any(_has_token(x, _KEY_TOKENS, prefix=False) for x in chain):
            items = _list_items(lst)
            if items and _link_ratio(lst, " ".join(items)) < 0.5:
                return items, None
    return [], None


def _next_list(el: HtmlElement, region: HtmlElement) -> HtmlElement | None:
    """The first <ul>/<ol> after ``el``, among its following siblings or its parents' (2 up)."""
    node: HtmlElement | None = el
    for _ in range(3):
        if node is None or node is region:
            break
        for sib in node.itersiblings():
            if not isinstance(sib.tag, str):
                continue
            if sib.tag in ("ul", "ol"):
                return sib
            inner = sib.find(".//ul")
            if inner is None:
                inner = sib.find(".//ol")
            if inner is not None:
                return inner
            if len(_text(sib)) > 200:
                return None
        node = node.getparent()
    return None


def _is_author_el(el: HtmlElement) -> bool:
    return isinstance(el.tag, str) and (
        _has_token(el, _BYLINE_TOKENS, prefix=True)
        or "author" in (el.get("rel") or "").casefold()
        or (el.get("itemprop") or "").casefold() == "author"
    )


def _find_byline(region: HtmlElement) -> HtmlElement | None:
    """The byline element: the first author-marked element with a short text naming someone.

    An author box that also holds "Folge mir", social links or a phone number is narrowed to
    the author-marked element inside it that holds just the name.
    """
    for el in region.iter():
        if not _is_author_el(el) or el.tag in ("img", "meta", "link") or _foreign(el, region):
            continue
        t = _text(el)
        if not (2 <= len(t) <= 140 and _byline_like(t)):
            continue
        if len(t.split()) > 6:
            for inner in el.iterdescendants():
                if _is_author_el(inner):
                    it = _text(inner)
                    if it and len(it.split()) <= 6 and _byline_like(it):
                        return inner
        return el
    return None


# words that introduce a byline or date it, and carry no name: "Veröffentlicht von", "Post author"
_BYLINE_FILLER = _words(
    "von vom by veröffentlicht publiziert posted post author autor autorin written geschrieben "
    "text am um on at uhr and und mit with"
)


def _byline_like(text: str) -> bool:
    """A byline names someone: a capitalised word besides lead-ins and dates ("Publiziert am"
    alone is not a byline)."""
    for w in re.findall(r"[^\W\d_][\w'’.-]*", text):
        if w.casefold() not in _BYLINE_FILLER and w[:1].isupper() and len(w) >= 2:
            return True
    return False


def _person_like(name: str, site: str | None) -> bool:
    """An author name from metadata that is a person, not the site ("BRIGITTE.de") or a URL."""
    if not name or "@" in name or name.startswith(("http:", "https:", "www.")):
        return False
    if " " not in name and re.search(r"[._]|\.[a-z]{2,4}$", name, re.IGNORECASE):
        return False
    if site and (_key(name) in _key(site) or _key(site) in _key(name)):
        return False
    return 1 <= len(name.split()) <= 6 and any(ch.isalpha() for ch in name)


@dataclass
class _Figure:
    caption: str | None
    credit: str | None
    element: HtmlElement


def _find_captions(region: HtmlElement, pack: LanguagePack) -> list[_Figure]:
    """Figure captions in the article, each split into caption text and photo credit.

    The credit is the caption's ``.credit`` / ``.copyright`` child when the page marks it,
    else what :func:`cues.split_caption` finds ("... Foto: Max Muster/dpa"). Credits printed on
    a picture outside its caption are returned as credit-only figures.
    """
    out: list[_Figure] = []
    taken: list[HtmlElement] = []

    def is_credit(node: HtmlElement) -> bool:
        return _has_token(node, _CREDIT_TOKENS, prefix=True)

    def inside_taken(el: HtmlElement) -> bool:
        return any(el is t or _is_descendant(el, t) for t in taken)

    for el in region.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag != "figcaption" and not (
            el.get("class")
            and el.tag not in ("figure", "img", "picture")
            and any(tok in el.get("class", "").lower() for tok in _CAPTION_TOKENS)
        ):
            continue
        if inside_taken(el) or _foreign(el, region, figure=False) or _in_teaser(el, region):
            continue
        full = _text(el)
        if not full or len(full) > 600 or _link_ratio(el, full) > 0.5:
            continue
        taken.append(el)
        credit_els = [c for c in el.iter() if c is not el and is_credit(c)]
        if credit_els:
            caption = _text(el, skip=is_credit) or None
            credit = fold(" ".join(_text(c) for c in credit_els)) or None
        else:
            split = cues.split_caption(full, pack)
            if split is not None:
                caption, credit = split[0] or None, split[1]
            elif cues.credit_of(full, pack):
                caption, credit = None, full
            else:
                caption, credit = full, None
        out.append(_Figure(caption, credit, el))
    # credits printed on the picture, outside the caption
    for fig in region.iter("figure"):
        for c in fig.iter():
            if c is fig or not isinstance(c.tag, str) or inside_taken(c) or not is_credit(c):
                continue
            t = _text(c)
            if t and len(t) <= 120:
                taken.append(c)
                out.append(_Figure(None, t, c))
    return out


def _in_teaser(el: HtmlElement, region: HtmlElement) -> bool:
    """Inside a link or a teaser card: the picture of another article, not of this one."""
    node = el.getparent()
    while node is not None and node is not region:
        if node.tag == "a" or _has_token(node, ("teaser",), prefix=True):
            return True
        node = node.getparent()
    return False


def _find_time(region: HtmlElement) -> HtmlElement | None:
    for el in region.iter("time"):
        if el.get("datetime") and not _foreign(el, region, figure=False):
            return el
    return None


# --------------------------------------------------------------------------------------------
# visible lines


@dataclass
class _Line:
    """One visible line: its text, the role of the block it sits in, and how much is links."""

    text: str
    context: str | None
    in_article: bool = False
    link_share: float = 0.0


def _visible_lines(page: _Page, region: HtmlElement | None) -> list[_Line]:
    """The page as a browser would show it, one line per block, with the role of its region."""
    lines: list[_Line] = []
    buf: list[str] = []
    buf_ctx: list[str | None] = [None]
    ctx_stack: list[str | None] = [None]
    inside: list[bool] = [region is page.body]
    # the article and the elements around it never mark their subtree as boilerplate: a
    # <body class="cookies-not-set"> (WordPress) must not turn the whole page into "legal"
    # (a set of elements, not of id()s: it keeps the proxies alive, so identity is stable)
    around = {region, *_ancestors(region)} if region is not None else set()

    has_text = [False]
    buf_inside = [False]
    link_depth = [0]
    is_link: list[bool] = [False]  # per open element: did it open a link?
    chars = [0, 0]  # all non-space characters, those inside links

    def flush() -> None:
        if has_text[0]:
            t = fold("".join(buf))
            if any(ch.isalnum() for ch in t):
                share = chars[1] / chars[0] if chars[0] else 0.0
                lines.append(_Line(t, buf_ctx[0], buf_inside[0], share))
        buf.clear()
        has_text[0] = False
        chars[0] = chars[1] = 0

    def add(text: str | None, ctx: str | None) -> None:
        if text:
            if not has_text[0] and not text.isspace():
                buf_ctx[0] = ctx
                buf_inside[0] = inside[-1]
                has_text[0] = True
            buf.append(text)
            n = len(text) - text.count(" ") - text.count("\n")
            chars[0] += n
            if link_depth[0]:
                chars[1] += n

    walker = etree.iterwalk(page.body, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            hidden = tag is None or tag in _INVISIBLE or el.get("hidden") is not None
            style = el.get("style")
            if hidden or (style and "display:none" in style.replace(" ", "").casefold()):
                walker.skip_subtree()
                ctx_stack.append(ctx_stack[-1])
                inside.append(inside[-1])
                is_link.append(False)
                continue
            inside.append(inside[-1] or el is region)
            own = None if el in around else _context_of(el, inside[-1])
            ctx = own or ctx_stack[-1]
            if ctx == "site" and ctx_stack[-1] not in (None, "site"):
                ctx = ctx_stack[-1]
            ctx_stack.append(ctx)
            if tag in _BLOCK_TAGS:
                flush()
            is_link.append(tag == "a")
            if tag == "a":
                link_depth[0] += 1
            add(el.text, ctx)
        else:
            ctx_stack.pop()
            inside.pop()
            if is_link.pop():
                link_depth[0] -= 1
            if tag in _BLOCK_TAGS:
                flush()
            if el is not page.body:
                add(el.tail, ctx_stack[-1])
    flush()
    return lines


# --------------------------------------------------------------------------------------------
# structure


@dataclass
class _Draft:
    title: str | None = None
    byline: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    dateline: str | None = None
    dateline_date: str | None = None
    lead: str | None = None
    key_points: list[str] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    #: texts the article uses outside ``text`` (byline, date line, headers): not "removed"
    consumed: list[str] = field(default_factory=list)

    def add_agencies(self, names: list[str]) -> None:
        for n in names:
            if n not in self.agencies:
                self.agencies.append(n)

    def add_authors(self, names: list[str]) -> None:
        for n in names:
            if n and n not in self.authors:
                self.authors.append(n)

    def add_credit(self, credit: str | None) -> None:
        if credit and credit.startswith("(") and credit.endswith(")"):
            credit = credit[1:-1].strip()  # "(Foto: dpa)" -> "Foto: dpa"
        if credit and credit not in self.credits:
            self.credits.append(credit)


def _dateline(lead: str, d: _Draft) -> str:
    """Move a "Berlin (dpa) –" prefix out of the lead into dateline and agencies."""
    found = cues.split_dateline(lead)
    if found is None or not found.agencies:
        return lead
    d.dateline = d.dateline or fold(found.place)
    d.add_agencies(found.agencies)
    if found.date:
        d.dateline_date = fold(found.date)
    return fold(found.rest)


def _lead_like(block: Block, pack: LanguagePack) -> bool:
    """The first paragraph is the lead only if it is prose: not a date line ("12. November
    2015 / 13:48"), a salutation or a product label left at the top of the text."""
    if block.kind != "paragraph":
        return False
    return len(block.text.split()) >= 12 or _is_prose(block.text, pack)


def _is_photo_credit(text: str, pack: LanguagePack) -> bool:
    return bool(
        cues.credit_of(text, pack)
        or cues.agencies_in(text)
        or re.search(r"\b(?:foto|photo|bild|images?|picture|getty|imago)\b", text, re.I)
    )


def _is_prose(text: str, pack: LanguagePack) -> bool:
    return cues.is_sentence(text, pack)


def _structure_body(
    blocks: list[_XBlock],
    d: _Draft,
    pack: LanguagePack,
    skip_keys: set[str],
    caption_keys: set[str],
    key_point_keys: set[str],
    title: str | None = None,
) -> None:
    """Give every trafilatura block a role: paragraph, subheading, key point, or removed."""
    in_key_points: int | None = None  # list id of a list that follows a key-point header
    in_related = False
    for i, b in enumerate(blocks):
        k = _ckey(b.text)
        if k in skip_keys:
            continue
        if not d.body and title and b.kind == "head" and _similar_title(b.text, title):
            d.consumed.append(b.text)
            continue
        if k in key_point_keys or _ckey(cues.strip_bullet(b.text) or "") in key_point_keys:
            continue
        if k in caption_keys:
            continue
        if b.kind != "item":
            in_key_points = None
        if b.kind in ("head", "p") and cues.is_key_point_header(b.text, pack):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if nxt is not None and nxt.kind == "item":
                in_key_points = nxt.list_id
                d.removed.append(RemovedLine(b.text, "navigation"))
                continue
        if b.kind == "item" and in_key_points == b.list_id:
            d.key_points.append(cues.strip_bullet(b.text) or b.text)
            continue
        prose = _is_prose(b.text, pack)
        if in_related:
            if prose and b.kind == "p":
                in_related = False
            else:
                d.removed.append(RemovedLine(b.text, _reason(b.text, pack) or "related"))
                continue
        reason = _reason(b.text, pack)
        if reason and not (reason in {"share", "legal", "navigation"} and prose):
            if reason == "related" and b.kind != "item":
                in_related = True
            d.removed.append(RemovedLine(b.text, reason))
            continue
        if not d.body and not d.byline:
            by = cues.parse_byline(b.text, pack)
            if by is not None:
                d.byline = by.text
                d.source = d.source or by.source
                d.add_authors(by.authors)
                d.add_agencies(by.agencies)
                continue
            agency = cues.agency_only(b.text)
            if agency:
                d.add_agencies([agency])
                d.byline = b.text
                continue
        n_words = len(b.text.split())
        if b.kind == "p" and n_words <= 20 and cues.credit_of(b.text, pack):
            d.add_credit(b.text)
            if re.match(r"(?i)(?:quelle|source|text)\s*:", b.text):
                d.add_agencies(cues.agencies_in(b.text))  # "Quelle: dpa" credits the story
            continue
        if b.kind == "p" and n_words <= 30 and not prose:
            # a caption trafilatura kept outside its figure: only with an unmistakable credit
            cap = cues.split_caption(b.text, pack)
            if cap is not None and cap[1] and _is_photo_credit(cap[1], pack):
                if cap[0]:
                    d.captions.append(cap[0])
                d.add_credit(cap[1])
                continue
        if parse_date(b.text) is not None:
            d.consumed.append(b.text)
            continue
        # a "heading" written as sentences is a pull quote or a styled paragraph
        heading = b.kind == "head" and not (prose and b.text.rstrip().endswith((".", "!")))
        d.body.append(Block(b.text, "subheading" if heading else "paragraph"))
    # A trailing subheading with nothing under it is a teaser, not part of the article.
    while d.body and d.body[-1].kind == "subheading":
        d.removed.append(RemovedLine(d.body.pop().text, "related"))


@lru_cache(maxsize=16384)
def _drop_reason(line: str, code: str | None) -> str | None:
    """:func:`cues.drop_reason` for the pack of ``code``, cached: menus repeat on every page."""
    return cues.drop_reason(line, get_pack(code))


def _reason(line: str, pack: LanguagePack) -> str | None:
    """The cue reason for a line, through the cache when ``pack`` is a registered pack."""
    if get_pack(pack.code) is pack and len(line) <= cues.CACHED_LINE:
        return _drop_reason(line, pack.code)
    return cues.drop_reason(line, pack)


def _drop_furniture(
    blocks: list[_XBlock], lines: list[_Line], d: _Draft, pack: LanguagePack
) -> list[_XBlock]:
    """Drop blocks the page shows only inside menus, ads, related or share blocks.

    trafilatura falls back to the whole page when it finds little (its recall escalation), and
    then returns menus as text. A block that appears on the page only inside such a region, and
    is not prose, goes to ``removed`` with that region's reason.
    """
    where: dict[str, set[str | None]] = {}
    for line in lines:
        ctx = "navigation" if line.context == "site" else line.context
        where.setdefault(_ckey(line.text), set()).add(ctx)
    out = []
    for b in blocks:
        ctxs = where.get(_ckey(b.text))
        if ctxs and None not in ctxs and not _is_prose(b.text, pack):
            d.removed.append(RemovedLine(b.text, sorted(c for c in ctxs if c)[0]))
            continue
        out.append(b)
    return out


def _made_of(line_key: str, pieces: list[str]) -> bool:
    """True if the line is nothing but some of ``pieces`` (and punctuation between them)."""
    if not pieces or len(line_key) > 250:
        return False
    rest = line_key
    for p in pieces:
        if p and p in rest:
            rest = rest.replace(p, " ")
    return rest != line_key and not any(ch.isalnum() for ch in rest)


def _removed_lines(lines: list[_Line], d: _Draft, pack: LanguagePack) -> list[RemovedLine]:
    """Visible lines that are not in the article, each with a reason; repeats are "duplicate"."""
    kept_texts = [d.title, d.lead, d.byline, *d.key_points, *d.captions, *d.credits, *d.consumed]
    kept_texts += [b.text for b in d.body]
    kept = {_ckey(t) for t in kept_texts if t}
    blob = "\n".join(sorted(kept))
    # short pieces the article holds in fields: a line made only of them ("By Jane Doe
    # February 3, 2026" = byline + date element) is accounted for
    pieces = sorted(
        {_ckey(t) for t in (d.byline, *d.credits, *d.consumed) if t and len(t) <= 120},
        key=len,
        reverse=True,
    )
    # lines the structure pass already dropped from trafilatura's text, with their reasons
    earlier: dict[str, str] = {}
    for r in d.removed:
        earlier.setdefault(_ckey(r.text), r.reason)
    out: list[RemovedLine] = []
    seen: set[str] = set()
    for line in lines:
        if len(out) >= MAX_REMOVED:
            break
        k = _ckey(line.text)
        if k not in earlier and (k in kept or (len(k) >= 16 and k in blob) or _made_of(k, pieces)):
            continue
        if k in seen:
            out.append(RemovedLine(line.text, "duplicate"))
            continue
        seen.add(k)
        reason = earlier.get(k) or _reason(line.text, pack)
        if reason is None:
            ctx = line.context
            if ctx == "site" or (ctx is None and not line.in_article and line.link_share > 0.9):
                reason = "navigation"  # page header/footer, or a row of links outside the article
            else:
                reason = ctx or "boilerplate"
        out.append(RemovedLine(line.text, reason))
    for r in d.removed:  # dropped text the page rendering did not show as a line of its own
        if _ckey(r.text) not in seen:
            seen.add(_ckey(r.text))
            out.append(r)
    return out[:MAX_REMOVED]


# --------------------------------------------------------------------------------------------
# the entry point


def _declared(metadata: dict[str, Any], key: str) -> str | None:
    v = metadata.get(key)
    if v is None:
        return None
    return fold(str(v)) or None


def _absolute(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return "https:" + url
    if base and base.startswith(("http://", "https://")):
        return urljoin(base, url)
    return url


def _lang_code(value: str | None) -> str | None:
    """ "de-CH", "en_US", "DE" -> "de", "en", "de"; None for anything that is not a code."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip())[0].casefold()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _first_date(values: list[str | None]) -> str | None:
    for v in values:
        iso = parse_date(v)
        if iso:
            return iso
    return None


def clean_html(doc: Document, *, language: str | None = None) -> Article:
    """Clean one HTML page into an :class:`Article`.

    ``doc.metadata`` values (title, published, source, url, language, byline) win over what the
    page says (a declared date that does not parse is ignored, not trusted); ``language`` is
    used when nothing is declared, and the text is identified otherwise. Other declared keys
    are kept in ``Article.metadata``, which also records ``extractor`` ("trafilatura" or
    "fallback"), ``authors`` (from byline and page metadata), ``dateline_date`` and the page's
    ``description``. Raises :class:`InputError` naming ``doc.source_uri`` when the page holds
    no article text.
    """
    declared = dict(doc.metadata or {})
    if not doc.content or not doc.content.strip():
        raise InputError("no article text found in HTML page (empty)", doc.source_uri)
    tree = _parse(_sanitise(doc.content))
    if tree is None:
        raise InputError("no article text found in HTML page", doc.source_uri)
    pm = _page_meta(tree)
    declared_url = _declared(declared, "url")
    base_url = (
        declared_url
        or pm.canonical
        or pm.meta.get("og:url")
        or (doc.source_uri if doc.source_uri.startswith("http") else None)
    )
    url = declared_url or _absolute(pm.canonical or pm.meta.get("og:url") or pm.ld_url, base_url)

    blocks = _extract(tree, url)
    page = _Page(tree)
    extractor = "trafilatura"
    if not blocks:
        blocks = _fallback_blocks(page)
        extractor = "fallback"

    # language first: the cue words depend on it. The page's own lang attributes come last:
    # CMS templates often say "en" on every page, whatever the article is written in.
    lang = _lang_code(_declared(declared, "language")) or _lang_code(language)
    if not lang:
        lang, _conf = detect_language(" ".join(b.text for b in blocks[:40])[:LANGID_CHARS])
    lang = lang or _lang_code(pm.ld_language) or _lang_code(pm.html_lang)
    pack = get_pack(lang)

    # site name and title
    site = (
        pm.meta.get("og:site_name")
        or pm.ld_publisher
        or pm.ld_site
        or pm.meta.get("application-name")
        or _site_from_title(pm.title_tag)
    )
    title_candidates = [
        t
        for t in (
            _declared(declared, "title"),
            _strip_site(pm.meta["og:title"], site) if pm.meta.get("og:title") else None,
            pm.ld_headline,
            _strip_site(pm.meta["twitter:title"], site) if pm.meta.get("twitter:title") else None,
        )
        if t
    ]
    h1 = _find_h1(
        page, title_candidates + ([_strip_site(pm.title_tag, site)] if pm.title_tag else [])
    )
    h1_text = _text(h1) if h1 is not None else None
    if h1_text:
        title_candidates.append(h1_text)
    if pm.title_tag:
        title_candidates.append(_strip_site(pm.title_tag, site))
    title = title_candidates[0] if title_candidates else None

    # where the article body starts in the page (the headline itself is not body text)
    first = page.locate_first(
        [b.text for b in blocks[:10] if not (title and _similar_title(b.text, title))][:8]
    )
    region = _region(page, first, h1)

    d = _Draft(title=title)
    if h1_text and _key(h1_text) != _key(title or ""):
        d.consumed.append(h1_text)

    # byline
    by_el = _find_byline(region)
    if by_el is not None:
        by_text = _text(by_el)
        by = cues.parse_byline(by_text, pack)
        d.byline = by.text if by else by_text
        if by:
            d.source = by.source
            d.add_authors(by.authors)
        d.add_agencies(cues.agencies_in(by_text))
    for name in pm.ld_author_orgs:
        agency = cues.agency_only(name)
        if agency:
            d.add_agencies([agency])
    for name in pm.ld_authors + [
        v for v in (pm.meta.get("author"), pm.meta.get("article:author")) if v
    ]:
        agency = cues.agency_only(name)
        if agency:
            d.add_agencies([agency])
        elif _person_like(name, site):
            d.add_authors([name])

    # lead, key points, captions, date element
    lead_el = _find_lead(page, region, first)
    lead_raw = _text(lead_el) if lead_el is not None else None
    kp, kp_header = _find_key_points(page, region, first, pack)
    d.key_points = list(kp)
    if kp_header is not None:
        d.removed.append(RemovedLine(_text(kp_header), "navigation"))
    figures = _find_captions(region, pack)
    caption_keys: set[str] = set()
    for f in figures:
        caption_keys.add(_ckey(_text(f.element)))
        d.consumed.append(_text(f.element))
        if f.caption:
            caption_keys.add(_ckey(f.caption))
            if f.caption not in d.captions:
                d.captions.append(f.caption)
        if f.credit:
            caption_keys.add(_ckey(f.credit))
            d.add_credit(f.credit)
    time_el = _find_time(region)
    if time_el is not None and _text(time_el):
        d.consumed.append(_text(time_el))

    skip_keys = {_ckey(t) for t in (title, h1_text, lead_raw, d.byline) if t}
    if time_el is not None:
        skip_keys.add(_ckey(_text(time_el)))
    if by_el is not None:
        skip_keys.add(_ckey(_text(by_el)))
    kp_keys = {_ckey(k) for k in d.key_points}
    lines = _visible_lines(page, region)
    blocks = _drop_furniture(blocks, lines, d, pack)
    _structure_body(blocks, d, pack, skip_keys, caption_keys, kp_keys, title=title)

    # the lead: the marked element, else the first body paragraph before any subheading
    if lead_raw:
        d.lead = lead_raw
    elif d.body and _lead_like(d.body[0], pack):
        d.lead = d.body.pop(0).text
    if d.lead:
        d.consumed.append(d.lead)
        d.lead = _dateline(d.lead, d) or None

    if not d.lead and not d.body and not d.key_points:
        raise InputError("no article text found in HTML page", doc.source_uri)

    # declared values win
    title = _declared(declared, "title") or d.title
    published = parse_date(_declared(declared, "published")) or _first_date(
        [pm.meta.get(k) for k in _DATE_KEYS]
        + [pm.ld_published, time_el.get("datetime") if time_el is not None else None]
    )
    source = _declared(declared, "source") or site or d.source
    byline = _declared(declared, "byline") or d.byline or (", ".join(d.authors) or None)

    d.removed = _removed_lines(lines, d, pack)

    text = compose_text(title, d.lead, d.key_points, d.body)
    meta = {
        k: v
        for k, v in declared.items()
        if k not in {"title", "language", "published", "source", "url", "byline"}
    }
    meta["extractor"] = extractor
    if d.authors:
        meta["authors"] = d.authors
    if d.dateline_date:
        meta["dateline_date"] = d.dateline_date
    description = pm.meta.get("og:description") or pm.meta.get("description")
    if description:
        meta["description"] = description
    return Article(
        id=article_id(text),
        source_uri=doc.source_uri,
        text=text,
        language=lang,
        title=title,
        byline=byline,
        source=source,
        agencies=d.agencies,
        dateline=d.dateline,
        published=published,
        lead=d.lead,
        body=d.body,
        key_points=d.key_points,
        captions=d.captions,
        credits=d.credits,
        removed=d.removed,
        url=url,
        metadata=meta,
    )


__all__ = ["MAX_REMOVED", "clean_html", "fold"]
