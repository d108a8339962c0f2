"""Readers: files, folders, stdin and bytes -> :class:`~storyline.model.Document`.

Formats: plain text, HTML, JSON Lines, WARC, each optionally gzip-compressed, sniffed from the
content when the name does not say. One module per job: :mod:`.files` (which files),
:mod:`.detect` (which format), :mod:`.decode` (which encoding), :mod:`.streams` (bounded,
streamed reading), :mod:`.text`, :mod:`.html`, :mod:`.jsonl`, :mod:`.warc` (one per format) and
:mod:`.dispatch` (wiring them for one input).

A bad input never stops a batch: :func:`read_paths` turns every problem into a
:class:`~storyline.model.ReadFailure` whose ``message`` is one line naming the problem (the
input is its ``source_uri``; print them as ``f"{source_uri}: {message}"``).
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from storyline.errors import InputError, without_source
from storyline.model import Document, ReadFailure
from storyline.read.detect import KINDS
from storyline.read.dispatch import read_stream
from storyline.read.files import STDIN, discover

__all__ = ["DEFAULT_MAX_BYTES", "discover", "read_bytes", "read_paths"]

#: Largest text/HTML document (or JSONL line, or WARC record) read, in bytes: 20 MiB. A real
#: article page is well under 5 MB; anything larger is a mistake (a dump, a log) and would
#: only cost memory.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Metadata only the reader knows; a declared value must never overwrite it.
_READER_KEYS = frozenset({"format", "encoding"})


def read_paths(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    declared: dict[str, Any] | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Document | ReadFailure]:
    """Every Document in ``paths`` (files, folders, ``-`` for stdin), in :func:`discover` order.

    Never raises for a bad input: it yields ``ReadFailure(source_uri, message)`` and goes on
    with the next input (or the next line / record of a JSONL or WARC file).

    ``declared`` (e.g. ``{"published": "2026-03-01", "language": "de"}`` from CLI flags) is
    merged into every Document's metadata and **wins** over what a container declares per
    article (a JSONL ``published``): the user typed the flag for this run, knowing the data,
    while the container's value came from whatever scraper wrote it. ``None`` and empty values
    are ignored, and ``format``/``encoding`` always stay the reader's own.
    ``stdin`` replaces ``sys.stdin.buffer`` for ``-`` (tests, the API).
    """
    overrides = {
        key: value
        for key, value in (declared or {}).items()
        if value not in (None, "") and key not in _READER_KEYS
    }
    for source in discover(paths):
        for item in _read_source(source, max_bytes, stdin):
            if overrides and isinstance(item, Document):
                item.metadata.update(overrides)
            yield item


def read_bytes(
    data: bytes,
    source_uri: str,
    *,
    kind: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[Document]:
    """The Documents in ``data`` (e.g. an upload); ``kind`` None sniffs the format.

    Strict, unlike :func:`read_paths`: the first problem, including one bad JSONL line or WARC
    record, raises :class:`InputError` naming ``source_uri``, because a caller handing over one
    blob has no way to receive partial failures. Raises ``ValueError`` for an unknown ``kind``.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} or None, not {kind!r}")
    documents: list[Document] = []
    try:
        for item in read_stream(
            io.BytesIO(data),
            source_uri,
            name=source_uri,
            size=len(data),
            max_bytes=max_bytes,
            kind=kind,
        ):
            if isinstance(item, ReadFailure):
                raise InputError(item.message, item.source_uri)
            documents.append(item)
    except InputError as exc:
        if exc.source is None:
            raise type(exc)(str(exc), source_uri) from None
        raise
    return documents


def _read_source(
    source: str, max_bytes: int, stdin: BinaryIO | None
) -> Iterator[Document | ReadFailure]:
    """One discovered input, with every problem turned into a ReadFailure."""
    try:
        if source == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_stream(stream, "stdin", name="", size=None, max_bytes=max_bytes)
            return
        if os.path.isdir(source):
            yield ReadFailure(source, _folder_problem(source))
            return
        if os.path.islink(source) and not os.path.exists(source):
            yield ReadFailure(source, "broken symbolic link")
            return
        info = os.stat(source)
        size = info.st_size if stat.S_ISREG(info.st_mode) else None  # pipes: size unknown
        with open(source, "rb") as handle:
            yield from read_stream(handle, source, name=source, size=size, max_bytes=max_bytes)
    except InputError as exc:
        yield ReadFailure(exc.source or _uri(source), without_source(str(exc), exc.source))
    except OSError as exc:
        yield ReadFailure(_uri(source), _os_problem(exc))
    except Exception as exc:  # a bug, but one bad file must not end a batch of thousands
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        yield ReadFailure(
            _uri(source),
            f"unexpected error while reading ({type(exc).__name__}: {detail}); please report it",
        )


def _uri(source: str) -> str:
    return "stdin" if source == STDIN else source


def _folder_problem(folder: str) -> str:
    """Why a folder gave no files (discover yields a folder only when it found nothing in it)."""
    try:
        with os.scandir(folder):
            pass
    except PermissionError:
        return "permission denied"
    except OSError as exc:
        return _os_problem(exc)
    return "no news files found"


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read ({exc.strerror or exc})"
