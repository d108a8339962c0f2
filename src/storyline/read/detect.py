"""What is this input? File-name hints plus the first bytes decide the reader.

Unambiguous signatures (a WARC header, the magic number of a PDF or PNG) beat the file name,
because a misnamed file is common and the signature cannot lie. Ambiguous evidence (does this
text look like HTML?) only decides when the name says nothing, with one exception: a ``.txt``
file that starts like a full HTML page is HTML, since that is what a browser "save as" gives.
"""

from __future__ import annotations

import codecs
import re

from storyline.errors import UnsupportedInput
from storyline.read.decode import utf16_without_bom

KINDS = ("text", "html", "jsonl", "warc")

GZIP_MAGIC = b"\x1f\x8b"

_EXTENSION_KINDS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
}

# (offset, signature, description): the usual things that end up in a folder of news by mistake.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "PDF document"),
    (0, b"PK\x03\x04", "ZIP archive or Office document"),
    (0, b"PK\x05\x06", "ZIP archive"),
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xff\xd8\xff", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"\x7fELF", "ELF executable"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (0, b"\xfd7zXZ\x00", "xz-compressed data"),
    (0, b"\x28\xb5\x2f\xfd", "Zstandard-compressed data"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (8, b"WEBP", "WebP image"),
    (4, b"ftyp", "MP4/QuickTime media"),
    (0, b"ID3", "MP3 audio"),
    (0, b"OggS", "Ogg media"),
    (0, b"fLaC", "FLAC audio"),
    (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
    (0, b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"),
    (0, b"\xcf\xfa\xed\xfe", "Mach-O binary"),
    (0, b"\x89HDF\r\n\x1a\n", "HDF5 file"),
    (0, b"\x93NUMPY", "NumPy array"),
    (0, b"PAR1", "Parquet file"),
    (0, b"ARROW1", "Arrow file"),
    (0, b"wOFF", "WOFF font"),
    (0, b"wOF2", "WOFF2 font"),
    (0, b"8BPS", "Photoshop image"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")

_HTML_START = re.compile(r"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.S)
_HTML_FRAGMENT = re.compile(
    r"<(?:head|body|meta|title|link|div|p|article|section|main|header|h[1-6]|span|a|table|ul|"
    r"ol|br|figure|img|script|style|!--)[\s>/]"
)
_FEED = re.compile(r"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:rdf)\b", re.S)


def strip_gz(name: str) -> str:
    """``a.warc.gz`` -> ``a.warc``: the kind of a compressed file is the kind of its content."""
    return name[:-3] if name.lower().endswith(".gz") else name


def kind_from_name(name: str) -> str | None:
    """The kind a file name promises (``.gz`` looked through), or None."""
    lowered = strip_gz(name).lower()
    for extension, kind in _EXTENSION_KINDS.items():
        if lowered.endswith(extension):
            return kind
    return None


def binary_format(head: bytes) -> str | None:
    """Description of a known binary format from its magic number, else None."""
    for offset, signature, description in _MAGIC:
        if head[offset : offset + len(signature)] == signature:
            if description == "WebP image" and not head.startswith(b"RIFF"):
                continue
            return description
    if _BZIP2.match(head):
        return "bzip2-compressed data"
    if head.startswith(b"MZ") and b"\x00" in head[2:64]:
        return "Windows executable"
    return None


def is_wide(head: bytes) -> bool:
    """UTF-16/32 text (with or without BOM): the one case where NUL bytes are legitimate."""
    boms = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    return head.startswith(boms) or utf16_without_bom(head) is not None


def check_not_binary(head: bytes, *, complete: bool) -> None:
    """Raise :class:`UnsupportedInput` for binary data.

    ``complete`` says ``head`` is the whole input: then trailing NUL padding (left by tools that
    preallocate files) is tolerated, because the text before it is fine.
    """
    described = binary_format(head)
    if described is not None:
        raise UnsupportedInput(f"binary file ({described}), not text or HTML")
    if head.startswith(b"{\\rtf"):
        raise UnsupportedInput("RTF document, not text or HTML (save it as plain text)")
    if is_wide(head):
        return
    body = head.rstrip(b"\x00") if complete else head
    if b"\x00" in body:
        raise UnsupportedInput("binary file (contains NUL bytes), not text or HTML")


def sniff_kind(head: bytes, name: str, *, complete: bool) -> str:
    """The reader for an input: ``text``, ``html``, ``jsonl`` or ``warc``; raises for the rest.

    ``head`` is the first bytes of the (decompressed) input, ``name`` its file name or URI.
    """
    if head.startswith((b"WARC/1.", b"WARC/0.")):
        return "warc"
    check_not_binary(head, complete=complete)
    by_name = kind_from_name(name)
    if by_name == "warc":
        return "warc"  # warcio explains what is wrong with it
    start = _sniff_text(head)
    if _FEED.match(start):
        raise UnsupportedInput("RSS/Atom feed, not an article (read the pages it links to)")
    json_shape = _json_shape(start)
    if by_name in ("jsonl", "html"):
        return by_name
    if json_shape == "jsonl":
        return "jsonl"
    if json_shape == "json":
        raise UnsupportedInput(
            "JSON file that is not JSON Lines (one article object per line); "
            "convert it, e.g. with jq -c '.[]'"
        )
    if _HTML_START.match(start):
        return "html"
    if by_name is None and _HTML_FRAGMENT.match(start):
        return "html"
    return "text"


def _sniff_text(head: bytes) -> str:
    """The first few KB as lower-case text, good enough to look for markup (not for content)."""
    sample = head[:8192]
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if sample.startswith(bom):
            return sample[len(bom) :].decode(codec, "ignore").lstrip().lower()
    codec = utf16_without_bom(sample) or "latin-1"
    return sample.decode(codec, "ignore").lstrip().lower()


def _json_shape(start: str) -> str | None:
    """``"jsonl"`` for one object per line, ``"json"`` for a pretty-printed document, else None."""
    if start.startswith("["):
        return "json" if re.match(r"\[\s*[{\]\"]", start) else None
    if not start.startswith("{"):
        return None
    first_line = start.split("\n", 1)[0].strip()
    if first_line == "{":
        return "json" if re.match(r"\{\s*\"", start) else None
    return "jsonl" if re.match(r"\{\s*\"[^\"]*\"\s*:", start) else None
