"""Cleaning: ``Document`` -> ``Article``.

Plain text goes through the learned line classifier (:mod:`storyline.clean.text`), HTML through
trafilatura plus our metadata rules (:mod:`storyline.clean.html`). Declared metadata (a JSONL
``published``, a ``--published`` flag) is normalised here once, so both cleaners see the same
values and neither guesses a date.
"""

from __future__ import annotations

from typing import Any

from storyline.errors import InputError
from storyline.model import Article, Document


def _declared(metadata: dict[str, Any] | None) -> dict[str, Any]:
    from storyline.clean.dates import parse_date

    meta = {k: v for k, v in (metadata or {}).items() if v not in (None, "")}
    if "published" in meta:
        parsed = parse_date(str(meta["published"]))
        if parsed is None:
            meta["published_declared"] = meta.pop("published")
        else:
            meta["published"] = parsed
    if "published_fallback" in meta:
        parsed = parse_date(str(meta.pop("published_fallback")))
        if parsed is not None:
            meta["published_fallback"] = parsed
    return meta


def clean_document(doc: Document, *, language: str | None = None) -> Article:
    """Clean one document; raises :class:`InputError` when no article text remains."""
    meta = _declared(doc.metadata)
    language = language or meta.get("language")
    if doc.kind == "html":
        from storyline.clean.html import clean_html

        article = clean_html(Document(doc.source_uri, doc.content, "html", meta), language=language)
    else:
        from storyline.clean.text import clean_text

        article = clean_text(
            doc.content, source_uri=doc.source_uri, language=language, metadata=meta
        )
    if not article.text.strip() or not (article.lead or article.body or article.key_points):
        raise InputError("no article text found", doc.source_uri)
    fallback = meta.get("published_fallback")
    article.metadata.pop("published_fallback", None)
    if article.published is None and fallback:
        # a feed's date for its item: used only when neither a declaration nor the page has one
        article.published = fallback
        article.metadata["published_from"] = "feed"
    return article


def clean(
    text_or_doc: str | Document,
    *,
    source_uri: str = "",
    language: str | None = None,
    published: str | None = None,
    html: bool | None = None,
) -> Article:
    """Clean a page given as a string (plain text or HTML) or a :class:`Document`.

    ``html=None`` sniffs: a string that starts like an HTML page is cleaned as HTML.
    """
    if isinstance(text_or_doc, Document):
        doc = text_or_doc
        if published:
            doc = Document(
                doc.source_uri, doc.content, doc.kind, {**doc.metadata, "published": published}
            )
        return clean_document(doc, language=language)
    if html is None:
        head = text_or_doc.lstrip()[:1000].lower()
        html = head.startswith(("<!doctype html", "<html")) or "<body" in head
    meta: dict[str, Any] = {"published": published} if published else {}
    doc = Document(source_uri, text_or_doc, "html" if html else "text", meta)
    return clean_document(doc, language=language)


__all__ = ["clean", "clean_document"]
