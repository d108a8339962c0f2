"""The two write endpoints' work: ingest one posted article, and relink the store.

``POST /articles`` takes the article the way a newsroom tool has it: a JSON object with
``text`` (a plain-text page copy), ``html`` (a saved page) or ``url`` (fetched by the server),
or the raw page as the body with a ``text/plain`` or ``text/html`` content type. It goes through
exactly the pipeline ``storyline ingest`` uses (clean, store, analyse, link), so a posted
article and an ingested file end up the same.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from storyline.errors import InputError
from storyline.fetch.types import FetchPolicy
from storyline.model import Document
from storyline.store import Store


def document_from_body(
    body: bytes, content_type: str, *, policy: FetchPolicy | None = None
) -> Document:
    """A :class:`Document` from a request body; a bad body raises :class:`InputError`."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/plain", "text/html"):
        text = _decode(body)
        return _document(text, "html" if kind == "text/html" else "text", {}, None)
    if kind not in ("application/json", ""):
        raise InputError(
            f"content type {kind!r} is not accepted: send application/json, text/plain or text/html"
        )
    try:
        data = json.loads(_decode(body))
    except json.JSONDecodeError as exc:
        raise InputError(f"the body is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise InputError("the JSON body must be an object with 'text', 'html' or 'url'")
    given = [k for k in ("text", "html", "url") if data.get(k)]
    if len(given) != 1:
        raise InputError("give exactly one of 'text', 'html' or 'url'")
    declared: dict[str, Any] = {}
    for key in ("title", "published", "language", "source", "url"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"'{key}' must be a string")
        if value:
            declared[key] = value
    if data.get("published"):
        from storyline.clean.dates import parse_date

        iso = parse_date(data["published"])
        if iso is None:
            raise InputError(f"'published' {data['published']!r} is not a date (YYYY-MM-DD)")
        declared["published"] = iso
    key = given[0]
    value = data[key]
    if not isinstance(value, str):
        raise InputError(f"'{key}' must be a string")
    if key == "url":
        return fetch_document(value, declared, policy or FetchPolicy(public_only=True))
    return _document(value, key, declared, data.get("source_uri"))


def _decode(body: bytes) -> str:
    if b"\x00" in body[:8192]:
        raise InputError("the body is binary, not a news page")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the body is not UTF-8 (byte {exc.start})") from None


def _document(text: str, kind: str, declared: dict[str, Any], uri: Any) -> Document:
    if not text.strip():
        raise InputError("the article is empty")
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    source = uri if isinstance(uri, str) and uri.strip() else f"http-post:{digest}"
    return Document(source, text, kind, declared)  # type: ignore[arg-type]


def fetch_document(url: str, declared: dict[str, Any], policy: FetchPolicy) -> Document:
    """Fetch a posted URL the way ``storyline ingest URL`` does: robots.txt, size cap, retries,
    and (on a server, by default) public addresses only."""
    from storyline.fetch.http import PAGE_TYPES, Fetcher
    from storyline.fetch.pages import document_from_fetch, is_url

    if not is_url(url):
        raise InputError(f"url {url!r} must start with http:// or https://")
    with Fetcher(policy) as fetcher:
        result = fetcher.fetch(url, allowed_types=PAGE_TYPES)
    if result.status != "ok":
        raise InputError(f"cannot fetch it: {result.message}", url)
    return document_from_fetch(result, url, extra=declared)


def ingest_one(store: Store, doc: Document) -> dict[str, Any]:
    """Clean, store, analyse and link one document; what happened, as the CLI reports it."""
    from storyline.link.runner import link_pending
    from storyline.pipeline import analyse_pending, ingest_documents

    report = ingest_documents(store, [doc], analyse=False)
    if report.failures:
        raise InputError(report.failures[0].message, doc.source_uri)
    analyse_pending(store, report=report)
    report.linking = link_pending(store).to_dict()
    out = report.to_dict()
    out["article_id"] = report.article_ids[0] if report.article_ids else None
    out["event_id"] = store.event_of(out["article_id"]) if out["article_id"] else None
    return out


__all__ = ["document_from_body", "fetch_document", "ingest_one"]
