"""The SQLite side of events and storylines (schema 0004), mixed into :class:`SQLiteStore`.

Kept apart from ``sqlite.py`` because it is one job: persist the linker's state (memberships,
scored pairs) and its derived views (event and storyline summaries, merge/split history), and
answer the event queries of the CLI, API and web UI. Every write goes through the host class's
``_write`` (one ``BEGIN IMMEDIATE`` transaction), so a linking run is stored whole or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from storyline.errors import LinkConflict, NotFound, StoreError
from storyline.store.base import LinkSnapshot, LinkUpdate

_EVENT_COLS = "id, seq, title, first_day, last_day, n_articles, storyline_id, summary"
_STORY_COLS = "id, seq, title, first_day, last_day, n_events, n_articles, summary"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _event_row(row: tuple[Any, ...], *, full: bool) -> dict[str, Any]:
    summary = json.loads(row[7])
    out = {
        "id": row[0],
        "title": row[2],
        "first_day": row[3],
        "last_day": row[4],
        "articles": row[5],
        "storyline_id": row[6],
        "type": summary.get("type"),
        "places": [p["name"] for p in summary.get("places", [])[:3]],
        "entities": [e["name"] for e in summary.get("entities", [])[:5]],
        "languages": summary.get("languages", []),
        "outlets": summary.get("outlets", []),
        "where": _main_place(summary.get("places", [])),
    }
    if full:
        out.update(
            {
                "places": summary.get("places", []),
                "entities": summary.get("entities", []),
                "key_points": summary.get("key_points", []),
                "articles": summary.get("articles", []),
                "n_articles": row[5],
            }
        )
    return out


def _main_place(places: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most reported place with coordinates (places are stored most reported first)."""
    for place in places:
        if place.get("lat") is not None and place.get("lon") is not None:
            return {k: place.get(k) for k in ("name", "country", "lat", "lon")}
    return None


def _story_row(row: tuple[Any, ...], *, full: bool) -> dict[str, Any]:
    summary = json.loads(row[7])
    out = {
        "id": row[0],
        "title": row[2],
        "first_day": row[3],
        "last_day": row[4],
        "events": row[5],
        "articles": row[6],
        "languages": summary.get("languages", []),
        "entities": [e["name"] for e in summary.get("entities", [])[:5]],
    }
    if full:
        out.update(
            {
                "entities": summary.get("entities", []),
                "places": summary.get("places", []),
                "timeline": summary.get("timeline", []),
            }
        )
    return out


class SQLiteEventsMixin:
    """Event and storyline storage; needs the host's ``_read``, ``_write``, ``_page``, ``path``."""

    path: str

    if TYPE_CHECKING:  # provided by SQLiteStore

        def _read(self, doing: str) -> AbstractContextManager[sqlite3.Connection]: ...

        def _write(self, doing: str) -> AbstractContextManager[sqlite3.Connection]: ...

        @staticmethod
        def _page(limit: int, offset: int) -> tuple[int, int]: ...

    # -- linker state --------------------------------------------------------------------------

    def unlinked(self, *, limit: int = 1000) -> list[str]:
        limit, _ = self._page(limit, 0)
        with self._read("list articles to link") as conn:
            rows = conn.execute(
                "SELECT a.id FROM articles a JOIN analyses n ON n.article_id = a.id "
                "LEFT JOIN event_articles m ON m.article_id = a.id "
                "WHERE m.article_id IS NULL ORDER BY a.seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [r[0] for r in rows]

    def link_snapshot(self) -> LinkSnapshot:
        with self._read("read the linker state") as conn:
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
    def _link_version(conn: sqlite3.Connection) -> tuple[int, int]:
        """Changes whenever a linking run (or relink) stored something: memberships only grow
        between relinks, and every run that links an article appends to ``link_changes``."""
        n = conn.execute("SELECT count(*) FROM event_articles").fetchone()[0]
        last = conn.execute("SELECT coalesce(max(seq), 0) FROM link_changes").fetchone()[0]
        return int(n), int(last)

    def save_links(self, update: LinkUpdate) -> None:
        now = _now()
        with self._write("store events and storylines") as conn:
            if self._link_version(conn) != tuple(update.based_on):
                raise LinkConflict(
                    f"another process linked {self.path} meanwhile; this run's result was not "
                    "stored (run `storyline link` again)"
                )
            conn.executemany(
                "INSERT INTO event_articles (article_id, event_id, arrival) VALUES (?, ?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET event_id = excluded.event_id",
                update.members,
            )
            conn.executemany(
                "INSERT OR REPLACE INTO link_pairs (a, b, score, near) VALUES (?, ?, ?, ?)",
                [(*sorted((a, b)), s, int(n)) for a, b, s, n in update.pairs],
            )
            if update.removed_events:
                conn.executemany(
                    "DELETE FROM events WHERE id = ?", [(e,) for e in update.removed_events]
                )
            for ev in update.events:
                conn.execute("DELETE FROM events WHERE id = ?", (ev["id"],))
                conn.execute(
                    f"INSERT INTO events ({_EVENT_COLS}, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                conn.executemany(
                    "INSERT OR IGNORE INTO event_keys (event_id, kind, key) VALUES (?, ?, ?)",
                    [(ev["id"], k, v) for k, v in sorted(ev.get("keys", []))],
                )
            conn.executemany(
                "UPDATE events SET storyline_id = ? WHERE id = ?",
                [(s, e) for e, s in update.story_of.items()],
            )
            if update.removed_storylines:
                conn.executemany(
                    "DELETE FROM storylines WHERE id = ?",
                    [(s,) for s in update.removed_storylines],
                )
            for st in update.storylines:
                conn.execute(
                    f"INSERT OR REPLACE INTO storylines ({_STORY_COLS}, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    ),
                )
            conn.executemany(
                "INSERT OR REPLACE INTO link_redirects (kind, old_id, new_id) VALUES (?, ?, ?)",
                update.redirects,
            )
            conn.executemany(
                "INSERT INTO link_changes (at, kind, target_id, other_ids, article_id) "
                "VALUES (?, ?, ?, ?, ?)",
                [(now, k, t, json.dumps(o), a) for k, t, o, a in update.changes],
            )

    def clear_links(self) -> None:
        with self._write("clear events and storylines") as conn:
            for table in (
                "event_keys",
                "events",
                "event_articles",
                "link_pairs",
                "storylines",
                "link_redirects",
                "link_changes",
            ):
                conn.execute(f"DELETE FROM {table}")

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
            where.append("coalesce(e.last_day, e.first_day) >= ?")
            params.append(since)
        for kind, keys in (("entity", entity_keys), ("place", place_keys)):
            if keys is not None:
                marks = ", ".join("?" * len(keys)) or "NULL"
                # listed once from the key index: testing each event, latest first, with an
                # EXISTS read all 20k events for an entity with few of them (60 ms)
                where.append(
                    f"e.id IN (SELECT k.event_id FROM event_keys k WHERE k.kind = ? "
                    f"AND k.key IN ({marks}))"
                )
                params.extend([kind, *keys])
        if storyline:
            where.append("e.storyline_id = ?")
            params.append(storyline)
        sql = f"SELECT {_EVENT_COLS} FROM events e"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.first_day IS NULL, e.first_day DESC, e.seq DESC LIMIT ? OFFSET ?"
        with self._read("list events") as conn:
            rows = conn.execute(sql, [*params, limit, offset]).fetchall()
        return [_event_row(r, full=False) for r in rows]

    def _resolve_link_id(
        self, conn: sqlite3.Connection, kind: str, ref: str
    ) -> tuple[str | None, bool]:
        """``(current id, whether it was reached through a merge redirect)``."""
        table = "events" if kind == "event" else "storylines"
        ref = ref.strip()
        redirected = False
        for _ in range(64):  # follow merges
            if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (ref,)).fetchone():
                return ref, redirected
            row = conn.execute(
                "SELECT new_id FROM link_redirects WHERE kind = ? AND old_id = ?", (kind, ref)
            ).fetchone()
            if row is None:
                break
            ref, redirected = row[0], True
        prefix = ref.replace("%", "").replace("_", "")
        if len(prefix) >= 4:
            rows = conn.execute(
                f"SELECT id FROM {table} WHERE id LIKE ? LIMIT 2",
                (prefix + "%",),
            ).fetchall()
            if len(rows) == 1:
                return rows[0][0], False
            if len(rows) > 1:
                raise StoreError(f"{kind} id prefix {ref!r} is ambiguous; give more characters")
        return None, False

    def _changes(self, conn: sqlite3.Connection, target: str) -> list[dict[str, Any]]:
        return [
            {"at": at, "kind": k, "target": t, "others": json.loads(o), "article_id": a}
            for at, k, t, o, a in conn.execute(
                "SELECT at, kind, target_id, other_ids, article_id FROM link_changes "
                "WHERE target_id = ? OR seq IN (SELECT change_seq FROM link_change_refs "
                "WHERE ref_id = ?) ORDER BY seq",
                (target, target),
            )
        ]

    def event(self, ref: str) -> dict[str, Any]:
        with self._read("read an event") as conn:
            eid, redirected = self._resolve_link_id(conn, "event", ref)
            if eid is None:
                raise NotFound(f"no event {ref!r} in {self.path}")
            row = conn.execute(f"SELECT {_EVENT_COLS} FROM events WHERE id = ?", (eid,)).fetchone()
            out = _event_row(row, full=True)
            out["changes"] = self._changes(conn, eid)
            if redirected:
                out["requested"] = ref.strip()
        return out

    def event_of(self, article_id: str) -> str | None:
        with self._read("read an article's event") as conn:
            row = conn.execute(
                "SELECT event_id FROM event_articles WHERE article_id = ?", (article_id,)
            ).fetchone()
        return row[0] if row else None

    def pair_scores(self, article_ids: list[str]) -> list[dict[str, Any]]:
        ids = sorted(set(article_ids))
        if len(ids) < 2:
            return []
        marks = ", ".join("?" * len(ids))
        with self._read("read pair scores") as conn:
            rows = conn.execute(
                f"SELECT a, b, score, near FROM link_pairs WHERE a IN ({marks}) "
                f"AND b IN ({marks}) ORDER BY a, b",
                [*ids, *ids],
            ).fetchall()
        return [{"a": a, "b": b, "score": round(s, 4), "near": bool(n)} for a, b, s, n in rows]

    def storylines(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        limit, offset = self._page(limit, offset)
        with self._read("list storylines") as conn:
            rows = conn.execute(
                f"SELECT {_STORY_COLS} FROM storylines "
                "ORDER BY last_day IS NULL, last_day DESC, n_articles DESC, seq LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [_story_row(r, full=False) for r in rows]

    def storyline(self, ref: str) -> dict[str, Any]:
        with self._read("read a storyline") as conn:
            sid, redirected = self._resolve_link_id(conn, "storyline", ref)
            if sid is None:
                raise NotFound(f"no storyline {ref!r} in {self.path}")
            row = conn.execute(
                f"SELECT {_STORY_COLS} FROM storylines WHERE id = ?", (sid,)
            ).fetchone()
            out = _story_row(row, full=True)
            out["changes"] = self._changes(conn, sid)
            if redirected:
                out["requested"] = ref.strip()
        return out


__all__ = ["SQLiteEventsMixin"]
