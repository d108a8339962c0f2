"""Byte streams for readers: peek at the start, gunzip safely, read with a size limit.

Stdin and gzip streams cannot seek, yet the reader must see the first bytes before it knows
which reader to use. :func:`rewound` puts the peeked bytes back in front. Decompression is
streamed and every read is bounded, so a gzip bomb costs at most ``max_bytes`` of memory.
"""

from __future__ import annotations

import gzip
import io
import zlib
from typing import BinaryIO

from storyline.errors import InputError

HEAD_BYTES = 64 * 1024
_BUFFER = 64 * 1024


def human_size(size: int) -> str:
    """``20971520`` -> ``"20.0 MB"`` (binary units, like ``ls -h``, named the way people say it)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def over_limit(what: str, max_bytes: int) -> InputError:
    """The error for an input over the per-document limit, with the way to raise it."""
    limit = human_size(max_bytes)
    return InputError(f"{what} over the {limit} limit for one document (raise it with --max-bytes)")


def read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Read ``size`` bytes or until EOF, even from a raw stream that returns short reads."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_limited(stream: BinaryIO, max_bytes: int, what: str) -> bytes:
    """All of ``stream``, or :func:`over_limit` as soon as it passes ``max_bytes``."""
    data = read_up_to(stream, max_bytes + 1)
    if len(data) > max_bytes:
        raise over_limit(f"{what} is", max_bytes)
    return data


class _Rewound(io.RawIOBase):
    """``head`` followed by the rest of ``stream``: un-reads the bytes used for sniffing."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def rewound(head: bytes, stream: BinaryIO) -> io.BufferedReader:
    """A buffered stream that yields ``head`` and then whatever ``stream`` still holds."""
    return io.BufferedReader(_Rewound(head, stream), buffer_size=_BUFFER)


class _Gunzip(io.RawIOBase):
    """Streaming gunzip that turns corruption into a clean EOF and remembers it in ``error``.

    warcio swallows an ``EOFError`` raised while it parses record headers, which would make a
    truncated ``.warc.gz`` look complete; recording the problem here lets every reader report it.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._gzip = gzip.GzipFile(fileobj=stream, mode="rb")
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error:
            return 0
        try:
            data = self._gzip.read1(len(buffer))  # read() would drop data read before an error
        except EOFError:
            self.error = "truncated gzip data (the file ends early)"
            return 0
        except (gzip.BadGzipFile, zlib.error):
            self.error = "corrupt gzip data"
            return 0
        buffer[: len(data)] = data
        return len(data)


class Gunzipped(io.BufferedReader):
    """A decompressed view of a gzip stream; check :attr:`error` after reading to the end."""

    def __init__(self, stream: BinaryIO) -> None:
        self._raw_gunzip = _Gunzip(stream)
        super().__init__(self._raw_gunzip, buffer_size=_BUFFER)

    @property
    def error(self) -> str | None:
        return self._raw_gunzip.error
