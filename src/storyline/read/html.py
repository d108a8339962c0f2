"""HTML pages -> ``Document(kind="html")`` with the content decoded.

The charset comes, in this order, from a BOM, the HTTP ``Content-Type`` header (WARC), the
page's own ``<meta charset>`` / ``http-equiv`` / XML declaration, and finally detection (see
:mod:`storyline.read.decode` for why valid UTF-8 still beats a declaration). Broken markup is
left alone: the cleaner copes with it. A page without any text is rejected here, because
there is nothing the cleaner could make of it and the user should know which file it was.
"""

from __future__ import annotations

import re
from typing import Any

from storyline.errors import InputError
from storyline.model import Document
from storyline.read.decode import decode_bytes
from storyline.read.text import normalise

_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:+-]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([a-zA-Z0-9_.:+-]+)", re.I)
_CONTENT_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:+-]+)", re.I)

# One pass over tags and comments (no backtracking across the page, so broken markup with
# unclosed <script> tags stays linear); text inside these elements is not visible.
_TOKEN = re.compile(r"<!--.*?(?:-->|\Z)|<(/?)([a-zA-Z][\w:-]*)[^>]*>|<[^>]*>", re.S)
_HIDDEN = frozenset({"script", "style", "template", "svg", "noscript"})
_ENTITY = re.compile(r"&#?\w+;?")
_WORD = re.compile(r"\w")


def charset_from_content_type(value: str | None) -> str | None:
    """``text/html; charset=ISO-8859-1`` -> ``ISO-8859-1``."""
    match = _CONTENT_TYPE_CHARSET.search(value or "")
    return match.group(1) if match else None


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first 64 KB (``<meta>`` or XML declaration)."""
    head = data[: 64 * 1024]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii") if match else None


def has_text(content: str) -> bool:
    """True when the page shows at least one letter or digit (scripts and styles do not count).

    Stops at the first visible word, so a normal page costs almost nothing.
    """
    hidden: str | None = None
    position = 0
    for token in _TOKEN.finditer(content):
        if hidden is None and _has_word(content[position : token.start()]):
            return True
        position = token.end()
        closing, name = token.group(1), (token.group(2) or "").lower()
        self_closing = token.group(0).endswith("/>")
        if hidden is None and not closing and not self_closing and name in _HIDDEN:
            hidden = name
        elif closing and name == hidden:
            hidden = None
    return hidden is None and _has_word(content[position:])


def _has_word(segment: str) -> bool:
    return _WORD.search(_ENTITY.sub("", segment)) is not None


def html_document(
    content: str, source_uri: str, metadata: dict[str, Any], *, unit: str = "file"
) -> Document:
    """An HTML Document from decoded markup; raises when it is empty or shows no text."""
    content = normalise(content)
    if not content.strip():
        raise InputError(f"empty {unit}")
    if not has_text(content):
        raise InputError("HTML has no text")
    return Document(source_uri, content, "html", {**metadata, "format": "html"})


def read_html(
    data: bytes,
    source_uri: str,
    metadata: dict[str, Any],
    *,
    http_charset: str | None = None,
    unit: str = "file",
) -> Document:
    """Decode an HTML page (HTTP charset, then ``<meta>``, then detection) into a Document."""
    if not data.strip():
        raise InputError(f"empty {unit}")
    content, encoding = decode_bytes(data, (http_charset, declared_charset(data)))
    return html_document(content, source_uri, {**metadata, "encoding": encoding}, unit=unit)
