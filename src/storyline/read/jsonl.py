"""JSON Lines (``.jsonl``, ``.ndjson``): one article object per line, streamed.

Scraper dumps are large, so lines are read one at a time and the size limit applies per line.
A bad line becomes a :class:`ReadFailure` for ``path#L<n>`` and the rest still come through:
one malformed record must not cost the other ten thousand. Only when the *first* lines are all
bad does the reader give up, because then the file is not JSON Lines at all and a failure per
line would bury the one message that matters.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator
from typing import Any

from storyline.errors import InputError
from storyline.model import Document, ReadFailure
from storyline.read.decode import decode_bytes, utf16_without_bom
from storyline.read.html import html_document
from storyline.read.streams import over_limit
from storyline.read.text import text_document

# (JSON key, metadata key) in priority order: "language" wins over "lang".
_FIELDS = (
    ("url", "url"),
    ("title", "title"),
    ("published", "published"),
    ("source", "source"),
    ("language", "language"),
    ("lang", "language"),
    ("id", "id"),
)
_GIVE_UP_AFTER = 10
_CHUNK = 1024 * 1024
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def iter_jsonl(
    stream: io.BufferedReader, path: str, max_bytes: int
) -> Iterator[Document | ReadFailure]:
    """One Document per article line (``source_uri`` ``path#L<n>``, 1-based), failures inline."""
    documents = failures = 0
    for lineno, line, codec in _lines(stream, max_bytes):
        uri = f"{path}#L{lineno}"
        if line is None:
            failures += 1
            yield ReadFailure(uri, str(over_limit("line is", max_bytes)))
        elif line.strip():
            try:
                text, encoding = (line, codec) if isinstance(line, str) else _decode_line(line)
                document = _document(text, uri, encoding)
            except InputError as exc:
                failures += 1
                yield ReadFailure(uri, str(exc))
            else:
                documents += 1
                yield document
        if not documents and failures >= _GIVE_UP_AFTER:
            raise InputError(
                f"not JSON Lines: the first {failures} lines are not article objects, giving up"
            )
    if not documents and not failures:
        raise InputError("empty file")


def _lines(
    stream: io.BufferedReader, max_bytes: int
) -> Iterator[tuple[int, bytes | str | None, str]]:
    """``(lineno, line, codec)``: bytes to decode, text (UTF-16/32), or None when over the limit."""
    start = stream.peek(4)[:4]
    for bom, codec in _WIDE_BOMS:
        if start.startswith(bom):
            yield from _wide_lines(stream, codec, max_bytes)
            return
    wide = utf16_without_bom(stream.peek(4096))
    if wide:
        yield from _wide_lines(stream, wide, max_bytes)
        return
    lineno = 0
    while line := stream.readline(max_bytes + 1):
        lineno += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest without keeping it
                line = stream.readline(_CHUNK)
            yield lineno, None, ""
            continue
        if lineno == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        yield lineno, line, ""


def _wide_lines(
    stream: io.BufferedReader, codec: str, max_bytes: int
) -> Iterator[tuple[int, bytes | str | None, str]]:
    """Lines of a UTF-16/32 file (Windows PowerShell writes JSONL like that)."""
    text = io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="\n")
    limit = max_bytes // 2
    lineno = 0
    while line := text.readline(limit + 1):
        lineno += 1
        if len(line) > limit and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = text.readline(_CHUNK)
            yield lineno, None, ""
            continue
        yield lineno, line, codec


def _decode_line(line: bytes) -> tuple[str, str]:
    try:
        return line.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return decode_bytes(line)  # a Western 8-bit dump, or undecodable (raises later)


def _document(line: str, uri: str, encoding: str) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputError("not valid JSON (nested too deeply)") from None
    if not isinstance(record, dict):
        raise InputError(f"not a JSON object (found {_json_type(record)})")
    metadata: dict[str, Any] = {}
    for key, meta_key in _FIELDS:
        value = _scalar(record.get(key))
        if value is not None and meta_key not in metadata:
            metadata[meta_key] = value
    metadata["encoding"] = encoding
    html, text = record.get("html"), record.get("text")
    for name, value in (("html", html), ("text", text)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"field '{name}' is {_json_type(value)}, not a string")
    if html is None and text is None:
        raise InputError("object has neither 'text' nor 'html'")
    # HTML first when both are given: the cleaner gets the structure and keeps provenance.
    if html and html.strip():
        document = html_document(html, uri, metadata, unit="'html' field")
    elif text and text.strip():
        document = text_document(text, uri, metadata, unit="'text' field")
    else:
        raise InputError("empty article ('text' and 'html' are blank)")
    document.metadata["format"] = "jsonl"
    return document


def _scalar(value: Any) -> str | None:
    """Declared metadata as a string: numbers become strings, lists/objects/booleans are ignored."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return names.get(type(value), type(value).__name__)
