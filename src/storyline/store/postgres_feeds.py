"""Feeds, feed items, fetch state and host counters on PostgreSQL, mixed into ``PostgresStore``.

The same tables and answers as :mod:`storyline.store.sqlite_feeds`, whose ``FeedTables`` (the
reads and the single-statement writes) and row helpers are reused: this module keeps only what
differs (adding, finding and removing a feed, and ``feed_items_done``). What differs
is that PostgreSQL does not serialise writers, so correctness under concurrency rests on each
write being one statement the database makes atomic:

* counters are incremented inside ``INSERT ... ON CONFLICT DO UPDATE`` (``attempts + 1``,
  ``requests + excluded.requests``): two sessions upserting the same row queue on its lock and
  both increments land;
* ``add_feed`` inserts with a *target-less* ``ON CONFLICT DO NOTHING``: ``feeds`` has two unique
  keys (``id`` and ``url``) and a conflict on a key that is not the conflict target would be an
  error when two sessions add the same URL at the same moment; without a target every unique
  key is an arbiter. The optional name is then set by a separate ``UPDATE`` in the same
  transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from storyline.errors import NotFound, StoreError
from storyline.store.base import feed_id as make_feed_id
from storyline.store.sqlite_feeds import (
    FeedTables,
    clean_url,
    now,
)

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")


class PostgresFeedsMixin(FeedTables):
    """Feed and fetch-state storage; needs the host's ``_read``, ``_write``, ``_page``, ``path``."""

    _PH = "%s"
    path: str

    if TYPE_CHECKING:  # provided by PostgresStore

        def _read(
            self, doing: str, *, snapshot: bool = False
        ) -> AbstractContextManager[psycopg.Connection[Any]]: ...

        def _write(self, doing: str, work: Callable[[psycopg.Connection[Any]], T]) -> T: ...

        @staticmethod
        def _page(limit: int, offset: int) -> tuple[int, int]: ...

    def _in_write(self, doing: str, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        return self._write(doing, work)

    # -- feeds ---------------------------------------------------------------------------------

    def _resolve_feed(self, conn: psycopg.Connection[Any], ref: str) -> str:
        if "\x00" in ref:  # PostgreSQL text cannot hold NUL: such a ref names nothing
            raise NotFound(f"no feed with id or URL {ref.strip()!r} in {self.path}")
        return super()._resolve_feed(conn, ref)

    def add_feed(self, url: str, *, name: str | None = None) -> dict[str, Any]:
        url = clean_url(url)
        fid = make_feed_id(url)

        def work(conn: psycopg.Connection[Any]) -> dict[str, Any] | None:
            conn.execute(
                "INSERT INTO feeds (id, url, name, added) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                (fid, url, name, now()),
            )
            if name is not None:
                conn.execute("UPDATE feeds SET name = %s WHERE url = %s", (name, url))
            return self._feed_by_id(conn, fid)

        feed = self._write("add a feed", work)
        if feed is None or feed["url"] != url:  # 48-bit id collision: never silently merge
            raise StoreError(f"cannot add feed {url!r}: its id {fid} is taken by another URL")
        return feed

    def feed(self, ref: str) -> dict[str, Any]:
        with self._read("read a feed", snapshot=True) as conn:
            feed = self._feed_by_id(conn, self._resolve_feed(conn, ref))
        if feed is None:  # removed between the two statements (snapshot: cannot happen)
            raise NotFound(f"no feed with id or URL {ref!r} in {self.path}")
        return feed

    def remove_feed(self, ref: str) -> dict[str, Any]:
        def work(conn: psycopg.Connection[Any]) -> dict[str, Any]:
            fid = self._resolve_feed(conn, ref)
            # lock the row first: the counts returned are the ones deleted with it
            conn.execute("SELECT 1 FROM feeds WHERE id = %s FOR UPDATE", (fid,))
            feed = self._feed_by_id(conn, fid)
            if feed is None:  # another session removed it meanwhile
                raise NotFound(f"no feed with id or URL {ref!r} in {self.path}")
            conn.execute("DELETE FROM feeds WHERE id = %s", (fid,))  # items: ON DELETE CASCADE
            return feed

        return self._write("remove a feed", work)

    def feed_items_done(
        self, feed_id: str, keys: Sequence[str], *, max_attempts: int = 3
    ) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return set()
        # one array parameter, however many keys: no statement-size or parameter limits
        with self._read("read feed items") as conn:
            rows = conn.execute(
                "SELECT item_key FROM feed_items WHERE feed_id = %s AND item_key = ANY(%s) "
                "AND (status IN ('stored', 'skipped') OR (status = 'failed' AND attempts >= %s))",
                (feed_id, wanted, max_attempts),
            ).fetchall()
        return {r[0] for r in rows}

    # -- fetch state and hosts -----------------------------------------------------------------
