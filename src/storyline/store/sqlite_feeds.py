"""The SQLite side of feeds, feed items, fetch state and host counters (schema 0006), mixed into
:class:`~storyline.store.sqlite.SQLiteStore`.

Kept apart from ``sqlite.py`` because it is one job: remember what the feed watcher and the
fetcher did, so a restarted run continues instead of starting over. Every write is a single
``INSERT ... ON CONFLICT`` / ``UPDATE`` on the table's key inside the host's ``_write`` (one
``BEGIN IMMEDIATE`` transaction), so repeating a write is harmless and two processes recording
the same item or host at once add up instead of clashing. Counters are incremented *in SQL*
(``attempts = attempts + 1``), never read, changed and written back by Python.

The row helpers and :class:`FeedTables` (the reads and the single-statement writes, whose SQL
is the same on both backends) are reused by :mod:`storyline.store.postgres_feeds`, so both
backends return the same shapes and merge the same way.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from storyline.errors import NotFound, StoreError
from storyline.store.base import (
    FEED_ITEM_KEYS,
    FEED_ITEM_STATUSES,
    FEED_KEYS,
    FETCH_KEYS,
    HOST_KEYS,
)
from storyline.store.base import feed_id as make_feed_id

T = TypeVar("T")

#: Keys per ``IN (...)`` list in :meth:`feed_items_done`; well under SQLite's variable limit
#: (999 before 3.32), whatever the library was built with.
IN_CHUNK = 500

_HEX = re.compile(r"^[0-9a-f]+$")

#: The feed row and its item counts, aggregated in one pass over the feed's items. The CASE
#: spelling of the filtered counts works on both engines.
FEED_SQL = """
    SELECT f.id, f.url, f.name, f.kind, f.title, f.added, f.last_checked, f.last_ok,
           f.last_error, f.last_error_at, f.consecutive_errors, f.checks, f.etag,
           f.last_modified, count(i.item_key),
           count(CASE WHEN i.status = 'stored' THEN 1 END),
           count(CASE WHEN i.status = 'failed' THEN 1 END)
    FROM feeds f LEFT JOIN feed_items i ON i.feed_id = f.id
"""
FEED_ITEM_SQL = (
    "SELECT item_key, url, title, published, status, article_id, message, attempts, "
    "first_seen, last_tried FROM feed_items"
)
FETCH_SQL = (
    "SELECT url, final_url, status, http_status, etag, last_modified, fetched_at, article_id "
    "FROM fetches"
)
HOST_SQL = "SELECT host, requests, failures, last_ok, last_error, last_error_at FROM hosts"


#: The ``DO UPDATE`` of :meth:`record_fetch` (both engines): a 304 keeps what it did not replace.
RECORD_FETCH_UPDATE = """
    status = excluded.status, http_status = excluded.http_status,
    fetched_at = excluded.fetched_at,
    final_url = CASE WHEN excluded.status = 'not_modified'
                THEN coalesce(excluded.final_url, fetches.final_url) ELSE excluded.final_url END,
    etag = CASE WHEN excluded.status = 'not_modified'
           THEN coalesce(excluded.etag, fetches.etag) ELSE excluded.etag END,
    last_modified = CASE WHEN excluded.status = 'not_modified'
                    THEN coalesce(excluded.last_modified, fetches.last_modified)
                    ELSE excluded.last_modified END,
    article_id = CASE WHEN excluded.status = 'not_modified'
                 THEN coalesce(excluded.article_id, fetches.article_id)
                 ELSE excluded.article_id END
"""

#: The ``DO UPDATE`` of :meth:`record_host` (both engines): counts add up, outcomes replace.
RECORD_HOST_UPDATE = """
    requests = hosts.requests + excluded.requests,
    failures = hosts.failures + excluded.failures,
    last_ok = coalesce(excluded.last_ok, hosts.last_ok),
    last_error = coalesce(excluded.last_error, hosts.last_error),
    last_error_at = coalesce(excluded.last_error_at, hosts.last_error_at)
"""


def now() -> str:
    """The current time as the feed tables store it: ISO-8601 UTC, seconds, ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_row(row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(FEED_KEYS, row, strict=True))


def item_row(row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(FEED_ITEM_KEYS, row, strict=True))


def fetch_row(row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(FETCH_KEYS, row, strict=True))


def host_row(row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(HOST_KEYS, row, strict=True))


def clean_url(url: str) -> str:
    """``url`` without surrounding whitespace; an empty URL is a user error."""
    if not isinstance(url, str) or not url.strip():
        raise StoreError(f"a feed needs a URL, got {url!r}")
    return url.strip()


def check_status(status: str) -> None:
    if status not in FEED_ITEM_STATUSES:
        raise StoreError(
            f"unknown feed item status {status!r}: use one of {', '.join(FEED_ITEM_STATUSES)}"
        )


def check_count(name: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise StoreError(f"{name} must be a whole number >= 0, got {value!r}")


def clean_host(host: str) -> str:
    if not isinstance(host, str) or not host.strip():
        raise StoreError(f"a host name is needed, got {host!r}")
    return host.strip().lower()


def prefix_match(ref: str, ids: list[str]) -> str | None:
    """The id ``ref`` names among ``ids`` (the ids starting with it), or ``None``; an
    ambiguous prefix is a :class:`StoreError` listing the candidates."""
    key = ref.lower()
    if key in ids or len(ids) == 1:
        return key if key in ids else ids[0]
    if ids:
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        raise StoreError(f"ambiguous feed id prefix {ref!r}: matches {shown}; give more characters")
    return None


def is_id_prefix(ref: str) -> bool:
    return len(ref) >= 4 and bool(_HEX.match(ref.lower()))


class FeedTables:
    """The feed-table methods whose SQL is the same on both backends, written once.

    The statements are written with ``?`` markers and :meth:`_q` turns them into the
    backend's (``%s`` for psycopg). Each backend's mixin sets :attr:`_PH` and provides
    ``_read`` (a context manager giving a connection), ``_page``, ``path`` and
    :meth:`_in_write`, which runs a function in one write transaction. Every write here is a
    single statement the database makes atomic (counters are incremented in SQL), so it is safe
    with concurrent writers on either backend.
    """

    _PH = "?"
    path: str

    if TYPE_CHECKING:  # provided by the store classes and the backend mixins

        def _read(self, doing: str) -> AbstractContextManager[Any]: ...

        def _in_write(self, doing: str, work: Callable[[Any], T]) -> T: ...

        @staticmethod
        def _page(limit: int, offset: int) -> tuple[int, int]: ...

    def _q(self, sql: str) -> str:
        """``sql`` with this backend's parameter marker (the statements hold no literal ``?``)."""
        return sql if self._PH == "?" else sql.replace("?", self._PH)

    def _feed_by_id(self, conn: Any, fid: str) -> dict[str, Any] | None:
        row = conn.execute(self._q(FEED_SQL + " WHERE f.id = ? GROUP BY f.id"), (fid,)).fetchone()
        return feed_row(row) if row else None

    def _resolve_feed(self, conn: Any, ref: str) -> str:
        """Feed id, unique id prefix or exact URL -> feed id (NotFound / ambiguity errors)."""
        ref = ref.strip()
        if is_id_prefix(ref):
            key = ref.lower()
            rows = conn.execute(
                self._q("SELECT id FROM feeds WHERE id >= ? AND id < ? ORDER BY id LIMIT 6"),
                # ids are lower-case hex, and "g" sorts after "f" (PostgreSQL: COLLATE C)
                (key, key + "g"),
            ).fetchall()
            found = prefix_match(ref, [r[0] for r in rows])
            if found:
                return found
        row = conn.execute(self._q("SELECT id FROM feeds WHERE url = ?"), (ref,)).fetchone()
        if row:
            return str(row[0])
        raise NotFound(f"no feed with id or URL {ref!r} in {self.path}")

    # -- reads ---------------------------------------------------------------------------------

    def feeds(self) -> list[dict[str, Any]]:
        with self._read("list feeds") as conn:
            rows = conn.execute(FEED_SQL + " GROUP BY f.id ORDER BY f.seq").fetchall()
        return [feed_row(r) for r in rows]

    def feed_items(
        self,
        feed_id: str,
        *,
        limit: int = 50,
        offset: int = 0,
        retryable: int | None = None,
    ) -> list[dict[str, Any]]:
        limit, offset = self._page(limit, offset)
        where, args = "feed_id = ?", [feed_id]
        if retryable is not None:
            where += " AND status = 'failed' AND attempts < ?"
            args.append(retryable)
        sql = FEED_ITEM_SQL + f" WHERE {where} ORDER BY first_seen DESC, item_key LIMIT ? OFFSET ?"
        with self._read("list feed items") as conn:
            rows = conn.execute(self._q(sql), (*args, limit, offset)).fetchall()
        return [item_row(r) for r in rows]

    def fetch_state(self, url: str) -> dict[str, Any] | None:
        with self._read("read a fetch state") as conn:
            row = conn.execute(self._q(FETCH_SQL + " WHERE url = ?"), (url,)).fetchone()
        return fetch_row(row) if row else None

    def hosts(self) -> list[dict[str, Any]]:
        with self._read("list hosts") as conn:
            rows = conn.execute(HOST_SQL + " ORDER BY host").fetchall()
        return [host_row(r) for r in rows]

    # -- writes --------------------------------------------------------------------------------

    def record_feed_check(
        self,
        feed_id: str,
        *,
        checked_at: str,
        ok: bool,
        error: str | None = None,
        kind: str | None = None,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        common = (
            "checks = checks + 1, last_checked = ?, "
            "kind = coalesce(?, kind), title = coalesce(?, title)"
        )
        params: tuple[Any, ...]
        if ok:
            sql = (
                f"UPDATE feeds SET {common}, last_ok = ?, consecutive_errors = 0, "
                "etag = ?, last_modified = ? WHERE id = ?"
            )
            params = (checked_at, kind, title, checked_at, etag, last_modified, feed_id)
        else:
            sql = (
                f"UPDATE feeds SET {common}, last_error = ?, last_error_at = ?, "
                "consecutive_errors = consecutive_errors + 1 WHERE id = ?"
            )
            params = (checked_at, kind, title, error, checked_at, feed_id)

        def work(conn: Any) -> None:
            if conn.execute(self._q(sql), params).rowcount == 0:
                raise NotFound(f"no feed with id {feed_id!r} in {self.path}")

        self._in_write("record a feed check", work)

    def record_feed_item(
        self,
        feed_id: str,
        key: str,
        url: str,
        *,
        status: str,
        at: str,
        title: str | None = None,
        published: str | None = None,
        article_id: str | None = None,
        message: str | None = None,
    ) -> None:
        check_status(status)

        def work(conn: Any) -> None:
            if not conn.execute(self._q("SELECT 1 FROM feeds WHERE id = ?"), (feed_id,)).fetchone():
                raise NotFound(f"no feed with id {feed_id!r} in {self.path}")
            conn.execute(
                self._q(
                    "INSERT INTO feed_items (feed_id, item_key, url, title, published, status, "
                    "article_id, message, attempts, first_seen, last_tried) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
                    "ON CONFLICT (feed_id, item_key) DO UPDATE SET "
                    "attempts = feed_items.attempts + 1, last_tried = excluded.last_tried, "
                    "url = excluded.url, status = excluded.status, "
                    "article_id = excluded.article_id, message = excluded.message, "
                    "title = coalesce(excluded.title, feed_items.title), "
                    "published = coalesce(excluded.published, feed_items.published)"
                ),
                (feed_id, key, url, title, published, status, article_id, message, at, at),
            )

        self._in_write("record a feed item", work)

    def record_fetch(
        self,
        url: str,
        *,
        status: str,
        fetched_at: str,
        final_url: str | None = None,
        http_status: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        article_id: str | None = None,
    ) -> None:
        sql = self._q(
            "INSERT INTO fetches (url, final_url, status, http_status, etag, last_modified, "
            "fetched_at, article_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            f"ON CONFLICT (url) DO UPDATE SET {RECORD_FETCH_UPDATE}"
        )
        params = (url, final_url, status, http_status, etag, last_modified, fetched_at, article_id)
        self._in_write("record a fetch", lambda conn: conn.execute(sql, params))

    def record_host(
        self,
        host: str,
        *,
        requests: int = 0,
        failures: int = 0,
        ok_at: str | None = None,
        error: str | None = None,
        error_at: str | None = None,
    ) -> None:
        host = clean_host(host)
        check_count("requests", requests)
        check_count("failures", failures)
        sql = self._q(
            "INSERT INTO hosts (host, requests, failures, last_ok, last_error, last_error_at) "
            f"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (host) DO UPDATE SET {RECORD_HOST_UPDATE}"
        )
        params = (host, requests, failures, ok_at, error, error_at)
        self._in_write("record host counters", lambda conn: conn.execute(sql, params))


class SQLiteFeedsMixin(FeedTables):
    """Feed and fetch-state storage; needs the host's ``_read``, ``_write``, ``_page``, ``path``."""

    def _in_write(self, doing: str, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._write(doing) as conn:
            return work(conn)

    path: str

    if TYPE_CHECKING:  # provided by SQLiteStore

        def _read(self, doing: str) -> AbstractContextManager[sqlite3.Connection]: ...

        def _write(self, doing: str) -> AbstractContextManager[sqlite3.Connection]: ...

        @staticmethod
        def _page(limit: int, offset: int) -> tuple[int, int]: ...

    # -- feeds ---------------------------------------------------------------------------------

    def add_feed(self, url: str, *, name: str | None = None) -> dict[str, Any]:
        url = clean_url(url)
        fid = make_feed_id(url)
        with self._write("add a feed") as conn:
            conn.execute(
                "INSERT INTO feeds (id, seq, url, name, added) "
                "VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM feeds), ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (fid, url, name, now()),
            )
            if name is not None:
                conn.execute("UPDATE feeds SET name = ? WHERE url = ?", (name, url))
            feed = self._feed_by_id(conn, fid)
        if feed is None or feed["url"] != url:  # 48-bit id collision: never silently merge
            raise StoreError(f"cannot add feed {url!r}: its id {fid} is taken by another URL")
        return feed

    def feed(self, ref: str) -> dict[str, Any]:
        with self._read("read a feed") as conn:
            feed = self._feed_by_id(conn, self._resolve_feed(conn, ref))
        if feed is None:  # pragma: no cover - resolved in the same read
            raise NotFound(f"no feed with id or URL {ref!r} in {self.path}")
        return feed

    def remove_feed(self, ref: str) -> dict[str, Any]:
        with self._write("remove a feed") as conn:
            fid = self._resolve_feed(conn, ref)
            feed = self._feed_by_id(conn, fid)
            conn.execute("DELETE FROM feeds WHERE id = ?", (fid,))  # items: ON DELETE CASCADE
        assert feed is not None
        return feed

    def feed_items_done(
        self, feed_id: str, keys: Sequence[str], *, max_attempts: int = 3
    ) -> set[str]:
        wanted = list(dict.fromkeys(keys))  # de-duplicated, order kept
        done: set[str] = set()
        with self._read("read feed items") as conn:
            for start in range(0, len(wanted), IN_CHUNK):
                chunk = wanted[start : start + IN_CHUNK]
                rows = conn.execute(
                    "SELECT item_key FROM feed_items WHERE feed_id = ? "
                    f"AND item_key IN ({', '.join('?' * len(chunk))}) "
                    "AND (status IN ('stored', 'skipped') "
                    "OR (status = 'failed' AND attempts >= ?))",
                    (feed_id, *chunk, max_attempts),
                )
                done.update(r[0] for r in rows)
        return done

    # -- fetch state and hosts -----------------------------------------------------------------
