"""Plain text (``.txt``, ``.md``, browser copies of pages) -> ``Document(kind="text")``.

The cleaner works line by line, so the one thing this module guarantees besides decoding is
that lines end in ``\\n`` only, whatever system wrote the file.
"""

from __future__ import annotations

from typing import Any

from storyline.errors import InputError
from storyline.model import Document
from storyline.read.decode import decode_bytes


def normalise(content: str) -> str:
    """Newlines to ``\\n``; drop NULs and stray BOMs, which can only be padding at this point.

    Binary input with NULs was rejected before decoding, so a NUL here comes from UTF-16 padding
    or a single stray byte in a JSON string; neither is content.
    """
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    return content.replace("\x00", "").replace("\ufeff", "")


def text_document(
    content: str, source_uri: str, metadata: dict[str, Any], *, unit: str = "file"
) -> Document:
    """A text Document from decoded text; ``unit`` names the input in the "empty" message."""
    content = normalise(content)
    if not content.strip():
        raise InputError(f"empty {unit}")
    return Document(source_uri, content, "text", {**metadata, "format": "text"})


def read_text(
    data: bytes,
    source_uri: str,
    metadata: dict[str, Any],
    *,
    charset: str | None = None,
    unit: str = "file",
) -> Document:
    """Decode ``data`` into a text Document; ``charset`` is a declared one (HTTP header), if any.

    The encoding is detected, not assumed: see :mod:`storyline.read.decode`.
    """
    if not data.strip():
        raise InputError(f"empty {unit}")
    content, encoding = decode_bytes(data, (charset,))
    return text_document(content, source_uri, {**metadata, "encoding": encoding}, unit=unit)
