"""Events and storylines on PostgreSQL, mixed into ``PostgresStore``.

The same state and queries as :mod:`storyline.store.sqlite_events` (whose row helpers are reused,
so both backends return the same shapes), in PostgreSQL's dialect. The one thing SQLite gets for
free is the optimistic check of :meth:`save_links`: there, ``BEGIN IMMEDIATE`` makes "is the
state still the one this run read?" and the writes one atomic step. Here both ``save_links`` and
``clear_links`` first lock the single ``link_lock`` row (``SELECT ... FOR UPDATE``); a second
linker waits for the first to commit, then sees its writes (READ COMMITTED reads the latest
committed state in each statement) and gets :class:`~storyline.errors.LinkConflict`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from storyline.errors import LinkConflict, NotFound, StoreError
from storyline.store.base import LinkSnapshot, LinkUpdate
from storyline.store.sqlite_events import (
    _EVENT_COLS,
    _STORY_COLS,
    _event_row,
    _now,
    _story_row,
)

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

_LINK_TABLES = (
    "event_keys",
    "events",
    "event_articles",
    "link_pairs",
    "storylines",
    "link_redirects",
    "link_changes",
)


class PostgresEventsMixin:
    """Event and storyline storage; needs the host's ``_read``, ``_write``, ``_page``, ``path``."""

    path: str

    if TYPE_CHECKING:  # provided by PostgresStore

        def _read(
            self, doing: str, *, snapshot: bool = False
        ) -> AbstractContextManager[psycopg.Connection[Any]]: ...

        def _write(self, doing: str, work: Callable[[psycopg.Connection[Any]], T]) -> T: ...

        @staticmethod
        def _page(limit: int, offset: int) -> tuple[int, int]: ...

    # -- linker state --------------------------------------------------------------------------

    def unlinked(self, *, limit: int = 1000) -> list[str]:
        limit, _ = self._page(limit, 0)
        with self._read("list articles to link") as conn:
            rows = conn.execute(
                "SELECT a.id FROM articles a JOIN analyses n ON n.article_id = a.id "
                "LEFT JOIN event_articles m ON m.article_id = a.id "
                "WHERE m.article_id IS NULL ORDER BY a.seq LIMIT %s",
                (limit,),
            ).fetchall()
        return [r[0] for r in rows]

    def link_snapshot(self) -> LinkSnapshot:
        # one REPEATABLE READ transaction: every part (and the version) from the same state
        with self._read("read the linker state", snapshot=True) as conn:
            members = [
                (a, e, int(n))
                for a, e, n in conn.execute(
                    "SELECT article_id, event_id, arrival FROM event_articles ORDER BY arrival"
                )
            ]
            pairs = [
                (a, b, float(s), bool(n))
                for a, b, s, n in conn.execute("SELECT a, b, score, near FROM link_pairs")
            ]
            event_seq = {i: int(s) for i, s in conn.execute("SELECT id, seq FROM events")}
            redirects = {
                o: n
                for o, n in conn.execute(
                    "SELECT old_id, new_id FROM link_redirects WHERE kind = 'event'"
                )
            }
            story_of = {
                i: s
                for i, s in conn.execute(
                    "SELECT id, storyline_id FROM events WHERE storyline_id IS NOT NULL"
                )
            }
            story_seq = {i: int(s) for i, s in conn.execute("SELECT id, seq FROM storylines")}
            version = self._link_version(conn)
        return LinkSnapshot(members, pairs, event_seq, redirects, story_of, story_seq, version)

    @staticmethod
    def _link_version(conn: psycopg.Connection[Any]) -> tuple[int, int]:
        """As in SQLite: memberships only grow between relinks, and every run that links an
        article appends to ``link_changes``."""
        n, last = conn.execute(
            "SELECT (SELECT count(*) FROM event_articles), "
            "(SELECT coalesce(max(seq), 0) FROM link_changes)"
        ).fetchone()
        return int(n), int(last)

    def save_links(self, update: LinkUpdate) -> None:
        now = _now()

        def work(conn: psycopg.Connection[Any]) -> None:
            conn.execute("SELECT id FROM link_lock WHERE id = 1 FOR UPDATE")
            if self._link_version(conn) != tuple(update.based_on):
                raise LinkConflict(
                    f"another process linked {self.path} meanwhile; this run's result was not "
                    "stored (run `storyline link` again)"
                )
            with conn.cursor() as cur:
                self._save_links(cur, update, now)

        self._write("store events and storylines", work)

    @staticmethod
    def _save_links(cur: psycopg.Cursor[Any], update: LinkUpdate, now: str) -> None:
        cur.executemany(
            "INSERT INTO event_articles (article_id, event_id, arrival) VALUES (%s, %s, %s) "
            "ON CONFLICT (article_id) DO UPDATE SET event_id = excluded.event_id",
            update.members,
        )
        cur.executemany(
            "INSERT INTO link_pairs (a, b, score, near) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (a, b) DO UPDATE SET score = excluded.score, near = excluded.near",
            [(*sorted((a, b)), s, int(n)) for a, b, s, n in update.pairs],
        )
        if update.removed_events:
            cur.execute(
                "DELETE FROM events WHERE id = ANY(%s::text[])", (list(update.removed_events),)
            )
        for ev in update.events:
            cur.execute("DELETE FROM events WHERE id = %s", (ev["id"],))
            cur.execute(
                f"INSERT INTO events ({_EVENT_COLS}, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    ev["id"],
                    ev["seq"],
                    ev["title"],
                    ev["first_day"],
                    ev["last_day"],
                    len(ev["articles"]),
                    ev.get("storyline_id"),
                    json.dumps(ev, ensure_ascii=False, separators=(",", ":")),
                    now,
                ),
            )
            cur.executemany(
                "INSERT INTO event_keys (event_id, kind, key) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                [(ev["id"], k, v) for k, v in sorted(ev.get("keys", []))],
            )
        cur.executemany(
            "UPDATE events SET storyline_id = %s WHERE id = %s",
            [(s, e) for e, s in update.story_of.items()],
        )
        if update.removed_storylines:
            cur.execute(
                "DELETE FROM storylines WHERE id = ANY(%s::text[])",
                (list(update.removed_storylines),),
            )
        cur.executemany(
            f"INSERT INTO storylines ({_STORY_COLS}, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
            "seq = excluded.seq, title = excluded.title, first_day = excluded.first_day, "
            "last_day = excluded.last_day, n_events = excluded.n_events, "
            "n_articles = excluded.n_articles, summary = excluded.summary, "
            "updated_at = excluded.updated_at",
            [
                (
                    st["id"],
                    st["seq"],
                    st["title"],
                    st["first_day"],
                    st["last_day"],
                    len(st["timeline"]),
                    st["n_articles"],
                    json.dumps(st, ensure_ascii=False, separators=(",", ":")),
                    now,
                )
                for st in update.storylines
            ],
        )
        cur.executemany(
            "INSERT INTO link_redirects (kind, old_id, new_id) VALUES (%s, %s, %s) "
            "ON CONFLICT (kind, old_id) DO UPDATE SET new_id = excluded.new_id",
            update.redirects,
        )
        cur.executemany(
            "INSERT INTO link_changes (at, kind, target_id, other_ids, article_id) "
            "VALUES (%s, %s, %s, %s, %s)",
            [(now, k, t, json.dumps(o), a) for k, t, o, a in update.changes],
        )

    def clear_links(self) -> None:
        def work(conn: psycopg.Connection[Any]) -> None:
            conn.execute("SELECT id FROM link_lock WHERE id = 1 FOR UPDATE")
            for table in _LINK_TABLES:
                conn.execute(f"DELETE FROM {table}")

        self._write("clear events and storylines", work)

    # -- queries -------------------------------------------------------------------------------

    def events(
        self,
        *,
        since: str | None = None,
        entity_keys: list[str] | None = None,
        place_keys: list[str] | None = None,
        storyline: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        limit, offset = self._page(limit, offset)
        where: list[str] = []
        params: list[Any] = []
        if since:
            where.append("coalesce(e.last_day, e.first_day) >= %s")
            params.append(since)
        for kind, keys in (("entity", entity_keys), ("place", place_keys)):
            if keys is not None:
                where.append(
                    "EXISTS (SELECT 1 FROM event_keys k WHERE k.event_id = e.id "
                    "AND k.kind = %s AND k.key = ANY(%s::text[]))"
                )
                params.extend([kind, list(keys)])
        if storyline:
            where.append("e.storyline_id = %s")
            params.append(storyline)
        sql = f"SELECT {_EVENT_COLS} FROM events e"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.first_day IS NULL, e.first_day DESC, e.seq DESC LIMIT %s OFFSET %s"
        with self._read("list events") as conn:
            rows = conn.execute(sql, [*params, limit, offset]).fetchall()
        return [_event_row(r, full=False) for r in rows]

    def _resolve_link_id(
        self, conn: psycopg.Connection[Any], kind: str, ref: str
    ) -> tuple[str | None, bool]:
        """``(current id, whether it was reached through a merge redirect)``."""
        table = "events" if kind == "event" else "storylines"
        ref = ref.strip()
        if "\x00" in ref:
            return None, False
        redirected = False
        for _ in range(64):  # follow merges
            if conn.execute(f"SELECT 1 FROM {table} WHERE id = %s", (ref,)).fetchone():
                return ref, redirected
            row = conn.execute(
                "SELECT new_id FROM link_redirects WHERE kind = %s AND old_id = %s", (kind, ref)
            ).fetchone()
            if row is None:
                break
            ref, redirected = row[0], True
        prefix = ref.replace("%", "").replace("_", "").replace("\\", "")
        if len(prefix) >= 4:
            # ILIKE: SQLite's LIKE ignores ASCII case, so "EV12AB" finds "ev12ab..." there too
            rows = conn.execute(
                f"SELECT id FROM {table} WHERE id ILIKE %s ORDER BY id LIMIT 2",
                (prefix + "%",),
            ).fetchall()
            if len(rows) == 1:
                return rows[0][0], False
            if len(rows) > 1:
                raise StoreError(f"{kind} id prefix {ref!r} is ambiguous; give more characters")
        return None, False

    @staticmethod
    def _changes(conn: psycopg.Connection[Any], target: str) -> list[dict[str, Any]]:
        return [
            {"at": at, "kind": k, "target": t, "others": json.loads(o), "article_id": a}
            for at, k, t, o, a in conn.execute(
                "SELECT at, kind, target_id, other_ids, article_id FROM link_changes "
                "WHERE target_id = %s OR seq IN (SELECT change_seq FROM link_change_refs "
                "WHERE ref_id = %s) ORDER BY seq",
                (target, target),
            )
        ]

    def event(self, ref: str) -> dict[str, Any]:
        with self._read("read an event", snapshot=True) as conn:
            eid, redirected = self._resolve_link_id(conn, "event", ref)
            if eid is None:
                raise NotFound(f"no event {ref!r} in {self.path}")
            row = conn.execute(f"SELECT {_EVENT_COLS} FROM events WHERE id = %s", (eid,)).fetchone()
            out = _event_row(row, full=True)
            out["changes"] = self._changes(conn, eid)
            if redirected:
                out["requested"] = ref.strip()
        return out

    def event_of(self, article_id: str) -> str | None:
        if "\x00" in article_id:
            return None
        with self._read("read an article's event") as conn:
            row = conn.execute(
                "SELECT event_id FROM event_articles WHERE article_id = %s", (article_id,)
            ).fetchone()
        return row[0] if row else None

    def pair_scores(self, article_ids: list[str]) -> list[dict[str, Any]]:
        ids = sorted(set(article_ids))
        if len(ids) < 2:
            return []
        with self._read("read pair scores") as conn:
            rows = conn.execute(
                "SELECT a, b, score, near FROM link_pairs WHERE a = ANY(%s::text[]) "
                "AND b = ANY(%s::text[]) ORDER BY a, b",
                (ids, ids),
            ).fetchall()
        return [{"a": a, "b": b, "score": round(s, 4), "near": bool(n)} for a, b, s, n in rows]

    def storylines(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        limit, offset = self._page(limit, offset)
        with self._read("list storylines") as conn:
            rows = conn.execute(
                f"SELECT {_STORY_COLS} FROM storylines "
                "ORDER BY last_day IS NULL, last_day DESC, n_articles DESC, seq "
                "LIMIT %s OFFSET %s",
                (limit, offset),
            ).fetchall()
        return [_story_row(r, full=False) for r in rows]

    def storyline(self, ref: str) -> dict[str, Any]:
        with self._read("read a storyline", snapshot=True) as conn:
            sid, redirected = self._resolve_link_id(conn, "storyline", ref)
            if sid is None:
                raise NotFound(f"no storyline {ref!r} in {self.path}")
            row = conn.execute(
                f"SELECT {_STORY_COLS} FROM storylines WHERE id = %s", (sid,)
            ).fetchone()
            out = _story_row(row, full=True)
            out["changes"] = self._changes(conn, sid)
            if redirected:
                out["requested"] = ref.strip()
        return out


__all__ = ["PostgresEventsMixin"]
