"""The feed pages (``/feeds``, ``/feeds/{ref}``) as plain data, and the ``POST /feeds`` body.

Kept apart from :mod:`storyline.web.views` because following outlets is its own job with its own
vocabulary (checks, hosts, item statuses); the same rule holds: a page and its ``.json`` twin are
made from one dict, so they cannot disagree.
"""

from __future__ import annotations

import json
from typing import Any

from storyline.errors import InputError
from storyline.fetch.hosts import host_key
from storyline.store import Store
from storyline.web.views import page

#: What a feed's ``health`` can be: the one word a reader scans the list for.
HEALTH = ("ok", "failing", "never checked")


def health(feed: dict[str, Any]) -> str:
    """``ok``, ``failing`` or ``never checked``: the state of the feed's latest check.

    Only the *latest* check counts (``consecutive_errors``): a feed that failed once last week
    and has worked since is ok, its old error is history, not an alarm.
    """
    if not feed.get("checks") and not feed.get("last_checked"):
        return "never checked"
    if (feed.get("consecutive_errors") or 0) > 0:
        return "failing"
    return "ok"


def _with_health(feed: dict[str, Any]) -> dict[str, Any]:
    return {**feed, "health": health(feed)}


def feeds(store: Store) -> dict[str, Any]:
    """Every followed feed with its status and health, and the per-host counters.

    The same shape as ``storyline feeds list --json`` (plus ``health``), so a script can move
    between the CLI and the HTTP API without rewriting its parsing.
    """
    return {"feeds": [_with_health(f) for f in store.feeds()], "hosts": store.hosts()}


def feed(store: Store, ref: str, limit: int, offset: int) -> dict[str, Any]:
    """One feed (id, id prefix, URL or name) with a page of its items, newest first.

    ``host`` is the counters of the feed's own host (``None`` before the first request), because
    "is it the feed or the whole site?" is the first question when a feed fails.
    """
    from storyline.api_feeds import find_feed

    row = find_feed(store, ref)
    items = store.feed_items(row["id"], limit=limit + 1, offset=offset)
    key = host_key(row["url"])
    host = next((h for h in store.hosts() if h["host"] == key), None) if key else None
    return {"feed": _with_health(row), "host": host, **page(items, limit, offset)}


def subscription_from_body(body: bytes, content_type: str) -> tuple[str, str | None, bool]:
    """``(url, name, check)`` from a ``POST /feeds`` JSON body; a bad body is an InputError.

    The types are checked here rather than left to :func:`subscribe`, so a client that sends
    ``"check": "no"`` is told so instead of having its feed fetched anyway.
    """
    kind = content_type.split(";")[0].strip().lower()
    if kind not in ("application/json", ""):
        raise InputError(f"content type {kind!r} is not accepted: send application/json")
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"the body is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"the body is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise InputError('the JSON body must be an object: {"url": "https://..."}')
    unknown = sorted(set(data) - {"url", "name", "check"})
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(map(repr, unknown))}: give url, name, check")
    url = data.get("url")
    if not isinstance(url, str) or not url.strip():
        raise InputError("'url' is required: the feed's, sitemap's or homepage's URL")
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise InputError("'name' must be a string")
    check = data.get("check", True)
    if not isinstance(check, bool):
        raise InputError("'check' must be true or false")
    return url.strip(), (name.strip() or None) if name else None, check


__all__ = ["HEALTH", "feed", "feeds", "health", "subscription_from_body"]
