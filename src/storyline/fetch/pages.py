"""A fetched page -> a :class:`~storyline.model.Document`, decoded the way a file would be.

Kept apart from the HTTP code because it is the readers' job (charset from the HTTP header,
then the page, then detection; binary and empty pages refused), only with the bytes coming
from the network instead of a file. What the fetch tells us about the page (its final URL,
when it was fetched, a feed's title and date for it) travels as document metadata, so the
cleaner treats it like any other declared value, except the feed's date, which is only a
fallback for a page that carries none (see :func:`storyline.clean.clean_document`).
"""

from __future__ import annotations

from typing import Any

from storyline.errors import InputError
from storyline.fetch.types import FetchResult
from storyline.model import Document

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def is_url(source: str) -> bool:
    """Whether an ingest argument names a web page rather than a file."""
    lowered = source[:8].lower()
    return lowered.startswith(("http://", "https://"))


def document_from_fetch(
    result: FetchResult,
    source_uri: str,
    *,
    title: str | None = None,
    published_fallback: str | None = None,
    language: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Document:
    """The Document of a successful fetch; :class:`InputError` when the page is unusable.

    ``source_uri`` stays the URL the user (or the feed) gave, so a re-fetch finds the stored
    copy under the same name even when the outlet redirects; the final URL is declared as the
    article's ``url``.
    """
    from storyline.read.detect import check_not_binary
    from storyline.read.html import charset_from_content_type, read_html
    from storyline.read.text import read_text

    data = result.content or b""  # an empty page is refused by the readers ("empty page")
    metadata: dict[str, Any] = {
        "url": result.final_url or result.url,
        "fetched": result.fetched_at,
        **(extra or {}),
    }
    if title:
        metadata["feed_title"] = title
    if published_fallback:
        metadata["published_fallback"] = published_fallback
    if language:
        metadata["language"] = language
    mime = (result.content_type or "").split(";")[0].strip().lower()
    charset = charset_from_content_type(result.content_type)
    try:
        check_not_binary(data, complete=True)
        if mime in _HTML_TYPES or (not mime and data.lstrip()[:1] == b"<"):
            return read_html(data, source_uri, metadata, http_charset=charset, unit="page")
        return read_text(data, source_uri, metadata, charset=charset, unit="page")
    except InputError as exc:
        if exc.source:
            raise
        raise type(exc)(str(exc), source_uri) from None
