"""WARC / WARC.gz web archives -> one ``Document`` per archived article page, streamed.

Only successful (2xx) HTTP ``response`` records of HTML, and ``resource`` records of HTML or
plain text, are articles; requests, metadata, revisits, redirects, error pages, images and
scripts are skipped silently, because a crawl is mostly those. Each Document's ``source_uri``
is the page's URL (``WARC-Target-URI``) so re-ingesting another crawl of the same page matches.

warcio does not complain about a truncated archive (it stops quietly), yet a crawl cut short
by a full disk is common; this reader notices and says so, keeping the complete records it
read. A record that is cut off is dropped rather than passed on as half an article.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from storyline.errors import InputError
from storyline.model import Document, ReadFailure
from storyline.read.detect import check_not_binary
from storyline.read.html import charset_from_content_type, read_html
from storyline.read.streams import read_limited
from storyline.read.text import read_text

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK = 1024 * 1024

NO_HTML = "no HTML response records in WARC file"


def iter_warc(stream: BinaryIO, path: str, max_bytes: int) -> Iterator[Document | ReadFailure]:
    """Documents (and per-record failures) from a WARC stream, then at most one file failure.

    A gunzip error on ``stream`` (attribute ``error``) is left to the caller to report.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = articles = 0
    problem: str | None = None
    iterator = ArchiveIterator(stream)
    try:
        for record in iterator:
            if record.rec_type is None:
                problem = f"WARC file is truncated or invalid after record {records}"
                break
            records += 1
            item = _record_item(record, path, records, max_bytes)
            if _is_cut_off(record):
                problem = f"WARC file is truncated (record {records} ends early)"
                break
            if item is not None:
                articles += 1
                yield item
        else:
            if getattr(iterator, "next_line", None):  # a record started but its headers did not end
                problem = f"WARC file is truncated (after record {records})"
    except ArchiveLoadFailed as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable record"
        where = f"invalid WARC data after record {records}" if records else "not a valid WARC file"
        problem = f"{where} ({detail})"
    except (AttributeError, ValueError, KeyError, IndexError, TypeError):
        # warcio trips over half-written headers instead of reporting them
        problem = (
            f"invalid or truncated WARC data after record {records}"
            if records
            else "not a valid WARC file (truncated or malformed record headers)"
        )
    if getattr(stream, "error", None):
        return  # the gzip error explains the problem better; the caller reports it
    if problem is None and not records:
        problem = "WARC file is truncated or invalid: no complete record"
    if problem is not None:
        yield ReadFailure(path, problem)
    elif not articles:
        yield ReadFailure(path, NO_HTML)


def _record_item(
    record: Any, path: str, number: int, max_bytes: int
) -> Document | ReadFailure | None:
    """The Document for an article record, a ReadFailure for a bad one, None for the rest."""
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or not str(http.get_statuscode() or "").startswith("2"):
            return None
        content_type = http.get_header("Content-Type")
    elif record.rec_type == "resource":
        content_type = headers.get_header("Content-Type")
    else:
        return None
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in _HTML_TYPES and not (mime == "text/plain" and record.rec_type == "resource"):
        return None
    source_uri = url or f"{path}#record{number}"
    metadata: dict[str, Any] = {"container": path}
    if url:
        metadata["url"] = url
    fetched = headers.get_header("WARC-Date")
    if fetched:
        metadata["fetched"] = fetched
    charset = charset_from_content_type(content_type)
    try:
        data = read_limited(record.content_stream(), max_bytes, "record")
        check_not_binary(data, complete=True)
        if mime in _HTML_TYPES:
            document = read_html(data, source_uri, metadata, http_charset=charset, unit="record")
        else:
            document = read_text(data, source_uri, metadata, charset=charset, unit="record")
    except InputError as exc:
        return ReadFailure(source_uri, str(exc))
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        return ReadFailure(source_uri, f"cannot read record payload ({exc})")
    document.metadata["format"] = "warc"
    return document


def _is_cut_off(record: Any) -> bool:
    """Read the record to its end; True when the archive ended before its Content-Length."""
    raw = record.raw_stream
    while raw.read(_CHUNK):
        pass
    return getattr(raw, "limit", 0) > 0
