"""One input (file, stdin or bytes) -> the right reader, with the checks every format shares.

The order is what keeps big or hostile inputs cheap: a text/HTML file over the size limit is
rejected from ``os.stat`` before a byte is read; otherwise only the first 64 KB are read to
decide the format, and gzip is decompressed as a stream, so neither a 200 MB file nor a gzip
bomb is ever held in memory. Whole-input problems raise :class:`InputError` (possibly after some
Documents of a JSONL/WARC stream were yielded, which stay valid); per-record problems of
JSONL/WARC are yielded as :class:`ReadFailure` so the other records still come through.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

from storyline.errors import InputError
from storyline.model import Document, ReadFailure
from storyline.read.detect import GZIP_MAGIC, check_not_binary, kind_from_name, sniff_kind
from storyline.read.html import read_html
from storyline.read.jsonl import iter_jsonl
from storyline.read.streams import (
    HEAD_BYTES,
    Gunzipped,
    human_size,
    over_limit,
    read_limited,
    read_up_to,
    rewound,
)
from storyline.read.text import read_text
from storyline.read.warc import iter_warc


def read_stream(
    stream: BinaryIO,
    source_uri: str,
    *,
    name: str,
    size: int | None,
    max_bytes: int,
    kind: str | None = None,
) -> Iterator[Document | ReadFailure]:
    """Documents from one input. ``name`` gives the extension hint, ``size`` is None if unknown."""
    by_name = kind or kind_from_name(name)
    if size == 0:
        raise InputError("empty file")
    gzipped_name = name.lower().endswith(".gz")
    if size is not None and not gzipped_name and by_name in ("text", "html"):
        _check_size(size, max_bytes)
    head = read_up_to(stream, HEAD_BYTES)
    if not head.strip() and len(head) < HEAD_BYTES:
        raise InputError("empty file")
    source = rewound(head, stream)
    gunzipped: Gunzipped | None = None
    if head.startswith(GZIP_MAGIC):
        gunzipped = Gunzipped(source)
        source = gunzipped
        head = gunzipped.peek(HEAD_BYTES)[:HEAD_BYTES]  # one chunk is enough to sniff
        if not head:
            raise InputError(gunzipped.error or "empty file")
    complete = gunzipped is None and len(head) < HEAD_BYTES
    if kind is None:
        kind = sniff_kind(head, name, complete=complete)
    elif kind != "warc":
        check_not_binary(head, complete=complete)
    if kind == "warc":
        yield from iter_warc(source, source_uri, max_bytes)
    elif kind == "jsonl":
        yield from iter_jsonl(source, source_uri, max_bytes)
    else:
        if size is not None and gunzipped is None:
            _check_size(size, max_bytes)
        yield _single(source, source_uri, kind, max_bytes, gunzipped)
    if gunzipped is not None and gunzipped.error:
        raise InputError(gunzipped.error)


def _single(
    source: io.BufferedReader,
    source_uri: str,
    kind: str,
    max_bytes: int,
    gunzipped: Gunzipped | None,
) -> Document:
    """A text or HTML document read whole, within the limit."""
    data = read_limited(source, max_bytes, "decompressed content" if gunzipped else "input")
    if gunzipped is not None and gunzipped.error:
        raise InputError(gunzipped.error)
    check_not_binary(data, complete=True)  # NUL bytes after the first 64 KB
    metadata: dict[str, Any] = {}
    if kind == "html":
        return read_html(data, source_uri, metadata)
    return read_text(data, source_uri, metadata)


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise over_limit(f"file is {human_size(size)},", max_bytes)
