"""The typed values that flow through storyline, in one place.

Data flows one way: ``Document`` (what a reader found) -> ``Article`` (what the cleaner made of it)
-> analysis -> store -> events -> storylines. Every stage takes one of these values and returns the
next; none reaches back. The dataclasses are plain so that they serialise to JSON without magic
(``to_dict`` / ``from_dict``) and cross process boundaries (Dask workers) unchanged.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DocumentKind = Literal["text", "html"]

#: Why a line was removed by the cleaner. A closed vocabulary so that the UI can group them.
REMOVAL_REASONS = (
    "navigation",  # menus, breadcrumbs, "Weiterlesen", section headers of link lists
    "share",  # share / embed / comment widgets
    "advertisement",  # "WERBUNG", "Anzeige", sponsored markers
    "counter",  # "2 Interaktionen", "14 comments", view counters
    "related",  # related-article blocks and their headlines
    "tag",  # keyword / tag lines
    "duplicate",  # a line repeated verbatim (e.g. caption shown twice)
    "legal",  # cookie banners, copyright footers, newsletter prompts
    "gate",  # consent walls, paywall / registration prompts, bot checks before the article
    "date",  # a date alone on a line in the page header (read as the publication date)
    "boilerplate",  # anything else the classifier rejected
)


@dataclass
class Document:
    """Raw input as a reader found it, before any cleaning.

    ``content`` is decoded text for plain-text and HTML inputs (readers detect the encoding, so
    the cleaner never sees bytes). ``metadata`` holds what the container *declared* about the
    article (a JSONL ``title``, a WARC target URI, a ``--published`` flag); declared values win
    over anything the cleaner guesses.
    """

    source_uri: str
    content: str
    kind: DocumentKind = "text"
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Hash of the raw content: lets ingest skip an unchanged file without cleaning it."""
        return hashlib.sha256(self.content.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass
class Block:
    """One unit of body text: a paragraph or a subheading, kept in reading order."""

    text: str
    kind: Literal["paragraph", "subheading"] = "paragraph"


@dataclass
class RemovedLine:
    """A line the cleaner dropped, with the reason, so a reader can audit every removal."""

    text: str
    reason: str


@dataclass
class Article:
    """A cleaned news article: the unit every later stage reads.

    ``id`` is a content hash of ``text`` (see :func:`article_id`), so ingesting the same article
    twice is a no-op, and the same text published by two outlets is one article with two copies.
    ``published`` is an ISO date (``YYYY-MM-DD``) or ``None``: it is only ever set from declared
    metadata or the page's own metadata, never guessed from boilerplate.
    """

    id: str
    source_uri: str
    text: str
    language: str | None = None
    title: str | None = None
    byline: str | None = None
    source: str | None = None
    agencies: list[str] = field(default_factory=list)
    dateline: str | None = None
    published: str | None = None
    lead: str | None = None
    body: list[Block] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        data["body"] = [Block(**b) if isinstance(b, dict) else b for b in data.get("body", [])]
        data["removed"] = [
            RemovedLine(**r) if isinstance(r, dict) else r for r in data.get("removed", [])
        ]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.body if b.kind == "paragraph"]


def compose_text(
    title: str | None, lead: str | None, key_points: list[str], body: list[Block]
) -> str:
    """The cleaned text later stages read: title, lead, key points, body, blank-line separated."""
    parts = [p for p in (title, lead) if p]
    parts.extend(key_points)
    parts.extend(b.text for b in body)
    return "\n\n".join(parts)


_WS = re.compile(r"\s+")


def normalise_for_hash(text: str) -> str:
    """Unicode NFC, whitespace folded, case kept: differences that are not content vanish."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def article_id(text: str) -> str:
    """Stable id of an article: the first 16 hex digits of SHA-256 over its normalised text."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()[:16]


@dataclass
class ReadFailure:
    """A reader could not turn an input into a Document; ``message`` says why in one line."""

    source_uri: str
    message: str
