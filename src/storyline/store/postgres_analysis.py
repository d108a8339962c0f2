"""Analyses and the entity registry on PostgreSQL, mixed into ``PostgresStore``.

The same statements and rules as :class:`~storyline.store.sqlite.SQLiteStore` (whose docstrings
explain them), in PostgreSQL's dialect. What differs is concurrency: SQLite runs one analysis
write at a time, PostgreSQL runs them side by side, so

* a new registry entry is ``INSERT ... ON CONFLICT DO NOTHING`` (its id is derived from
  ``(label, key)``, so whoever wins, the id is the same);
* a longer display name replaces a shorter one with one conditional ``UPDATE`` (no lost update);
* two analyses touching the same entities in different orders can deadlock: the host's
  ``_write`` re-runs the whole transaction when PostgreSQL reports that.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from storyline.analyse.types import Analysis
from storyline.errors import NotFound, StoreError
from storyline.store.base import entity_matches
from storyline.store.sqlite import SQLiteStore, _now

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

_ENTITY_SQL = """
    SELECT e.id, e.label, e.name, sum(m.mentions) AS mentions, count(*) AS articles,
           min(m.day) AS first_seen, max(m.day) AS last_seen,
           (SELECT string_agg(DISTINCT x.language, ',') FROM entity_aliases x
             WHERE x.entity_id = e.id) AS languages
    FROM entities e JOIN entity_mentions m ON m.entity_id = e.id
"""


class PostgresAnalysisMixin:
    """Analysis storage; needs the host's ``_read``, ``_write``, ``_page``, ``_resolve``, ``_q``,
    ``path``."""

    path: str
    # the same row -> dict conversion as SQLite, so both backends return the same shapes
    _ENTITY_KEYS = SQLiteStore._ENTITY_KEYS
    _entity_dict = SQLiteStore._entity_dict

    if TYPE_CHECKING:  # provided by PostgresStore

        def _read(
            self, doing: str, *, snapshot: bool = False
        ) -> AbstractContextManager[psycopg.Connection[Any]]: ...

        def _write(self, doing: str, work: Callable[[psycopg.Connection[Any]], T]) -> T: ...

        @staticmethod
        def _page(limit: int, offset: int) -> tuple[int, int]: ...

        def _resolve(self, conn: psycopg.Connection[Any], ref: str) -> str: ...

        def _q(self, sql: str) -> str: ...

    def put_analysis(self, analysis: Analysis, version: str) -> None:
        from storyline.analyse.registry import entity_id, mention_rows

        # CPU-bound preparation outside the transaction
        rows = mention_rows(analysis)
        data = json.dumps(analysis.to_dict(), ensure_ascii=False)
        guess = analysis.published_inferred
        day = analysis.published or (guess.value if guess and guess.confidence >= 0.5 else None)
        event = analysis.event
        places: dict[tuple[str, str], list[Any]] = {}
        for p in analysis.places:
            k = (p.name, p.kind)
            if k in places:
                places[k][5] += 1
                places[k][6] = places[k][6] or int(p.dateline)
            else:
                places[k] = [p.name, p.country, p.kind, p.lat, p.lon, 1, int(p.dateline)]
        lang = analysis.language or "und"
        aid = analysis.article_id

        def work(conn: psycopg.Connection[Any]) -> None:
            if not conn.execute("SELECT 1 FROM articles WHERE id = %s", (aid,)).fetchone():
                raise NotFound(f"no article with id {aid!r} in {self.path}")
            conn.execute(
                "INSERT INTO analyses (article_id, version, language, published, "
                "published_inferred, event_type, event_when, event_where, event_country, data, "
                "analysed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, "
                "language = excluded.language, published = excluded.published, "
                "published_inferred = excluded.published_inferred, "
                "event_type = excluded.event_type, event_when = excluded.event_when, "
                "event_where = excluded.event_where, event_country = excluded.event_country, "
                "data = excluded.data, analysed_at = excluded.analysed_at",
                (
                    aid,
                    version,
                    analysis.language,
                    analysis.published,
                    guess.value if guess else None,
                    event.type if event else None,
                    event.when if event else None,
                    event.where if event else None,
                    event.country if event else None,
                    data,
                    _now(),
                ),
            )
            conn.execute("DELETE FROM entity_mentions WHERE article_id = %s", (aid,))
            conn.execute("DELETE FROM entity_aliases WHERE article_id = %s", (aid,))
            conn.execute("DELETE FROM article_places WHERE article_id = %s", (aid,))
            with conn.cursor() as cur:
                for row in rows:
                    eid = self._entity_for(conn, row.label, row.key, row.name, entity_id)
                    cur.execute(
                        "INSERT INTO entity_mentions (entity_id, article_id, mentions, day) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT (entity_id, article_id) "
                        "DO UPDATE SET mentions = entity_mentions.mentions + excluded.mentions",
                        (eid, aid, row.mentions, day),
                    )
                    cur.executemany(
                        "INSERT INTO entity_aliases (entity_id, article_id, alias, alias_key, "
                        "language, mentions) VALUES (%s, %s, %s, %s, %s, %s) "
                        "ON CONFLICT (entity_id, article_id, alias) "
                        "DO UPDATE SET mentions = entity_aliases.mentions + excluded.mentions",
                        [(eid, aid, a, k, lang, n) for a, k, n in row.aliases],
                    )
                cur.executemany(
                    "INSERT INTO article_places (article_id, name, country, kind, lat, lon, "
                    "mentions, dateline) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [(aid, *v) for v in places.values()],
                )

        self._write("store an analysis", work)

    @classmethod
    def _entity_for(
        cls,
        conn: psycopg.Connection[Any],
        label: str,
        key: str,
        name: str,
        make_id: Callable[[str, str], str],
    ) -> str:
        """The registry entry for ``(label, key)``, created if new (rules as in SQLite: a
        one-word person name joins the one registered full name ending with it)."""
        row = conn.execute(
            "SELECT id, name FROM entities WHERE label = %s AND key = %s", (label, key)
        ).fetchone()
        if row is None and label == "PER" and " " not in key:
            found = cls._people_with_surname(conn, key, limit=2)
            if len(found) == 1:
                return found[0]
        if row is None:
            eid = make_id(label, key)
            conn.execute(
                "INSERT INTO entities (id, label, key, name) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (label, key) DO NOTHING",
                (eid, label, key, name),
            )
            return eid
        if len(name) > len(row[1]):
            conn.execute(
                "UPDATE entities SET name = %s WHERE id = %s AND length(name) < %s",
                (name, row[0], len(name)),
            )
        return str(row[0])

    @staticmethod
    def _people_with_surname(
        conn: psycopg.Connection[Any], surname_key: str, *, limit: int | None = None
    ) -> list[str]:
        """Ids of registered persons whose folded full name ends with ``surname_key``."""
        pattern = "% " + surname_key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            "SELECT id FROM entities WHERE label = 'PER' AND key LIKE %s ESCAPE '\\' "
            "ORDER BY id LIMIT %s",
            (pattern, limit),
        )
        return [str(r[0]) for r in rows]

    def get_analysis(self, ref: str, *, version: str | None = None) -> Analysis | None:
        with self._read("read an analysis") as conn:
            article_id = self._resolve(conn, ref)
            row = conn.execute(
                "SELECT data, version FROM analyses WHERE article_id = %s", (article_id,)
            ).fetchone()
        if row is None or (version is not None and row[1] != version):
            return None
        return Analysis.from_dict(json.loads(row[0]))

    def pending_analysis(self, version: str, *, limit: int = 1000) -> list[str]:
        limit, _ = self._page(limit, 0)
        with self._read("list articles to analyse") as conn:
            rows = conn.execute(
                "SELECT a.id FROM articles a LEFT JOIN analyses n ON n.article_id = a.id "
                "WHERE n.article_id IS NULL OR n.version <> %s ORDER BY a.seq LIMIT %s",
                (version, limit),
            ).fetchall()
        return [r[0] for r in rows]

    def entities(
        self,
        *,
        label: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        from storyline.analyse.registry import entity_key

        limit, offset = self._page(limit, offset)
        where: list[str] = []
        params: list[Any] = []
        if label:
            where.append("e.label = %s")
            params.append(label.upper())
        if query:
            key = entity_key(query)
            if not key:
                raise StoreError(f"entity query {query!r} contains no name")
            like = "%" + key.replace("\\", "").replace("%", "").replace("_", "") + "%"
            where.append(
                "(e.key LIKE %s OR EXISTS (SELECT 1 FROM entity_aliases x "
                "WHERE x.entity_id = e.id AND x.alias_key LIKE %s))"
            )
            params.extend([like, like])
        sql = _ENTITY_SQL
        if where:
            sql += " WHERE " + " AND ".join(where)
        # ties in SQLite's order: its GROUP BY walks the primary key, and its sort keeps that
        sql += " GROUP BY e.id ORDER BY mentions DESC, e.name, e.id LIMIT %s OFFSET %s"
        with self._read("list entities") as conn:
            rows = conn.execute(sql, [*params, limit, offset]).fetchall()
        return [self._entity_dict(r) for r in rows]

    def entity_ids(self, ref: str) -> tuple[str, ...]:
        with self._read("look up an entity") as conn:
            return tuple(entity_matches(conn, ref.strip(), self._q, self._people_with_surname))

    def entity(self, ref: str) -> dict[str, Any]:
        ref = ref.strip()
        with self._read("read an entity", snapshot=True) as conn:
            ids = entity_matches(conn, ref, self._q, self._people_with_surname)
            if not ids:
                raise NotFound(f"no entity named {ref!r} in {self.path}")
            if len(ids) > 1:
                rows = conn.execute(
                    _ENTITY_SQL + " WHERE e.id = ANY(%s::text[]) GROUP BY e.id "
                    "ORDER BY mentions DESC, e.id",
                    (ids,),
                ).fetchall()
                if len(rows) == 1:
                    ids = [rows[0][0]]
                else:
                    shown = ", ".join(f"{r[0]} ({r[1]} {r[2]})" for r in rows[:6])
                    raise StoreError(f"{ref!r} names several entities: {shown}; give the id")
            eid = ids[0]
            row = conn.execute(_ENTITY_SQL + " WHERE e.id = %s GROUP BY e.id", (eid,)).fetchone()
            if row is None:
                raise NotFound(f"entity {ref!r} is no longer mentioned in {self.path}")
            out = self._entity_dict(row)
            out["aliases"] = [
                {"alias": a, "language": lang, "mentions": n}
                for a, lang, n in conn.execute(
                    "SELECT alias, language, sum(mentions) AS n FROM entity_aliases "
                    "WHERE entity_id = %s GROUP BY alias, language "
                    "ORDER BY n DESC, alias, language",
                    (eid,),
                )
            ]
            out["timeline"] = [
                {"day": d, "mentions": n, "articles": k}
                for d, n, k in conn.execute(
                    "SELECT day, sum(mentions), count(*) FROM entity_mentions "
                    "WHERE entity_id = %s GROUP BY day ORDER BY day IS NULL, day",
                    (eid,),
                )
            ]
            out["recent"] = [
                {"id": i, "title": t, "published": p, "day": d, "mentions": n}
                for i, t, p, d, n in conn.execute(
                    "SELECT a.id, a.title, a.published, m.day, m.mentions FROM entity_mentions m "
                    "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = %s "
                    "ORDER BY m.day IS NULL, m.day DESC, a.seq DESC LIMIT 20",
                    (eid,),
                )
            ]
        return out


__all__ = ["PostgresAnalysisMixin"]
